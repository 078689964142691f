//! JSON Schemas of every request body and CSV row, and the OpenAPI document, generated from the
//! code's own types. `schemas/` holds the committed copies; a test fails when they drift, and
//! `outage-claims schemas --write` (or `UPDATE_SCHEMAS=1 cargo test`) refreshes them.

use std::path::Path;

use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::schema::RootSchema;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use crate::domain::claim_input::NewClaimInput;
use crate::domain::policy::PolicyInput;
use crate::domain::role::Role;
use crate::usecases::bulk::row::BulkRow;
use crate::usecases::claims::lifecycle::{DocumentsInput, ReviewInput};
use crate::usecases::incidents::NewIncidentInput;
use crate::usecases::payouts::create::NewBatchInput;
use crate::usecases::windows::NewWindowInput;

/// Who may call an operation.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// No token needed.
    Public,
    /// No token needed, but one may be sent (and then must be valid).
    PublicOrToken,
    /// A bearer token with one of these roles.
    Roles(&'static [Role]),
}

type SchemaFn = fn(&mut SchemaGenerator) -> schemars::schema::Schema;

/// One operation of the API, as the OpenAPI document describes it.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub query: &'static [(&'static str, &'static str)],
    pub request: Option<SchemaFn>,
    pub status: u16,
    pub response: Option<SchemaFn>,
    /// Media type of the success answer.
    pub produces: &'static str,
    /// Media types of the request body: JSON bodies use `request`; others are text.
    pub consumes: &'static [&'static str],
    /// Request headers: `(name, required)`.
    pub headers: &'static [(&'static str, bool)],
    /// Error answers beyond the ones every operation of its kind has.
    pub errors: &'static [(&'static str, &'static str)],
}

fn schema<T: JsonSchema>(gen: &mut SchemaGenerator) -> schemars::schema::Schema {
    gen.subschema_for::<T>()
}

const STAFF: &[Role] = &[Role::Admin, Role::Finance];
const ADMIN: &[Role] = &[Role::Admin];
const ANY: &[Role] = &[Role::Admin, Role::Finance, Role::Partner, Role::Claimant];
const CLAIMANTS: &[Role] = &[Role::Partner, Role::Claimant];
const BULK_READERS: &[Role] = &[Role::Admin, Role::Finance, Role::Partner];
const PAGE: &[(&str, &str)] = &[("limit", "integer"), ("cursor", "string")];
const JSON: &str = "application/json";
const CSV: &str = "text/csv";

/// Every operation the service answers, in document order.
pub fn operations() -> Vec<Operation> {
    use crate::http::page::Page;
    use crate::usecases::audit::AuditEventView;
    use crate::usecases::bulk::BulkUploadView;
    use crate::usecases::claims::ClaimView;
    use crate::usecases::incidents::IncidentView;
    use crate::usecases::payouts::lines::LineView;
    use crate::usecases::payouts::settle::SettlementSummary;
    use crate::usecases::payouts::BatchView;
    use crate::usecases::policies::PolicyView;
    use crate::usecases::windows::WindowView;
    let op = |method, path, id, summary, access| Operation {
        method,
        path,
        id,
        summary,
        access,
        query: &[],
        request: None,
        status: 200,
        response: None,
        produces: JSON,
        consumes: &[JSON],
        headers: &[],
        errors: &[],
    };
    vec![
        Operation {
            response: Some(schema::<Status>),
            ..op("get", "/healthz", "healthz", "Liveness", Access::Public)
        },
        Operation {
            response: Some(schema::<Status>),
            ..op(
                "get",
                "/readyz",
                "readyz",
                "Readiness: 503 while the database is unreachable",
                Access::Public,
            )
        },
        Operation {
            response: Some(schema::<PrometheusText>),
            produces: "text/plain",
            ..op("get", "/metrics", "metrics", "Prometheus metrics", Access::Public)
        },
        Operation {
            response: Some(schema::<Value>),
            ..op("get", "/api/v1/openapi.json", "openapi", "This document", Access::Public)
        },
        Operation {
            query: PAGE,
            response: Some(schema::<Page<IncidentView>>),
            ..op(
                "get",
                "/api/v1/incidents",
                "listIncidents",
                "Incidents open for claims (staff: all)",
                Access::PublicOrToken,
            )
        },
        Operation {
            request: Some(schema::<NewIncidentInput>),
            status: 201,
            response: Some(schema::<IncidentView>),
            ..op("post", "/api/v1/incidents", "createIncident", "Record an incident", Access::Roles(ADMIN))
        },
        Operation {
            response: Some(schema::<IncidentView>),
            ..op("get", "/api/v1/incidents/{id}", "getIncident", "One incident", Access::PublicOrToken)
        },
        Operation {
            response: Some(schema::<crate::usecases::reports::Summary>),
            ..op("get", "/api/v1/incidents/{id}/summary", "getIncidentSummary", "Counts and sums by status, service, claimant kind and channel; claimed, assessed and paid totals", Access::Roles(STAFF))
        },
        Operation {
            response: Some(schema::<Page<WindowView>>),
            ..op(
                "get",
                "/api/v1/incidents/{id}/windows",
                "listWindows",
                "Outage windows of an incident",
                Access::Roles(ANY),
            )
        },
        Operation {
            request: Some(schema::<NewWindowInput>),
            status: 201,
            response: Some(schema::<WindowView>),
            ..op(
                "post",
                "/api/v1/incidents/{id}/windows",
                "createWindow",
                "Record an outage window (409 on overlap)",
                Access::Roles(ADMIN),
            )
        },
        Operation {
            response: Some(schema::<Page<PolicyView>>),
            ..op(
                "get",
                "/api/v1/incidents/{id}/policies",
                "listPolicies",
                "Policy versions of an incident",
                Access::Roles(STAFF),
            )
        },
        Operation {
            request: Some(schema::<PolicyInput>),
            status: 201,
            response: Some(schema::<PolicyView>),
            ..op(
                "post",
                "/api/v1/incidents/{id}/policies",
                "createPolicy",
                "Create the next policy version",
                Access::Roles(ADMIN),
            )
        },
        Operation {
            response: Some(schema::<PolicyView>),
            ..op("get", "/api/v1/policies/{id}", "getPolicy", "One policy", Access::Roles(STAFF))
        },
        Operation {
            query: &[
                ("limit", "integer"),
                ("cursor", "string"),
                ("incident_id", "string"),
                ("status", "string"),
                ("service", "string"),
                ("channel", "string"),
                ("reference", "string"),
            ],
            response: Some(schema::<Page<ClaimView>>),
            ..op("get", "/api/v1/claims", "listClaims", "Claims the caller may see", Access::Roles(ANY))
        },
        Operation {
            request: Some(schema::<NewClaimInput>),
            status: 201,
            response: Some(schema::<ClaimView>),
            headers: &[("Idempotency-Key", false)],
            errors: &[("429", "Too many public filings from this client")],
            ..op(
                "post",
                "/api/v1/claims",
                "fileClaim",
                "File a claim (public, claimant or partner; optional Idempotency-Key header)",
                Access::PublicOrToken,
            )
        },
        Operation {
            response: Some(schema::<ClaimView>),
            ..op("get", "/api/v1/claims/{id}", "getClaim", "One claim", Access::Roles(ANY))
        },
        Operation {
            response: Some(schema::<ClaimView>),
            ..op(
                "post",
                "/api/v1/claims/{id}/withdraw",
                "withdrawClaim",
                "Withdraw a claim before it is in a batch",
                Access::Roles(CLAIMANTS),
            )
        },
        Operation {
            request: Some(schema::<ReviewInput>),
            response: Some(schema::<ClaimView>),
            ..op(
                "post",
                "/api/v1/claims/{id}/review",
                "reviewClaim",
                "Approve, reject or request information",
                Access::Roles(&[Role::Finance]),
            )
        },
        Operation {
            request: Some(schema::<DocumentsInput>),
            response: Some(schema::<ClaimView>),
            ..op(
                "post",
                "/api/v1/claims/{id}/documents",
                "sendClaimDocuments",
                "Answer a deficiency with evidence and a note",
                Access::Roles(CLAIMANTS),
            )
        },
        Operation {
            request: Some(schema::<NewBatchInput>),
            status: 201,
            response: Some(schema::<BatchView>),
            ..op(
                "post",
                "/api/v1/payout-batches",
                "createPayoutBatch",
                "Calculate every eligible claim of an incident under a policy",
                Access::Roles(&[Role::Finance]),
            )
        },
        Operation {
            query: &[("limit", "integer"), ("cursor", "string"), ("incident_id", "string")],
            response: Some(schema::<Page<BatchView>>),
            ..op("get", "/api/v1/payout-batches", "listPayoutBatches", "Payout batches, optionally of one incident", Access::Roles(STAFF))
        },
        Operation {
            response: Some(schema::<BatchView>),
            ..op(
                "get",
                "/api/v1/payout-batches/{id}",
                "getPayoutBatch",
                "Status, counts, totals and factor",
                Access::Roles(STAFF),
            )
        },
        Operation {
            query: PAGE,
            response: Some(schema::<Page<LineView>>),
            ..op(
                "get",
                "/api/v1/payout-batches/{id}/lines",
                "listPayoutLines",
                "The lines, with their traces",
                Access::Roles(STAFF),
            )
        },
        Operation {
            response: Some(schema::<LineView>),
            ..op(
                "get",
                "/api/v1/payout-batches/{id}/lines/{claim_id}",
                "getPayoutLine",
                "One claim's line with its full calculation trace",
                Access::Roles(STAFF),
            )
        },
        Operation {
            response: Some(schema::<BatchView>),
            ..op(
                "post",
                "/api/v1/payout-batches/{id}/approve",
                "approvePayoutBatch",
                "Approve (a finance user other than the creator)",
                Access::Roles(&[Role::Finance]),
            )
        },
        Operation {
            response: Some(schema::<BatchView>),
            ..op(
                "post",
                "/api/v1/payout-batches/{id}/cancel",
                "cancelPayoutBatch",
                "Cancel before approval; the claims return",
                Access::Roles(&[Role::Finance]),
            )
        },
        Operation {
            query: &[("bom", "boolean")],
            response: Some(schema::<CsvText>),
            produces: CSV,
            errors: &[("409", "The batch is not approved")],
            ..op(
                "get",
                "/api/v1/payout-batches/{id}/export.csv",
                "exportPayoutBatch",
                "The bank payment file (X-Line-Count, X-Total-Amount, X-Content-SHA256)",
                Access::Roles(&[Role::Finance]),
            )
        },
        Operation {
            request: Some(schema::<CsvText>),
            consumes: &[CSV],
            response: Some(schema::<SettlementSummary>),
            ..op(
                "post",
                "/api/v1/payout-batches/{id}/settlements",
                "settlePayoutBatch",
                "Import the bank's result CSV (claim_id,status,bank_reference,failure_reason)",
                Access::Roles(&[Role::Finance]),
            )
        },
        Operation {
            query: &[
                ("limit", "integer"),
                ("cursor", "string"),
                ("entity_type", "string"),
                ("entity_id", "string"),
                ("action", "string"),
            ],
            response: Some(schema::<Page<AuditEventView>>),
            ..op(
                "get",
                "/api/v1/audit-events",
                "listAuditEvents",
                "The audit chain, oldest first",
                Access::Roles(STAFF),
            )
        },
        Operation {
            query: &[("incident_id", "string")],
            request: Some(schema::<Vec<BulkRow>>),
            consumes: &[CSV, JSON],
            status: 201,
            response: Some(schema::<BulkUploadView>),
            headers: &[("Idempotency-Key", true)],
            errors: &[("428", "Idempotency-Key header missing")],
            ..op(
                "post",
                "/api/v1/bulk-uploads",
                "createBulkUpload",
                "Upload claims in bulk: CSV (UTF-8 or CP949, header row of bulk-row columns) or a JSON array",
                Access::Roles(&[Role::Partner]),
            )
        },
        Operation {
            response: Some(schema::<BulkUploadView>),
            ..op(
                "get",
                "/api/v1/bulk-uploads/{id}",
                "getBulkUpload",
                "Summary of an upload",
                Access::Roles(BULK_READERS),
            )
        },
        Operation {
            response: Some(schema::<CsvText>),
            produces: CSV,
            ..op(
                "get",
                "/api/v1/bulk-uploads/{id}/errors.csv",
                "getBulkUploadErrors",
                "Rejected and duplicate rows: row,field,code,message",
                Access::Roles(BULK_READERS),
            )
        },
    ]
}

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

/// Request bodies published as standalone JSON Schemas: `(file stem, schema)`.
pub fn request_schemas() -> Vec<(&'static str, RootSchema)> {
    let settings = SchemaSettings::draft2019_09();
    let root = |f: fn(SchemaGenerator) -> RootSchema| f(settings.clone().into_generator());
    vec![
        ("incident.request", root(|g| g.into_root_schema_for::<NewIncidentInput>())),
        ("outage-window.request", root(|g| g.into_root_schema_for::<NewWindowInput>())),
        ("policy.request", root(|g| g.into_root_schema_for::<PolicyInput>())),
        ("claim.request", root(|g| g.into_root_schema_for::<NewClaimInput>())),
        ("claim-review.request", root(|g| g.into_root_schema_for::<ReviewInput>())),
        ("claim-documents.request", root(|g| g.into_root_schema_for::<DocumentsInput>())),
        ("payout-batch.request", root(|g| g.into_root_schema_for::<NewBatchInput>())),
        ("bulk-row", root(|g| g.into_root_schema_for::<BulkRow>())),
    ]
}

fn problem_response(gen: &mut SchemaGenerator, description: &str) -> Value {
    let schema = gen.subschema_for::<crate::http::error::Problem>();
    json!({"description": description, "content": {"application/problem+json": {"schema": schema}}})
}

/// The OpenAPI 3.0 document of the whole API.
pub fn openapi() -> Value {
    let mut gen = SchemaSettings::openapi3().into_generator();
    let mut paths = Map::new();
    for op in operations() {
        let mut responses = Map::new();
        let mut success = json!({"description": "Success"});
        if let Some(response) = op.response {
            success["content"] = json!({ op.produces: {"schema": response(&mut gen)} });
        }
        responses.insert(op.status.to_string(), success);
        let mut errors =
            vec![("400", "Malformed request"), ("422", "Invalid fields"), ("503", "Database unavailable")];
        match op.access {
            Access::Roles(_) => {
                errors.extend([("401", "Missing or invalid token"), ("403", "Role not allowed")])
            }
            Access::PublicOrToken => errors.push(("401", "Invalid token")),
            Access::Public => {}
        }
        if op.path.contains('{') {
            errors.push(("404", "Not found or not visible to the caller"));
        }
        if op.request.is_some() {
            errors.extend([
                ("409", "Conflicts with stored state"),
                ("413", "Body too large"),
                ("415", "Not JSON"),
            ]);
        }
        errors.extend(op.errors.iter().copied());
        for (code, description) in errors {
            responses.insert(code.to_owned(), problem_response(&mut gen, description));
        }
        let mut parameters: Vec<Value> = op
            .query
            .iter()
            .map(|(name, kind)| json!({"name": name, "in": "query", "required": false, "schema": {"type": kind}}))
            .collect();
        for (name, required) in op.headers {
            parameters.push(json!({"name": name, "in": "header", "required": required, "schema": {"type": "string", "maxLength": 255}}));
        }
        for name in path_parameters(op.path) {
            parameters.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}));
        }
        let mut operation = json!({
            "operationId": op.id,
            "summary": op.summary,
            "parameters": parameters,
            "responses": responses,
        });
        match op.access {
            Access::Roles(roles) => {
                let names: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
                operation["description"] = json!(format!("Roles: {}.", names.join(", ")));
                operation["security"] = json!([{"bearer": []}]);
            }
            Access::PublicOrToken => operation["security"] = json!([{}, {"bearer": []}]),
            Access::Public => operation["security"] = json!([]),
        }
        if let Some(request) = op.request {
            // `request` describes the JSON body; beside JSON, a text body is plain CSV text.
            let text: SchemaFn = if op.consumes.contains(&JSON) { schema::<CsvText> } else { request };
            let content: Map<String, Value> = op
                .consumes
                .iter()
                .map(|media| {
                    let schema = if *media == JSON { request(&mut gen) } else { text(&mut gen) };
                    ((*media).to_owned(), json!({ "schema": schema }))
                })
                .collect();
            operation["requestBody"] = json!({"required": true, "content": content});
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    let schemas: Map<String, Value> = gen
        .take_definitions()
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or(Value::Null)))
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "outage-claims",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Compensation claims after a large service outage."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        }
    })
}

/// The `{name}` parameters of a path template.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect()
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
