use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, claim_body, field_codes, incident_with_windows, problem, spawn_app, TestApp};

/// The reported-loss bands, with a budget that binds when the claims add up to more.
fn bands_policy(budget: Option<&str>) -> Value {
    let mut policy = json!({
        "currency": "KRW",
        "rules": [{"claimant_kind": "business", "service": "*", "method": "tiered_by_claim",
                   "params": {"tiers": [{"up_to": "300000", "amount": "30000"}, {"up_to": "500000", "amount": "50000"}]}}],
        "rounding": "half_even"
    });
    if let Some(budget) = budget {
        policy["budget"] = json!(budget);
    }
    policy
}

/// An incident with `claims` business claims (claimed 250,000 each unless `large`), a policy,
/// and the ids of both.
async fn setup(app: &TestApp, claims: u32, policy: Value) -> (String, String, Vec<String>) {
    let incident = incident_with_windows(app).await;
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    let token = app.token(Role::Partner, "p");
    let mut ids = Vec::new();
    for n in 0..claims {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        claim["external_ref"] = json!(format!("m-{n}"));
        claim["claimed_amount"] = json!(if n == 0 { "450000" } else { "250000" });
        let filed = body(app.post("/api/v1/claims", Some(&token), &claim).await).await;
        ids.push(filed["id"].as_str().unwrap().to_owned());
    }
    (incident, policy["id"].as_str().unwrap().to_owned(), ids)
}

async fn create_batch(app: &TestApp, incident: &str, policy: &str) -> reqwest::Response {
    app.post(
        "/api/v1/payout-batches",
        Some(&app.finance()),
        &json!({"incident_id": incident, "policy_id": policy}),
    )
    .await
}

#[tokio::test]
async fn a_batch_pays_every_eligible_claim_by_the_policy_and_explains_each_line() {
    let app = spawn_app().await;
    let (incident, policy, claims) = setup(&app, 3, bands_policy(None)).await;
    let response = create_batch(&app, &incident, &policy).await;
    assert_eq!(response.status(), 201);
    let batch = body(response).await;
    assert_eq!(batch["status"], "calculated");
    assert_eq!(batch["line_count"], 3);
    // 450,000 is in the 500,000 band (50,000); the two 250,000 claims in the 300,000 band.
    assert_eq!(batch["total_payout"], "110000");
    assert_eq!(batch["budget_binding"], false);

    let claim = body(app.get(&format!("/api/v1/claims/{}", claims[0]), Some(&app.finance())).await).await;
    assert_eq!(claim["status"], "in_batch");
    let id = batch["id"].as_str().unwrap();
    let line = body(
        app.get(&format!("/api/v1/payout-batches/{id}/lines/{}", claims[0]), Some(&app.finance())).await,
    )
    .await;
    assert_eq!(
        (line["gross_amount"].as_str(), line["payout_amount"].as_str()),
        (Some("50000"), Some("50000"))
    );
    assert_eq!(line["trace_verified"], true);
    let steps: Vec<_> =
        line["trace"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["policy", "rule", "outage_hours", "claim_tier", "gross", "rounding", "payout"]);
    assert_eq!(line["trace"][0]["inputs"]["policy_version"], "1");
    let lines =
        body(app.get(&format!("/api/v1/payout-batches/{id}/lines?limit=2"), Some(&app.admin())).await).await;
    assert_eq!(lines["items"].as_array().unwrap().len(), 2);
    assert!(lines["next_cursor"].is_string());
}

#[tokio::test]
async fn a_binding_budget_is_shared_to_the_last_won() {
    let app = spawn_app().await;
    // Grosses 50,000 + 30,000 + 30,000 = 110,000 share 100,000: 45454.5454545455,
    // 27272.7272727273 twice; floors 45,454 + 27,272 * 2 = 99,998; the two won left go to the
    // largest remainders (0.7272727273 twice).
    let (incident, policy, claims) = setup(&app, 3, bands_policy(Some("100000"))).await;
    let batch = body(create_batch(&app, &incident, &policy).await).await;
    assert_eq!(batch["budget_binding"], true);
    assert_eq!(batch["total_payout"], "100000");
    assert_eq!(batch["factor"], "0.909090909");
    let id = batch["id"].as_str().unwrap();
    let payout = |claim: String| {
        let app = &app;
        async move {
            body(app.get(&format!("/api/v1/payout-batches/{id}/lines/{claim}"), Some(&app.finance())).await)
                .await
        }
    };
    let first = payout(claims[0].clone()).await;
    assert_eq!(first["payout_amount"], "45454");
    assert_eq!(first["trace_verified"], true);
    assert_eq!(payout(claims[1].clone()).await["payout_amount"], "27273");
    assert_eq!(payout(claims[2].clone()).await["payout_amount"], "27273");
}

#[tokio::test]
async fn approval_needs_a_second_finance_user_and_freezes_the_batch() {
    let app = spawn_app().await;
    let (incident, policy, _) = setup(&app, 2, bands_policy(None)).await;
    let batch = body(create_batch(&app, &incident, &policy).await).await;
    let id = batch["id"].as_str().unwrap();
    let approve = format!("/api/v1/payout-batches/{id}/approve");
    problem(app.post(&approve, Some(&app.finance()), &json!({})).await, 409).await;
    problem(app.post(&approve, Some(&app.admin()), &json!({})).await, 403).await;
    let second = app.token(Role::Finance, "grace");
    let approved = body(app.post(&approve, Some(&second), &json!({})).await).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approved_by"], "finance:grace");
    problem(app.post(&approve, Some(&second), &json!({})).await, 409).await;
    problem(app.post(&format!("/api/v1/payout-batches/{id}/cancel"), Some(&second), &json!({})).await, 409)
        .await;
}

#[tokio::test]
async fn a_cancelled_batch_releases_its_claims_to_a_new_batch() {
    let app = spawn_app().await;
    let (incident, policy, claims) = setup(&app, 2, bands_policy(None)).await;
    let first = body(create_batch(&app, &incident, &policy).await).await;
    // Everything eligible is taken: a second batch has nothing to take.
    let empty = problem(create_batch(&app, &incident, &policy).await, 422).await;
    assert_eq!(field_codes(&empty), ["incident_id:no_eligible_claims"]);
    let cancel = format!("/api/v1/payout-batches/{}/cancel", first["id"].as_str().unwrap());
    assert_eq!(body(app.post(&cancel, Some(&app.finance()), &json!({})).await).await["status"], "cancelled");
    let claim = body(app.get(&format!("/api/v1/claims/{}", claims[1]), Some(&app.finance())).await).await;
    assert_eq!(claim["status"], "verified");
    let again = body(create_batch(&app, &incident, &policy).await).await;
    assert_eq!(again["line_count"], 2);
}

#[tokio::test]
async fn concurrent_batch_creations_never_share_a_claim() {
    let app = spawn_app().await;
    let (incident, policy, _) = setup(&app, 4, bands_policy(None)).await;
    let attempts = (0..4).map(|_| {
        let (app, incident, policy) = (&app, &incident, &policy);
        async move { create_batch(app, incident, policy).await.status().as_u16() }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort();
    assert_eq!(statuses, [201, 422, 422, 422]);
}

#[tokio::test]
async fn claims_above_every_tier_go_back_to_review_and_an_assessed_amount_pays() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = body(
        app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &bands_policy(None))
            .await,
    )
    .await;
    let token = app.token(Role::Claimant, "c");
    let mut large = claim_body(&incident);
    large["claimed_amount"] = json!("900000");
    let claim = body(app.post("/api/v1/claims", Some(&token), &large).await).await;
    let policy_id = policy["id"].as_str().unwrap();
    let none = problem(create_batch(&app, &incident, policy_id).await, 422).await;
    assert_eq!(field_codes(&none), ["incident_id:no_eligible_claims"]);
    // Nothing was stored by the failed attempt: the claim is still verified.
    let path = format!("/api/v1/claims/{}", claim["id"].as_str().unwrap());
    assert_eq!(body(app.get(&path, Some(&app.finance())).await).await["status"], "verified");

    let mut small = claim_body(&incident);
    crate::helpers::as_business(&mut small, 3);
    app.post("/api/v1/claims", Some(&token), &small).await;
    let batch = body(create_batch(&app, &incident, policy_id).await).await;
    assert_eq!((batch["line_count"].as_i64(), batch["held_count"].as_i64()), (Some(1), Some(1)));
    let held = body(app.get(&path, Some(&app.finance())).await).await;
    assert_eq!(
        (held["status"].as_str(), held["status_reason"].as_str()),
        (Some("needs_review"), Some("above_all_tiers"))
    );

    let review = json!({"decision": "approve", "reason": "receipts checked", "approved_amount": "420000"});
    app.post(&format!("{path}/review"), Some(&app.finance()), &review).await;
    let next = body(create_batch(&app, &incident, policy_id).await).await;
    assert_eq!(next["total_payout"], "420000");
    let line = body(
        app.get(
            &format!(
                "/api/v1/payout-batches/{}/lines/{}",
                next["id"].as_str().unwrap(),
                claim["id"].as_str().unwrap()
            ),
            Some(&app.finance()),
        )
        .await,
    )
    .await;
    assert_eq!(line["trace"][2]["step"], "manual_assessment");
}

#[tokio::test]
async fn bad_batch_requests_get_clear_4xx() {
    let app = spawn_app().await;
    let (incident, policy, _) = setup(&app, 1, bands_policy(None)).await;
    let other = app.create_incident().await;
    let cases = [
        (json!({"incident_id": "x", "policy_id": policy}), "incident_id:invalid_id"),
        (json!({"incident_id": other, "policy_id": policy}), "policy_id:policy_mismatch"),
        (
            json!({"incident_id": incident, "policy_id": uuid::Uuid::now_v7().to_string()}),
            "policy_id:unknown_policy",
        ),
        (json!({"incident_id": incident, "policy_id": policy, "extra": 1}), "extra:unknown_field"),
    ];
    for (input, expected) in cases {
        let problem =
            problem(app.post("/api/v1/payout-batches", Some(&app.finance()), &input).await, 422).await;
        assert_eq!(field_codes(&problem), [expected]);
    }
    problem(
        app.post(
            "/api/v1/payout-batches",
            Some(&app.admin()),
            &json!({"incident_id": incident, "policy_id": policy}),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.get(&format!("/api/v1/payout-batches/{}", uuid::Uuid::now_v7()), Some(&app.finance())).await,
        404,
    )
    .await;
    problem(
        app.get(
            &format!("/api/v1/payout-batches/{}", uuid::Uuid::now_v7()),
            Some(&app.token(Role::Partner, "p")),
        )
        .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn a_budget_that_binds_by_rounding_alone_pays_exactly_the_budget_and_the_trace_shows_how() {
    let app = spawn_app().await;
    // Half the lost revenue of 1,001 won: three grosses of 500.5, which rounded half up would
    // pay 1,503, over the budget of 1,502 that the grosses (1,501.5) fit. The budget binds with
    // factor 1: shares 500.5, floors 500, and the 2 won left go to the equal remainders in
    // claim id order.
    let policy = json!({
        "currency": "KRW",
        "rules": [{"claimant_kind": "business", "service": "*", "method": "lost_revenue", "params": {"rate": "0.5"}}],
        "rounding": "half_up",
        "budget": "1502"
    });
    let incident = incident_with_windows(&app).await;
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    let token = app.token(Role::Partner, "p");
    let mut claims = Vec::new();
    for n in 0..3 {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        claim["external_ref"] = json!(format!("r-{n}"));
        claim["claimed_amount"] = json!("1001");
        claim["evidence"] = json!({"baseline_revenue": "1001", "outage_revenue": "0"});
        let filed = body(app.post("/api/v1/claims", Some(&token), &claim).await).await;
        claims.push(filed["id"].as_str().unwrap().to_owned());
    }
    claims.sort();

    let batch = body(create_batch(&app, &incident, policy["id"].as_str().unwrap()).await).await;

    assert_eq!(batch["budget_binding"], true);
    assert_eq!(batch["total_payout"], "1502");
    assert_eq!(batch["factor"], "1");
    let id = batch["id"].as_str().unwrap();
    let mut payouts = Vec::new();
    for claim in &claims {
        let line =
            body(app.get(&format!("/api/v1/payout-batches/{id}/lines/{claim}"), Some(&app.finance())).await)
                .await;
        assert_eq!(line["trace_verified"], true, "{line}");
        let step = |name: &str| {
            line["trace"].as_array().unwrap().iter().find(|s| s["step"] == name).cloned().unwrap_or_default()
        };
        assert_eq!(
            (step("budget_factor")["result"].as_str(), step("budget_share")["result"].as_str()),
            (Some("1"), Some("500.5"))
        );
        assert_eq!(step("budget_share")["inputs"]["factor"], "1");
        assert_eq!(step("rounded_down")["result"], "500");
        let leftover = step("leftover_units");
        assert_eq!(leftover["result"], line["payout_amount"]);
        payouts.push((line["payout_amount"].clone(), leftover["inputs"]["leftover_units"].clone()));
    }
    assert_eq!(payouts, [(json!("501"), json!("1")), (json!("501"), json!("1")), (json!("500"), json!("0"))]);
}

#[tokio::test]
async fn a_line_the_budget_left_out_for_the_minimum_shows_the_round_that_left_it_out() {
    let app = spawn_app().await;
    // Grosses 50,000 + 30,000 + 30,000 over a budget of 60,000: factor 0.5454545454, shares
    // 27272.727270 and 16363.636362 twice. The two 30,000 lines pay about 16,363, under the
    // minimum of 20,000: they are left out, and 50,000 alone fits the budget.
    let mut policy = bands_policy(Some("60000"));
    policy["min_payout"] = json!("20000");
    let (incident, policy, claims) = setup(&app, 3, policy).await;
    let batch = body(create_batch(&app, &incident, &policy).await).await;
    assert_eq!(
        (batch["budget_binding"].as_bool(), batch["total_payout"].as_str()),
        (Some(false), Some("50000"))
    );
    let id = batch["id"].as_str().unwrap();
    let line = body(
        app.get(&format!("/api/v1/payout-batches/{id}/lines/{}", claims[1]), Some(&app.finance())).await,
    )
    .await;
    assert_eq!(
        (line["status"].as_str(), line["payout_amount"].as_str()),
        (Some("closed_no_payout"), Some("0"))
    );
    assert_eq!(line["trace_verified"], true, "{line}");
    let steps: Vec<_> = line["trace"]
        .as_array()
        .unwrap()
        .iter()
        .skip(5)
        .map(|s| (s["step"].clone(), s["result"].clone()))
        .collect();
    assert_eq!(
        steps[..3],
        [
            (json!("budget_factor"), json!("0.5454545454")),
            (json!("budget_share"), json!("16363.636362")),
            (json!("rounded_down"), json!("16363")),
        ]
    );
    assert_eq!(steps[3].0, "leftover_units");
    assert_eq!(steps[4..], [(json!("min_payout"), json!("0")), (json!("payout"), json!("0"))]);
}
