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

/// The multipart form of `POST /claims/{id}/documents`.
pub struct DocumentsForm;

impl JsonSchema for DocumentsForm {
    fn schema_name() -> String {
        "DocumentsForm".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> schemars::schema::Schema {
        let amount = serde_json::json!({"type": "string", "description": "A decimal amount, e.g. 1400000"});
        let schema = serde_json::json!({
            "type": "object",
            "description": "One or more `file` parts (PDF, JPEG or PNG by their first bytes; at most 10 MiB each, 10 per request and 20 per claim), an optional `note`, and optional evidence amounts.",
            "properties": {
                "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                "note": {"type": "string", "maxLength": 2000},
                "evidence.baseline_revenue": amount,
                "evidence.outage_revenue": amount,
                "evidence.monthly_fee": amount,
            },
            "required": ["file"],
        });
        serde_json::from_value(schema).unwrap_or(schemars::schema::Schema::Bool(true))
    }
}

/// `{"status": "..."}` of the health endpoints.
#[derive(serde::Serialize, JsonSchema)]
pub struct Status {
    pub status: String,
}
