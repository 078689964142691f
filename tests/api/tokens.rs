//! Tokens (SPEC 3): what a status token may do and how long it lives, and the checks every
//! token passes (`crit`, lifetime, clean names, the `Bearer` scheme), including four eyes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};
use outage_claims::domain::role::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{body, brn, claim_body, incident_with_windows, problem, spawn_app, TestApp, JWT_SECRET};

fn sign(header: &Header, claims: &Value) -> String {
    encode(header, claims, &EncodingKey::from_secret(JWT_SECRET.as_bytes())).unwrap()
}

fn claims(sub: &str, role: &str, lifetime: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "role": role, "iss": "outage-claims", "aud": "outage-claims", "iat": now, "exp": now + lifetime})
}

/// The decoded payload of a token (no verification: the test only reads `exp`).
fn payload(token: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

/// Two public filings of one incident: (incident, first claim id, its status token, second id).
async fn two_public_claims(app: &TestApp) -> (String, String, String, String) {
    let incident = incident_with_windows(app).await;
    let mut filed = Vec::new();
    for n in 0..2 {
        let mut claim = claim_body(&incident);
        claim["claimant"]["business_registration_number"] = json!(brn(n));
        let response = app.post("/api/v1/claims", None, &claim).await;
        assert_eq!(response.status(), 201);
        filed.push(body(response).await);
    }
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let token = filed[0]["status_token"].as_str().unwrap().to_owned();
    (incident, id(&filed[0]), token, id(&filed[1]))
}

#[tokio::test]
async fn a_status_token_reads_its_own_claim_and_nothing_else() {
    let app = spawn_app().await;
    let (incident, mine, token, other) = two_public_claims(&app).await;

    let read = app.get(&format!("/api/v1/claims/{mine}"), Some(&token)).await;
    assert_eq!(read.status(), 200);
    problem(app.get(&format!("/api/v1/claims/{other}"), Some(&token)).await, 404).await;
    for path in [
        "/api/v1/claims".to_owned(),
        format!("/api/v1/claims?reference={}", "OC-0000001"),
        "/api/v1/audit-events".to_owned(),
        "/api/v1/payout-batches".to_owned(),
        format!("/api/v1/incidents/{incident}/summary"),
    ] {
        problem(app.get(&path, Some(&token)).await, 403).await;
    }
    let mut claim = claim_body(&incident);
    claim["claimant"]["business_registration_number"] = json!(brn(7));
    problem(app.post("/api/v1/claims", Some(&token), &claim).await, 403).await;
    let bulk = app
        .client
        .post(format!("{}/api/v1/bulk-uploads?incident_id={incident}", app.address))
        .bearer_auth(&token)
        .header("Idempotency-Key", "k-1")
        .header("Content-Type", "text/csv")
        .body("a,b\n")
        .send()
        .await
        .unwrap();
    problem(bulk, 403).await;
    let review = json!({"decision": "reject", "reason": "x"});
    problem(app.post(&format!("/api/v1/claims/{mine}/review"), Some(&token), &review).await, 403).await;

    let withdrawn = app.post(&format!("/api/v1/claims/{mine}/withdraw"), Some(&token), &json!({})).await;
    assert_eq!(body(withdrawn).await["status"], "withdrawn");
}

#[tokio::test]
async fn a_status_token_expires_at_the_latest_180_days_after_the_claims_window_closes() {
    let app = spawn_app().await;
    let (incident, _, token, _) = two_public_claims(&app).await;
    let incident = body(app.get(&format!("/api/v1/incidents/{incident}"), Some(&app.admin())).await).await;
    let close = chrono::DateTime::parse_from_rfc3339(incident["claims_close_at"].as_str().unwrap()).unwrap();

    let exp = payload(&token)["exp"].as_i64().unwrap();

    assert!(exp <= close.timestamp() + 180 * 86_400, "exp {exp} is beyond close + 180 days");
}

#[tokio::test]
async fn the_cli_mints_status_tokens_that_end_180_days_after_the_claims_window() {
    let app = spawn_app().await;
    let (incident, mine, _, _) = two_public_claims(&app).await;
    let incident = body(app.get(&format!("/api/v1/incidents/{incident}"), Some(&app.admin())).await).await;
    let close = chrono::DateTime::parse_from_rfc3339(incident["claims_close_at"].as_str().unwrap()).unwrap();

    let output = app.cli(&["token", "--claim", &mine]);

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert_eq!(payload(&token)["exp"].as_i64().unwrap(), close.timestamp() + 180 * 86_400);
    assert_eq!(app.get(&format!("/api/v1/claims/{mine}"), Some(&token)).await.status(), 200);
}

#[tokio::test]
async fn a_token_with_a_crit_header_is_refused() {
    let app = spawn_app().await;
    let header = Header { crit: Some(vec!["exp".into()]), ..Header::default() };
    let token = sign(&header, &claims("alice", "admin", 600));

    problem(app.get("/api/v1/audit-events", Some(&token)).await, 401).await;
}

#[tokio::test]
async fn tokens_that_live_longer_than_jwt_max_ttl_are_refused() {
    let app = spawn_app().await;
    let fine = sign(&Header::default(), &claims("alice", "admin", 30 * 86_400));
    let long = sign(&Header::default(), &claims("alice", "admin", 32 * 86_400));
    let mut no_iat = claims("alice", "admin", 40 * 86_400);
    no_iat.as_object_mut().unwrap().remove("iat");
    let no_iat = sign(&Header::default(), &no_iat);

    assert_eq!(app.get("/api/v1/audit-events", Some(&fine)).await.status(), 200);
    problem(app.get("/api/v1/audit-events", Some(&long)).await, 401).await;
    problem(app.get("/api/v1/audit-events", Some(&no_iat)).await, 401).await;
}

#[tokio::test]
async fn the_cli_refuses_to_mint_a_token_beyond_jwt_max_ttl() {
    let app = spawn_app().await;

    let refused = app.cli(&["token", "--role", "admin", "--sub", "alice", "--ttl", "32d"]);
    let minted = app.cli(&["token", "--role", "admin", "--sub", "alice", "--ttl", "31d"]);

    assert!(!refused.status.success(), "minted a 32-day token");
    assert!(minted.status.success(), "{}", String::from_utf8_lossy(&minted.stderr));
}

#[tokio::test]
async fn subjects_and_orgs_with_control_characters_or_surrounding_space_get_401() {
    let app = spawn_app().await;
    for sub in ["fin\u{0}a", " fin-a", "fin-a ", "fin\ta", "fin\u{85}a"] {
        let token = sign(&Header::default(), &claims(sub, "admin", 600));
        problem(app.get("/api/v1/audit-events", Some(&token)).await, 401).await;
    }
    // A claimant's sub reaches SQL as the owner filter: with NUL, PostgreSQL answered 500.
    let nul = sign(&Header::default(), &claims("a\u{0}b", "claimant", 600));
    problem(app.get("/api/v1/claims", Some(&nul)).await, 401).await;
    let mut partner = claims("bot", "partner", 600);
    partner["org"] = json!("org-1\n");
    let token = sign(&Header::default(), &partner);
    problem(app.get("/api/v1/claims", Some(&token)).await, 401).await;
}

#[tokio::test]
async fn the_bearer_scheme_is_accepted_in_any_case() {
    let app = spawn_app().await;
    let token = app.admin();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = app
            .client
            .request(Method::GET, format!("{}/api/v1/audit-events", app.address))
            .header("Authorization", format!("{scheme} {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "scheme {scheme}");
    }
}

#[tokio::test]
async fn four_eyes_treat_subjects_that_differ_only_in_case_as_one_person() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = json!({"currency": "KRW", "rounding": "half_even",
        "rules": [{"claimant_kind": "business", "service": "*", "method": "tiered_by_claim",
                   "params": {"tiers": [{"up_to": "300000", "amount": "30000"}]}}]});
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    let filed =
        app.post("/api/v1/claims", Some(&app.token(Role::Partner, "p")), &claim_body(&incident)).await;
    assert_eq!(filed.status(), 201);
    let creator = app.token(Role::Finance, "Fin-A");
    let batch = json!({"incident_id": incident, "policy_id": policy["id"]});
    let batch = body(app.post("/api/v1/payout-batches", Some(&creator), &batch).await).await;
    let approve = format!("/api/v1/payout-batches/{}/approve", batch["id"].as_str().unwrap());

    problem(app.post(&approve, Some(&app.token(Role::Finance, "fin-a")), &json!({})).await, 409).await;
    problem(app.post(&approve, Some(&app.token(Role::Finance, "FIN-A")), &json!({})).await, 409).await;
    let approved = app.post(&approve, Some(&app.token(Role::Finance, "fin-b")), &json!({})).await;
    assert_eq!(body(approved).await["status"], "approved");
}
