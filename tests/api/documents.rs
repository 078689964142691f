//! Evidence documents: real multipart bodies with real PDF, JPEG and PNG bytes (and files that
//! only pretend to be), stored with their SHA-256, downloaded by the owner and finance only.

use outage_claims::domain::role::Role;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{body, claim_body, field_codes, incident_with_windows, problem, spawn_app, TestApp};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0xFF, 0xD9];
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// One part of a form: `(name, file name, declared type, bytes)`.
type Part<'a> = (&'a str, Option<&'a str>, &'a str, &'a [u8]);

/// A `multipart/form-data` body, written out by hand as a browser writes it.
fn form(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----outage-claims-test-boundary";
    let mut out = Vec::new();
    for (name, filename, media, bytes) in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let file = filename.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
        out.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"{file}\r\n").as_bytes(),
        );
        out.extend_from_slice(format!("Content-Type: {media}\r\n\r\n").as_bytes());
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

async fn send(app: &TestApp, claim: &str, token: &str, parts: &[Part<'_>]) -> reqwest::Response {
    let (content_type, bytes) = form(parts);
    app.client
        .post(format!("{}/api/v1/claims/{claim}/documents", app.address))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// A public filing for an incident whose policy pays businesses from their revenue, sent
/// without it: deficient, with its status token.
async fn deficient_claim(app: &TestApp) -> (Value, String) {
    let incident = incident_with_windows(app).await;
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "business", "service": "*",
        "method": "lost_revenue", "params": {"rate": "1"}}]});
    app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await;
    let mut filing = claim_body(&incident);
    filing["evidence"] = json!({});
    let claim = body(app.post("/api/v1/claims", None, &filing).await).await;
    assert_eq!(claim["status"], "deficient");
    let token = claim["status_token"].as_str().unwrap().to_owned();
    (claim, token)
}

#[tokio::test]
async fn a_deficiency_is_answered_with_a_pdf_and_a_photo_that_only_the_owner_and_finance_download() {
    let app = spawn_app().await;
    let (claim, token) = deficient_claim(&app).await;
    let id = claim["id"].as_str().unwrap();
    let answered = send(
        &app,
        id,
        &token,
        &[
            ("file", Some("매출장부 10월.pdf"), "application/pdf", PDF),
            ("file", Some("IMG_0042.jpg"), "image/jpeg", JPEG),
            ("evidence.baseline_revenue", None, "text/plain", b"1400000"),
            ("evidence.outage_revenue", None, "text/plain", b"900000"),
            ("note", None, "text/plain", "10월 매출 장부와 가게 사진입니다.".as_bytes()),
        ],
    )
    .await;
    assert_eq!(answered.status(), 200);
    let answered = body(answered).await;
    assert_eq!(answered["status"], "verified", "the evidence that was missing came with the files");

    let listed = body(app.get(&format!("/api/v1/claims/{id}/documents"), Some(&token)).await).await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["filename"], "매출장부 10월.pdf");
    assert_eq!(listed[0]["media_type"], "application/pdf");
    assert_eq!(listed[0]["size"], PDF.len());
    assert_eq!(listed[0]["sha256"], hex::encode(Sha256::digest(PDF)));
    assert_eq!(listed[0]["status"], "received");
    assert_eq!(listed[1]["media_type"], "image/jpeg");

    let doc = listed[0]["id"].as_str().unwrap();
    let path = format!("/api/v1/claims/{id}/documents/{doc}");
    let download = app.get(&path, Some(&token)).await;
    assert_eq!(download.status(), 200);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"),
        "{disposition}"
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(app.get(&path, Some(&app.finance())).await.status(), 200);
    problem(app.get(&path, Some(&app.admin())).await, 403).await;
    problem(app.get(&path, Some(&app.token(Role::Claimant, "stranger"))).await, 404).await;

    // Finance reviews each document; the owner cannot.
    let review = json!({"decision": "accept", "reason": "ledger matches the bank statement"});
    problem(app.post(&format!("{path}/review"), Some(&token), &review).await, 403).await;
    let reviewed = body(app.post(&format!("{path}/review"), Some(&app.finance()), &review).await).await;
    assert_eq!(reviewed["status"], "accepted");
    assert_eq!(reviewed["reason"], "ledger matches the bank statement");
    problem(
        app.post(
            &format!("{path}/review"),
            Some(&app.finance()),
            &json!({"decision": "maybe", "reason": "x"}),
        )
        .await,
        422,
    )
    .await;

    let timeline = body(app.get(&format!("/api/v1/claims/{id}/timeline?lang=en"), Some(&token)).await).await;
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["filed", "documents_requested", "documents_received", "verified"]);
    let events =
        body(app.get(&format!("/api/v1/audit-events?entity_id={id}"), Some(&app.admin())).await).await;
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(
        actions.contains(&"claim.documents_uploaded") && actions.contains(&"claim.document_reviewed"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn files_are_judged_by_their_bytes_and_every_limit_answers_clearly_with_nothing_stored() {
    let app = spawn_app().await;
    let (claim, token) = deficient_claim(&app).await;
    let id = claim["id"].as_str().unwrap();
    let documents = || {
        let (app, token, path) = (&app, &token, format!("/api/v1/claims/{id}/documents"));
        async move { body(app.get(&path, Some(token)).await).await.as_array().unwrap().len() }
    };

    let exe =
        send(&app, id, &token, &[("file", Some("receipt.pdf"), "application/pdf", b"MZ\x90\0\x03\0\0\0")])
            .await;
    let refused = problem(exe, 422).await;
    assert_eq!(field_codes(&refused), ["file:unsupported_type"]);
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("receipt.pdf"));
    let html = send(&app, id, &token, &[("file", Some("photo.png"), "image/png", b"<html><script>")]).await;
    problem(html, 422).await;
    let mut big = vec![0xFF_u8; 10 * 1024 * 1024 + 1];
    big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    problem(send(&app, id, &token, &[("file", Some("huge.jpg"), "image/jpeg", &big)]).await, 413).await;
    let odd =
        problem(send(&app, id, &token, &[("files[]", Some("a.pdf"), "application/pdf", PDF)]).await, 422)
            .await;
    assert_eq!(field_codes(&odd), ["files[]:unknown_field"]);
    let amount = send(
        &app,
        id,
        &token,
        &[
            ("file", Some("a.pdf"), "application/pdf", PDF),
            ("evidence.baseline_revenue", None, "text/plain", "１４０만".as_bytes()),
        ],
    )
    .await;
    assert_eq!(
        field_codes(&problem(amount, 422).await)[0].split(':').next(),
        Some("evidence.baseline_revenue")
    );
    let none =
        problem(send(&app, id, &token, &[("note", None, "text/plain", b"only a note")]).await, 422).await;
    assert_eq!(field_codes(&none), ["file:required"]);
    let garbage = app
        .client
        .post(format!("{}/api/v1/claims/{id}/documents", app.address))
        .bearer_auth(&token)
        .header("Content-Type", "multipart/form-data; boundary=x")
        .body("not a form at all")
        .send()
        .await
        .unwrap();
    assert!(garbage.status().is_client_error(), "{}", garbage.status());
    assert_eq!(documents().await, 0, "nothing stored by any refused request");
    let still = body(app.get(&format!("/api/v1/claims/{id}"), Some(&token)).await).await;
    assert_eq!(still["status"], "deficient");

    // A path in the name is dropped; a claim under review keeps files for its reviewer.
    let kept = send(&app, id, &token, &[("file", Some("../../etc/x.png"), "image/png", PNG)]).await;
    assert_eq!(
        body(kept).await["status"],
        "needs_review",
        "a deficiency answered without all evidence goes to a person"
    );
    let listed = body(app.get(&format!("/api/v1/claims/{id}/documents"), Some(&token)).await).await;
    assert_eq!(listed[0]["filename"], "x.png");
    let ten: Vec<Part<'_>> = (0..10).map(|_| ("file", Some("p.pdf"), "application/pdf", PDF)).collect();
    assert_eq!(send(&app, id, &token, &ten).await.status(), 200);
    assert_eq!(send(&app, id, &token, &ten[..9]).await.status(), 200);
    assert_eq!(documents().await, 20);
    let full =
        problem(send(&app, id, &token, &[("file", Some("one-more.pdf"), "application/pdf", PDF)]).await, 422)
            .await;
    assert_eq!(field_codes(&full), ["file:too_many_files"]);
    let eleven: Vec<Part<'_>> = (0..11).map(|_| ("file", Some("p.pdf"), "application/pdf", PDF)).collect();
    problem(send(&app, id, &token, &eleven).await, 422).await;

    // A verified claim has nothing to answer.
    let incident = claim["incident_id"].as_str().unwrap();
    let mut other = claim_body(incident);
    crate::helpers::as_business(&mut other, 3);
    let verified =
        body(app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &other).await).await;
    assert_eq!(verified["status"], "verified");
    let late = send(
        &app,
        verified["id"].as_str().unwrap(),
        &app.token(Role::Claimant, "c"),
        &[("file", Some("a.pdf"), "application/pdf", PDF)],
    )
    .await;
    problem(late, 409).await;
}
