//! The finance page (`/finance`, GitHub issue 7): signing in with a finance token, the summary
//! with server-drawn SVG charts, approving under four eyes, exporting the API's file, the
//! cross-site checks on its forms, and the same flow in a headless browser.

use outage_claims::domain::role::Role;
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use serde_json::{json, Value};

use crate::browser_support::{Browser, Locale};
use crate::helpers::{body, claim_body, incident_with_windows, spawn_app, TestApp};

/// A client that shows redirects instead of following them, as the tests check where they go.
fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// An incident with three 250,000 claims and a flat 30,000 batch calculated by `fred`.
async fn calculated_batch(app: &TestApp) -> (String, String) {
    let incident = incident_with_windows(app).await;
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "30000"}}]});
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    let partner = app.token(Role::Partner, "p");
    for n in 0..3 {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        claim["external_ref"] = json!(format!("f-{n}"));
        assert_eq!(app.post("/api/v1/claims", Some(&partner), &claim).await.status(), 201);
    }
    let input = json!({"incident_id": incident, "policy_id": policy["id"]});
    let batch = body(app.post("/api/v1/payout-batches", Some(&app.finance()), &input).await).await;
    (incident, batch["id"].as_str().unwrap().to_owned())
}

async fn sign_in(app: &TestApp, token: &str) -> Response {
    client()
        .post(format!("{}/finance/session", app.address))
        .header("origin", &app.address)
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

/// The `name=value` of the session cookie a finance token gets.
async fn session(app: &TestApp, sub: &str) -> String {
    let response = sign_in(app, &app.token(Role::Finance, sub)).await;
    assert_eq!(response.status(), 303);
    response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    let response =
        client().get(format!("{}{path}", app.address)).header("cookie", cookie).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// Clicks Approve as the holder of `cookie`: the notice it redirects to.
async fn approve(app: &TestApp, batch: &str, cookie: &str) -> String {
    let response = client()
        .post(format!("{}/finance/batches/{batch}/approve", app.address))
        .header("cookie", cookie)
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    location.split("notice=").nth(1).unwrap().split('&').next().unwrap().to_owned()
}

async fn batch_status(app: &TestApp, batch: &str) -> Value {
    body(app.get(&format!("/api/v1/payout-batches/{batch}"), Some(&app.finance())).await).await
}

#[tokio::test]
async fn only_a_finance_token_signs_in_and_the_cookie_is_strict() {
    let app = spawn_app().await;

    let admin = sign_in(&app, &app.admin()).await;
    let garbage = sign_in(&app, "not-a-token").await;
    let finance = sign_in(&app, &app.finance()).await;

    assert_eq!(admin.status(), 303);
    assert_eq!(admin.headers()["location"], "/finance?notice=signin_role");
    assert!(admin.headers().get("set-cookie").is_none());
    assert_eq!(garbage.headers()["location"], "/finance?notice=signin_invalid");
    let refused = page(&app, "/finance?notice=signin_role", "").await;
    assert!(refused.contains("재무 권한이 있는 토큰만") && refused.contains("id=\"signin-form\""));
    assert!(!page(&app, "/finance?notice=%3Cb%3E", "").await.contains("<b>"), "raw text is never shown");
    assert_eq!(finance.headers()["location"], "/finance");
    let cookie = finance.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("oc_finance=") && !cookie.contains("ey"),
        "a session id, not the token: {cookie}"
    );
    for part in ["HttpOnly", "SameSite=Strict", "Path=/finance"] {
        assert!(cookie.contains(part), "{part} missing from {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http in tests");
    let max_age: i64 = cookie.split("Max-Age=").nth(1).unwrap().split(';').next().unwrap().parse().unwrap();
    assert!((3500..=3600).contains(&max_age), "the cookie lives as long as the token: {max_age}");
    let out = client()
        .post(format!("{}/finance/session/delete", app.address))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn the_page_shows_the_summary_with_charts_drawn_by_the_server() {
    let app = spawn_app().await;
    let (incident, batch) = calculated_batch(&app).await;
    let cookie = session(&app, "grace").await;

    let response =
        client().get(format!("{}/finance", app.address)).header("cookie", &cookie).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"), "{csp}");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("<option value=\"{incident}\" selected>")));
    assert!(html.contains("<dd id=\"total-claims\">3</dd>"));
    assert!(html.contains("<dd id=\"total-claimed\"><span class=\"amount\">750000</span> KRW</dd>"));
    assert!(html.contains("<dd id=\"total-assessed-payout\"><span class=\"amount\">90000</span> KRW</dd>"));
    assert_eq!(html.matches("<svg").count(), 3, "status, amounts and services");
    assert!(html.contains("<title id=\"chart-status-title\">상태별 신청 건수</title>"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    let row = html.split(&format!("<tr id=\"batch-{batch}\"")).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("data-status=\"calculated\"") && row.contains("산정 완료"), "{row}");
    assert!(row.contains("finance:fred") && row.contains(">90000<") && row.contains("class=\"approve\""));
    let english = page(&app, &format!("/finance?incident_id={incident}&lang=en"), &cookie).await;
    assert!(english.contains("Claims by status") && english.contains("<html lang=\"en\">"));
    assert!(english.contains(&format!("/finance/batches/{batch}/approve?lang=en")));
}

/// Signs out with `cookie`, as the page's button does.
async fn sign_out(app: &TestApp, cookie: &str) -> Response {
    client()
        .post(format!("{}/finance/session/delete", app.address))
        .header("cookie", cookie)
        .header("origin", &app.address)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server_so_a_copied_cookie_opens_nothing() {
    let app = spawn_app().await;
    let (_, batch) = calculated_batch(&app).await;
    let cookie = session(&app, "grace").await;
    let copied = cookie.clone();
    assert!(!page(&app, "/finance", &cookie).await.contains("id=\"signin-form\""), "signed in");

    assert_eq!(sign_out(&app, &cookie).await.status(), 303);

    let after = page(&app, "/finance", &copied).await;
    assert!(after.contains("id=\"signin-form\""), "the copied cookie still opens the page");
    assert_eq!(approve(&app, &batch, &copied).await, "expired");
    assert_eq!(batch_status(&app, &batch).await["status"], "calculated");
}

#[tokio::test]
async fn an_expired_session_is_signed_out() {
    let app = spawn_app().await;
    let cookie = session(&app, "grace").await;
    app.execute_sql("UPDATE staff_sessions SET expires_at = '2000-01-01 00:00:00'");

    let response =
        client().get(format!("{}/finance", app.address)).header("cookie", &cookie).send().await.unwrap();

    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert!(response.text().await.unwrap().contains("id=\"signin-form\""));
}

#[tokio::test]
async fn forwarded_host_and_proto_count_only_from_a_trusted_proxy() {
    let app = spawn_app().await;
    let forged = |app: &TestApp| {
        client()
            .post(format!("{}/finance/session", app.address))
            .header("origin", "https://evil.example")
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "https")
            .form(&[("token", app.finance())])
    };

    assert_eq!(forged(&app).send().await.unwrap().status(), 403, "an untrusted peer names the host");
    let plain = sign_in(&app, &app.finance()).await;
    let plain = plain.headers()["set-cookie"].to_str().unwrap().to_owned();
    let proxied = client()
        .post(format!("{}/finance/session", app.address))
        .header("origin", &app.address)
        .header("x-forwarded-proto", "https")
        .form(&[("token", app.finance())])
        .send()
        .await
        .unwrap();
    let proxied = proxied.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(!plain.contains("Secure") && !proxied.contains("Secure"), "{proxied}");

    let behind = crate::helpers::spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let trusted = forged(&behind).send().await.unwrap();
    assert_eq!(trusted.status(), 303);
    assert!(trusted.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
}

#[tokio::test]
async fn a_post_without_this_sites_origin_is_refused() {
    let app = spawn_app().await;
    let (_, batch) = calculated_batch(&app).await;
    let cookie = session(&app, "grace").await;
    let url = format!("{}/finance/batches/{batch}/approve", app.address);

    let bare = client().post(&url).header("cookie", &cookie).send().await.unwrap();
    let foreign = client()
        .post(&url)
        .header("cookie", &cookie)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    let opaque = client().post(&url).header("cookie", &cookie).header("origin", "null").send().await.unwrap();
    let sign_in = client()
        .post(format!("{}/finance/session", app.address))
        .form(&[("token", app.finance())])
        .send()
        .await
        .unwrap();

    for response in [bare, foreign, opaque, sign_in] {
        assert_eq!(response.status(), 403);
    }
    assert_eq!(batch_status(&app, &batch).await["status"], "calculated");
}

#[tokio::test]
async fn the_creator_cannot_approve_and_a_second_finance_user_can() {
    let app = spawn_app().await;
    let (incident, batch) = calculated_batch(&app).await;
    let fred = session(&app, "fred").await;
    let grace = session(&app, "grace").await;

    let by_creator = approve(&app, &batch, &fred).await;

    assert_eq!(by_creator, "four_eyes");
    assert_eq!(batch_status(&app, &batch).await["status"], "calculated");
    let shown = page(&app, &format!("/finance?incident_id={incident}&notice=four_eyes"), &fred).await;
    assert!(
        shown.contains("data-notice=\"four_eyes\"")
            && shown.contains("배치를 만든 사람은 승인할 수 없습니다")
    );
    let export = client()
        .get(format!("{}/finance/batches/{batch}/export.csv", app.address))
        .header("cookie", &grace)
        .send()
        .await
        .unwrap();
    assert_eq!(export.headers()["location"], "/finance?notice=not_exportable");

    let by_second = approve(&app, &batch, &grace).await;

    assert_eq!(by_second, "approved");
    let approved = batch_status(&app, &batch).await;
    assert_eq!(
        (approved["status"].as_str(), approved["approved_by"].as_str()),
        (Some("approved"), Some("finance:grace"))
    );
    assert_eq!(approve(&app, &batch, &grace).await, "not_calculated");
}

#[tokio::test]
async fn the_export_link_gives_the_same_file_as_the_api() {
    let app = spawn_app().await;
    let (incident, batch) = calculated_batch(&app).await;
    let approve_url = format!("/api/v1/payout-batches/{batch}/approve");
    assert_eq!(
        app.post(&approve_url, Some(&app.token(Role::Finance, "grace")), &json!({})).await.status(),
        200
    );
    let cookie = session(&app, "grace").await;
    let html = page(&app, &format!("/finance?incident_id={incident}"), &cookie).await;
    let link = format!("/finance/batches/{batch}/export.csv");
    assert!(html.contains(&format!("href=\"{link}\"")), "the approved batch offers its export");

    let from_page =
        client().get(format!("{}{link}", app.address)).header("cookie", &cookie).send().await.unwrap();
    let from_api = app.get(&format!("/api/v1/payout-batches/{batch}/export.csv"), Some(&app.finance())).await;

    assert_eq!(from_page.status(), 200);
    for name in ["x-line-count", "x-total-amount", "x-content-sha256", "content-disposition", "content-type"]
    {
        assert_eq!(from_page.headers()[name], from_api.headers()[name], "{name}");
    }
    assert_eq!(from_page.headers()["x-total-amount"], "90000");
    assert_eq!(from_page.bytes().await.unwrap(), from_api.bytes().await.unwrap());
}

#[tokio::test]
#[cfg_attr(not(feature = "browser-tests"), ignore = "needs Chromium: cargo test --features browser-tests")]
async fn a_second_finance_user_approves_a_batch_in_the_browser() {
    let app = spawn_app().await;
    let (_, batch) = calculated_batch(&app).await;
    let browser = Browser::start(Locale::Korean).await;
    browser.goto(&format!("{}/finance", app.address)).await;
    assert_eq!(browser.find("h1").await.text().await.unwrap(), "재무 담당자 로그인");
    let token = app.token(Role::Finance, "grace");
    browser.type_into("token", &token).await;

    browser.click("#sign-in").await;

    assert_eq!(browser.wait_text("signed-in-as").await, "grace");
    let bars = browser.wait_js("document.querySelectorAll('svg#chart-status rect.chart-bar').length").await;
    assert_eq!(bars, 1, "one status, one bar");
    let cookie_visible = browser.js("return document.cookie;").await;
    assert_eq!(cookie_visible, "", "the token cookie is HttpOnly");
    let row = format!("tr[id=\"batch-{batch}\"]");
    assert_eq!(browser.find(&row).await.attr("data-status").await.unwrap().as_deref(), Some("calculated"));
    browser.screenshot("finance-ko").await;
    browser.click(&format!("{row} button.approve")).await;
    browser.wait_js(&format!("document.querySelector('{row}[data-status=\"approved\"]')")).await;
    let notice = browser.find("#notice").await;
    assert_eq!(notice.attr("data-notice").await.unwrap().as_deref(), Some("approved"));
    assert_eq!(browser.find(&format!("{row} .batch-status")).await.text().await.unwrap(), "승인됨");
    assert!(browser.find(&format!("{row} a.export")).await.is_displayed().await.unwrap());
    browser.close().await;
    assert_eq!(batch_status(&app, &batch).await["approved_by"], "finance:grace");
}
