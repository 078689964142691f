//! Money safety (SPEC 5 and 8): a state change answered 2xx is never undone by a batch being
//! calculated, one claimant has one claim per service, a duplicate tells nobody of another
//! person's claim, and large totals are reported exactly.

use std::collections::HashSet;

use futures_util::future::join_all;
use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, brn, claim_body, incident_with_windows, problem, spawn_app, TestApp};
use crate::resilience::{
    assert_no_claim_in_two_batches, audit_is_sound, batches_with_claims, claim, create_batch, create_policy,
    file_claims,
};

/// Withdraws (the partner that filed them) or rejects (finance) claims, all at once; returns the
/// ids whose change was answered 200.
async fn change_all(app: &TestApp, ids: &[String], reject: bool) -> Vec<String> {
    let (partner, finance) = (app.token(Role::Partner, "lobby"), app.finance());
    let answers = join_all(ids.iter().map(|id| {
        let (partner, finance) = (&partner, &finance);
        async move {
            let response = if reject {
                let decision = json!({"decision": "reject", "reason": "not a customer of the service"});
                app.post(&format!("/api/v1/claims/{id}/review"), Some(finance), &decision).await
            } else {
                app.post(&format!("/api/v1/claims/{id}/withdraw"), Some(partner), &json!({})).await
            };
            let status = response.status().as_u16();
            // 503 (with Retry-After) is the pool's back-pressure under this burst: not a change.
            assert!([200, 409, 503].contains(&status), "a change is done or refused, never a {status}");
            (status == 200).then(|| id.clone())
        }
    }))
    .await;
    answers.into_iter().flatten().collect()
}

#[tokio::test]
async fn a_claim_withdrawn_or_rejected_while_a_batch_is_calculated_is_never_in_that_batch() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = create_policy(&app, &incident).await;
    for round in 0..2u32 {
        // A fresh client each round: connections pooled in the last one may have been closed by
        // the server's keep-alive timeout meanwhile, and a reused one then fails unanswered.
        let app = app.at(&app.address);
        let (filed, other) = file_claims(&app, &incident, round * 600..round * 600 + 600).await;
        assert_eq!(filed.len(), 600, "{other:?}");
        // The batch and a stream of withdrawals and rejections, at the same moment.
        let (batch, withdrawn, rejected) = tokio::join!(
            create_batch(&app, &incident, &policy),
            change_all(&app, &filed[..300], false),
            change_all(&app, &filed[300..450], true),
        );
        // Under this burst the batch may also wait past the pool's timeout (503, retried later).
        let created = batch.status() == 201;
        assert!([201, 409, 503].contains(&batch.status().as_u16()), "batch: {}", batch.status());
        let batches = batches_with_claims(&app).await;
        let in_batch = assert_no_claim_in_two_batches(&batches);
        for id in withdrawn.iter().chain(&rejected) {
            assert!(!in_batch.contains(id), "claim {id} was changed (200) and still taken into a batch");
        }
        let finance = app.finance();
        for id in &in_batch {
            let claim = body(app.get(&format!("/api/v1/claims/{id}"), Some(&finance)).await).await;
            assert_eq!(claim["status"], "in_batch", "a line's claim is held by its batch");
        }
        // Claims changed before the batch read them are not in it; the rest are, all of them.
        let untouched: HashSet<&String> = filed[450..].iter().collect();
        assert!(!created || untouched.iter().all(|id| in_batch.contains(*id)), "the batch took them all");
    }
    audit_is_sound(&app).await;
}

#[tokio::test]
async fn one_claimant_has_one_claim_per_service_whatever_the_loss_period_or_kind() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "c");
    let first = body(app.post("/api/v1/claims", Some(&token), &claim_body(&incident)).await).await;
    assert_eq!(first["status"], "verified");

    // The same loss split into an adjacent period: one loss is one claim.
    let mut adjacent = claim_body(&incident);
    adjacent["loss_started_at"] = json!("2022-10-15T19:30:00+09:00");
    adjacent["loss_ended_at"] = json!("2022-10-15T20:30:00+09:00");
    let conflict = problem(app.post("/api/v1/claims", Some(&token), &adjacent).await, 409).await;
    assert_eq!(conflict["existing_id"], first["id"], "its own filer is told which claim");
    assert_eq!(conflict["existing_reference"], first["reference"]);

    // The same registration number filed as an individual is still the same business.
    let mut as_person = claim_body(&incident);
    as_person["claimant"]["kind"] = json!("individual");
    as_person["claimant"]["email"] = json!("someone-else@example.kr");
    as_person["loss_started_at"] = json!("2022-10-16T05:00:00+09:00");
    as_person["loss_ended_at"] = json!("2022-10-16T06:00:00+09:00");
    problem(app.post("/api/v1/claims", Some(&token), &as_person).await, 409).await;

    // An email is an identity whatever its case.
    let mut person = claim_body(&incident);
    person["claimant"] = json!({"kind": "individual", "name": "Lee", "email": "Lee@Example.kr"});
    assert_eq!(app.post("/api/v1/claims", Some(&token), &person).await.status(), 201);
    person["claimant"]["email"] = json!("lee@example.KR");
    person["loss_started_at"] = json!("2022-10-16T05:00:00+09:00");
    person["loss_ended_at"] = json!("2022-10-16T06:00:00+09:00");
    problem(app.post("/api/v1/claims", Some(&token), &person).await, 409).await;

    // Once withdrawn, the claimant may file afresh.
    let withdraw = format!("/api/v1/claims/{}/withdraw", first["id"].as_str().unwrap());
    assert_eq!(app.post(&withdraw, Some(&token), &json!({})).await.status(), 200);
    assert_eq!(app.post("/api/v1/claims", Some(&token), &adjacent).await.status(), 201);
}

#[tokio::test]
async fn ten_one_minute_claims_of_one_business_make_one_claim() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "splitter");
    let mut statuses = Vec::new();
    for minute in 0..10 {
        let mut claim = claim_body(&incident);
        claim["loss_started_at"] = json!(format!("2022-10-15T16:{minute:02}:00+09:00"));
        claim["loss_ended_at"] = json!(format!("2022-10-15T16:{:02}:00+09:00", minute + 1));
        statuses.push(app.post("/api/v1/claims", Some(&token), &claim).await.status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 9, "{statuses:?}");
}

#[tokio::test]
async fn a_duplicate_names_the_existing_claim_only_to_a_caller_who_may_read_it() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let owner = app.token(Role::Claimant, "owner");
    let filed = body(app.post("/api/v1/claims", Some(&owner), &claim_body(&incident)).await).await;

    // An anonymous filer who types the same registration number learns only that it has a claim.
    let anonymous = problem(app.post("/api/v1/claims", None, &claim_body(&incident)).await, 409).await;
    let stranger = app.token(Role::Claimant, "stranger");
    let other = problem(app.post("/api/v1/claims", Some(&stranger), &claim_body(&incident)).await, 409).await;
    let partner = app.token(Role::Partner, "lobby");
    let lobby = problem(app.post("/api/v1/claims", Some(&partner), &claim_body(&incident)).await, 409).await;
    for answer in [&anonymous, &other, &lobby] {
        assert!(answer.get("existing_id").is_none(), "{answer}");
        assert!(answer.get("existing_reference").is_none(), "{answer}");
        let text = answer.to_string();
        assert!(
            !text.contains(filed["id"].as_str().unwrap())
                && !text.contains(filed["reference"].as_str().unwrap())
        );
        assert!(answer["detail"].as_str().unwrap().contains("status link"), "says how to reach it: {answer}");
    }
}

#[tokio::test]
async fn the_summary_adds_up_totals_beyond_64_bits_exactly() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    // 1,000 claims of 10^13 KRW are 10^16; stored as if 10,000 claims of 10^15 minor units had
    // been filed (the largest amounts the API takes), their sum is 10^19, beyond i64.
    let (filed, _) = file_claims(&app, &incident, 0..100).await;
    assert_eq!(filed.len(), 100);
    app.execute_sql("UPDATE claims SET claimed_minor = 100000000000000000");
    let summary = app.get(&format!("/api/v1/incidents/{incident}/summary"), Some(&app.finance())).await;
    assert_eq!(summary.status(), 200);
    let summary: Value = body(summary).await;
    assert_eq!(summary["totals"]["claimed"], "10000000000000000000");
    assert_eq!(summary["totals"]["claims"], 100);
}

#[tokio::test]
async fn members_filing_their_own_claims_during_their_partners_bulk_upload_are_answered_201_or_409() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    // The partner uploads 3,000 members; 300 of them file for themselves at the same time.
    let rows: Vec<Value> = (0..3000).map(bulk_row).collect();
    let upload = app
        .client
        .post(format!("{}/api/v1/bulk-uploads?incident_id={incident}", app.address))
        .bearer_auth(app.token(Role::Partner, "lobby"))
        .header("Idempotency-Key", "members-upload")
        .json(&rows)
        .send();
    let own = join_all((0..300).rev().map(|n| {
        let (app, claim) = (&app, claim(&incident, n * 10));
        async move {
            let token = app.token(Role::Claimant, &format!("member-{n}"));
            app.post("/api/v1/claims", Some(&token), &claim).await.status().as_u16()
        }
    }));
    let (upload, own) = tokio::join!(upload, own);
    let upload = upload.expect("the upload is answered");
    assert_eq!(upload.status(), 201);
    let summary: Value = upload.json().await.expect("summary");
    for status in &own {
        assert!([201, 409].contains(status), "a member's own filing got {status}");
    }
    let own_filed = own.iter().filter(|s| **s == 201).count() as u64;
    // Every business has exactly one claim: the upload's or its own.
    assert_eq!(summary["accepted"].as_u64().unwrap() + own_filed, 3000, "{summary}");
    assert_eq!(summary["duplicates"].as_u64().unwrap(), own_filed, "{summary}");
}

/// The member `n` of a partner's JSON upload, the same business as `claim(_, n)`.
fn bulk_row(n: u32) -> Value {
    json!({
        "external_ref": format!("m-{n}"), "claimant_kind": "business", "name": "Member shop",
        "business_registration_number": brn(n), "email": format!("shop{n}@example.kr"),
        "phone": crate::helpers::phone(n),
        "service": "messenger", "loss_started_at": "2022-10-15T15:30:00+09:00",
        "loss_ended_at": "2022-10-15T19:30:00+09:00", "currency": "KRW", "claimed_amount": "250000",
        "baseline_revenue": "1400000", "outage_revenue": "900000", "bank_code": "004",
        "account_number": format!("{:012}", 500_000_000 + n), "account_holder": "Kim Minji"
    })
}

#[tokio::test]
async fn a_claimant_who_lost_more_amends_the_one_claim_and_it_is_verified_again() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "c");
    let filed = body(app.post("/api/v1/claims", Some(&token), &claim_body(&incident)).await).await;
    let path = format!("/api/v1/claims/{}/amend", filed["id"].as_str().unwrap());
    assert_eq!(filed["verification"]["outage_seconds"], 4 * 3600);

    // A longer loss, as one claim: verified again over the new period.
    let longer = json!({"loss_ended_at": "2022-10-16T03:30:00+09:00", "claimed_amount": "400000"});
    let amended = body(app.post(&path, Some(&token), &longer).await).await;
    assert_eq!(amended["id"], filed["id"]);
    assert_eq!(amended["claimed_amount"], "400000");
    assert_eq!(amended["status"], "verified");
    assert_eq!(amended["verification"]["outage_seconds"], 12 * 3600);
    assert_eq!(amended["verification"]["windows"].as_array().unwrap().len(), 2);

    // Above the review threshold: a person looks at it.
    let large = body(app.post(&path, Some(&token), &json!({"claimed_amount": "9000000"})).await).await;
    assert_eq!(
        (large["status"].as_str(), large["status_reason"].as_str()),
        (Some("needs_review"), Some("above_review_threshold"))
    );

    // A period without any outage is refused, and nothing changes.
    let outside =
        json!({"loss_started_at": "2022-10-20T10:00:00+09:00", "loss_ended_at": "2022-10-20T11:00:00+09:00"});
    let refused = problem(app.post(&path, Some(&token), &outside).await, 422).await;
    assert_eq!(refused["errors"][0]["field"], "loss_started_at");
    let unknown = problem(app.post(&path, Some(&token), &json!({"service": "mobility"})).await, 422).await;
    assert!(unknown.to_string().contains("service"), "{unknown}");
    let now =
        body(app.get(&format!("/api/v1/claims/{}", filed["id"].as_str().unwrap()), Some(&token)).await).await;
    assert_eq!(now["claimed_amount"], "9000000");

    // Nobody else amends it, and finance decides rather than amends.
    problem(app.post(&path, Some(&app.token(Role::Claimant, "other")), &longer).await, 404).await;
    problem(app.post(&path, Some(&app.finance()), &longer).await, 403).await;
    audit_is_sound(&app).await;
}

#[tokio::test]
async fn a_claim_in_a_batch_can_no_longer_be_amended() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = create_policy(&app, &incident).await;
    let (filed, _) = file_claims(&app, &incident, 0..1).await;
    assert_eq!(create_batch(&app, &incident, &policy).await.status(), 201);
    let path = format!("/api/v1/claims/{}/amend", filed[0]);
    let partner = app.token(Role::Partner, "lobby");
    problem(app.post(&path, Some(&partner), &json!({"claimed_amount": "999999"})).await, 409).await;
}

#[tokio::test]
async fn a_large_bank_file_is_recorded_in_chunks_that_each_commit_with_their_audit_event() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = create_policy(&app, &incident).await;
    let (filed, _) = file_claims(&app, &incident, 0..2500).await;
    assert_eq!(filed.len(), 2500);
    let batch = body(create_batch(&app, &incident, &policy).await).await;
    let id = batch["id"].as_str().unwrap();
    let approve = format!("/api/v1/payout-batches/{id}/approve");
    assert_eq!(app.post(&approve, Some(&app.token(Role::Finance, "grace")), &json!({})).await.status(), 200);

    let mut file = String::from("claim_id,status,bank_reference,failure_reason\n");
    for claim in &filed {
        file.push_str(&format!("{claim},paid,B-{claim},\n"));
    }
    let settled = app
        .client
        .post(format!("{}/api/v1/payout-batches/{id}/settlements", app.address))
        .bearer_auth(app.finance())
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(settled.status(), 200);
    let summary = body(settled).await;
    assert_eq!(
        (summary["paid"].as_u64(), summary["batch"]["status"].as_str()),
        (Some(2500), Some("settled"))
    );
    // Three chunks (1,000 rows each at most), each audited as it committed, then the summary.
    let events =
        body(app.get("/api/v1/audit-events?limit=500&entity_type=payout_batch", Some(&app.finance())).await)
            .await;
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "payout_batch.settlement_rows").count(), 3, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "payout_batch.settlement_imported").count(), 1);
    audit_is_sound(&app).await;
}
