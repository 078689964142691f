//! JSON Schemas of every request body and CSV row, and the OpenAPI document, generated from the
//! code's own types and the operations of the registry (`crate::routes::operations`).
//! `schemas/` holds the committed copies; a test fails when they drift, and
//! `outage-claims schemas --write` (or `UPDATE_SCHEMAS=1 cargo test`) refreshes them.

mod openapi;
mod rules;
mod text;

use std::path::Path;

use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::schema::RootSchema;
use schemars::JsonSchema;
use serde_json::Value;

pub use self::openapi::openapi;
pub use self::text::{CsvText, DocumentsForm, PrometheusText, Status};
pub use crate::http::auth::Access;
use crate::http::dto::{
    AmendInput, AppealInput, DocumentsInput, NewBatchInput, NewClaimInput, NewIncidentInput, NewWindowInput,
    PayoutAccountInput, PolicyInput, ReviewInput,
};
pub use crate::routes::operations::Operation;
use crate::usecases::bulk::row::BulkRow;
use rules::settings;

/// A schema of a type, as a function the operations table can hold.
pub type SchemaFn = fn(&mut SchemaGenerator) -> schemars::schema::Schema;

/// The [`SchemaFn`] of `T`.
pub fn schema<T: JsonSchema>(gen: &mut SchemaGenerator) -> schemars::schema::Schema {
    gen.subschema_for::<T>()
}

pub const JSON: &str = "application/json";
pub const CSV: &str = "text/csv";
pub const MULTIPART: &str = "multipart/form-data";

/// Every operation the service answers, in document order.
pub fn operations() -> &'static [Operation] {
    crate::routes::operations::OPERATIONS
}

/// Request bodies published as standalone JSON Schemas: `(file stem, schema)`.
pub fn request_schemas() -> Vec<(&'static str, RootSchema)> {
    let settings = settings(SchemaSettings::draft2019_09());
    let root = |f: fn(SchemaGenerator) -> RootSchema| f(settings.clone().into_generator());
    vec![
        ("incident.request", root(|g| g.into_root_schema_for::<NewIncidentInput>())),
        ("outage-window.request", root(|g| g.into_root_schema_for::<NewWindowInput>())),
        ("policy.request", root(|g| g.into_root_schema_for::<PolicyInput>())),
        ("claim.request", root(|g| g.into_root_schema_for::<NewClaimInput>())),
        ("claim-review.request", root(|g| g.into_root_schema_for::<ReviewInput>())),
        ("claim-amend.request", root(|g| g.into_root_schema_for::<AmendInput>())),
        ("claim-documents.request", root(|g| g.into_root_schema_for::<DocumentsInput>())),
        ("claim-appeal.request", root(|g| g.into_root_schema_for::<AppealInput>())),
        ("claim-payout-account.request", root(|g| g.into_root_schema_for::<PayoutAccountInput>())),
        ("payout-batch.request", root(|g| g.into_root_schema_for::<NewBatchInput>())),
        ("bulk-row", root(|g| g.into_root_schema_for::<BulkRow>())),
    ]
}

/// Every generated file: `(file name, pretty JSON with a final newline)`.
pub fn files() -> Vec<(String, String)> {
    let pretty = |v: &Value| format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default());
    let mut files: Vec<(String, String)> = request_schemas()
        .into_iter()
        .map(|(stem, schema)| {
            (format!("{stem}.schema.json"), pretty(&serde_json::to_value(schema).unwrap_or(Value::Null)))
        })
        .collect();
    files.push(("openapi.json".to_owned(), pretty(&openapi())));
    files
}

/// Writes every generated file into `dir`.
pub fn write_all(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, content) in files() {
        std::fs::write(dir.join(name), content)?;
    }
    Ok(())
}

/// Names the committed files in `dir` that differ from what the code generates.
pub fn drifted(dir: &Path) -> Vec<String> {
    files()
        .into_iter()
        .filter(|(name, content)| {
            std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(content.as_str())
        })
        .map(|(name, _)| name)
        .collect()
}
