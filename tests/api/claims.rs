use outage_claims::domain::role::Role;
use serde_json::json;

use crate::helpers::{
    body, claim_body, field_codes, incident_with_windows, problem, spawn_app, spawn_app_with,
};

#[tokio::test]
async fn a_claimant_files_a_claim_that_is_verified_against_the_outage_windows() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "minji");
    let response = app.post("/api/v1/claims", Some(&token), &claim_body(&incident)).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let claim = body(response).await;
    assert_eq!(location, format!("/api/v1/claims/{}", claim["id"].as_str().unwrap()));
    assert_eq!(claim["status"], "verified");
    assert_eq!(claim["channel"], "api");
    assert!(claim["reference"].as_str().unwrap().starts_with("OC-"));
    assert_eq!(claim["verification"]["outage_seconds"], 4 * 3600);
    assert_eq!(claim["verification"]["weighted_seconds"], "14400");
    assert_eq!(claim["payout_account"]["account_number"], "********9012");
    assert_eq!(claim["claimant"]["business_registration_number"], "220-81-62517");
    assert!(claim.get("status_token").is_none());

    let read = body(app.get(&location, Some(&token)).await).await;
    assert_eq!(read["reference"], claim["reference"]);
    let unmasked = body(app.get(&location, Some(&app.finance())).await).await;
    assert_eq!(unmasked["payout_account"]["account_number"], "123456789012");
    let admin_view = body(app.get(&location, Some(&app.admin())).await).await;
    assert_eq!(admin_view["payout_account"]["account_number"], "********9012");
}

#[tokio::test]
async fn severities_weigh_the_outage_time() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let mut claim = claim_body(&incident);
    // 23:00 to 03:00: two hours of major outage, then two of partial outage.
    claim["loss_started_at"] = json!("2022-10-15T23:00:00+09:00");
    claim["loss_ended_at"] = json!("2022-10-16T03:00:00+09:00");
    let filed = body(app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &claim).await).await;
    assert_eq!(filed["verification"]["outage_seconds"], 4 * 3600);
    assert_eq!(filed["verification"]["weighted_seconds"], "10800");
    let severities: Vec<_> =
        filed["verification"]["windows"].as_array().unwrap().iter().map(|w| w["severity"].clone()).collect();
    assert_eq!(severities, [json!("major_outage"), json!("partial_outage")]);
}

#[tokio::test]
async fn a_public_filing_answers_a_status_token_that_reads_only_that_claim() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let other = body(
        app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "x")), &{
            let mut c = claim_body(&incident);
            crate::helpers::as_business(&mut c, 1);
            c
        })
        .await,
    )
    .await;

    let response = app.post("/api/v1/claims", None, &claim_body(&incident)).await;
    assert_eq!(response.status(), 201);
    let claim = body(response).await;
    assert_eq!(claim["channel"], "web");
    let token = claim["status_token"].as_str().unwrap();
    let id = claim["id"].as_str().unwrap();

    assert_eq!(app.get(&format!("/api/v1/claims/{id}"), Some(token)).await.status(), 200);
    problem(app.get(&format!("/api/v1/claims/{}", other["id"].as_str().unwrap()), Some(token)).await, 404)
        .await;
    // A status token reads its claim by id; listing is outside its scope (SPEC 3).
    problem(app.get("/api/v1/claims", Some(token)).await, 403).await;
    let reference = claim["reference"].as_str().unwrap();
    problem(app.get(&format!("/api/v1/claims?reference={reference}"), Some(token)).await, 403).await;
    // A status token cannot file.
    problem(app.post("/api/v1/claims", Some(token), &claim_body(&incident)).await, 403).await;
}

#[tokio::test]
async fn the_opening_status_follows_the_rules() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "c");
    let file = |change: serde_json::Value, n: u32| {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        for (k, v) in change.as_object().unwrap() {
            claim[k] = v.clone();
        }
        let (app, token) = (&app, &token);
        async move { body(app.post("/api/v1/claims", Some(token), &claim).await).await }
    };
    let outside = file(
        json!({"loss_started_at": "2022-10-18T10:00:00+09:00", "loss_ended_at": "2022-10-18T12:00:00+09:00"}),
        1,
    )
    .await;
    assert_eq!(
        (outside["status"].as_str(), outside["status_reason"].as_str()),
        (Some("rejected"), Some("no_recorded_outage"))
    );
    let large = file(json!({"claimed_amount": "5000001"}), 2).await;
    assert_eq!(
        (large["status"].as_str(), large["status_reason"].as_str()),
        (Some("needs_review"), Some("above_review_threshold"))
    );

    // With a policy whose rule needs revenue evidence, a claim without it is deficient.
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "business", "service": "*", "method": "lost_revenue", "params": {"rate": "1"}}]});
    assert_eq!(
        app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy)
            .await
            .status(),
        201
    );
    let bare = file(json!({"evidence": {"baseline_revenue": "1000000"}}), 3).await;
    assert_eq!(bare["status"], "deficient");
    assert_eq!(bare["status_reason"], "missing_evidence: outage_revenue");
    assert!(bare["cure_deadline"].is_string());
    let complete = file(json!({}), 4).await;
    assert_eq!(complete["status"], "verified");
}

#[tokio::test]
async fn a_second_claim_of_the_same_business_for_the_service_is_409_whatever_its_period() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "c");
    let first = body(app.post("/api/v1/claims", Some(&token), &claim_body(&incident)).await).await;
    let mut again = claim_body(&incident);
    again["loss_started_at"] = json!("2022-10-15T19:00:00+09:00");
    again["loss_ended_at"] = json!("2022-10-15T22:00:00+09:00");
    again["claimant"]["business_registration_number"] = json!("2208162517");
    // Another filer (public) with the same registration number is the same claimant, and is
    // not told which claim it is.
    let conflict = problem(app.post("/api/v1/claims", None, &again).await, 409).await;
    assert!(conflict.get("existing_id").is_none());
    // A later, separate period is the same loss: its owner amends the first claim.
    again["loss_started_at"] = json!("2022-10-15T19:30:00+09:00");
    let own = problem(app.post("/api/v1/claims", Some(&token), &again).await, 409).await;
    assert_eq!(own["existing_id"], first["id"]);
}

#[tokio::test]
async fn parallel_duplicate_filings_produce_exactly_one_claim() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "c");
    let claim = claim_body(&incident);
    let attempts = (0..12).map(|_| {
        let (app, token, claim) = (&app, &token, &claim);
        async move { app.post("/api/v1/claims", Some(token), claim).await.status().as_u16() }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort();
    assert_eq!(statuses[0], 201);
    assert!(statuses[1..].iter().all(|s| *s == 409), "{statuses:?}");
    let listed = body(app.get("/api/v1/claims", Some(&app.finance())).await).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn many_concurrent_filers_all_succeed() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Partner, "p");
    let filings = (0..64).map(|n| {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        claim["external_ref"] = json!(format!("member-{n}"));
        let (app, token) = (&app, &token);
        async move { app.post("/api/v1/claims", Some(token), &claim).await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(filings).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let listed = body(app.get("/api/v1/claims?limit=500", Some(&token)).await).await;
    let references: std::collections::HashSet<_> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(references.len(), 64);
    assert!(app.cli(&["audit", "verify"]).status.success());
}

#[tokio::test]
async fn invalid_claims_get_422_naming_the_field_and_store_nothing() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "c");
    let cases = [
        (json!({"claimed_amount": 250000}), "claimed_amount:invalid_type"),
        (json!({"claimed_amount": "-5"}), "claimed_amount:invalid_decimal"),
        (json!({"claimed_amount": "2.5e5"}), "claimed_amount:invalid_decimal"),
        (json!({"claimed_amount": "NaN"}), "claimed_amount:invalid_decimal"),
        (json!({"claimed_amount": "250000.5"}), "claimed_amount:too_many_decimals"),
        (json!({"claimed_amount": "10000000000001"}), "claimed_amount:too_large"),
        (json!({"loss_started_at": "2022-10-15T15:30:00"}), "loss_started_at:invalid_datetime"),
        (json!({"loss_ended_at": "2022-10-15T14:00:00+09:00"}), "loss_ended_at:before_start"),
        (json!({"currency": "USD"}), "currency:currency_mismatch"),
        (json!({"service": "Messenger"}), "service:invalid_service"),
        (json!({"incident_id": uuid::Uuid::now_v7().to_string()}), "incident_id:unknown_incident"),
        (json!({"incident_id": "x"}), "incident_id:invalid_id"),
        (json!({"bonus": true}), "bonus:unknown_field"),
    ];
    for (change, expected) in cases {
        let mut claim = claim_body(&incident);
        for (k, v) in change.as_object().unwrap() {
            claim[k] = v.clone();
        }
        let problem = problem(app.post("/api/v1/claims", Some(&token), &claim).await, 422).await;
        assert!(field_codes(&problem).contains(&expected.to_owned()), "{expected}: {problem}");
    }
    let mut claim = claim_body(&incident);
    claim["claimant"]["business_registration_number"] = json!("220-81-62518");
    claim["claimant"]["email"] = json!("nope");
    claim["payout_account"]["bank_code"] = json!("4");
    let problem = problem(app.post("/api/v1/claims", Some(&token), &claim).await, 422).await;
    let codes = field_codes(&problem);
    for expected in [
        "claimant.business_registration_number:invalid_check_digit",
        "claimant.email:email",
        "payout_account.bank_code:invalid_bank_code",
    ] {
        assert!(codes.contains(&expected.to_owned()), "{expected} in {codes:?}");
    }
    let listed = body(app.get("/api/v1/claims", Some(&app.finance())).await).await;
    assert!(listed["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn claims_cannot_be_filed_outside_the_claims_window() {
    let app = spawn_app().await;
    let mut closed = crate::helpers::incident_body();
    closed["claims_open_at"] = json!("2023-01-01T00:00:00+09:00");
    closed["claims_close_at"] = json!("2023-02-01T00:00:00+09:00");
    let incident = body(app.post("/api/v1/incidents", Some(&app.admin()), &closed).await).await;
    let claim = claim_body(incident["id"].as_str().unwrap());
    let problem =
        problem(app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &claim).await, 422).await;
    assert_eq!(field_codes(&problem), ["incident_id:claims_closed"]);
}

#[tokio::test]
async fn staff_do_not_file_claims() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    problem(app.post("/api/v1/claims", Some(&app.admin()), &claim_body(&incident)).await, 403).await;
    problem(app.post("/api/v1/claims", Some(&app.finance()), &claim_body(&incident)).await, 403).await;
}

#[tokio::test]
async fn callers_see_only_their_own_claims() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let alice = app.token(Role::Claimant, "alice");
    let mine = body(app.post("/api/v1/claims", Some(&alice), &claim_body(&incident)).await).await;
    let path = format!("/api/v1/claims/{}", mine["id"].as_str().unwrap());

    let bob = app.token(Role::Claimant, "bob");
    problem(app.get(&path, Some(&bob)).await, 404).await;
    assert!(body(app.get("/api/v1/claims", Some(&bob)).await).await["items"].as_array().unwrap().is_empty());
    let partner = app.token(Role::Partner, "p");
    problem(app.get(&path, Some(&partner)).await, 404).await;
    problem(app.post(&format!("{path}/withdraw"), Some(&bob), &json!({})).await, 404).await;

    let mut member = claim_body(&incident);
    crate::helpers::as_business(&mut member, 7);
    member["external_ref"] = json!("m-7");
    let filed = body(app.post("/api/v1/claims", Some(&partner), &member).await).await;
    let partner_list = body(app.get("/api/v1/claims", Some(&partner)).await).await;
    assert_eq!(partner_list["items"].as_array().unwrap().len(), 1);
    assert_eq!(partner_list["items"][0]["id"], filed["id"]);
    let again = problem(app.post("/api/v1/claims", Some(&partner), &member).await, 409).await;
    assert_eq!(again["existing_id"], filed["id"]);
}

#[tokio::test]
async fn claim_lists_filter_and_page() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let token = app.token(Role::Claimant, "c");
    for n in 0..5 {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        if n == 0 {
            claim["loss_started_at"] = json!("2022-10-20T10:00:00+09:00");
            claim["loss_ended_at"] = json!("2022-10-20T12:00:00+09:00");
        }
        assert_eq!(app.post("/api/v1/claims", Some(&token), &claim).await.status(), 201);
    }
    let rejected = body(app.get("/api/v1/claims?status=rejected", Some(&token)).await).await;
    assert_eq!(rejected["items"].as_array().unwrap().len(), 1);
    let first = body(
        app.get(
            &format!("/api/v1/claims?incident_id={incident}&service=messenger&channel=api&limit=3"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = body(app.get(&format!("/api/v1/claims?limit=3&cursor={cursor}"), Some(&token)).await).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
    for bad in ["status=lost", "channel=fax", "incident_id=zzz", "limit=0"] {
        problem(app.get(&format!("/api/v1/claims?{bad}"), Some(&token)).await, 422).await;
    }
}

#[tokio::test]
async fn public_filing_is_rate_limited_per_client() {
    let app = spawn_app_with(&[("PUBLIC_FILING_PER_MINUTE", "2")]).await;
    let incident = incident_with_windows(&app).await;
    for n in 0..2 {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        assert_eq!(app.post("/api/v1/claims", None, &claim).await.status(), 201);
    }
    let response = app.post("/api/v1/claims", None, &claim_body(&incident)).await;
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));
    problem(response, 429).await;
    // Signed-in filers are not limited by it.
    assert_eq!(
        app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &claim_body(&incident))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn public_filing_can_be_switched_off() {
    let app = spawn_app_with(&[("PUBLIC_FILING", "off")]).await;
    let incident = incident_with_windows(&app).await;
    problem(app.post("/api/v1/claims", None, &claim_body(&incident)).await, 401).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_limit_counts_each_forwarded_client() {
    let app = spawn_app_with(&[("PUBLIC_FILING_PER_MINUTE", "1"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let incident = incident_with_windows(&app).await;
    let file = |n: u32, forwarded_for: &'static str| {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        app.client
            .post(format!("{}/api/v1/claims", app.address))
            .header("X-Forwarded-For", forwarded_for)
            .json(&claim)
            .send()
    };
    assert_eq!(file(0, "198.51.100.1").await.unwrap().status(), 201);
    assert_eq!(file(1, "198.51.100.2").await.unwrap().status(), 201, "another client behind the proxy");
    assert_eq!(file(2, "198.51.100.1").await.unwrap().status(), 429, "the first client again");
    // A forged leftmost entry does not make a new client: the proxy appended the real one.
    assert_eq!(file(3, "203.0.113.5, 198.51.100.2").await.unwrap().status(), 429);
}

#[tokio::test]
async fn an_operator_can_issue_a_new_status_token_for_a_claim() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let claim = body(app.post("/api/v1/claims", None, &claim_body(&incident)).await).await;
    let id = claim["id"].as_str().unwrap();

    let minted = app.cli(&["token", "--claim", id]);
    assert!(minted.status.success(), "{}", String::from_utf8_lossy(&minted.stderr));
    let token = String::from_utf8(minted.stdout).unwrap();
    let read = app.get(&format!("/api/v1/claims/{id}"), Some(token.trim())).await;
    assert_eq!(read.status(), 200);
    let refused = app.cli(&["token", "--claim", "not-a-claim"]);
    assert!(!refused.status.success());
}

#[tokio::test]
async fn a_registration_number_with_a_multi_byte_character_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    // Twelve bytes with a dash, where byte 3 falls inside '가': the parser used to panic.
    for brn in ["1가-4567890", "12é-4567890"] {
        let mut claim = claim_body(&incident);
        claim["claimant"]["business_registration_number"] = json!(brn);
        let refused = problem(app.post("/api/v1/claims", None, &claim).await, 422).await;
        assert_eq!(field_codes(&refused), ["claimant.business_registration_number:invalid_format"]);
    }
}

#[tokio::test]
async fn times_in_utc_year_10000_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let beyond = "9999-12-31T23:00:00-05:00";
    let mut claim = claim_body(&incident);
    claim["loss_ended_at"] = json!(beyond);
    let refused = problem(app.post("/api/v1/claims", None, &claim).await, 422).await;
    assert!(field_codes(&refused).iter().any(|f| f.starts_with("loss_ended_at:")), "{refused}");

    let mut new_incident = crate::helpers::incident_body();
    new_incident["claims_close_at"] = json!(beyond);
    let refused = problem(app.post("/api/v1/incidents", Some(&app.admin()), &new_incident).await, 422).await;
    assert!(field_codes(&refused).iter().any(|f| f.starts_with("claims_close_at:")), "{refused}");

    let window = json!({"service": "messenger", "severity": "major_outage",
                        "started_at": "2022-10-15T15:30:00+09:00", "ended_at": beyond});
    let path = format!("/api/v1/incidents/{incident}/windows");
    let refused = problem(app.post(&path, Some(&app.admin()), &window).await, 422).await;
    assert!(field_codes(&refused).iter().any(|f| f.starts_with("ended_at:")), "{refused}");
    // Nothing half-stored: the incident still lists and reads.
    assert_eq!(app.get("/api/v1/incidents", Some(&app.admin())).await.status(), 200);
}
