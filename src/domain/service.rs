//! Service slugs: `messenger`, `business_channel`, `mobility`, `payments`, ...

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::money::{coded_error, string_schema};

/// Published in the JSON Schemas; kept in step with [`ServiceSlug::parse`].
pub const SERVICE_PATTERN: &str = "^[a-z][a-z0-9_]{1,39}$";

/// A lower-case identifier of an affected service.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceSlug(String);

impl ServiceSlug {
    pub fn parse(text: &str) -> Result<ServiceSlug, (&'static str, String)> {
        let bytes = text.as_bytes();
        let valid = (2..=40).contains(&bytes.len())
            && bytes[0].is_ascii_lowercase()
            && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
        if valid {
            Ok(ServiceSlug(text.to_owned()))
        } else {
            Err((
                "invalid_service",
                "must be a slug of 2 to 40 lower-case letters, digits or '_', e.g. messenger".to_owned(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ServiceSlug {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ServiceSlug::parse(&text).map_err(|(code, message)| coded_error(code, &message))
    }
}

impl Serialize for ServiceSlug {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl schemars::JsonSchema for ServiceSlug {
    fn schema_name() -> String {
        "ServiceSlug".to_owned()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        string_schema(Some(SERVICE_PATTERN), None, "Service slug, e.g. messenger")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_identifiers() {
        for good in ["messenger", "business_channel", "p2"] {
            assert!(ServiceSlug::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "m", "Messenger", "2fa", "a-b", "a b", &"x".repeat(41)] {
            assert!(ServiceSlug::parse(bad).is_err(), "{bad}");
        }
    }
}
