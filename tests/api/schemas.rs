use std::path::Path;

use std::collections::BTreeMap;

use crate::helpers::{body, problem, spawn_app};

#[test]
fn committed_schemas_match_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    if std::env::var("UPDATE_SCHEMAS").is_ok() {
        outage_claims::schemas::write_all(&dir).unwrap();
    }
    let drifted = outage_claims::schemas::drifted(&dir);
    assert!(drifted.is_empty(), "schemas/ is out of date: {drifted:?}; run `UPDATE_SCHEMAS=1 cargo test` or `outage-claims schemas --write`");
}

#[tokio::test]
async fn the_served_openapi_document_is_the_generated_one() {
    let app = spawn_app().await;
    let served = body(app.get("/api/v1/openapi.json", None).await).await;
    assert_eq!(served, outage_claims::schemas::openapi());
    assert_eq!(served["openapi"], "3.0.3");
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = spawn_app().await;
    for op in outage_claims::schemas::operations() {
        let path = op
            .path
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{claim_id}", &uuid::Uuid::now_v7().to_string());
        let method = reqwest::Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let response = app.client.request(method, format!("{}{path}", app.address)).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert!(!text.contains("/problems/method-not-allowed"), "{} {} is not routed", op.method, op.path);
        assert!(
            status != 404 || !text.contains("/problems/not-found") || op.path.contains("{id}"),
            "{} {} is not routed",
            op.method,
            op.path
        );
        if matches!(op.access, outage_claims::schemas::Access::Roles(_)) {
            assert_eq!(status, 401, "{} {} must require a token", op.method, op.path);
        }
    }
}

#[tokio::test]
async fn a_wrong_method_is_405_with_the_documented_methods_in_allow() {
    let app = spawn_app().await;
    let mut documented: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for op in outage_claims::schemas::operations() {
        documented.entry(op.path).or_default().push(op.method.to_uppercase());
    }
    for (path, mut methods) in documented {
        // HEAD goes wherever GET does (RFC 9110), documented or not.
        if methods.iter().any(|m| m == "GET") {
            methods.push("HEAD".into());
        }
        methods.sort();
        let url = format!("{}{}", app.address, path.replace("{id}", "x").replace("{claim_id}", "y"));
        for wrong in ["PUT", "DELETE", "PATCH", "GET", "POST"] {
            if methods.iter().any(|m| m == wrong) {
                continue;
            }
            let method = reqwest::Method::from_bytes(wrong.as_bytes()).unwrap();
            let response = app.client.request(method, &url).send().await.unwrap();
            let allow = response.headers().get("allow").map(|v| v.to_str().unwrap().to_owned());
            let problem = problem(response, 405).await;
            assert_eq!(problem["type"], "/problems/method-not-allowed");
            assert_eq!(allow, Some(methods.join(", ")), "{wrong} {path}");
        }
    }
}
