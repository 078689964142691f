//! The claimant's whole journey in a real browser, against a real SMTP server: file on the
//! form without the evidence the policy pays from, get the receipt by mail, open its status
//! link, send a PDF and a photo, be verified, be paid, and see the amount. In Korean on a
//! phone and in English on a desktop. `UPDATE_SCREENSHOTS=1` refreshes the screenshots of each
//! step in `docs/screenshots/`.

use serde_json::{json, Value};

use crate::browser_support::{Browser, Locale};
use crate::helpers::{body, incident_with_windows, spawn_app_with, TestApp};
use crate::mail_support::MailSink;
use outage_claims::domain::role::Role;

/// The status link of a mail, on this test's server (the mail's base is `PUBLIC_BASE_URL`).
fn status_link(app: &TestApp, mail: &Value, label: &str) -> String {
    let text = mail["text"].as_str().unwrap();
    let link =
        text.lines().find_map(|l| l.strip_prefix(label)).unwrap_or_else(|| panic!("no link in {text}"));
    let path = &link[link.find("/status").unwrap()..];
    format!("{}{path}", app.address)
}

/// Batches the incident's claims, has a second finance user approve, and settles them paid.
async fn pay(app: &TestApp, incident: &str, policy: &str) {
    let input = json!({"incident_id": incident, "policy_id": policy});
    let batch = body(app.post("/api/v1/payout-batches", Some(&app.finance()), &input).await).await;
    let id = batch["id"].as_str().unwrap();
    let approve = format!("/api/v1/payout-batches/{id}/approve");
    assert_eq!(app.post(&approve, Some(&app.token(Role::Finance, "grace")), &json!({})).await.status(), 200);
    let lines =
        body(app.get(&format!("/api/v1/payout-batches/{id}/lines"), Some(&app.finance())).await).await;
    let mut csv = String::from("claim_id,status,bank_reference,failure_reason\n");
    for line in lines["items"].as_array().unwrap() {
        csv.push_str(&format!("{},paid,B-{},\n", line["claim_id"].as_str().unwrap(), line["line_no"]));
    }
    assert_eq!(crate::settlement::settle(app, id, &csv).await.status(), 200);
}

async fn journey(locale: Locale, phone: bool) {
    let (lang, suffix) = match (&locale, phone) {
        (Locale::Korean, true) => ("ko", "ko-phone"),
        (Locale::Korean, false) => ("ko", "ko-desktop"),
        (Locale::English, true) => ("en", "en-phone"),
        (Locale::English, false) => ("en", "en-desktop"),
    };
    let mail = MailSink::start(None);
    let app = spawn_app_with(&[("SMTP_URL", &mail.url()), ("NOTIFY_POLL_MILLIS", "100")]).await;
    let incident = incident_with_windows(&app).await;
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "business", "service": "*",
        "method": "lost_revenue", "params": {"rate": "1"}}]});
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    let policy = policy["id"].as_str().unwrap().to_owned();
    let browser = Browser::start(locale).await;
    if phone {
        browser.resize(390, 844).await;
    }
    let query = if lang == "en" { "?lang=en" } else { "" };

    // 1. File on the form, leaving out the revenue figures the policy pays from.
    browser.goto(&format!("{}/{query}", app.address)).await;
    crate::browser::fill_valid_claim(&browser, &incident).await;
    browser.type_into("evidence.baseline_revenue", "").await;
    browser.type_into("evidence.outage_revenue", "").await;
    browser.click("#submit").await;
    let reference = browser.wait_text("claim-reference").await;
    browser.screenshot(&format!("journey-1-filed-{suffix}")).await;

    // 2. The receipt arrives by mail, in the form's language, saying what is needed.
    let receipt = mail.wait_for(1).await.remove(0);
    assert!(receipt["subject"].as_str().unwrap().contains(&reference));
    let (needed, label) = if lang == "ko" {
        ("자료 보완이 필요합니다", "처리 상태 확인: ")
    } else {
        ("We need more from you", "Your status page: ")
    };
    assert!(receipt["text"].as_str().unwrap().contains(needed), "{receipt}");

    // 3. Its link opens the claim's page.
    browser.goto(&status_link(&app, &receipt, label)).await;
    browser
        .wait_js("document.getElementById('status-value').getAttribute('data-status') === 'deficient'")
        .await;
    browser.screenshot(&format!("journey-2-deficient-{suffix}")).await;

    // 4. A PDF of the ledger and a photo of the shop, with the two figures.
    let files = tempfile::tempdir().unwrap();
    let (pdf, photo) = (files.path().join("ledger.pdf"), files.path().join("shop.jpg"));
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    std::fs::write(&photo, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9]).unwrap();
    browser.choose_files("#documents-file", &[&pdf, &photo]).await;
    browser.type_into("evidence.baseline_revenue", "1400000").await;
    browser.type_into("evidence.outage_revenue", "900000").await;
    browser.click("#documents-form button[type=submit]").await;
    browser
        .wait_js("document.getElementById('status-value').getAttribute('data-status') === 'verified'")
        .await;
    browser.wait_js("document.querySelectorAll('#documents-list li').length === 2").await;
    browser.wait_js("document.querySelector('#timeline li[data-kind=documents_received]')").await;
    browser.screenshot(&format!("journey-3-documents-received-{suffix}")).await;

    // 5. Finance pays it (a second finance user approves); the page shows the amount.
    pay(&app, &incident, &policy).await;
    // Away and back, as a person coming back to the link later (the same URL would not reload).
    browser.goto(&format!("{}/{query}", app.address)).await;
    browser.goto(&status_link(&app, &receipt, label)).await;
    browser.wait_js("document.getElementById('status-value').getAttribute('data-status') === 'paid'").await;
    let paid = browser.wait_text("status-paid").await;
    assert_eq!(paid, if lang == "ko" { "250,000원" } else { "250,000 KRW" });
    browser.wait_js("document.querySelector('#timeline li[data-kind=paid]')").await;
    browser.screenshot(&format!("journey-4-paid-{suffix}")).await;
    // Receipt, documents received, paid.
    let messages = mail.wait_for(3).await;
    let kinds: Vec<&str> = messages.iter().map(|m| m["subject"].as_str().unwrap()).collect();
    let paid_word = if lang == "ko" { "250,000원을 지급했습니다" } else { "We paid you KRW 250,000" };
    assert!(kinds.iter().any(|s| s.contains(paid_word)), "{kinds:?}");
    browser.close().await;
}

#[tokio::test]
#[cfg_attr(
    not(all(feature = "browser-tests", feature = "mail-tests")),
    ignore = "needs Chromium and an SMTP server: cargo test --features browser-tests,mail-tests"
)]
async fn on_a_phone_in_korean_a_merchant_is_told_asked_and_paid_without_calling_anyone() {
    journey(Locale::Korean, true).await;
}

#[tokio::test]
#[cfg_attr(
    not(all(feature = "browser-tests", feature = "mail-tests")),
    ignore = "needs Chromium and an SMTP server: cargo test --features browser-tests,mail-tests"
)]
async fn on_a_desktop_in_english_a_merchant_is_told_asked_and_paid_without_calling_anyone() {
    journey(Locale::English, false).await;
}
