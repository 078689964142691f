//! The web pages (SPEC section 4b) in a real headless Chromium: filing through the form, the
//! checks made before sending, server errors beside their fields, English, and the status page.
//! `UPDATE_SCREENSHOTS=1` also refreshes the screenshots in `docs/screenshots/`.

use chrono::{Duration, FixedOffset, Utc};
use serde_json::Value;

use crate::browser_support::{Browser, Locale};
use crate::helpers::{body, brn, incident_with_windows, spawn_app, TestApp};

/// Fills every field of the form with a valid business claim for the messenger outage.
pub(crate) async fn fill_valid_claim(browser: &Browser, incident: &str) {
    browser.select("incident_id", incident).await;
    browser.select("service", "messenger").await;
    browser.click(r#"input[name="claimant.kind"][value="business"]"#).await;
    browser.type_into("claimant.name", "한강치킨 마포점").await;
    browser.type_into("claimant.business_registration_number", "220-81-62517").await;
    browser.type_into("claimant.email", "owner@example.kr").await;
    browser.type_into("claimant.phone", "010-1234-5678").await;
    browser.set_value("loss_started_at", "2022-10-15T15:30").await;
    browser.set_value("loss_ended_at", "2022-10-15T19:30").await;
    browser.type_into("claimed_amount", "250,000").await;
    browser.type_into("evidence.baseline_revenue", "1400000").await;
    browser.type_into("evidence.outage_revenue", "900000").await;
    browser.select("payout_account.bank_code", "004").await;
    browser.type_into("payout_account.account_number", "123-456-789012").await;
    browser.type_into("payout_account.holder", "김민지").await;
    browser.click("#consent\\.privacy").await;
    browser.click("#consent\\.truthful").await;
}

/// Every claim the API holds, as staff see them.
async fn claims(app: &TestApp) -> Vec<Value> {
    let response = app.get("/api/v1/claims", Some(&app.admin())).await;
    assert_eq!(response.status(), 200);
    body(response).await["items"].as_array().unwrap().clone()
}

/// Files the valid claim through the form and returns the reference the receipt shows.
async fn file_through_the_form(app: &TestApp, browser: &Browser) -> String {
    let incident = incident_with_windows(app).await;
    browser.goto(&format!("{}/", app.address)).await;
    fill_valid_claim(browser, &incident).await;
    browser.click("#submit").await;
    browser.wait_text("claim-reference").await
}

/// The status page's message once a lookup has failed (not the "checking" note before it).
async fn lookup_failure(browser: &Browser) -> String {
    let message = browser.wait_js("document.querySelector('#status-message.is-error:not([hidden])')").await;
    assert!(!message.is_null());
    browser.wait_text("status-message").await
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn a_claim_filed_through_the_form_gets_a_reference_and_exists_in_the_api() {
    let app = spawn_app().await;
    let browser = Browser::start(Locale::Korean).await;

    let reference = file_through_the_form(&app, &browser).await;

    assert!(reference.starts_with("OC-") && reference.len() == 10, "reference {reference}");
    let stored = claims(&app).await;
    assert_eq!(stored.len(), 1);
    let claim = &stored[0];
    assert_eq!(claim["reference"], reference.as_str());
    assert_eq!(claim["channel"], "web");
    assert_eq!(claim["claimant"]["name"], "한강치킨 마포점");
    assert_eq!(claim["claimant"]["business_registration_number"], "220-81-62517");
    assert_eq!(claim["claimed_amount"], "250000");
    assert_eq!(claim["evidence"]["baseline_revenue"], "1400000");
    // Entered as Korea time: 15:30 KST is 06:30 UTC.
    let started = chrono::DateTime::parse_from_rfc3339(claim["loss_started_at"].as_str().unwrap()).unwrap();
    assert_eq!(started.with_timezone(&Utc).to_rfc3339(), "2022-10-15T06:30:00+00:00");
    let status = browser.find("#claim-status").await;
    assert_eq!(status.attr("data-status").await.unwrap().as_deref(), claim["status"].as_str());
    assert_eq!(status.text().await.unwrap(), "확인 완료");
    let link = browser.find("#status-link").await;
    let href = link.attr("href").await.unwrap().unwrap();
    assert!(href.contains(&format!("/status?reference={reference}#token=ey")), "status link {href}");
    assert_eq!(link.text().await.unwrap(), href, "the link is shown as plain text to copy");
    assert!(browser.find("#copy-link").await.is_displayed().await.unwrap());
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn a_wrong_check_digit_is_caught_in_the_browser_before_anything_is_sent() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let browser = Browser::start(Locale::Korean).await;
    browser.goto(&format!("{}/", app.address)).await;
    fill_valid_claim(&browser, &incident).await;
    browser.type_into("claimant.business_registration_number", "220-81-62518").await;

    browser.click("#submit").await;

    let error = browser.wait_text("error-claimant.business_registration_number").await;
    assert!(error.contains("사업자등록번호"), "error text {error}");
    let field = browser.find(r#"[name="claimant.business_registration_number"]"#).await;
    assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    let focused = browser.js("return document.activeElement.name;").await;
    assert_eq!(focused, "claimant.business_registration_number", "focus moves to the field to fix");
    let announced = browser.wait_js("document.getElementById('form-live').textContent").await;
    assert!(announced.as_str().unwrap().contains("1개"), "announced {announced}");
    assert!(browser.find("#error-summary").await.is_displayed().await.unwrap());
    assert!(claims(&app).await.is_empty(), "nothing may reach the server");
    // The page's check agrees with the server's on numbers the server's own function made.
    for n in [0, 1, 7, 42, 12_345, 99_999] {
        let number = brn(n);
        let verdict = browser.js(&format!("return OutageClaims.validate.brn('{number}');")).await;
        assert!(verdict.is_null(), "{number} refused: {verdict}");
        let wrong = format!("{}{}", &number[..9], (number.as_bytes()[9] - b'0' + 1) % 10);
        let verdict = browser.js(&format!("return OutageClaims.validate.brn('{wrong}');")).await;
        assert_eq!(verdict, "invalid_check_digit", "{wrong}");
    }
    let verdict = browser.js("return OutageClaims.validate.brn('220-8162517');").await;
    assert_eq!(verdict, "invalid_format");
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn an_error_found_by_the_server_is_shown_beside_its_field() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let browser = Browser::start(Locale::Korean).await;
    browser.goto(&format!("{}/", app.address)).await;
    fill_valid_claim(&browser, &incident).await;
    // The page leaves "not in the future" to the server: a claimant's clock may be wrong.
    let kst = FixedOffset::east_opt(9 * 3600).unwrap();
    let later =
        |days| (Utc::now() + Duration::days(days)).with_timezone(&kst).format("%Y-%m-%dT%H:%M").to_string();
    browser.set_value("loss_started_at", &later(2)).await;
    browser.set_value("loss_ended_at", &later(3)).await;

    browser.click("#submit").await;

    let error = browser.wait_text("error-loss_started_at").await;
    assert_eq!(error, "미래의 시각은 입력할 수 없습니다.");
    let field = browser.find(r#"[name="loss_started_at"]"#).await;
    assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    let summary = browser.wait_text("error-summary-list").await;
    assert!(summary.contains("피해 시작 시각"), "summary {summary}");
    assert!(!browser.find("#receipt").await.is_displayed().await.unwrap());
    assert!(claims(&app).await.is_empty());
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn a_problem_that_is_not_an_answer_is_said_apart_and_a_wrong_answer_turns_red() {
    let app = spawn_app().await;
    let browser = Browser::start(Locale::English).await;
    let incident = incident_with_windows(&app).await;
    let policy = serde_json::json!({"currency": "KRW", "rules": [{"claimant_kind": "business", "service": "*",
        "method": "lost_revenue", "params": {"rate": "1"}}]});
    app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await;
    browser.goto(&format!("{}/?lang=en", app.address)).await;
    fill_valid_claim(&browser, &incident).await;
    // The policy pays businesses from their revenue: those two fields say so, the fee stays optional.
    browser
        .wait_js(
            "document.querySelector('label[for=\"evidence.baseline_revenue\"] .optional[data-needed=true]')",
        )
        .await;
    let labels = browser
        .js("return ['baseline_revenue', 'outage_revenue', 'monthly_fee'].map(function (f) {
             return document.querySelector('label[for=\"evidence.' + f + '\"] .optional').textContent; });")
        .await;
    assert!(
        labels[0].as_str().unwrap().contains("needed") && labels[1].as_str().unwrap().contains("needed"),
        "{labels}"
    );
    assert_eq!(labels[2], "(optional)");
    browser.type_into("claimant.email", "not-an-email").await;
    browser.click("#submit").await;
    assert_eq!(browser.wait_text("error-claimant.email").await, "Enter a valid email address.");
    browser.wait_js("document.getElementById('form-live').textContent === '1 answer needs your attention. Please fix the marked field.'").await;
    // The invalid text field is drawn in the error colour, like the message beside it.
    let colours = browser
        .js("var f = document.getElementById('claimant.email'), e = document.getElementById('error-claimant.email');
             return [getComputedStyle(f).borderTopColor, getComputedStyle(e).color];")
        .await;
    assert_eq!(colours[0], colours[1], "{colours}");

    // The same business files again: said as a problem with a way forward, not an answer to fix.
    browser.type_into("claimant.email", "owner@example.kr").await;
    browser.click("#submit").await;
    browser.wait_text("claim-reference").await;
    browser.goto(&format!("{}/?lang=en", app.address)).await;
    fill_valid_claim(&browser, &incident).await;
    browser.click("#submit").await;
    let problem = browser.wait_text("form-problem-text").await;
    assert!(problem.contains("already has a claim for this service"), "{problem}");
    assert!(browser.find("#form-problem-link a").await.is_displayed().await.unwrap());
    assert!(
        !browser.find("#error-summary").await.is_displayed().await.unwrap(),
        "not under check your answers"
    );
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn the_form_links_to_the_compensation_notice_of_the_chosen_outage() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = serde_json::json!({"currency": "KRW", "rules": [
        {"claimant_kind": "business", "service": "*", "method": "tiered_by_days",
         "params": {"tiers": [{"min_days": 1, "amount": "400000"}, {"min_days": 3, "amount": "800000"}]}},
        {"claimant_kind": "individual", "service": "*", "method": "flat", "params": {"amount": "30000"}}]});
    app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await;
    let browser = Browser::start(Locale::Korean).await;
    browser.goto(&format!("{}/", app.address)).await;
    browser.select("incident_id", &incident).await;
    browser.click("#notice-link").await;
    assert_eq!(browser.wait_text("notice-title").await, "Data-center fire");
    let criteria = browser.wait_text("notice-criteria").await;
    assert!(criteria.contains("1일 이상 400,000원") && criteria.contains("개인 (모든 서비스)"), "{criteria}");
    browser.screenshot("compensation-notice-ko").await;
    browser.click("#lang-switch").await;
    browser.wait_js("document.documentElement.lang === 'en'").await;
    assert!(browser
        .wait_text("notice-criteria")
        .await
        .contains("Individuals (any service): a flat KRW 30,000"));
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn the_form_is_korean_by_default_and_english_with_lang_en() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;

    let browser = Browser::start(Locale::Korean).await;
    browser.goto(&format!("{}/", app.address)).await;
    assert_eq!(browser.js("return document.documentElement.lang;").await, "ko");
    assert_eq!(browser.find("h1").await.text().await.unwrap(), "피해 보상 신청");
    // Every field has a label, and no input is small enough for a phone to zoom into.
    let unlabelled = browser
        .js("return Array.from(document.querySelectorAll('#claim-form input:not([type=hidden]), \
             #claim-form select, #claim-form textarea')).filter(function (e) { return !e.labels.length; \
             }).map(function (e) { return e.name; });")
        .await;
    assert_eq!(unlabelled, serde_json::json!([]));
    let smallest = browser
        .js("return Math.min.apply(null, Array.from(document.querySelectorAll('#claim-form input, \
             #claim-form select, #claim-form textarea')).map(function (e) { \
             return parseFloat(getComputedStyle(e).fontSize); }));")
        .await;
    assert!(smallest.as_f64().unwrap() >= 16.0, "font size {smallest}");
    browser.select("incident_id", &incident).await;
    browser.select("service", "messenger").await;
    browser.click(r#"input[name="claimant.kind"][value="individual"]"#).await;
    let brn_field = browser.find(r#"[name="claimant.business_registration_number"]"#).await;
    assert!(!brn_field.is_displayed().await.unwrap(), "individuals have no registration number");
    browser.click(r#"input[name="claimant.kind"][value="business"]"#).await;
    assert!(brn_field.is_displayed().await.unwrap());
    browser.screenshot("claim-form-ko").await;
    let switch = browser.find("#lang-switch").await;
    assert_eq!(switch.text().await.unwrap(), "English");
    switch.click().await.unwrap();
    browser.wait_js("document.documentElement.lang === 'en'").await;
    browser.close().await;

    let browser = Browser::start(Locale::English).await;
    browser.goto(&format!("{}/?lang=en", app.address)).await;
    assert_eq!(browser.find("h1").await.text().await.unwrap(), "Outage compensation claim");
    let label = browser.find(r#"label[for="claimant.business_registration_number"]"#).await;
    assert_eq!(label.text().await.unwrap(), "Business registration number");
    browser.select("incident_id", &incident).await;
    browser.select("service", "messenger").await;
    assert_eq!(
        browser.find(r#"#service option[value="messenger"]"#).await.text().await.unwrap(),
        "Messenger"
    );
    assert_eq!(browser.find("#lang-switch").await.text().await.unwrap(), "한국어");
    browser.screenshot("claim-form-en").await;
    browser.click("#submit").await;
    assert_eq!(browser.wait_text("error-claimant.name").await, "This field is required.");
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn the_status_page_shows_a_claim_filed_through_the_form() {
    let app = spawn_app().await;
    let browser = Browser::start(Locale::Korean).await;
    let reference = file_through_the_form(&app, &browser).await;
    let status_url = browser.find("#status-link").await.attr("href").await.unwrap().unwrap();

    browser.click("#status-link").await;

    assert_eq!(browser.wait_text("status-reference").await, reference);
    let stored = claims(&app).await;
    let status = browser.find("#status-value").await;
    assert_eq!(status.attr("data-status").await.unwrap().as_deref(), stored[0]["status"].as_str());
    assert_eq!(status.text().await.unwrap(), "확인 완료");
    assert_eq!(browser.wait_text("status-claimed").await, "250,000원");
    assert!(!browser.find("#status-paid").await.is_displayed().await.unwrap(), "not paid yet");

    let token = status_url.split("token=").nth(1).unwrap().to_owned();
    browser.goto(&format!("{}/status?reference={reference}#token=not-a-token", app.address)).await;
    let message = lookup_failure(&browser).await;
    assert!(message.contains("상태 확인 코드가 올바르지 않거나"), "message {message}");
    browser.goto(&format!("{}/status?reference=OC-9999999#token={token}", app.address)).await;
    let message = lookup_failure(&browser).await;
    assert!(message.contains("찾을 수 없습니다"), "message {message}");

    browser.goto(&format!("{}/status?lang=en&reference={reference}#token={token}", app.address)).await;
    assert_eq!(browser.wait_text("status-value").await, "Verified");
    assert_eq!(browser.wait_text("status-claimed").await, "250,000 KRW");
    let switch = browser.find("#lang-switch").await.attr("href").await.unwrap().unwrap();
    assert!(switch.contains("lang=ko") && switch.contains(&reference), "switch keeps the lookup: {switch}");
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn the_status_page_tells_what_happened_and_takes_an_appeal() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let mut filing = crate::helpers::claim_body(&incident);
    filing["claimed_amount"] = serde_json::json!("6000000");
    let filed = body(app.post("/api/v1/claims", None, &filing).await).await;
    let (id, reference, token) = (
        filed["id"].as_str().unwrap(),
        filed["reference"].as_str().unwrap(),
        filed["status_token"].as_str().unwrap(),
    );
    let rejection =
        serde_json::json!({"decision": "reject", "reason": "no records", "message": "매출 자료가 없습니다."});
    let finance = app.token(outage_claims::domain::role::Role::Finance, "fin-a");
    assert_eq!(
        app.post(&format!("/api/v1/claims/{id}/review"), Some(&finance), &rejection).await.status(),
        200
    );
    let browser = Browser::start(Locale::Korean).await;

    browser.goto(&format!("{}/status?reference={reference}#token={token}", app.address)).await;
    assert_eq!(browser.wait_text("status-value").await, "반려");
    browser.wait_js("document.querySelectorAll('#timeline li').length === 3").await;
    let record = browser.wait_text("timeline").await;
    assert!(record.contains("접수되었습니다") && record.contains("매출 자료가 없습니다."), "{record}");
    assert!(!record.contains("above_review_threshold"), "codes stay out of sight: {record}");
    assert!(browser.wait_text("appeal-hint").await.contains("이의 신청"));
    assert!(
        !browser.find("#withdraw-form").await.is_displayed().await.unwrap(),
        "a rejected claim is not withdrawn"
    );
    browser.screenshot("status-rejected-ko").await;

    browser.click("#appeal-form button[type=submit]").await;
    assert_eq!(browser.wait_text("error-reason").await, "이유를 적어 주세요.");
    browser.type_into("reason", "3월 매출 장부를 보내겠습니다.").await;
    browser.click("#appeal-form button[type=submit]").await;
    browser
        .wait_js("document.getElementById('status-value').getAttribute('data-status') === 'needs_review'")
        .await;
    browser.wait_js("document.querySelector('#timeline li[data-kind=appealed]')").await;
    assert!(browser.wait_text("action-message").await.contains("이의 신청을 접수했습니다"));
    assert!(!browser.find("#appeal-form").await.is_displayed().await.unwrap(), "one appeal");
    let stored = body(app.get(&format!("/api/v1/claims/{id}"), Some(&app.finance())).await).await;
    assert_eq!(stored["status_reason"], "appeal");
    // The appeal goes to someone else: the first reviewer is refused, a second one decides.
    let approve =
        serde_json::json!({"decision": "approve", "reason": "ledger received", "approved_amount": "4500000"});
    let review = format!("/api/v1/claims/{id}/review");
    assert_eq!(app.post(&review, Some(&finance), &approve).await.status(), 409);
    let second = app.token(outage_claims::domain::role::Role::Finance, "fin-b");
    assert_eq!(app.post(&review, Some(&second), &approve).await.status(), 200);
    browser.goto(&format!("{}/", app.address)).await;
    browser.goto(&format!("{}/status?reference={reference}#token={token}", app.address)).await;
    assert_eq!(browser.wait_text("status-value").await, "지급 승인");
    browser.wait_js("document.querySelector('#timeline li[data-kind=approved]')").await;
    assert!(browser.wait_text("timeline").await.contains("4,500,000원 지급이 승인되었습니다"));
    browser.screenshot("status-appeal-approved-ko").await;

    // A notice's code is checked on the page; a wrong one is called out.
    let notices = body(app.get(&format!("/api/v1/claims/{id}/notices"), Some(token)).await).await;
    let code = notices[0]["verification_code"].as_str().unwrap();
    browser.type_into("code", "ABCDEF").await;
    browser.find("#verify-reference").await.send_keys(reference).await.unwrap();
    browser.click("#verify-form button[type=submit]").await;
    assert!(browser.wait_text("verify-message").await.contains("보낸 적이 없습니다"));
    browser.type_into("code", code).await;
    browser.click("#verify-form button[type=submit]").await;
    browser.wait_js("document.getElementById('verify-message').textContent.indexOf('맞습니다') >= 0").await;
    // A new link by reference and email: the same answer whatever is typed.
    browser.find("#link-reference").await.send_keys(reference).await.unwrap();
    browser.type_into("email", "owner@example.kr").await;
    browser.click("#link-form button[type=submit]").await;
    assert!(browser.wait_text("link-message").await.contains("새 링크를 그 이메일로 보냈습니다"));
    let after = body(app.get(&format!("/api/v1/claims/{id}/notices"), Some(token)).await).await;
    assert!(after.as_array().unwrap().iter().any(|n| n["kind"] == "status_link"));

    browser.goto(&format!("{}/status?lang=en&reference={reference}#token={token}", app.address)).await;
    browser.wait_js("document.querySelector('#timeline li[data-kind=appealed]')").await;
    assert!(browser.wait_text("timeline").await.contains("Your appeal was received"));
    browser.screenshot("status-appealed-en").await;
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn on_a_phone_a_deficient_claim_is_answered_with_a_pdf_and_a_photo_from_the_status_page() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = serde_json::json!({"currency": "KRW", "rules": [{"claimant_kind": "business", "service": "*",
        "method": "lost_revenue", "params": {"rate": "1"}}]});
    app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await;
    let mut filing = crate::helpers::claim_body(&incident);
    filing["evidence"] = serde_json::json!({});
    let filed = body(app.post("/api/v1/claims", None, &filing).await).await;
    assert_eq!(filed["status"], "deficient");
    let (id, reference, token) = (
        filed["id"].as_str().unwrap(),
        filed["reference"].as_str().unwrap(),
        filed["status_token"].as_str().unwrap(),
    );
    let files = tempfile::tempdir().unwrap();
    let pdf = files.path().join("매출장부.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    let photo = files.path().join("shop.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();

    let browser = Browser::start(Locale::Korean).await;
    browser.resize(390, 844).await;
    browser.goto(&format!("{}/status?reference={reference}#token={token}", app.address)).await;
    assert_eq!(browser.wait_text("status-value").await, "보완 필요");
    assert!(browser.find("#documents-form").await.is_displayed().await.unwrap());
    browser.screenshot("status-deficient-phone-ko").await;
    browser.click("#documents-form button[type=submit]").await;
    assert_eq!(browser.wait_text("error-file").await, "보낼 파일을 고르세요.");
    browser.choose_files("#documents-file", &[&pdf, &photo]).await;
    browser.type_into("evidence.baseline_revenue", "1,400,000").await;
    browser.type_into("evidence.outage_revenue", "900000").await;
    browser.click("#documents-form button[type=submit]").await;
    browser
        .wait_js("document.getElementById('status-value').getAttribute('data-status') === 'verified'")
        .await;
    browser.wait_js("document.querySelectorAll('#documents-list li').length === 2").await;
    let list = browser.wait_text("documents-list").await;
    assert!(list.contains("매출장부.pdf · 받음") && list.contains("shop.png · 받음"), "{list}");
    browser.wait_js("document.querySelector('#timeline li[data-kind=documents_received]')").await;
    browser.screenshot("status-documents-received-phone-ko").await;
    let stored = body(app.get(&format!("/api/v1/claims/{id}/documents"), Some(&app.finance())).await).await;
    let types: Vec<&str> =
        stored.as_array().unwrap().iter().map(|d| d["media_type"].as_str().unwrap()).collect();
    assert_eq!(types, ["application/pdf", "image/png"]);
    // The page fits the phone: nothing is wider than the screen.
    let overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth;").await;
    assert!(overflow.as_i64().unwrap() <= 0, "the page scrolls sideways by {overflow}px");
    browser.close().await;
}

#[tokio::test]
async fn pages_and_assets_are_served_offline_with_strict_security_headers() {
    let app = spawn_app().await;

    let page = app.get("/", None).await;

    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"), "the page loads nothing from elsewhere");
    let script = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(script.starts_with("/assets/common.js?v="), "{script}");
    let asset = app.get(&script, None).await;
    assert_eq!(asset.status(), 200);
    assert!(asset.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(asset.headers()["x-content-type-options"], "nosniff");
    assert!(asset.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let english = app.get("/status?lang=en", None).await.text().await.unwrap();
    assert!(english.contains("<html lang=\"en\">"));
    assert_eq!(app.get("/assets/nothing.js", None).await.status(), 404);
}
