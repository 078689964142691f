//! JSON Schemas of every request body and CSV row, and the OpenAPI document, generated from the
//! code's own types. `schemas/` holds the committed copies; a test fails when they drift, and
//! `outage-claims schemas --write` (or `UPDATE_SCHEMAS=1 cargo test`) refreshes them.

use std::path::Path;

use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::schema::{InstanceType, RootSchema, SchemaObject};
use schemars::visit::{self, Visitor};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use crate::domain::amendment::AmendInput;
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
    /// The query string, as the struct the handler parses it into.
    pub query: Option<SchemaFn>,
    pub request: Option<SchemaFn>,
    pub status: u16,
    pub response: Option<SchemaFn>,
    /// Media type of the success answer.
    pub produces: &'static str,
    /// Media types of the request body: JSON bodies use `request`; others are text.
    pub consumes: &'static [&'static str],
    /// Request headers: `(name, required)`.
    pub headers: &'static [(&'static str, bool)],
    /// What the request body's schema alone does not say.
    pub body_note: Option<&'static str>,
    /// Error answers beyond the ones every operation of its kind has.
    pub errors: &'static [(&'static str, &'static str)],
}

fn schema<T: JsonSchema>(gen: &mut SchemaGenerator) -> schemars::schema::Schema {
    gen.subschema_for::<T>()
}

/// Free text may hold any character but U+0000, which every body, query and file refuses
/// (`crate::http::extract::refuse_nul`): PostgreSQL cannot store it.
const NO_NUL_PATTERN: &str = "^[^\\u0000]*$";

/// States what the parsers enforce beyond the Rust types: the range of every fixed-width
/// integer (`"format": "uint32"` and so on) as `minimum` and `maximum`, and the refusal of
/// U+0000 in every string that has no pattern, format or enumeration of its own.
#[derive(Debug, Clone)]
struct ParserRules;

impl Visitor for ParserRules {
    fn visit_schema_object(&mut self, schema: &mut SchemaObject) {
        let bounds = match schema.format.as_deref() {
            Some("uint8") => Some((0.0, f64::from(u8::MAX))),
            Some("uint16") => Some((0.0, f64::from(u16::MAX))),
            Some("uint32") => Some((0.0, f64::from(u32::MAX))),
            Some("int32") => Some((f64::from(i32::MIN), f64::from(i32::MAX))),
            _ => None,
        };
        let is_string = schema.instance_type == Some(InstanceType::String.into());
        let unconstrained = schema.format.is_none()
            && schema.enum_values.is_none()
            && schema.string.as_ref().is_none_or(|s| s.pattern.is_none());
        if is_string && unconstrained {
            schema.string().pattern = Some(NO_NUL_PATTERN.to_owned());
        }
        if let Some((min, max)) = bounds {
            let number = schema.number();
            number.minimum = Some(number.minimum.map_or(min, |m| m.max(min)));
            number.maximum = Some(number.maximum.map_or(max, |m| m.min(max)));
        }
        visit::visit_schema_object(self, schema);
    }
}

/// The schema settings of every generated document, with [`ParserRules`].
fn settings(base: SchemaSettings) -> SchemaSettings {
    base.with_visitor(ParserRules)
}

const STAFF: &[Role] = &[Role::Admin, Role::Finance];
const ADMIN: &[Role] = &[Role::Admin];
const ANY: &[Role] = &[Role::Admin, Role::Finance, Role::Partner, Role::Claimant];
const CLAIMANTS: &[Role] = &[Role::Partner, Role::Claimant];
const BULK_READERS: &[Role] = &[Role::Admin, Role::Finance, Role::Partner];
const JSON: &str = "application/json";
const CSV: &str = "text/csv";

/// Every operation the service answers, in document order.
pub fn operations() -> Vec<Operation> {
    use crate::http::page::{Page, PageQuery};
    use crate::http::query::SeqParam;
    use crate::routes::bulk::UploadQuery;
    use crate::routes::payouts::{BatchQuery, ExportQuery};
    use crate::usecases::audit::AuditEventView;
    use crate::usecases::audit::AuditQuery;
    use crate::usecases::bulk::BulkUploadView;
    use crate::usecases::claims::read::ClaimQuery;
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
        query: None,
        request: None,
        status: 200,
        response: None,
        produces: JSON,
        consumes: &[JSON],
        headers: &[],
        body_note: None,
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
            query: Some(schema::<PageQuery>),
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
            query: Some(schema::<ClaimQuery>),
            response: Some(schema::<Page<ClaimView>>),
            ..op("get", "/api/v1/claims", "listClaims", "Claims the caller may see", Access::Roles(ANY))
        },
        Operation {
            request: Some(schema::<NewClaimInput>),
            status: 201,
            response: Some(schema::<ClaimView>),
            headers: &[("Idempotency-Key", false)],
            errors: &[
                ("403", "A staff token: staff do not file claims"),
                ("429", "Too many public filings from this client"),
            ],
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
            request: Some(schema::<AmendInput>),
            response: Some(schema::<ClaimView>),
            ..op(
                "post",
                "/api/v1/claims/{id}/amend",
                "amendClaim",
                "Change the amount, loss period, evidence or description of one's claim; verified again",
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
            query: Some(schema::<BatchQuery>),
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
            query: Some(schema::<PageQuery<SeqParam>>),
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
            query: Some(schema::<ExportQuery>),
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
            query: Some(schema::<AuditQuery>),
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
            query: Some(schema::<UploadQuery>),
            request: Some(schema::<Vec<BulkRow>>),
            consumes: &[CSV, JSON],
            status: 201,
            response: Some(schema::<BulkUploadView>),
            headers: &[("Idempotency-Key", true)],
            body_note: Some(
                "Rows are checked one by one: a row that does not match the bulk-row schema is not \
                 refused but reported in errors.csv, and the valid rows become claims.",
            ),
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
    let mut gen = settings(SchemaSettings::openapi3()).into_generator();
    let mut paths = Map::new();
    let all = operations();
    for op in &all {
        let mut responses = Map::new();
        let mut success = json!({"description": "Success"});
        if let Some(response) = op.response {
            success["content"] = json!({ op.produces: {"schema": response(&mut gen)} });
        }
        let links = links_from(op, &all);
        if !links.is_empty() {
            success["links"] = Value::Object(links);
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
        let mut parameters = op.query.map(query_parameters).unwrap_or_default();
        for (name, required) in op.headers {
            parameters.push(json!({"name": name, "in": "header", "required": required, "schema": {"type": "string", "pattern": crate::usecases::idempotency::KEY_PATTERN}}));
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
            if let Some(note) = op.body_note {
                operation["requestBody"]["description"] = json!(note);
            }
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    // A generator applies its visitors to root schemas only; these are taken out one by one.
    let schemas: Map<String, Value> = gen
        .take_definitions()
        .into_iter()
        .map(|(name, mut schema)| {
            ParserRules.visit_schema(&mut schema);
            (name, serde_json::to_value(schema).unwrap_or(Value::Null))
        })
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

/// OpenAPI links from an operation that creates a resource (201 with the new `id`) to every
/// operation on that resource: `POST /claims` leads to `GET /claims/{id}`, its withdrawal and
/// so on. Clients and fuzzers follow them to reach the created resource.
fn links_from(op: &Operation, all: &[Operation]) -> Map<String, Value> {
    if op.status != 201 {
        return Map::new();
    }
    let prefix = format!("{}/{{id}}", op.path);
    all.iter()
        .filter(|target| target.path.starts_with(&prefix) && path_parameters(target.path) == ["id"])
        .map(|target| {
            let link = json!({"operationId": target.id, "parameters": {"id": "$response.body#/id"}});
            (target.id.to_owned(), link)
        })
        .collect()
}

/// One query parameter per field of the struct a handler parses its query string into, with
/// that field's schema (types, ranges, formats, enumerations) inlined.
fn query_parameters(query: SchemaFn) -> Vec<Value> {
    let mut gen = settings(SchemaSettings::openapi3()).with(|s| s.inline_subschemas = true).into_generator();
    let mut schema = query(&mut gen);
    ParserRules.visit_schema(&mut schema);
    let schema = serde_json::to_value(schema).unwrap_or(Value::Null);
    let required: Vec<&str> =
        schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let Some(properties) = schema["properties"].as_object() else { return Vec::new() };
    properties
        .iter()
        .map(|(name, field)| {
            let mut field = field.as_object().cloned().unwrap_or_default();
            // An absent parameter is the `None` of an `Option`; a query has no null.
            field.remove("nullable");
            let description = field.remove("description");
            let mut parameter = json!({
                "name": name,
                "in": "query",
                "required": required.contains(&name.as_str()),
                "schema": field,
            });
            if let Some(description) = description {
                parameter["description"] = description;
            }
            parameter
        })
        .collect()
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
