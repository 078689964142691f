//! Schemas of the answers that are not JSON values of the code's own types.

use schemars::gen::SchemaGenerator;
use schemars::JsonSchema;

/// The Prometheus text exposition format.
pub struct PrometheusText;

impl JsonSchema for PrometheusText {
    fn schema_name() -> String {
        "PrometheusText".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::schema::Schema {
        crate::domain::money::string_schema(None, None, "Prometheus text exposition format")
    }
}

/// A CSV document.
pub struct CsvText;

impl JsonSchema for CsvText {
    fn schema_name() -> String {
        "CsvText".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::schema::Schema {
        crate::domain::money::string_schema(None, None, "CSV text with a header row")
    }
}

/// `{"status": "..."}` of the health endpoints.
#[derive(serde::Serialize, JsonSchema)]
pub struct Status {
    pub status: String,
}
