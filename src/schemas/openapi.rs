//! The OpenAPI 3.0 document, generated from the operations of the registry.

use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::visit::Visitor;
use serde_json::{json, Map, Value};

use super::rules::{settings, ParserRules};
use super::text::{CsvText, DocumentsForm};
use super::{schema, SchemaFn, JSON, MULTIPART};
use crate::http::auth::Access;
use crate::routes::operations::{Operation, OPERATIONS};

fn problem_response(gen: &mut SchemaGenerator, description: &str) -> Value {
    let schema = gen.subschema_for::<crate::http::error::Problem>();
    json!({"description": description, "content": {"application/problem+json": {"schema": schema}}})
}

/// The OpenAPI 3.0 document of the whole API.
pub fn openapi() -> Value {
    let mut gen = settings(SchemaSettings::openapi3()).into_generator();
    let mut paths = Map::new();
    let all = OPERATIONS;
    for op in all {
        let mut responses = Map::new();
        let mut success = json!({"description": "Success"});
        if let Some(response) = op.response {
            success["content"] = json!({ op.produces: {"schema": response(&mut gen)} });
        }
        let links = links_from(op, all);
        if !links.is_empty() {
            success["links"] = Value::Object(links);
        }
        responses.insert(op.status.to_string(), success);
        let mut errors =
            vec![("400", "Malformed request"), ("422", "Invalid fields"), ("503", "Database unavailable")];
        match op.access {
            Access::Roles(_) | Access::RolesOrStatusToken(_) => {
                errors.extend([("401", "Missing or invalid token"), ("403", "Role not allowed")])
            }
            Access::PublicOr(_) => errors.push(("401", "Invalid token")),
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
            Access::Roles(roles) | Access::RolesOrStatusToken(roles) => {
                let names: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
                operation["description"] = json!(format!("Roles: {}.", names.join(", ")));
                operation["security"] = json!([{"bearer": []}]);
            }
            Access::PublicOr(_) => operation["security"] = json!([{}, {"bearer": []}]),
            Access::Public => operation["security"] = json!([]),
        }
        if let Some(request) = op.request {
            // `request` describes the JSON body; beside JSON, a text body is plain CSV text.
            let text: SchemaFn = if op.consumes.contains(&JSON) { schema::<CsvText> } else { request };
            let content: Map<String, Value> = op
                .consumes
                .iter()
                .map(|media| {
                    let schema = match *media {
                        JSON => request(&mut gen),
                        MULTIPART => schema::<DocumentsForm>(&mut gen),
                        _ => text(&mut gen),
                    };
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
