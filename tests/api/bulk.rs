//! Partner bulk uploads: CSV (any column order, BOM, CP949) and JSON, row errors, duplicates,
//! idempotent replay and resume, visibility and limits.

use std::collections::BTreeMap;
use std::time::Duration;

use outage_claims::auth::TokenRequest;
use outage_claims::domain::role::Role;
use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::{
    body, brn, claim_body, field_codes, incident_with_windows, problem, spawn_app, spawn_app_with,
    test_config, TestApp,
};

/// Every column of SPEC section 7, in its order.
pub(crate) const COLUMNS: [&str; 18] = [
    "external_ref",
    "claimant_kind",
    "name",
    "business_registration_number",
    "email",
    "phone",
    "service",
    "loss_started_at",
    "loss_ended_at",
    "currency",
    "claimed_amount",
    "baseline_revenue",
    "outage_revenue",
    "monthly_fee",
    "bank_code",
    "account_number",
    "account_holder",
    "description",
];

pub(crate) type Row = BTreeMap<&'static str, String>;

/// A valid business claim; `n` makes the business, its email and its external_ref distinct.
pub(crate) fn row(n: u32) -> Row {
    [
        ("external_ref", format!("ref-{n}")),
        ("claimant_kind", "business".into()),
        ("name", format!("Shop {n}")),
        ("business_registration_number", brn(n)),
        ("email", format!("shop{n}@example.kr")),
        ("phone", crate::helpers::phone(n)),
        ("service", "messenger".into()),
        ("loss_started_at", "2022-10-15T15:30:00+09:00".into()),
        ("loss_ended_at", "2022-10-15T19:30:00+09:00".into()),
        ("currency", "KRW".into()),
        ("claimed_amount", "250000".into()),
        ("baseline_revenue", "1400000".into()),
        ("outage_revenue", "900000".into()),
        ("bank_code", "004".into()),
        ("account_number", format!("{:012}", 600_000_000 + n)),
        ("account_holder", "Kim Minji".into()),
    ]
    .into_iter()
    .collect()
}

fn with(mut row: Row, changes: &[(&'static str, &str)]) -> Row {
    for (column, value) in changes {
        row.insert(column, (*value).to_owned());
    }
    row
}

pub(crate) fn csv(columns: &[&str], rows: &[Row]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns).unwrap();
    for row in rows {
        writer.write_record(columns.iter().map(|c| row.get(c).map_or("", String::as_str))).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

async fn upload(
    app: &TestApp,
    incident: &str,
    key: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> Response {
    let url = format!("{}/api/v1/bulk-uploads?incident_id={incident}", app.address);
    let mut request = app
        .client
        .post(url)
        .bearer_auth(app.token(Role::Partner, "lobby"))
        .header("Content-Type", content_type);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.body(body).send().await.unwrap()
}

pub(crate) async fn upload_csv(app: &TestApp, incident: &str, key: &str, text: &str) -> Value {
    let response = upload(app, incident, Some(key), "text/csv", text.as_bytes().to_vec()).await;
    assert_eq!(response.status(), 201);
    body(response).await
}

fn counts(summary: &Value) -> [i64; 4] {
    ["total_rows", "accepted", "rejected", "duplicates"].map(|k| summary[k].as_i64().unwrap())
}

async fn errors_csv(app: &TestApp, id: &Value, token: &str) -> String {
    let response =
        app.get(&format!("/api/v1/bulk-uploads/{}/errors.csv", id.as_str().unwrap()), Some(token)).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    response.text().await.unwrap()
}

/// The bulk claims the partner sees.
async fn bulk_claims(app: &TestApp) -> Vec<Value> {
    let listed =
        app.get("/api/v1/claims?channel=bulk&limit=500", Some(&app.token(Role::Partner, "lobby"))).await;
    body(listed).await["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_csv_files_valid_rows_and_reports_invalid_and_duplicate_ones() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    // Filed before through the API by the claimant itself.
    let mut existing = claim_body(&incident);
    crate::helpers::as_business(&mut existing, 5);
    assert_eq!(
        app.post("/api/v1/claims", Some(&app.token(Role::Claimant, "c")), &existing).await.status(),
        201
    );
    let rows = [
        row(1),
        with(row(2), &[("business_registration_number", "220-81-62518"), ("email", "nope")]),
        with(
            row(3),
            &[
                ("claimant_kind", "individual"),
                ("business_registration_number", ""),
                ("account_holder", "Shop 3"),
            ],
        ),
        with(row(4), &[("business_registration_number", &brn(1))]),
        with(row(6), &[("external_ref", "ref-1")]),
        row(5),
        with(row(7), &[("claimed_amount", "12,000")]),
    ];
    let summary = upload_csv(&app, &incident, "k1", &csv(&COLUMNS, &rows)).await;
    assert_eq!(summary["status"], "completed");
    assert_eq!(counts(&summary), [7, 2, 2, 3]);

    let id = summary["id"].clone();
    let path = format!("/api/v1/bulk-uploads/{}", id.as_str().unwrap());
    assert_eq!(body(app.get(&path, Some(&app.finance())).await).await, summary);
    let report = errors_csv(&app, &id, &app.token(Role::Partner, "lobby")).await;
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "row,field,code,message");
    let keys: Vec<String> =
        lines[1..].iter().map(|l| l.splitn(4, ',').take(3).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(
        keys,
        [
            "2,email,email",
            "2,business_registration_number,invalid_check_digit",
            "4,business_registration_number,duplicate",
            "5,external_ref,duplicate",
            "6,business_registration_number,duplicate",
            "7,claimed_amount,invalid_decimal",
        ]
    );
    let claims = bulk_claims(&app).await;
    assert_eq!(claims.len(), 2);
    assert!(claims.iter().all(|c| c["channel"] == "bulk" && c["status"] == "verified"));
    let events =
        body(app.get("/api/v1/audit-events?entity_type=bulk_upload", Some(&app.admin())).await).await;
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["bulk_upload.created", "bulk_upload.rows_filed", "bulk_upload.completed"]);
    assert!(app.cli(&["audit", "verify"]).status.success());
}

#[tokio::test]
async fn columns_may_come_in_any_order_and_optional_ones_may_be_left_out() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let mut columns: Vec<&str> = COLUMNS.iter().rev().copied().filter(|c| *c != "description").collect();
    columns.retain(|c| !["phone", "monthly_fee"].contains(c));
    let summary = upload_csv(&app, &incident, "k", &csv(&columns, &[row(1), row(2)])).await;
    assert_eq!(counts(&summary), [2, 2, 0, 0]);
    // A UTF-8 BOM, as spreadsheet software writes it, is not part of the first column's name.
    let bom = format!("\u{feff}{}", csv(&COLUMNS, &[row(3)]));
    assert_eq!(counts(&upload_csv(&app, &incident, "bom", &bom).await), [1, 1, 0, 0]);
}

#[tokio::test]
async fn unknown_and_missing_columns_refuse_the_whole_file() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let mut columns: Vec<&str> = COLUMNS.iter().copied().filter(|c| *c != "claimed_amount").collect();
    columns.push("colour");
    let text = csv(&columns, &[row(1)]);
    let refused = problem(upload(&app, &incident, Some("k"), "text/csv", text.into_bytes()).await, 422).await;
    assert_eq!(field_codes(&refused), ["colour:unknown_column", "claimed_amount:missing_column"]);
    assert!(bulk_claims(&app).await.is_empty());
}

#[tokio::test]
async fn a_cp949_file_with_korean_names_is_detected_or_declared() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let text = csv(&COLUMNS, &[with(row(1), &[("name", "한강치킨"), ("account_holder", "김민지")])]);
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let detected = upload(&app, &incident, Some("detected"), "text/csv", bytes.to_vec()).await;
    assert_eq!(counts(&body(detected).await), [1, 1, 0, 0]);
    let claims = bulk_claims(&app).await;
    assert_eq!(claims[0]["claimant"]["name"], "한강치킨");
    assert_eq!(claims[0]["payout_account"]["holder"], "김민지");

    let text = csv(&COLUMNS, &[with(row(2), &[("name", "부산상회")])]);
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
    let declared =
        upload(&app, &incident, Some("declared"), "text/csv; charset=EUC-KR", bytes.to_vec()).await;
    assert_eq!(counts(&body(declared).await), [1, 1, 0, 0]);
    assert!(bulk_claims(&app).await.iter().any(|c| c["claimant"]["name"] == "부산상회"));
}

#[tokio::test]
async fn a_json_array_is_filed_like_a_csv() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let rows = json!([row(1), with(row(2), &[("claimed_amount", "0")]), row(1)]);
    let response =
        upload(&app, &incident, Some("k"), "application/json", rows.to_string().into_bytes()).await;
    assert_eq!(response.status(), 201);
    let summary = body(response).await;
    assert_eq!(counts(&summary), [3, 1, 1, 1]);
    let report = errors_csv(&app, &summary["id"], &app.admin()).await;
    assert!(report.contains("2,claimed_amount,out_of_range,"), "{report}");
    assert!(report.contains("3,external_ref,duplicate,"), "{report}");

    let numbers = json!([{"claimed_amount": 1000}]).to_string().into_bytes();
    let refused = problem(upload(&app, &incident, Some("n"), "application/json", numbers).await, 422).await;
    assert_eq!(field_codes(&refused), ["[0].claimed_amount:invalid_type"]);
}

#[tokio::test]
async fn the_same_key_replays_the_upload_and_another_body_is_refused() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let text = csv(&COLUMNS, &[row(1), row(2)]);
    let first = upload_csv(&app, &incident, "k", &text).await;
    let replay = upload(&app, &incident, Some("k"), "text/csv", text.clone().into_bytes()).await;
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(body(replay).await, first);
    assert_eq!(bulk_claims(&app).await.len(), 2);

    let other = csv(&COLUMNS, &[row(3)]).into_bytes();
    let reused = problem(upload(&app, &incident, Some("k"), "text/csv", other).await, 422).await;
    assert_eq!(field_codes(&reused), ["Idempotency-Key:idempotency_key_reused"]);
    let missing = problem(upload(&app, &incident, None, "text/csv", text.into_bytes()).await, 422).await;
    assert_eq!(field_codes(&missing), ["Idempotency-Key:required"]);
}

#[tokio::test]
async fn a_retry_resumes_an_interrupted_upload_without_filing_a_row_twice() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let text = csv(&COLUMNS, &[row(1), row(2), row(3), with(row(4), &[("email", "x")])]);
    let first = upload_csv(&app, &incident, "k", &text).await;
    // The state a crash after the first committed chunk (row 1) leaves behind.
    let later = "SELECT id FROM claims WHERE external_ref IN ('ref-2', 'ref-3')";
    app.execute_sql(&format!(
        "DELETE FROM claim_windows WHERE claim_id IN ({later});
         DELETE FROM claim_screenings WHERE claim_id IN ({later});
         DELETE FROM notices WHERE claim_id IN ({later});
         DELETE FROM claims WHERE id IN ({later});
         DELETE FROM bulk_upload_errors;
         UPDATE bulk_uploads SET status = 'processing', next_row = 2, accepted = 1, rejected = 0,
             duplicates = 0, error_count = 0, completed_at = NULL;"
    ));
    let resumed = upload(&app, &incident, Some("k"), "text/csv", text.into_bytes()).await;
    assert_eq!(resumed.status(), 201);
    assert!(resumed.headers().get("idempotent-replayed").is_none());
    assert_eq!(body(resumed).await, first);
    assert_eq!(bulk_claims(&app).await.len(), 3);
    let report = errors_csv(&app, &first["id"], &app.admin()).await;
    assert_eq!(report.lines().count(), 2, "{report}");
}

#[tokio::test]
async fn concurrent_requests_with_one_key_file_each_row_once() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let text = csv(&COLUMNS, &(1..=50).map(row).collect::<Vec<_>>());
    let attempts =
        (0..4).map(|_| upload(&app, &incident, Some("same"), "text/csv", text.clone().into_bytes()));
    let answers = futures_util::future::join_all(attempts).await;
    let mut ids = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 201);
        ids.push(body(answer).await["id"].clone());
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(bulk_claims(&app).await.len(), 50);
}

#[tokio::test]
async fn only_the_uploading_partner_and_staff_see_an_upload() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let summary = upload_csv(&app, &incident, "k", &csv(&COLUMNS, &[row(1)])).await;
    let keys = test_config(&app.database_url, &[]).jwt_keys(false).unwrap();
    let request = TokenRequest {
        role: Role::Partner,
        sub: "rival",
        org: Some("org-2"),
        claim_id: None,
        ttl: Duration::from_secs(600),
    };
    let rival = keys.mint(&request).unwrap();
    let path = format!("/api/v1/bulk-uploads/{}", summary["id"].as_str().unwrap());
    problem(app.get(&path, Some(&rival)).await, 404).await;
    problem(app.get(&format!("{path}/errors.csv"), Some(&rival)).await, 404).await;
    assert_eq!(app.get(&path, Some(&app.admin())).await.status(), 200);
    problem(app.get(&path, Some(&app.token(Role::Claimant, "c"))).await, 403).await;
    problem(app.get(&path, None).await, 401).await;
}

#[tokio::test]
async fn only_partners_upload() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let url = format!("{}/api/v1/bulk-uploads?incident_id={incident}", app.address);
    for token in [app.admin(), app.finance(), app.token(Role::Claimant, "c")] {
        let response = app
            .client
            .post(&url)
            .bearer_auth(token)
            .header("Idempotency-Key", "k")
            .body("x")
            .send()
            .await
            .unwrap();
        problem(response, 403).await;
    }
    let anonymous = app.client.post(&url).header("Idempotency-Key", "k").body("x").send().await.unwrap();
    problem(anonymous, 401).await;
}

#[tokio::test]
async fn formula_text_is_filed_as_text_and_errors_csv_cells_are_guarded() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let rows = [
        with(row(1), &[("name", "=HYPERLINK(\"http://x\")")]),
        with(row(2), &[("phone", "=1+1"), ("external_ref", "@SUM(A1)")]),
        with(row(3), &[("external_ref", "@SUM(A1)")]),
    ];
    let summary = upload_csv(&app, &incident, "k", &csv(&COLUMNS, &rows)).await;
    assert_eq!(counts(&summary), [3, 2, 1, 0]);
    let claims = bulk_claims(&app).await;
    assert!(claims.iter().any(|c| c["claimant"]["name"] == "=HYPERLINK(\"http://x\")"));
    let report = errors_csv(&app, &summary["id"], &app.admin()).await;
    let mut reader = csv::Reader::from_reader(report.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "unguarded cell {cell:?}");
        }
    }
}

#[tokio::test]
async fn bodies_over_the_bulk_limit_are_413() {
    let app = spawn_app_with(&[("BULK_BODY_LIMIT", "1000")]).await;
    let incident = incident_with_windows(&app).await;
    let text = csv(&COLUMNS, &(1..=20).map(row).collect::<Vec<_>>());
    problem(upload(&app, &incident, Some("k"), "text/csv", text.into_bytes()).await, 413).await;
}

#[tokio::test]
async fn malformed_files_get_a_clear_4xx_or_row_errors() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let mut text = csv(&COLUMNS, &[row(1), row(2)]);
    text.push_str("ref-9,business,\"Unbalanced,1234567890,x@example.kr\n");
    let summary = upload_csv(&app, &incident, "k", &text).await;
    assert_eq!(counts(&summary), [3, 2, 1, 0]);
    let report = errors_csv(&app, &summary["id"], &app.admin()).await;
    assert!(report.contains("3,,malformed_row,"), "{report}");

    for (key, content_type, body, status) in [
        ("json", "application/json", b"[{\"name\": ".to_vec(), 400),
        ("header only", "text/csv", COLUMNS.join(",").into_bytes(), 422),
        ("bad bytes", "text/csv", b"\x80\xff\x80\xff".to_vec(), 422),
        ("text", "text/plain", b"x".to_vec(), 415),
    ] {
        problem(upload(&app, &incident, Some(key), content_type, body).await, status).await;
    }
    // NUL characters (a UTF-16 file, or an escape in JSON): refused, never sent to the database.
    let utf16: Vec<u8> = csv(&COLUMNS, &[row(1)]).encode_utf16().flat_map(u16::to_le_bytes).collect();
    let refused = problem(upload(&app, &incident, Some("utf16"), "text/csv", utf16).await, 422).await;
    assert_eq!(field_codes(&refused), ["body:invalid_encoding"]);
    let nul = json!([with(row(1), &[("name", "Kim\u{0}")])]).to_string().into_bytes();
    let refused = problem(upload(&app, &incident, Some("nul"), "application/json", nul).await, 422).await;
    assert_eq!(field_codes(&refused), ["[0].name:invalid_character"]);
    let unknown = uuid::Uuid::now_v7();
    let text = csv(&COLUMNS, &[row(1)]).into_bytes();
    let refused = problem(upload(&app, &unknown.to_string(), Some("u"), "text/csv", text).await, 422).await;
    assert_eq!(field_codes(&refused), ["incident_id:unknown_incident"]);
}

#[tokio::test]
async fn a_registration_number_cell_with_a_multi_byte_character_is_a_row_error() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    let rows = [with(row(1), &[("business_registration_number", "1가-4567890")]), row(2)];
    let summary = upload_csv(&app, &incident, "k", &csv(&COLUMNS, &rows)).await;
    assert_eq!(summary["status"], "completed");
    assert_eq!(counts(&summary), [2, 1, 1, 0]);
    let report = errors_csv(&app, &summary["id"], &app.admin()).await;
    assert!(report.contains("1,business_registration_number,invalid_format,"), "{report}");
}

#[tokio::test]
async fn a_utf8_file_with_a_stray_latin1_byte_is_refused_naming_its_line() {
    let app = spawn_app().await;
    let incident = incident_with_windows(&app).await;
    // "최수" + 0xE9 + "아" on the second data row (line 3) decodes as CP949 without error, to
    // "理쒖닔雩븘": that is what used to be stored.
    let text = csv(&COLUMNS, &[row(1), with(row(2), &[("name", "최수아")])]);
    let mut bytes = text.into_bytes();
    let name = "최수아".as_bytes();
    let at = bytes.windows(name.len()).position(|w| w == name).expect("the name is in the file");
    bytes.insert(at + "최수".len(), 0xE9);
    let refused = problem(upload(&app, &incident, Some("k"), "text/csv", bytes).await, 422).await;
    assert_eq!(field_codes(&refused), ["body:invalid_encoding"]);
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("line 3 ") && message.contains("UTF-8"), "{message}");
    assert!(bulk_claims(&app).await.is_empty());
}
