//! The registry's declared access is the enforced one: every operation, called by every kind
//! of caller over real HTTP, is refused exactly when its declaration says the caller may not
//! call it, and the served document states the same roles.

use outage_claims::domain::role::Role;
use outage_claims::http::auth::Caller;
use outage_claims::schemas::operations;
use serde_json::json;

use crate::helpers::{body, spawn_app, test_config, TestApp};

const CALLERS: [Caller; 6] = [
    Caller::Role(Role::Admin),
    Caller::Role(Role::Finance),
    Caller::Role(Role::Partner),
    Caller::Role(Role::Claimant),
    Caller::StatusToken,
    Caller::Anonymous,
];

fn token(app: &TestApp, caller: Caller, claim_id: &str) -> Option<String> {
    match caller {
        Caller::Anonymous => None,
        Caller::StatusToken => {
            let keys = test_config(&app.database_url, &[]).jwt_keys(false).unwrap();
            Some(keys.mint_status_token(claim_id).unwrap())
        }
        Caller::Role(role) => Some(app.token(role, "someone")),
    }
}

#[tokio::test]
async fn every_operation_refuses_exactly_the_callers_its_access_excludes() {
    let app = spawn_app().await;
    let claim_id = uuid::Uuid::now_v7().to_string();
    let path_of = |template: &str| {
        template.replace("{id}", &claim_id).replace("{claim_id}", &uuid::Uuid::now_v7().to_string())
    };
    for op in operations() {
        let methods: &[&str] = if op.method == "get" { &["GET", "HEAD"] } else { &["POST"] };
        for method in methods {
            for caller in CALLERS {
                let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                let mut request =
                    app.client.request(method.clone(), format!("{}{}", app.address, path_of(op.path)));
                if let Some(token) = token(&app, caller, &claim_id) {
                    request = request.bearer_auth(token);
                }
                if op.method == "post" {
                    request = request.json(&json!({}));
                }
                let status = request.send().await.unwrap().status().as_u16();
                let expected = match (op.access.admits(caller), caller) {
                    (true, _) => None,
                    (false, Caller::Anonymous) => Some(401),
                    (false, _) => Some(403),
                };
                match expected {
                    Some(code) => assert_eq!(status, code, "{method} {} as {caller:?}", op.path),
                    None => assert!(
                        status != 401 && status != 403,
                        "{method} {} as {caller:?} is refused with {status} but its access admits it",
                        op.path
                    ),
                }
            }
        }
    }
}

#[tokio::test]
async fn the_served_document_states_the_roles_each_operation_enforces() {
    let app = spawn_app().await;
    let document = body(app.get("/api/v1/openapi.json", None).await).await;
    for op in operations() {
        let served = &document["paths"][op.path][op.method];
        assert_eq!(served["operationId"], op.id);
        let needs_token = op.access.needs_token();
        assert_eq!(served["security"] == json!([{"bearer": []}]), needs_token, "{}", op.id);
        if needs_token {
            let roles: Vec<_> = op.access.roles().unwrap().iter().map(|r| r.as_str()).collect();
            assert_eq!(served["description"], format!("Roles: {}.", roles.join(", ")), "{}", op.id);
        }
    }
}
