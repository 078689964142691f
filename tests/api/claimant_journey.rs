//! The claimant's side of the life cycle: the timeline in words, appeals decided by someone
//! else, and a new payout account after a failed payment.

use outage_claims::domain::role::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{body, claim_body, field_codes, incident_with_windows, problem, spawn_app, TestApp};
use crate::settlement::{approved_batch, settle};

fn path(claim: &Value, action: &str) -> String {
    format!("/api/v1/claims/{}/{action}", claim["id"].as_str().unwrap())
}

async fn timeline(app: &TestApp, claim: &Value, token: &str, language: Option<&str>) -> Vec<Value> {
    let mut request =
        app.client.get(format!("{}{}", app.address, path(claim, "timeline"))).bearer_auth(token);
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    body(response).await.as_array().unwrap().clone()
}

fn kinds(entries: &[Value]) -> Vec<&str> {
    entries.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

/// Nothing a claimant reads is a stored code.
fn assert_in_words(entries: &[Value]) {
    for entry in entries {
        let message = entry["message"].as_str().unwrap();
        for code in
            ["above_review_threshold", "no_recorded_outage", "missing_evidence", "account_changed", "_"]
        {
            assert!(!message.contains(code), "{code} in {message:?}");
        }
    }
}

async fn review(app: &TestApp, claim: &Value, finance: &str, input: Value) -> reqwest::Response {
    app.post(&path(claim, "review"), Some(&app.token(Role::Finance, finance)), &input).await
}

#[tokio::test]
async fn a_rejection_is_appealed_once_and_decided_by_another_finance_user() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let owner = app.token(Role::Claimant, "minji");
    let mut filing = claim_body(&incident);
    filing["claimed_amount"] = json!("6000000");
    let claim = body(app.post("/api/v1/claims", Some(&owner), &filing).await).await;
    assert_eq!(claim["status"], "needs_review");
    let rejected = review(
        &app,
        &claim,
        "fin-a",
        json!({"decision": "reject", "reason": "no receipts", "message": "We found no sales records.", "note": "called twice"}),
    )
    .await;
    assert_eq!(rejected.status(), 200);

    let entries = timeline(&app, &claim, &owner, Some("en")).await;
    assert_eq!(kinds(&entries), ["filed", "under_review", "rejected"]);
    assert_in_words(&entries);
    let last = &entries[2];
    assert!(last["message"].as_str().unwrap().contains("We found no sales records."));
    assert!(!last["message"].as_str().unwrap().contains("called twice"), "the internal note stays internal");
    assert!(last["deadline"].is_string(), "the appeal deadline is given");

    // Only the owner appeals, with a reason.
    problem(app.post(&path(&claim, "appeal"), Some(&app.finance()), &json!({"reason": "x"})).await, 403)
        .await;
    let blank =
        problem(app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "  "})).await, 422).await;
    assert_eq!(field_codes(&blank), ["reason:required"]);
    problem(app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "x", "extra": 1})).await, 422)
        .await;
    let appealed =
        body(app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "Here are my sales."})).await)
            .await;
    assert_eq!(appealed["status"], "needs_review");
    assert_eq!(appealed["status_reason"], "appeal");
    problem(app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "again"})).await, 409).await;

    // Four eyes, whatever case the reviewer's login comes in.
    problem(review(&app, &claim, "FIN-A", json!({"decision": "approve", "reason": "ok"})).await, 409).await;
    let rejected_again =
        review(&app, &claim, "fin-b", json!({"decision": "reject", "reason": "still none"})).await;
    assert_eq!(rejected_again.status(), 200);
    let second =
        problem(app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "please"})).await, 409)
            .await;
    assert!(second["detail"].as_str().unwrap().contains("once"));

    let entries = timeline(&app, &claim, &owner, None).await;
    assert_eq!(kinds(&entries), ["filed", "under_review", "rejected", "appealed", "rejected"]);
    assert!(entries[3]["message"].as_str().unwrap().contains("이의 신청"), "Korean without Accept-Language");
    let events = body(
        app.get(
            &format!("/api/v1/audit-events?entity_id={}", claim["id"].as_str().unwrap()),
            Some(&app.admin()),
        )
        .await,
    )
    .await;
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"claim.appealed"));
}

#[tokio::test]
async fn an_appeal_is_decided_for_the_claimant_and_the_timeline_shows_the_amount() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let owner = app.token(Role::Claimant, "minji");
    let mut filing = claim_body(&incident);
    filing["claimed_amount"] = json!("6000000");
    let claim = body(app.post("/api/v1/claims", Some(&owner), &filing).await).await;
    review(&app, &claim, "fin-a", json!({"decision": "reject", "reason": "no receipts"})).await;
    app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "Receipts attached."})).await;
    let approved = review(
        &app,
        &claim,
        "fin-b",
        json!({"decision": "approve", "reason": "receipts fine", "approved_amount": "4500000"}),
    )
    .await;
    assert_eq!(approved.status(), 200);
    let entries = timeline(&app, &claim, &owner, Some("en-GB,en;q=0.9")).await;
    let last = entries.last().unwrap();
    assert_eq!(last["kind"], "approved");
    assert_eq!(last["amount"], "4500000");
    assert!(last["message"].as_str().unwrap().contains("KRW 4,500,000"), "{last}");
    let korean = timeline(&app, &claim, &owner, Some("ko-KR")).await;
    assert!(korean.last().unwrap()["message"].as_str().unwrap().contains("4,500,000원"));
}

#[tokio::test]
async fn appeals_run_from_the_rejection_for_the_incidents_appeal_days() {
    let app = spawn_app().await;
    let mut incident = crate::helpers::incident_body();
    incident["appeal_days"] = json!(0);
    let refused = problem(app.post("/api/v1/incidents", Some(&app.admin()), &incident).await, 422).await;
    assert_eq!(field_codes(&refused)[0].split(':').next(), Some("appeal_days"));
    incident["appeal_days"] = json!(7);
    let created = body(app.post("/api/v1/incidents", Some(&app.admin()), &incident).await).await;
    assert_eq!(created["appeal_days"], 7);
    let id = created["id"].as_str().unwrap();
    // No window of this service: the rules reject the claim at filing, and that rejection can
    // be appealed too.
    let owner = app.token(Role::Claimant, "minji");
    let claim = body(app.post("/api/v1/claims", Some(&owner), &claim_body(id)).await).await;
    assert_eq!(claim["status"], "rejected");
    let entries = timeline(&app, &claim, &owner, Some("en")).await;
    assert_eq!(kinds(&entries), ["filed", "rejected"]);
    assert_in_words(&entries);
    assert!(entries[1]["message"].as_str().unwrap().contains("No outage of this service was recorded"));

    // Eight days later the appeal days are over.
    let rejected_days_ago = |days: i64| {
        let at = chrono::Utc::now().naive_utc() - chrono::Duration::days(days);
        format!(
            "UPDATE claims SET rejected_at = '{}' WHERE id = '{}'",
            at.format("%Y-%m-%d %H:%M:%S"),
            claim["id"].as_str().unwrap()
        )
    };
    app.execute_sql(&rejected_days_ago(8));
    let late =
        problem(app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "late"})).await, 409).await;
    assert!(late["detail"].as_str().unwrap().contains("7 days"));
    app.execute_sql(&rejected_days_ago(6));
    assert_eq!(
        app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "in time"})).await.status(),
        200
    );
}

#[tokio::test]
async fn after_a_failed_payment_a_new_account_goes_to_a_person_and_the_timeline_tells_it_all() {
    let app = spawn_app().await;
    let (batch, ids) = approved_batch(&app).await;
    let partner = app.token(Role::Partner, "p");
    let claim = json!({"id": ids[2]});
    // While the batch has it, the account stays.
    let account = json!({"bank_code": "088", "account_number": "110-222-333444", "holder": "Kim Minji"});
    problem(app.post(&path(&claim, "payout-account"), Some(&partner), &account).await, 409).await;
    let csv = format!(
        "claim_id,status,bank_reference,failure_reason\n{},paid,B1,\n{},paid,B2,\n{},failed,,account closed\n",
        ids[0], ids[1], ids[2]
    );
    assert_eq!(settle(&app, &batch, &csv).await.status(), 200);

    let bad = json!({"bank_code": "88", "account_number": "１２３４５６７", "holder": " "});
    let refused = problem(app.post(&path(&claim, "payout-account"), Some(&partner), &bad).await, 422).await;
    let mut fields: Vec<String> =
        field_codes(&refused).iter().map(|f| f.split(':').next().unwrap().to_owned()).collect();
    fields.sort();
    assert_eq!(fields, ["account_number", "bank_code", "holder"]);
    problem(app.post(&path(&claim, "payout-account"), Some(&app.finance()), &account).await, 403).await;
    let changed = body(app.post(&path(&claim, "payout-account"), Some(&partner), &account).await).await;
    assert_eq!(changed["status"], "needs_review");
    assert_eq!(changed["status_reason"], "account_changed");
    assert_eq!(changed["payout_account"]["account_number"], "********3444", "masked to its owner");
    let seen_by_finance =
        body(app.get(path(&claim, "").trim_end_matches('/'), Some(&app.finance())).await).await;
    assert_eq!(seen_by_finance["payout_account"]["account_number"], "110222333444");

    let entries = timeline(&app, &claim, &partner, Some("en")).await;
    assert_eq!(
        kinds(&entries),
        ["filed", "verified", "in_batch", "payment_failed", "account_changed", "under_review"]
    );
    assert!(entries[3]["message"].as_str().unwrap().contains("account closed"));
    assert_in_words(&entries);
    let paid = timeline(&app, &json!({"id": ids[0]}), &partner, Some("en")).await;
    assert_eq!(kinds(&paid), ["filed", "verified", "in_batch", "paid"]);
    assert_eq!(paid[3]["amount"], "30000");
    assert!(paid[3]["message"].as_str().unwrap().contains("KRW 30,000"));
    // Once paid, the account is history.
    problem(app.post(&path(&json!({"id": ids[0]}), "payout-account"), Some(&partner), &account).await, 409)
        .await;
}

#[tokio::test]
async fn a_timeline_is_read_only_by_who_may_read_the_claim() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let owner = app.token(Role::Claimant, "minji");
    let claim = body(app.post("/api/v1/claims", Some(&owner), &claim_body(&incident)).await).await;
    let other = app.token(Role::Claimant, "someone-else");
    problem(app.get(&path(&claim, "timeline"), Some(&other)).await, 404).await;
    problem(app.get(&path(&claim, "timeline"), None).await, 401).await;
    assert_eq!(app.get(&path(&claim, "timeline"), Some(&app.finance())).await.status(), 200);
    problem(app.get(&format!("{}?lang=fr", path(&claim, "timeline")), Some(&owner)).await, 422).await;
    let english =
        app.request(Method::GET, &format!("{}?lang=en", path(&claim, "timeline")), Some(&owner), None).await;
    let entries = body(english).await;
    assert_eq!(entries[0]["kind"], "filed");
    assert!(entries[0]["message"].as_str().unwrap().contains(claim["reference"].as_str().unwrap()));
}

#[tokio::test]
async fn the_form_learns_which_evidence_the_policy_pays_from() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let requirements = |service: &str, kind: &str| {
        let (app, path) = (
            &app,
            format!("/api/v1/incidents/{incident}/requirements?service={service}&claimant_kind={kind}"),
        );
        async move { app.get(&path, None).await }
    };
    // No policy yet: nothing is known to be needed, and nothing is ruled out.
    let none = body(requirements("messenger", "business").await).await;
    assert_eq!(none["covered"], true);
    assert_eq!(none["required_evidence"], json!([]));
    assert!(none["policy_version"].is_null());

    let policy = json!({"currency": "KRW", "rules": [
        {"claimant_kind": "business", "service": "messenger", "method": "lost_revenue", "params": {"rate": "1", "min_outage_hours": "2"}},
        {"claimant_kind": "individual", "service": "*", "method": "flat", "params": {"amount": "30000"}}
    ]});
    let created =
        app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await;
    assert_eq!(created.status(), 201);
    let business = body(requirements("messenger", "business").await).await;
    assert_eq!(business["method"], "lost_revenue");
    assert_eq!(business["required_evidence"], json!(["baseline_revenue", "outage_revenue"]));
    assert_eq!(business["min_outage_hours"], "2");
    assert_eq!(business["review_threshold"], "5000000");
    assert_eq!(business["policy_version"], 1);
    let individual = body(requirements("mobility", "individual").await).await;
    assert_eq!(
        (individual["method"].as_str(), individual["required_evidence"].clone()),
        (Some("flat"), json!([]))
    );
    let uncovered = body(requirements("mobility", "business").await).await;
    assert_eq!(uncovered["covered"], false);
    assert!(uncovered["method"].is_null());

    problem(requirements("messenger", "company").await, 422).await;
    problem(requirements("Messenger!", "business").await, 422).await;
    problem(app.get(&format!("/api/v1/incidents/{incident}/requirements"), None).await, 422).await;
}

#[tokio::test]
async fn the_public_compensation_notice_says_who_is_paid_how_and_by_when_in_both_languages() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = json!({"currency": "KRW", "budget": "1000000000", "rules": [
        {"claimant_kind": "business", "service": "messenger", "method": "lost_revenue",
         "params": {"rate": "0.5", "min_outage_hours": "2", "cap_per_claim": "3000000"}},
        {"claimant_kind": "business", "service": "*", "method": "tiered_by_days",
         "params": {"tiers": [{"min_days": 1, "amount": "400000"}, {"min_days": 3, "amount": "800000"}]}},
        {"claimant_kind": "individual", "service": "*", "method": "flat", "params": {"amount": "30000"}}
    ]});
    assert_eq!(
        app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy)
            .await
            .status(),
        201
    );
    let page = |query: &str| {
        let (app, path) = (&app, format!("/incidents/{incident}/notice{query}"));
        async move { app.get(&path, None).await }
    };
    let korean = page("").await;
    assert_eq!(korean.status(), 200);
    assert!(korean.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(korean.headers().contains_key("content-security-policy"));
    let korean = korean.text().await.unwrap();
    assert!(korean.contains("<html lang=\"ko\">") && korean.contains("Data-center fire"));
    assert!(korean.contains("사업자 (메신저)") && korean.contains("손실의 50%"), "{korean}");
    assert!(
        korean.contains("1일 이상 400,000원")
            && korean.contains("개인 (모든 서비스)")
            && korean.contains("30,000원")
    );
    assert!(korean.contains("장애가 2시간 이상") && korean.contains("한 건당 최대 3,000,000원"));
    assert!(korean.contains("5,000,000원을 넘는 청구는 담당자가 검토합니다"));
    assert!(korean.contains("30일 안에") && korean.contains("1,000,000,000원"));
    let english = page("?lang=en").await.text().await.unwrap();
    assert!(english.contains("Businesses (Messenger): 50% of the revenue lost"), "{english}");
    assert!(english.contains("You will need the revenue of a normal week, the revenue of the outage week."));
    assert!(english.contains("within 30 days") && english.contains("3+ days: KRW 800,000"));

    problem(app.get("/incidents/01890a5d-ac96-774b-bcce-b302099a8057/notice", None).await, 404).await;
    problem(app.get("/incidents/not-an-id/notice", None).await, 404).await;
    let mut closed = crate::helpers::incident_body();
    closed["claims_open_at"] = json!("2020-01-01T00:00:00Z");
    closed["claims_close_at"] = json!("2020-02-01T00:00:00Z");
    let closed = body(app.post("/api/v1/incidents", Some(&app.admin()), &closed).await).await;
    problem(app.get(&format!("/incidents/{}/notice", closed["id"].as_str().unwrap()), None).await, 404).await;
}

#[tokio::test]
async fn a_public_filing_needs_consent_and_the_claim_records_which_text_and_when() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let mut filing = claim_body(&incident);
    filing.as_object_mut().unwrap().remove("consent");
    filing["claimant"]["email"] = json!("not-an-email");
    let refused = problem(app.post("/api/v1/claims", None, &filing).await, 422).await;
    let mut codes = field_codes(&refused);
    codes.sort();
    assert_eq!(codes, ["claimant.email:email", "consent:required"], "every problem at once");
    filing["claimant"]["email"] = json!("owner@example.kr");
    filing["consent"] = json!({"privacy": false, "truthful": true});
    let refused = problem(app.post("/api/v1/claims", None, &filing).await, 422).await;
    assert_eq!(field_codes(&refused), ["consent.privacy:must_accept"]);
    filing["consent"] = json!({"privacy": true, "truthful": true, "marketing": true});
    problem(app.post("/api/v1/claims", None, &filing).await, 422).await;

    filing["consent"] = json!({"privacy": true, "truthful": true});
    let filed = body(app.post("/api/v1/claims", None, &filing).await).await;
    assert_eq!(filed["consent"]["version"], "2026-12-04");
    assert!(filed["consent"]["at"].as_str().unwrap().ends_with('Z'));

    // A partner collects its members' consent itself.
    let mut member = claim_body(&incident);
    crate::helpers::as_business(&mut member, 5);
    member.as_object_mut().unwrap().remove("consent");
    let filed = body(app.post("/api/v1/claims", Some(&app.token(Role::Partner, "p")), &member).await).await;
    assert!(filed["consent"].is_null());
}
