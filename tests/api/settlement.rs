use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, claim_body, field_codes, incident_with_windows, problem, spawn_app, TestApp};

/// An approved batch over three claims (one named like a formula), and the claim ids.
pub(crate) async fn approved_batch(app: &TestApp) -> (String, Vec<String>) {
    let incident = incident_with_windows(app).await;
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "30000"}}]});
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    let token = app.token(Role::Partner, "p");
    let mut ids = Vec::new();
    for n in 0..3 {
        let mut claim = claim_body(&incident);
        crate::helpers::as_business(&mut claim, n);
        claim["external_ref"] = json!(format!("m-{n}"));
        if n == 1 {
            claim["claimant"]["name"] = json!("=HYPERLINK(\"http://evil\")");
        }
        ids.push(
            body(app.post("/api/v1/claims", Some(&token), &claim).await).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let input = json!({"incident_id": incident, "policy_id": policy["id"]});
    let batch = body(app.post("/api/v1/payout-batches", Some(&app.finance()), &input).await).await;
    let id = batch["id"].as_str().unwrap().to_owned();
    let approved = app
        .post(
            &format!("/api/v1/payout-batches/{id}/approve"),
            Some(&app.token(Role::Finance, "grace")),
            &json!({}),
        )
        .await;
    assert_eq!(approved.status(), 200);
    (id, ids)
}

pub(crate) async fn settle(app: &TestApp, batch: &str, csv: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/payout-batches/{batch}/settlements", app.address))
        .bearer_auth(app.finance())
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_export_is_the_same_bytes_every_time_and_guards_formula_text() {
    let app = spawn_app().await;
    let (batch, ids) = approved_batch(&app).await;
    let url = format!("{}/api/v1/payout-batches/{batch}/export.csv", app.address);
    let first = app.client.get(&url).bearer_auth(app.finance()).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-line-count"], "3");
    assert_eq!(first.headers()["x-total-amount"], "90000");
    let sha = first.headers()["x-content-sha256"].to_str().unwrap().to_owned();
    let bytes = first.bytes().await.unwrap();
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), sha);
    let again = app.client.get(&url).bearer_auth(app.finance()).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes, again);

    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "line_no,batch_id,claim_id,claim_reference,payee_name,business_registration_number,bank_code,account_number,account_holder,currency,amount"
    );
    assert!(text.contains(&format!("1,{batch},{},", ids[0])));
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "{text}");
    assert!(text.contains(",004,000900000000,Kim Minji,KRW,30000\r\n"), "{text}");

    let with_bom = app.client.get(format!("{url}?bom=true")).bearer_auth(app.finance()).send().await.unwrap();
    let bom_sha = with_bom.headers()["x-content-sha256"].to_str().unwrap().to_owned();
    assert_ne!(bom_sha, sha);
    let bom_bytes = with_bom.bytes().await.unwrap();
    assert!(bom_bytes.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(hex::encode(sha2::Sha256::digest(&bom_bytes)), bom_sha);

    // The approval recorded this very file: the export streams what was approved.
    let approved = body(
        app.get(
            &format!("/api/v1/audit-events?entity_id={batch}&action=payout_batch.approved"),
            Some(&app.admin()),
        )
        .await,
    )
    .await;
    let details = &approved["items"][0]["details"];
    assert_eq!(details["export_sha256"], sha.as_str());
    assert_eq!(
        (details["export_line_count"].as_i64(), details["export_total_minor"].as_i64()),
        (Some(3), Some(90000))
    );

    problem(app.get(&format!("/api/v1/payout-batches/{batch}/export.csv"), Some(&app.admin())).await, 403)
        .await;
    let events = body(
        app.get(
            &format!("/api/v1/audit-events?entity_id={batch}&action=payout_batch.exported"),
            Some(&app.admin()),
        )
        .await,
    )
    .await;
    assert_eq!(events["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn only_approved_batches_are_exported() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let policy = json!({"currency": "KRW", "rules": [{"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "1"}}]});
    let policy =
        body(app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await)
            .await;
    app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &claim_body(&incident)).await;
    let batch = body(
        app.post(
            "/api/v1/payout-batches",
            Some(&app.finance()),
            &json!({"incident_id": incident, "policy_id": policy["id"]}),
        )
        .await,
    )
    .await;
    problem(
        app.get(
            &format!("/api/v1/payout-batches/{}/export.csv", batch["id"].as_str().unwrap()),
            Some(&app.finance()),
        )
        .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn the_bank_answer_settles_lines_idempotently() {
    let app = spawn_app().await;
    let (batch, ids) = approved_batch(&app).await;
    let stranger = uuid::Uuid::now_v7();
    let csv = format!(
        "claim_id,status,bank_reference,failure_reason\n{},paid,BANK-1,\n{},failed,,account closed\n{stranger},paid,X,\nnot-an-id,paid,,\n{},refunded,,\n",
        ids[0], ids[1], ids[2]
    );
    let summary: Value = body(settle(&app, &batch, &csv).await).await;
    assert_eq!((summary["paid"].as_u64(), summary["failed"].as_u64()), (Some(1), Some(1)));
    let errors: Vec<_> = summary["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}:{}", e["row"], e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, ["3:claim_id:not_in_batch", "4:claim_id:invalid_id", "5:status:invalid_choice"]);
    assert_eq!(summary["batch"]["status"], "approved");

    let claim = |id: String| {
        let app = &app;
        async move { body(app.get(&format!("/api/v1/claims/{id}"), Some(&app.finance())).await).await }
    };
    assert_eq!(claim(ids[0].clone()).await["status"], "paid");
    assert_eq!(claim(ids[1].clone()).await["status"], "payout_failed");

    // The same file again changes nothing; the last line then settles the batch.
    let again: Value = body(settle(&app, &batch, &csv).await).await;
    assert_eq!((again["paid"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(2)));
    let conflict: Value = body(
        settle(&app, &batch, &format!("claim_id,status,failure_reason\n{},failed,bounced\n", ids[0])).await,
    )
    .await;
    assert_eq!(conflict["errors"][0]["code"], "already_paid");
    let last: Value = body(
        settle(&app, &batch, &format!("claim_id,status,bank_reference\n{},paid,BANK-3\n", ids[2])).await,
    )
    .await;
    assert_eq!(last["batch"]["status"], "settled");
    assert_eq!(claim(ids[2].clone()).await["paid_amount"], "30000");

    let line = body(
        app.get(&format!("/api/v1/payout-batches/{batch}/lines/{}", ids[1]), Some(&app.finance())).await,
    )
    .await;
    assert_eq!(
        (line["status"].as_str(), line["failure_reason"].as_str()),
        (Some("failed"), Some("account closed"))
    );
}

#[tokio::test]
async fn a_failed_payment_is_paid_in_a_later_batch_and_never_twice() {
    let app = spawn_app().await;
    let (batch, ids) = approved_batch(&app).await;
    let csv = format!(
        "claim_id,status,bank_reference,failure_reason\n{},paid,B1,\n{},paid,B2,\n{},failed,,closed\n",
        ids[0], ids[1], ids[2]
    );
    settle(&app, &batch, &csv).await;
    let first = body(app.get(&format!("/api/v1/payout-batches/{batch}"), Some(&app.finance())).await).await;
    let input = json!({"incident_id": first["incident_id"], "policy_id": first["policy_id"]});
    let retry = body(app.post("/api/v1/payout-batches", Some(&app.finance()), &input).await).await;
    assert_eq!(retry["line_count"], 1);
    let line = body(
        app.get(
            &format!("/api/v1/payout-batches/{}/lines/{}", retry["id"].as_str().unwrap(), ids[2]),
            Some(&app.finance()),
        )
        .await,
    )
    .await;
    assert_eq!(line["payout_amount"], "30000");
    // The database itself refuses a second paid line for a claim.
    let sql = format!(
        "INSERT INTO payout_lines (batch_id, line_no, claim_id, claim_reference, rule_index, gross, payout_minor, status, prior_status, active, facts) \
         VALUES ('{}', 99, '{}', 'x', 0, '1', 1, 'paid', 'verified', false, '{{}}')",
        retry["id"].as_str().unwrap(), ids[0]
    );
    let url = outage_claims::db::DatabaseUrl::parse(&app.database_url).unwrap();
    let mut conn = url.connect().unwrap();
    use diesel::connection::SimpleConnection;
    assert!(conn.batch_execute(&sql).is_err());
}

#[tokio::test]
async fn malformed_settlement_files_get_clear_4xx() {
    let app = spawn_app().await;
    let (batch, _) = approved_batch(&app).await;
    let missing = problem(settle(&app, &batch, "claim,state\nx,paid\n").await, 422).await;
    let codes = field_codes(&missing);
    assert!(
        codes.contains(&"claim_id:missing_column".to_owned())
            && codes.contains(&"claim:unknown_column".to_owned()),
        "{codes:?}"
    );
    let response = app
        .client
        .post(format!("{}/api/v1/payout-batches/{batch}/settlements", app.address))
        .bearer_auth(app.finance())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem(response, 415).await;
    let binary = app
        .client
        .post(format!("{}/api/v1/payout-batches/{batch}/settlements", app.address))
        .bearer_auth(app.finance())
        .header("content-type", "text/csv")
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .unwrap();
    // Neither UTF-8 nor CP949: refused naming the line, as a bulk upload is (SPEC section 12).
    assert_eq!(field_codes(&problem(binary, 422).await), ["body:invalid_encoding"]);
    let nul = problem(
        settle(&app, &batch, "claim_id,status,bank_reference,failure_reason\nx,paid,R\0,\n").await,
        422,
    )
    .await;
    assert_eq!(field_codes(&nul), ["body:invalid_encoding"]);
}

/// A batch approved before the file and its fingerprint were stored (no parts, columns NULL)
/// exports the same bytes with the same headers: the file is then rendered from its lines.
#[tokio::test]
async fn a_batch_approved_without_a_stored_file_or_fingerprint_exports_the_same_file() {
    use diesel::prelude::*;
    use outage_claims::db::schema::{payout_batches, payout_files};
    let app = spawn_app().await;
    let (batch, _) = approved_batch(&app).await;
    let url = format!("{}/api/v1/payout-batches/{batch}/export.csv", app.address);
    let export = |bom: bool| {
        let request = app.client.get(format!("{url}?bom={bom}")).bearer_auth(app.finance());
        async move {
            let response = request.send().await.unwrap();
            let sha = response.headers()["x-content-sha256"].to_str().unwrap().to_owned();
            let count = response.headers()["x-line-count"].to_str().unwrap().to_owned();
            (sha, count, response.bytes().await.unwrap())
        }
    };
    let (stored, stored_bom) = (export(false).await, export(true).await);

    let mut conn = outage_claims::db::DatabaseUrl::parse(&app.database_url).unwrap().connect().unwrap();
    let parts = payout_files::table.filter(payout_files::batch_id.eq(&batch));
    assert_eq!(parts.count().get_result::<i64>(&mut conn).unwrap(), 1, "approval stored the file");
    diesel::delete(parts).execute(&mut conn).unwrap();
    assert_eq!(export(false).await, stored);
    diesel::update(payout_batches::table.find(&batch))
        .set((
            payout_batches::export_line_count.eq(None::<i64>),
            payout_batches::export_total_minor.eq(None::<i64>),
            payout_batches::export_sha256.eq(None::<String>),
            payout_batches::export_sha256_bom.eq(None::<String>),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(export(false).await, stored);
    assert_eq!(export(true).await, stored_bom);
}

async fn settle_bytes(app: &TestApp, batch: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/payout-batches/{batch}/settlements", app.address))
        .bearer_auth(app.finance())
        .header("content-type", "text/csv")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_cp949_bank_file_settles_and_keeps_its_korean_reasons() {
    let app = spawn_app().await;
    let (batch, ids) = approved_batch(&app).await;
    let text = format!(
        "claim_id,status,bank_reference,failure_reason\n{},paid,은행-1,\n{},failed,,계좌 해지\n",
        ids[0], ids[1]
    );
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let response = settle_bytes(&app, &batch, bytes.into_owned()).await;
    assert_eq!(response.status(), 200);
    let summary: Value = body(response).await;
    assert_eq!((summary["paid"].as_u64(), summary["failed"].as_u64()), (Some(1), Some(1)));
    let line = body(
        app.get(&format!("/api/v1/payout-batches/{batch}/lines/{}", ids[1]), Some(&app.finance())).await,
    )
    .await;
    assert_eq!(line["failure_reason"], "계좌 해지");
}

#[tokio::test]
async fn a_utf8_settlement_file_with_a_stray_latin1_byte_is_refused_naming_its_line() {
    let app = spawn_app().await;
    let (batch, ids) = approved_batch(&app).await;
    let text = format!(
        "claim_id,status,bank_reference,failure_reason\n{},failed,,계좌 해지\n{},failed,,Ferm\u{1}\n",
        ids[0], ids[1]
    );
    // é written as one Latin-1 byte inside an otherwise UTF-8 file.
    let bytes: Vec<u8> = text.into_bytes().into_iter().map(|b| if b == 1 { 0xE9 } else { b }).collect();
    let refused = problem(settle_bytes(&app, &batch, bytes).await, 422).await;
    assert_eq!(field_codes(&refused), ["body:invalid_encoding"]);
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("line 3 "), "{message}");
}
