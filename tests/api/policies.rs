use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, field_codes, problem, spawn_app};

fn policy() -> Value {
    json!({
        "currency": "KRW",
        "rules": [
            {"claimant_kind": "business", "service": "*", "method": "tiered_by_claim",
             "params": {"tiers": [{"up_to": "300000", "amount": "30000"}, {"up_to": "500000", "amount": "50000"}]}},
            {"claimant_kind": "*", "service": "payments", "method": "fee_multiple",
             "params": {"multiplier": "10", "min_outage_hours": "2"}}
        ],
        "budget": "100000000",
        "rounding": "half_up"
    })
}

#[tokio::test]
async fn policies_are_versioned_and_keep_their_defaults_explicit() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let path = format!("/api/v1/incidents/{id}/policies");
    let first = body(app.post(&path, Some(&app.admin()), &policy()).await).await;
    let second = body(app.post(&path, Some(&app.admin()), &policy()).await).await;
    assert_eq!((first["version"].as_i64(), second["version"].as_i64()), (Some(1), Some(2)));
    assert_eq!(
        first["severity_weights"],
        json!({"major_outage": "1", "partial_outage": "0.5", "degraded_performance": "0.25"})
    );
    assert_eq!(first["min_payout"], "0");
    assert_eq!(first["rules"][1]["params"]["multiplier"], "10");

    let read = body(
        app.get(&format!("/api/v1/policies/{}", first["id"].as_str().unwrap()), Some(&app.finance())).await,
    )
    .await;
    assert_eq!(read, first);
    let listed = body(app.get(&path, Some(&app.finance())).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    problem(app.get(&path, Some(&app.token(Role::Partner, "p"))).await, 403).await;
}

#[tokio::test]
async fn invalid_policies_get_422_naming_the_parameter() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let path = format!("/api/v1/incidents/{id}/policies");
    let mut bad = policy();
    bad["rules"][0]["params"]["tiers"][1]["up_to"] = json!("100000");
    bad["rules"][1]["params"] = json!({"rate": "1"});
    bad["rules"][1]["extra"] = json!(true);
    let problem_body = problem(app.post(&path, Some(&app.admin()), &bad).await, 422).await;
    assert_eq!(field_codes(&problem_body), ["rules[1].extra:unknown_field"]);

    bad["rules"][1].as_object_mut().unwrap().remove("extra");
    let problem_body = problem(app.post(&path, Some(&app.admin()), &bad).await, 422).await;
    let codes = field_codes(&problem_body);
    for expected in [
        "rules[0].params.tiers[1].up_to:not_ascending",
        "rules[1].params.rate:not_allowed",
        "rules[1].params.multiplier:required",
    ] {
        assert!(codes.contains(&expected.to_owned()), "{expected} in {codes:?}");
    }
    let mut usd = policy();
    usd["currency"] = json!("USD");
    let problem_body = problem(app.post(&path, Some(&app.admin()), &usd).await, 422).await;
    assert_eq!(field_codes(&problem_body), ["currency:currency_mismatch"]);
    let mut bad_method = policy();
    bad_method["rules"][0]["method"] = json!("vibes");
    let problem_body = problem(app.post(&path, Some(&app.admin()), &bad_method).await, 422).await;
    assert_eq!(field_codes(&problem_body), ["rules[0].method:invalid_choice"]);
    // None of it was stored.
    let listed = body(app.get(&path, Some(&app.admin())).await).await;
    assert!(listed["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn policies_cannot_be_changed_once_created() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let created =
        body(app.post(&format!("/api/v1/incidents/{id}/policies"), Some(&app.admin()), &policy()).await)
            .await;
    let path = format!("/api/v1/policies/{}", created["id"].as_str().unwrap());
    for method in [reqwest::Method::PUT, reqwest::Method::PATCH, reqwest::Method::DELETE] {
        let response = app.request(method, &path, Some(&app.admin()), Some(&json!({}))).await;
        problem(response, 405).await;
    }
}
