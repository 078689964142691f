use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, claim_body, field_codes, incident_with_windows, problem, spawn_app, TestApp};

async fn filed(app: &TestApp, token: &str, change: Value) -> Value {
    let incident = incident_with_windows(app).await;
    let mut claim = claim_body(&incident);
    for (k, v) in change.as_object().unwrap() {
        claim[k] = v.clone();
    }
    let response = app.post("/api/v1/claims", Some(token), &claim).await;
    assert_eq!(response.status(), 201);
    body(response).await
}

fn path(claim: &Value, action: &str) -> String {
    format!("/api/v1/claims/{}/{action}", claim["id"].as_str().unwrap())
}

#[tokio::test]
async fn a_claimant_withdraws_once_and_staff_cannot_withdraw_for_them() {
    let app = spawn_app().await;
    let token = app.token(Role::Claimant, "c");
    let claim = filed(&app, &token, json!({})).await;
    problem(app.post(&path(&claim, "withdraw"), Some(&app.finance()), &json!({})).await, 403).await;
    let withdrawn = body(app.post(&path(&claim, "withdraw"), Some(&token), &json!({})).await).await;
    assert_eq!(withdrawn["status"], "withdrawn");
    problem(app.post(&path(&claim, "withdraw"), Some(&token), &json!({})).await, 409).await;
    // A withdrawn claim does not block a new filing for the same period.
    let again =
        app.post("/api/v1/claims", Some(&token), &claim_body(claim["incident_id"].as_str().unwrap())).await;
    assert_eq!(again.status(), 201);
}

#[tokio::test]
async fn finance_approves_a_claim_under_review_with_an_assessed_amount() {
    let app = spawn_app().await;
    let token = app.token(Role::Claimant, "c");
    let claim = filed(&app, &token, json!({"claimed_amount": "6000000"})).await;
    assert_eq!(claim["status"], "needs_review");
    let (review_path, finance) = (path(&claim, "review"), app.finance());
    let review = |input: Value| {
        let (app, review_path, finance) = (&app, &review_path, &finance);
        async move { app.post(review_path, Some(finance), &input).await }
    };

    problem(
        app.post(&path(&claim, "review"), Some(&token), &json!({"decision": "approve", "reason": "mine"}))
            .await,
        403,
    )
    .await;
    problem(
        app.post(&path(&claim, "review"), Some(&app.admin()), &json!({"decision": "approve", "reason": "x"}))
            .await,
        403,
    )
    .await;
    let too_much = problem(
        review(json!({"decision": "approve", "reason": "ok", "approved_amount": "6000001"})).await,
        422,
    )
    .await;
    assert_eq!(field_codes(&too_much), ["approved_amount:above_claimed"]);
    let wrong =
        problem(review(json!({"decision": "reject", "reason": "no", "approved_amount": "1"})).await, 422)
            .await;
    assert_eq!(field_codes(&wrong), ["approved_amount:not_allowed"]);
    problem(review(json!({"decision": "approve", "reason": ""})).await, 422).await;
    problem(review(json!({"decision": "maybe", "reason": "x"})).await, 422).await;

    let approved = body(
        review(json!({"decision": "approve", "reason": "receipts checked", "approved_amount": "4500000"}))
            .await,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approved_amount"], "4500000");
    assert_eq!(approved["status_reason"], "receipts checked");
    problem(review(json!({"decision": "reject", "reason": "changed my mind"})).await, 409).await;

    let events = body(
        app.get(
            &format!("/api/v1/audit-events?entity_id={}", claim["id"].as_str().unwrap()),
            Some(&app.finance()),
        )
        .await,
    )
    .await;
    let actions: Vec<_> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["claim.filed", "claim.reviewed"]);
    assert_eq!(events["items"][1]["actor"], "finance:fred");
}

#[tokio::test]
async fn a_deficiency_is_cured_with_documents() {
    let app = spawn_app().await;
    let token = app.token(Role::Claimant, "c");
    let claim = filed(&app, &token, json!({})).await;
    // Documents are only for deficient claims.
    let note = json!({"note": "here", "evidence": {"monthly_fee": "33000"}});
    problem(app.post(&path(&claim, "documents"), Some(&token), &note).await, 409).await;

    let request = json!({"decision": "request_info", "reason": "send last month's sales", "cure_days": 7});
    let deficient = body(app.post(&path(&claim, "review"), Some(&app.finance()), &request).await).await;
    assert_eq!(deficient["status"], "deficient");
    assert!(deficient["cure_deadline"].is_string());

    problem(app.post(&path(&claim, "documents"), Some(&app.finance()), &note).await, 403).await;
    let bad = problem(
        app.post(
            &path(&claim, "documents"),
            Some(&token),
            &json!({"note": "x", "evidence": {"monthly_fee": "1.5"}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(field_codes(&bad), ["evidence.monthly_fee:too_many_decimals"]);
    let answered = body(app.post(&path(&claim, "documents"), Some(&token), &note).await).await;
    assert_eq!(answered["status"], "needs_review");
    assert_eq!(answered["evidence"]["monthly_fee"], "33000");
    assert_eq!(answered["evidence"]["baseline_revenue"], "1400000");
}

#[tokio::test]
async fn missing_evidence_sent_later_verifies_the_claim() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "*", "service": "*", "method": "fee_multiple", "params": {"multiplier": "10"}}]});
    app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await;
    let token = app.token(Role::Claimant, "c");
    let claim = body(app.post("/api/v1/claims", Some(&token), &claim_body(&incident)).await).await;
    assert_eq!(claim["status_reason"], "missing_evidence: monthly_fee");
    let cured = body(
        app.post(
            &path(&claim, "documents"),
            Some(&token),
            &json!({"note": "fee", "evidence": {"monthly_fee": "33000"}}),
        )
        .await,
    )
    .await;
    assert_eq!(cured["status"], "verified");
}

#[tokio::test]
async fn rejected_claims_cannot_be_withdrawn_or_reviewed_again() {
    let app = spawn_app().await;
    let token = app.token(Role::Claimant, "c");
    let claim = filed(&app, &token, json!({})).await;
    let rejected = body(
        app.post(
            &path(&claim, "review"),
            Some(&app.finance()),
            &json!({"decision": "reject", "reason": "duplicate receipt"}),
        )
        .await,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    problem(app.post(&path(&claim, "withdraw"), Some(&token), &json!({})).await, 409).await;
    problem(
        app.post(
            &path(&claim, "review"),
            Some(&app.finance()),
            &json!({"decision": "approve", "reason": "x"}),
        )
        .await,
        409,
    )
    .await;
}
