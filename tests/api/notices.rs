//! Notices to claimants: queued in the transaction of the change they tell of, delivered by a
//! real SMTP server and a real HTTP receiver the tests start (`--features mail-tests`), through
//! outages, a kill -9, and two instances sharing one database.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, claim_body, incident_with_windows, problem, spawn_app, spawn_app_with, TestApp};
use crate::mail_support::{free_port, MailSink, WebhookReceiver};

fn path(claim: &Value, action: &str) -> String {
    format!("/api/v1/claims/{}/{action}", claim["id"].as_str().unwrap())
}

async fn notices(app: &TestApp, claim: &Value, token: &str) -> Vec<Value> {
    let response = app.get(&path(claim, "notices"), Some(token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    body(response).await.as_array().unwrap().clone()
}

/// Waits until `check` holds for the claim's notices (as finance reads them), and returns them.
async fn notices_until(app: &TestApp, claim: &Value, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let seen = notices(app, claim, &app.finance()).await;
        if check(&seen) {
            return seen;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "notices never got there: {seen:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn file_publicly(app: &TestApp, claim: &Value, language: Option<&str>) -> Value {
    let mut request = app.client.post(format!("{}/api/v1/claims", app.address)).json(claim);
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 201);
    body(response).await
}

fn kinds(notices: &[Value]) -> Vec<(String, String)> {
    notices
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_owned(), n["channel"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn changes_a_claimant_should_know_of_queue_notices_that_only_the_owner_and_finance_read() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let mut filing = claim_body(&incident);
    filing["claimed_amount"] = json!("6000000");
    let claim = file_publicly(&app, &filing, None).await;
    let token = claim["status_token"].as_str().unwrap().to_owned();

    // No channel is configured here: the notices wait in the outbox.
    let queued = notices(&app, &claim, &token).await;
    assert_eq!(kinds(&queued), [("receipt".into(), "email".into()), ("receipt".into(), "webhook".into())]);
    assert_eq!(queued[0]["status"], "pending");
    assert_eq!(queued[0]["recipient"], "o***r@example.kr");
    assert_eq!(queued[1]["recipient"], "010-****-5678");
    let code = queued[0]["verification_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    assert_eq!(queued[1]["verification_code"], code, "one notice, one code on every channel");

    let review = json!({"decision": "request_info", "reason": "receipts", "message": "Please send the week's sales.", "cure_days": 5});
    assert_eq!(app.post(&path(&claim, "review"), Some(&app.finance()), &review).await.status(), 200);
    let after = notices(&app, &claim, &app.finance()).await;
    assert!(kinds(&after).contains(&("documents_requested".into(), "email".into())));
    problem(app.get(&path(&claim, "notices"), Some(&app.admin())).await, 403).await;
    problem(app.get(&path(&claim, "notices"), Some(&app.token(Role::Claimant, "stranger"))).await, 404).await;

    // The anti-phishing check: genuine only with the right reference and code.
    let reference = claim["reference"].as_str().unwrap();
    let verify = |reference: &str, code: &str| {
        let (app, input) = (&app, json!({"reference": reference, "code": code}));
        async move { body(app.post("/api/v1/notices/verify", None, &input).await).await }
    };
    let genuine = verify(reference, &code.to_lowercase()).await;
    assert_eq!(genuine["genuine"], true);
    assert_eq!(genuine["kind"], "receipt");
    assert_eq!(verify(reference, "ZZZZZZ").await, json!({"genuine": false}));
    assert_eq!(verify("OC-9999999", &code).await, json!({"genuine": false}));
    assert_eq!(verify(reference, "１２３４５６").await, json!({"genuine": false}));
    problem(app.post("/api/v1/notices/verify", None, &json!({"reference": reference})).await, 422).await;

    // A new status link: 202 whatever is asked, and a notice only when both match.
    let ask = |email: &str| {
        let (app, input) = (&app, json!({"reference": reference, "email": email}));
        async move { app.post("/api/v1/claims/status-link", None, &input).await.status() }
    };
    assert_eq!(ask("someone@else.kr").await, 202);
    assert_eq!(ask("x@example.kr").await, 202);
    let count = notices(&app, &claim, &app.finance()).await.len();
    assert_eq!(ask(" OWNER@example.kr ").await, 202);
    let with_link = notices(&app, &claim, &app.finance()).await;
    assert_eq!(with_link.len(), count + 1, "by email only");
    assert_eq!(with_link.last().unwrap()["kind"], "status_link");
    assert_eq!(with_link.last().unwrap()["channel"], "email");
}

#[tokio::test]
#[cfg_attr(not(feature = "mail-tests"), ignore = "needs an SMTP server: cargo test --features mail-tests")]
async fn a_receipt_arrives_by_mail_in_the_form_language_with_a_status_link_that_works() {
    let mail = MailSink::start(None);
    let app = spawn_app_with(&[("SMTP_URL", &mail.url()), ("NOTIFY_POLL_MILLIS", "100")]).await;
    let incident = incident_with_windows(&app).await;
    let claim = file_publicly(&app, &claim_body(&incident), Some("en-GB,en;q=0.9")).await;
    let reference = claim["reference"].as_str().unwrap();

    let messages = mail.wait_for(1).await;
    let message = &messages[0];
    assert_eq!(message["to"], json!(["owner@example.kr"]));
    assert!(message["subject"].as_str().unwrap().contains(&format!("[{reference}] We received your claim")));
    let text = message["text"].as_str().unwrap();
    assert!(text.starts_with("Dear Hangang Chicken,"), "{text}");
    assert!(text.contains("there is nothing you need to do"), "a verified claim is told so: {text}");
    let sent = notices_until(&app, &claim, |n| n[0]["status"] == "sent").await;
    let code = sent[0]["verification_code"].as_str().unwrap();
    assert!(text.contains(&format!("Verification code: {code}")), "{text}");
    assert_eq!(sent[0]["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(sent[0]["attempts"][0]["outcome"], "sent");
    assert!(message["message_id"].as_str().unwrap().contains(sent[0]["id"].as_str().unwrap()));
    assert_eq!(sent[1]["status"], "pending", "no webhook is configured: the SMS waits");

    // The link carries a status token in its fragment that reads this claim.
    let link = text.lines().find_map(|l| l.strip_prefix("Your status page: ")).unwrap();
    assert!(link.contains(&format!("/status?lang=en&reference={reference}#token=")), "{link}");
    let token = link.split("#token=").nth(1).unwrap();
    let read = app.get(&format!("/api/v1/claims/{}", claim["id"].as_str().unwrap()), Some(token)).await;
    assert_eq!(read.status(), 200);

    // Filed on the Korean form, told in Korean.
    let mut korean = claim_body(&incident);
    crate::helpers::as_business(&mut korean, 7);
    file_publicly(&app, &korean, Some("ko")).await;
    let messages = mail.wait_for(2).await;
    assert!(messages[1]["subject"].as_str().unwrap().contains("피해 보상 신청이 접수되었습니다"));
    assert!(messages[1]["text"].as_str().unwrap().contains("확인 코드:"));
}

#[tokio::test]
#[cfg_attr(not(feature = "mail-tests"), ignore = "needs an SMTP server: cargo test --features mail-tests")]
async fn a_notice_waits_out_an_smtp_outage_and_arrives_once_the_server_is_back() {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let app =
        spawn_app_with(&[("SMTP_URL", &url), ("NOTIFY_POLL_MILLIS", "100"), ("NOTIFY_RETRY_SECONDS", "1")])
            .await;
    let incident = incident_with_windows(&app).await;
    let claim =
        body(app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &claim_body(&incident)).await)
            .await;

    let failing =
        notices_until(&app, &claim, |n| n[0]["attempts"].as_array().is_some_and(|a| !a.is_empty())).await;
    assert_eq!(failing[0]["status"], "pending");
    assert_eq!(failing[0]["attempts"][0]["outcome"], "failed");
    assert!(failing[0]["attempts"][0]["error"].as_str().unwrap().contains("SMTP"), "{failing:#?}");

    let mail = MailSink::start(Some(port));
    let messages = mail.wait_for(1).await;
    assert!(messages[0]["subject"].as_str().unwrap().contains(claim["reference"].as_str().unwrap()));
    let sent = notices_until(&app, &claim, |n| n[0]["status"] == "sent").await;
    let attempts = sent[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.last().unwrap()["outcome"], "sent");
    assert!(attempts[..attempts.len() - 1].iter().all(|a| a["outcome"] == "failed"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mail.messages().len(), 1, "sent once");
}

#[tokio::test]
#[cfg_attr(not(feature = "mail-tests"), ignore = "needs the HTTP receiver: cargo test --features mail-tests")]
async fn the_webhook_gets_the_text_for_an_sms_and_is_retried_until_the_gateway_takes_it() {
    let gateway = WebhookReceiver::start(&[500, 200]);
    let app = spawn_app_with(&[
        ("NOTIFY_WEBHOOK_URL", &gateway.url),
        ("NOTIFY_POLL_MILLIS", "100"),
        ("NOTIFY_RETRY_SECONDS", "1"),
    ])
    .await;
    let incident = incident_with_windows(&app).await;
    let claim = file_publicly(&app, &claim_body(&incident), None).await;
    let received = gateway.wait_for(1).await;
    let (call, key) = &received[0];
    assert_eq!(call["kind"], "receipt");
    assert_eq!(call["to"], "010-1234-5678");
    assert_eq!(call["locale"], "ko");
    assert_eq!(call["reference"], claim["reference"]);
    assert!(call["status_link"].as_str().unwrap().contains("#token="));
    assert!(call["text"].as_str().unwrap().contains(claim["reference"].as_str().unwrap()));
    assert_eq!(key.as_deref(), call["notice_id"].as_str(), "the notice id is the idempotency key");
    let seen =
        notices_until(&app, &claim, |n| n.iter().any(|x| x["channel"] == "webhook" && x["status"] == "sent"))
            .await;
    let hook = seen.iter().find(|n| n["channel"] == "webhook").unwrap();
    let outcomes: Vec<&str> =
        hook["attempts"].as_array().unwrap().iter().map(|a| a["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["failed", "sent"]);
}

#[tokio::test]
#[cfg_attr(not(feature = "mail-tests"), ignore = "needs an SMTP server: cargo test --features mail-tests")]
async fn payments_and_failed_payments_are_told_with_the_amount_or_what_to_do() {
    let mail = MailSink::start(None);
    let app = spawn_app_with(&[("SMTP_URL", &mail.url()), ("NOTIFY_POLL_MILLIS", "100")]).await;
    let (batch, ids) = crate::settlement::approved_batch(&app).await;
    let csv = format!(
        "claim_id,status,bank_reference,failure_reason\n{},paid,B1,\n{},paid,B2,\n{},failed,,account closed\n",
        ids[0], ids[1], ids[2]
    );
    assert_eq!(crate::settlement::settle(&app, &batch, &csv).await.status(), 200);
    let messages = mail.wait_for(6).await;
    let about = |to: &str| -> Vec<String> {
        messages.iter().filter(|m| m["to"][0] == to).map(|m| m["text"].as_str().unwrap().to_owned()).collect()
    };
    let paid = about("business0@example.kr");
    assert_eq!(paid.len(), 2, "receipt and payment");
    assert!(paid[1].contains("30,000원을 신청하신 계좌로 지급했습니다"), "{}", paid[1]);
    let failed = about("business2@example.kr");
    assert!(failed[1].contains("account closed") && failed[1].contains("계좌를 다시 알려"), "{}", failed[1]);
}

#[tokio::test]
#[cfg_attr(not(feature = "mail-tests"), ignore = "needs an SMTP server: cargo test --features mail-tests")]
async fn a_deficiency_is_reminded_once_before_its_deadline_and_rejected_after_it() {
    let mail = MailSink::start(None);
    let app = spawn_app_with(&[
        ("SMTP_URL", &mail.url()),
        ("NOTIFY_POLL_MILLIS", "100"),
        ("DEADLINE_JOBS_SECONDS", "1"),
    ])
    .await;
    let incident = incident_with_windows(&app).await;
    let mut filing = claim_body(&incident);
    filing["claimed_amount"] = json!("6000000");
    let owner = app.token(Role::Claimant, "c");
    let claim = body(app.post("/api/v1/claims", Some(&owner), &filing).await).await;
    let ask = json!({"decision": "request_info", "reason": "sales records", "cure_days": 2});
    assert_eq!(app.post(&path(&claim, "review"), Some(&app.finance()), &ask).await.status(), 200);

    // Receipt, the request, then one reminder (two days is within the three of the default).
    let messages = mail.wait_for(3).await;
    assert!(messages[1]["subject"].as_str().unwrap().contains("보완 자료가 필요합니다"));
    assert!(messages[2]["subject"].as_str().unwrap().contains("보완 기한이 다가옵니다"), "{messages:#?}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(mail.messages().len(), 3, "one reminder per deadline, however often the job runs");

    let past = (chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)).format("%Y-%m-%d %H:%M:%S");
    app.execute_sql(&format!(
        "UPDATE claims SET cure_deadline = '{past}' WHERE id = '{}'",
        claim["id"].as_str().unwrap()
    ));
    let messages = mail.wait_for(4).await;
    assert!(messages[3]["text"].as_str().unwrap().contains("보완 기한까지 자료가 도착하지 않았습니다"));
    let rejected =
        body(app.get(&format!("/api/v1/claims/{}", claim["id"].as_str().unwrap()), Some(&owner)).await).await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["status_reason"], "cure_expired");
    let timeline = body(app.get(&format!("{}?lang=en", path(&claim, "timeline")), Some(&owner)).await).await;
    let last = timeline.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "rejected");
    assert!(last["message"].as_str().unwrap().contains("did not arrive by the deadline"));
    // A rejection by the rules is appealed like any other.
    let appealed =
        app.post(&path(&claim, "appeal"), Some(&owner), &json!({"reason": "I was in hospital."})).await;
    assert_eq!(appealed.status(), 200);
}

mod processes {
    use super::*;
    use crate::helpers::{attach, fresh_database};
    use crate::resilience::{file_claims, Server};

    fn message_ids(mail: &MailSink) -> HashSet<String> {
        mail.messages().iter().map(|m| m["message_id"].as_str().unwrap().to_owned()).collect()
    }

    #[tokio::test]
    #[cfg_attr(
        not(all(feature = "mail-tests", feature = "resilience-tests")),
        ignore = "kills server processes and needs an SMTP server: cargo test --features mail-tests,resilience-tests"
    )]
    async fn notices_queued_before_a_kill_9_are_all_delivered_after_the_restart() {
        let (url, db) = fresh_database();
        let port = free_port();
        let smtp = format!("smtp://127.0.0.1:{port}");
        let env = [("SMTP_URL", smtp.as_str()), ("NOTIFY_POLL_MILLIS", "100"), ("NOTIFY_RETRY_SECONDS", "1")];
        let mut server = Server::start_with(&url, &env);
        let app = attach(server.address.clone(), url.clone(), db);
        let incident = incident_with_windows(&app).await;
        let (filed, _) = file_claims(&app, &incident, 0..10).await;
        assert_eq!(filed.len(), 10);
        // The SMTP server is down while they are filed; then the process dies.
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.kill_9();

        let mail = MailSink::start(Some(port));
        let server = Server::start_with(&url, &env);
        let app = app.at(&server.address);
        let messages = mail.wait_for(10).await;
        let to: HashSet<&str> = messages.iter().map(|m| m["to"][0].as_str().unwrap()).collect();
        assert_eq!(to.len(), 10, "every claimant got its receipt");
        assert_eq!(message_ids(&mail).len(), messages.len());
        crate::resilience::audit_is_sound(&app).await;
    }

    #[cfg(all(feature = "mail-tests", feature = "resilience-tests"))]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "PostgreSQL only: TEST_DATABASE_URL=postgres://... cargo test -- --ignored postgres_only"]
    async fn postgres_only_two_instances_send_each_notice_exactly_once() {
        let (url, db) = fresh_database();
        assert!(url.starts_with("postgres"), "set TEST_DATABASE_URL to a PostgreSQL server to run this test");
        let mail = MailSink::start(None);
        let smtp = mail.url();
        let env = [("SMTP_URL", smtp.as_str()), ("NOTIFY_POLL_MILLIS", "20")];
        let (one, two) = (Server::start_with(&url, &env), Server::start_with(&url, &env));
        let app = attach(one.address.clone(), url.clone(), db);
        let other = app.at(&two.address);
        let incident = incident_with_windows(&app).await;
        let (first, second) =
            tokio::join!(file_claims(&app, &incident, 0..40), file_claims(&other, &incident, 40..80));
        assert_eq!(first.0.len() + second.0.len(), 80);
        let messages = mail.wait_for(80).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let all = mail.messages();
        assert_eq!(all.len(), 80, "{} messages for 80 receipts", all.len());
        assert_eq!(message_ids(&mail).len(), 80, "no notice sent twice");
        assert_eq!(messages.len(), 80);
    }
}
