//! Typed ids and cursors of list queries. Each one refuses what it cannot mean with a coded 422
//! naming the parameter, and publishes exactly that rule in the OpenAPI document.

use serde::{Deserialize, Deserializer};

use crate::domain::money::coded_error;

/// An id in a query (`?incident_id=`, and the `?cursor=` of lists ordered by id): a UUID,
/// kept in its canonical lower-case hyphenated form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdParam(String);

impl IdParam {
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for IdParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        crate::domain::id::parse(&text)
            .map(IdParam)
            .ok_or_else(|| coded_error("invalid_id", "must be an id (a UUID) this API returned"))
    }
}

impl schemars::JsonSchema for IdParam {
    fn schema_name() -> String {
        "IdParam".to_owned()
    }

    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        crate::domain::id::schema(gen)
    }
}

/// The `?cursor=` of lists ordered by a sequence number (audit events, payout lines): the
/// number of the last item already seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqParam(i64);

/// Up to 18 digits always fits an `i64`.
const SEQ_PATTERN: &str = "^[0-9]{1,18}$";

impl SeqParam {
    pub fn value(self) -> i64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for SeqParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let digits = (1..=18).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
        digits
            .then(|| text.parse().ok())
            .flatten()
            .map(SeqParam)
            .ok_or_else(|| coded_error("invalid_cursor", "is not a cursor this API returned"))
    }
}

impl schemars::JsonSchema for SeqParam {
    fn schema_name() -> String {
        "SeqParam".to_owned()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        crate::domain::money::string_schema(Some(SEQ_PATTERN), None, "next_cursor of the previous page")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Query {
        id: Option<IdParam>,
        seq: Option<SeqParam>,
    }

    fn parse(query: &str) -> Result<Query, String> {
        serde_urlencoded::from_str(query).map_err(|e| e.to_string())
    }

    #[test]
    fn ids_are_uuids_in_canonical_form() {
        let id = "0190A2B4-0000-7000-8000-000000000001";
        let parsed = parse(&format!("id={id}")).unwrap().id.unwrap();
        assert_eq!(parsed.into_string(), id.to_lowercase());
        for bad in ["", "x", "0190a2b4000070008000000000000001"] {
            let error = parse(&format!("id={bad}")).unwrap_err();
            assert!(error.starts_with("invalid_id: "), "{bad}: {error}");
        }
    }

    #[test]
    fn sequence_cursors_are_digits_that_fit() {
        assert_eq!(parse("seq=42").unwrap().seq.unwrap().value(), 42);
        assert_eq!(parse("seq=999999999999999999").unwrap().seq.unwrap().value(), 999_999_999_999_999_999);
        for bad in ["", "-1", "+1", "1.0", "abc", "1234567890123456789"] {
            let error = parse(&format!("seq={bad}")).unwrap_err();
            assert!(error.starts_with("invalid_cursor: "), "{bad}: {error}");
        }
    }
}
