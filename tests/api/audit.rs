use serde_json::json;

use crate::helpers::{body, spawn_app};

#[tokio::test]
async fn every_change_appends_a_chained_event_and_the_chain_verifies() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let window = json!({"service": "messenger", "severity": "major_outage", "started_at": "2022-10-15T16:00:00+09:00", "ended_at": "2022-10-15T18:00:00+09:00"});
    assert_eq!(
        app.post(&format!("/api/v1/incidents/{id}/windows"), Some(&app.admin()), &window).await.status(),
        201
    );
    // A refused change leaves no event.
    assert_eq!(
        app.post(&format!("/api/v1/incidents/{id}/windows"), Some(&app.admin()), &window).await.status(),
        409
    );

    let events = body(app.get("/api/v1/audit-events", Some(&app.finance())).await).await;
    let items = events["items"].as_array().unwrap();
    let actions: Vec<_> = items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["incident.created", "outage_window.created"]);
    assert_eq!(items[0]["actor"], "admin:alice");
    assert_eq!(items[1]["prev_hash"], items[0]["hash"]);
    assert_eq!(items[0]["details"]["title"], "Data-center fire");

    let output = app.cli(&["audit", "verify"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    assert!(String::from_utf8_lossy(&output.stdout).contains("2 event(s)"));
}

#[tokio::test]
async fn audit_verify_names_the_first_tampered_event() {
    let app = spawn_app().await;
    for _ in 0..3 {
        app.create_incident().await;
    }
    app.execute_sql("UPDATE audit_events SET details = '{\"title\":\"forged\"}' WHERE seq = 2");
    let output = app.cli(&["audit", "verify"]);
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("seq 2"), "{stdout}");
}

#[tokio::test]
async fn audit_verify_notices_events_removed_from_the_end() {
    let app = spawn_app().await;
    app.create_incident().await;
    app.create_incident().await;
    app.execute_sql("DELETE FROM audit_events WHERE seq = 2");
    let output = app.cli(&["audit", "verify"]);
    assert!(!output.status.success());
}

#[tokio::test]
async fn concurrent_changes_form_one_unbroken_chain() {
    let app = spawn_app().await;
    let creations = (0..16).map(|_| app.create_incident());
    futures_util::future::join_all(creations).await;
    let events = body(app.get("/api/v1/audit-events?limit=500", Some(&app.admin())).await).await;
    let seqs: Vec<_> =
        events["items"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=16).collect::<Vec<_>>());
    assert!(app.cli(&["audit", "verify"]).status.success());
}

#[tokio::test]
async fn audit_events_page_and_filter() {
    let app = spawn_app().await;
    for _ in 0..3 {
        app.create_incident().await;
    }
    let first = body(app.get("/api/v1/audit-events?limit=2", Some(&app.admin())).await).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second =
        body(app.get(&format!("/api/v1/audit-events?limit=2&cursor={cursor}"), Some(&app.admin())).await)
            .await;
    assert_eq!(second["items"][0]["seq"], 3);
    assert_eq!(second["next_cursor"], serde_json::Value::Null);
    let filtered =
        body(app.get("/api/v1/audit-events?action=policy.created", Some(&app.admin())).await).await;
    assert!(filtered["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_backup_taken_while_serving_is_a_complete_database_and_never_overwrites() {
    let app = spawn_app().await;
    let incident = app.create_incident().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup");
    let file = file.to_str().unwrap();

    let made = app.cli(&["backup", "--to", file]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(!app.cli(&["backup", "--to", file]).status.success(), "an existing file is kept");

    if app.database_url.starts_with("postgres") {
        // A pg_dump archive: restored whole by ops/restore-drill.sh (CI runs it); here its table
        // of contents must list the data of the tables that matter.
        let listed = std::process::Command::new("pg_restore").args(["--list", file]).output().unwrap();
        assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
        let contents = String::from_utf8_lossy(&listed.stdout);
        for table in ["incidents", "claims", "audit_events"] {
            assert!(
                contents.contains(&format!("TABLE DATA public {table} ")),
                "{table} missing:\n{contents}"
            );
        }
        return;
    }
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_outage-claims"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", file)
        .env("JWT_SECRET", crate::helpers::JWT_SECRET)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
    let url = outage_claims::db::DatabaseUrl::parse(file).unwrap();
    let mut conn = url.connect().unwrap();
    let found = outage_claims::db::incidents::list(&mut conn, None, 10, None).unwrap();
    assert_eq!(found.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [incident.as_str()]);
}
