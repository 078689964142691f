use outage_claims::domain::role::Role;
use serde_json::json;

use crate::helpers::{body, claim_body, field_codes, incident_with_windows, problem, spawn_app};

#[tokio::test]
async fn the_same_key_and_body_replay_the_first_answer() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let send = |key: &'static str, claim: serde_json::Value, token: String| {
        let url = format!("{}/api/v1/claims", app.address);
        app.client.post(url).bearer_auth(token).header("Idempotency-Key", key).json(&claim).send()
    };
    let token = app.token(Role::Claimant, "c");
    let first = send("key-1", claim_body(&incident), token.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first = body(first).await;
    let replay = send("key-1", claim_body(&incident), token.clone()).await.unwrap();
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(body(replay).await, first);

    let mut other = claim_body(&incident);
    other["claimed_amount"] = json!("1000");
    let reused = problem(send("key-1", other.clone(), token.clone()).await.unwrap(), 422).await;
    assert_eq!(field_codes(&reused), ["Idempotency-Key:idempotency_key_reused"]);

    // Keys are scoped to the caller: another claimant's "key-1" is its own.
    crate::helpers::as_business(&mut other, 9);
    let elsewhere = send("key-1", other, app.token(Role::Claimant, "d")).await.unwrap();
    assert_eq!(elsewhere.status(), 201);
    let listed = body(app.get("/api/v1/claims", Some(&app.finance())).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_execute_once() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Partner, "p");
    let attempts = (0..10).map(|_| {
        let url = format!("{}/api/v1/claims", app.address);
        let request = app
            .client
            .post(url)
            .bearer_auth(&token)
            .header("Idempotency-Key", "same")
            .json(&claim_body(&incident));
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), body(response).await["id"].clone())
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    assert!(answers.iter().all(|(status, id)| *status == 201 && *id == answers[0].1), "{answers:?}");
    let listed = body(app.get("/api/v1/claims", Some(&app.finance())).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_keys_are_refused() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let url = format!("{}/api/v1/claims", app.address);
    let long = "k".repeat(256);
    let response = app
        .client
        .post(url)
        .bearer_auth(app.token(Role::Claimant, "c"))
        .header("Idempotency-Key", long)
        .json(&claim_body(&incident))
        .send()
        .await
        .unwrap();
    let problem = problem(response, 422).await;
    assert_eq!(field_codes(&problem), ["Idempotency-Key:invalid_idempotency_key"]);
}
