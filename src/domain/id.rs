//! Ids are UUIDs written in the hyphenated form: the only form the API writes, and what the
//! `uuid` format of JSON Schema means. Other spellings (braces, `urn:uuid:`, no hyphens) are
//! refused, so the published schema and the parser agree exactly.

/// The canonical (lower-case, hyphenated) form of `text`, when `text` is a hyphenated UUID.
pub fn parse(text: &str) -> Option<String> {
    (text.len() == 36).then(|| uuid::Uuid::try_parse(text).ok()).flatten().map(|id| id.to_string())
}

/// The JSON Schema of an id: a string in the `uuid` format.
pub fn schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
    use schemars::schema::{InstanceType, SchemaObject};
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        format: Some("uuid".to_owned()),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_hyphenated_uuids_are_ids() {
        let id = "0190A2B4-0000-7000-8000-000000000001";
        assert_eq!(super::parse(id).as_deref(), Some("0190a2b4-0000-7000-8000-000000000001"));
        for bad in [
            "",
            "x",
            "0190a2b4000070008000000000000001",
            "{0190a2b4-0000-7000-8000-000000000001}",
            "urn:uuid:0190a2b4-0000-7000-8000-000000000001",
            "0190a2b4-0000-7000-8000-00000000000g",
        ] {
            assert_eq!(super::parse(bad), None, "{bad}");
        }
    }
}
