//! Integrity screening (SPEC 13): each signal sends a claim to review with its evidence, shown
//! to finance only; none rejects a claim.

use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, brn, claim_body, incident_with_windows, spawn_app, spawn_app_with, TestApp};

/// Files a business claim `n` with the given changes; returns the claim as filed.
async fn file(app: &TestApp, incident: &str, n: u32, change: impl FnOnce(&mut Value)) -> Value {
    let mut claim = claim_body(incident);
    claim["claimant"]["business_registration_number"] = json!(brn(n));
    claim["claimant"]["email"] = json!(format!("shop{n}@example.kr"));
    claim["claimant"]["phone"] = json!(format!("010-{:04}-{:04}", n / 10_000, n % 10_000));
    claim["payout_account"]["account_number"] = json!(format!("{:012}", 700_000_000 + n));
    change(&mut claim);
    let response = app.post("/api/v1/claims", Some(&app.token(Role::Partner, "lobby")), &claim).await;
    assert_eq!(response.status(), 201);
    body(response).await
}

/// The claim as finance reads it: its signals' codes.
async fn signal_codes(app: &TestApp, claim: &Value) -> Vec<String> {
    let path = format!("/api/v1/claims/{}", claim["id"].as_str().unwrap());
    let read = body(app.get(&path, Some(&app.finance())).await).await;
    read["signals"]
        .as_array()
        .expect("finance sees signals")
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_payout_account_shared_by_two_businesses_sends_the_second_to_review_with_evidence() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let first =
        file(&app, &incident, 1, |c| c["payout_account"]["account_number"] = json!("111122223333")).await;
    let second =
        file(&app, &incident, 2, |c| c["payout_account"]["account_number"] = json!("1111-2222-3333")).await;
    assert_eq!(first["status"], "verified");
    assert_eq!(
        (second["status"].as_str(), second["status_reason"].as_str()),
        (Some("needs_review"), Some("integrity_signal"))
    );
    assert_eq!(signal_codes(&app, &second).await, ["shared_payout_account"]);
    let path = format!("/api/v1/claims/{}", second["id"].as_str().unwrap());
    let read = body(app.get(&path, Some(&app.finance())).await).await;
    assert!(read["signals"][0]["detail"].as_str().unwrap().contains(first["reference"].as_str().unwrap()));
    // The filer never sees the signals, nor does an admin reading the claim.
    assert!(second.get("signals").is_none());
    let partner = body(app.get(&path, Some(&app.token(Role::Partner, "lobby"))).await).await;
    assert!(partner.get("signals").is_none());
    assert!(body(app.get(&path, Some(&app.admin())).await).await.get("signals").is_none());
    // Finance may still approve it: a signal decides nothing by itself.
    let decision = json!({"decision": "approve", "reason": "same family business, checked"});
    let approved = app.post(&format!("{path}/review"), Some(&app.finance()), &decision).await;
    assert_eq!(body(approved).await["status"], "approved");
}

#[tokio::test]
async fn one_email_across_registration_numbers_is_a_shared_contact() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    file(&app, &incident, 1, |c| c["claimant"]["email"] = json!("agent@example.kr")).await;
    let second = file(&app, &incident, 2, |c| c["claimant"]["email"] = json!("agent@example.kr")).await;
    assert_eq!(second["status"], "needs_review");
    assert_eq!(signal_codes(&app, &second).await, ["shared_contact"]);
}

#[tokio::test]
async fn an_individual_paid_into_someone_elses_account_is_a_holder_mismatch() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let person = file(&app, &incident, 1, |c| {
        c["claimant"] = json!({"kind": "individual", "name": "Lee Jiwoo", "email": "lee@example.kr"});
        c["payout_account"]["holder"] = json!("Park Joon");
    })
    .await;
    assert_eq!(person["status"], "needs_review");
    assert_eq!(signal_codes(&app, &person).await, ["holder_mismatch"]);
    let own = file(&app, &incident, 2, |c| {
        c["claimant"] = json!({"kind": "individual", "name": "Kim Minji", "email": "kim@example.kr"});
        c["payout_account"]["holder"] = json!("KIM MINJI");
    })
    .await;
    assert_eq!(own["status"], "verified");
    assert!(signal_codes(&app, &own).await.is_empty());
}

#[tokio::test]
async fn a_claim_far_above_its_peers_is_an_amount_outlier() {
    let app = spawn_app_with(&[("SIGNAL_OUTLIER_MIN_PEERS", "5"), ("SIGNAL_OUTLIER_FACTOR", "10")]).await;
    let mut incident_body = crate::helpers::incident_body();
    incident_body["review_threshold"] = json!("1000000000");
    let incident = body(app.post("/api/v1/incidents", Some(&app.admin()), &incident_body).await).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let window = json!({"service": "messenger", "severity": "major_outage",
        "started_at": "2022-10-15T15:30:00+09:00", "ended_at": "2022-10-16T01:00:00+09:00"});
    app.post(&format!("/api/v1/incidents/{incident}/windows"), Some(&app.admin()), &window).await;
    for n in 0..5 {
        file(&app, &incident, n, |_| {}).await;
    }
    let modest = file(&app, &incident, 10, |c| c["claimed_amount"] = json!("2500000")).await;
    assert_eq!(modest["status"], "verified", "ten times the median is not above it");
    let outlier = file(&app, &incident, 11, |c| c["claimed_amount"] = json!("90000000")).await;
    assert_eq!(outlier["status"], "needs_review");
    assert_eq!(signal_codes(&app, &outlier).await, ["amount_outlier"]);
}

#[tokio::test]
async fn many_public_filings_from_one_address_within_minutes_are_filing_velocity() {
    let app = spawn_app_with(&[("SIGNAL_VELOCITY_PER_CLIENT", "3")]).await;
    let incident = incident_with_windows(&app).await;
    let mut statuses = Vec::new();
    for n in 0..5 {
        let mut claim = claim_body(&incident);
        claim["claimant"]["business_registration_number"] = json!(brn(n));
        claim["payout_account"]["account_number"] = json!(format!("{:012}", 800_000_000 + n));
        claim["claimant"]["email"] = json!(format!("bot{n}@example.kr"));
        claim["claimant"]["phone"] = json!(crate::helpers::phone(n));
        let response = app.post("/api/v1/claims", None, &claim).await;
        let filed = body(response).await;
        statuses.push((filed["status"].as_str().unwrap_or("").to_owned(), filed["id"].clone()));
    }
    let kinds: Vec<&str> = statuses.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(kinds, ["verified", "verified", "verified", "needs_review", "needs_review"]);
    let last = json!({"id": statuses[4].1});
    assert_eq!(signal_codes(&app, &last).await, ["filing_velocity"]);
}

#[tokio::test]
async fn a_claim_without_signals_shows_finance_an_empty_list() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let claim = file(&app, &incident, 1, |_| {}).await;
    assert_eq!(claim["status"], "verified");
    assert!(signal_codes(&app, &claim).await.is_empty());
}

#[tokio::test]
async fn the_rows_of_one_upload_are_screened_against_each_other_as_if_filed_one_by_one() {
    use crate::bulk::{csv, row, upload_csv, COLUMNS};
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    // Stored before the upload: business 9 with an account that row 4 reuses.
    let stored =
        file(&app, &incident, 9, |c| c["payout_account"]["account_number"] = json!("900011112222")).await;
    let mut rows = vec![row(1), row(2), row(3), row(4), row(1)];
    rows[1].insert("account_number", row(1)["account_number"].clone());
    rows[2].insert("email", row(1)["email"].clone());
    rows[3].insert("account_number", "900011112222".into());
    rows[4].insert("external_ref", "ref-again".into());
    let summary = upload_csv(&app, &incident, "screened-together", &csv(&COLUMNS, &rows)).await;
    assert_eq!((summary["accepted"].as_i64(), summary["duplicates"].as_i64()), (Some(4), Some(1)));
    let listed = app.get("/api/v1/claims?channel=bulk&limit=10", Some(&app.finance())).await;
    let mut claims = body(listed).await["items"].as_array().unwrap().clone();
    claims.sort_by_key(|c| c["reference"].as_str().unwrap().to_owned());
    let mut found = Vec::new();
    for claim in &claims {
        found.push((claim["external_ref"].as_str().unwrap().to_owned(), signal_codes(&app, claim).await));
    }
    let expected: Vec<(String, Vec<String>)> = [
        ("ref-1", vec![]),
        ("ref-2", vec!["shared_payout_account"]),
        ("ref-3", vec!["shared_contact"]),
        ("ref-4", vec!["shared_payout_account"]),
    ]
    .into_iter()
    .map(|(r, codes)| (r.to_owned(), codes.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(found, expected);
    // The evidence names the claim before it in the file, and the stored one.
    let second = body(
        app.get(&format!("/api/v1/claims/{}", claims[1]["id"].as_str().unwrap()), Some(&app.finance())).await,
    )
    .await;
    assert!(second["signals"][0]["detail"]
        .as_str()
        .unwrap()
        .contains(claims[0]["reference"].as_str().unwrap()));
    let fourth = body(
        app.get(&format!("/api/v1/claims/{}", claims[3]["id"].as_str().unwrap()), Some(&app.finance())).await,
    )
    .await;
    assert!(fourth["signals"][0]["detail"].as_str().unwrap().contains(stored["reference"].as_str().unwrap()));
    assert!(app.cli(&["audit", "verify"]).status.success());
}
