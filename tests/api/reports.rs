use outage_claims::domain::role::Role;
use serde_json::json;

use crate::helpers::{body, claim_body, incident_with_windows, problem, spawn_app};

#[tokio::test]
async fn the_summary_reconciles_claims_assessments_and_payments() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "30000"}}]});
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        if n == 2 {
            claim["loss_started_at"] = json!("2022-10-20T10:00:00+09:00");
            claim["loss_ended_at"] = json!("2022-10-20T11:00:00+09:00");
        }
        let token = if n == 0 { None } else { Some(app.token(Role::Claimant, "c")) };
        ids.push(
            body(app.post("/api/v1/claims", token.as_deref(), &claim).await).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let batch = body(
        app.post(
            "/api/v1/payout-batches",
            Some(&app.finance()),
            &json!({"incident_id": incident, "policy_id": policy["id"]}),
        )
        .await,
    )
    .await;
    let batch_id = batch["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/payout-batches/{batch_id}/approve"),
        Some(&app.token(Role::Finance, "grace")),
        &json!({}),
    )
    .await;
    let csv = format!("claim_id,status,bank_reference\n{},paid,B1\n", ids[0]);
    app.client
        .post(format!("{}/api/v1/payout-batches/{batch_id}/settlements", app.address))
        .bearer_auth(app.finance())
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();

    let summary =
        body(app.get(&format!("/api/v1/incidents/{incident}/summary"), Some(&app.admin())).await).await;
    let totals = &summary["totals"];
    assert_eq!(totals["claims"], 3);
    assert_eq!(totals["claimed"], "750000");
    assert_eq!(totals["assessed_gross"], "60000");
    assert_eq!(totals["assessed_payout"], "60000");
    assert_eq!((totals["paid"].as_str(), totals["paid_count"].as_i64()), (Some("30000"), Some(1)));
    let by_status: Vec<_> = summary["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| format!("{}={}", g["key"].as_str().unwrap(), g["count"]))
        .collect();
    assert_eq!(by_status, ["in_batch=1", "paid=1", "rejected=1"]);
    let channels: Vec<_> = summary["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(channels, ["api", "web"]);
    assert_eq!(summary["by_claimant_kind"][0]["amount"], "750000");
    // Batches by status carry what they pay, as every other group carries its amount.
    assert_eq!(summary["batches"], json!([{"key": "approved", "count": 1, "amount": "60000"}]));
    problem(
        app.get(&format!("/api/v1/incidents/{incident}/summary"), Some(&app.token(Role::Partner, "p"))).await,
        403,
    )
    .await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_claims_by_status() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &claim_body(&incident)).await;
    app.get(&format!("/api/v1/incidents/{incident}"), None).await;
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("http_requests_total{method=\"POST\",route=\"/api/v1/claims\",status=\"201\"} 1"),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket{route=\"/api/v1/incidents/{id}\""), "{text}");
    assert!(text.contains("claims{status=\"verified\"} 1"), "{text}");
}
