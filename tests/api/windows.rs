use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::helpers::{body, field_codes, problem, spawn_app, TestApp};

fn window(service: &str, severity: &str, start: &str, end: &str) -> Value {
    json!({"service": service, "severity": severity, "started_at": start, "ended_at": end})
}

async fn add(app: &TestApp, incident: &str, w: &Value) -> reqwest::Response {
    app.post(&format!("/api/v1/incidents/{incident}/windows"), Some(&app.admin()), w).await
}

#[tokio::test]
async fn windows_are_recorded_and_listed_by_service() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let response = add(
        &app,
        &id,
        &window("messenger", "major_outage", "2022-10-15T15:30:00+09:00", "2022-10-16T01:00:00+09:00"),
    )
    .await;
    assert_eq!(response.status(), 201);
    let created = body(response).await;
    assert_eq!(created["duration_seconds"], 9 * 3600 + 1800);
    // Touching the previous window is not an overlap; another service may overlap freely.
    assert_eq!(
        add(
            &app,
            &id,
            &window("messenger", "partial_outage", "2022-10-16T01:00:00+09:00", "2022-10-17T00:00:00+09:00")
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        add(
            &app,
            &id,
            &window(
                "payments",
                "degraded_performance",
                "2022-10-15T16:00:00+09:00",
                "2022-10-16T00:00:00+09:00"
            )
        )
        .await
        .status(),
        201
    );

    let listed = body(
        app.get(&format!("/api/v1/incidents/{id}/windows"), Some(&app.token(Role::Claimant, "c"))).await,
    )
    .await;
    let services: Vec<_> =
        listed["items"].as_array().unwrap().iter().map(|w| w["service"].as_str().unwrap()).collect();
    assert_eq!(services, ["messenger", "messenger", "payments"]);
    let incident = body(app.get(&format!("/api/v1/incidents/{id}"), None).await).await;
    assert_eq!(incident["services"], json!(["messenger", "payments"]));
}

#[tokio::test]
async fn an_overlapping_window_of_the_same_service_is_409_naming_the_existing_one() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let first = body(
        add(
            &app,
            &id,
            &window("mobility", "major_outage", "2022-10-15T16:00:00+09:00", "2022-10-15T20:00:00+09:00"),
        )
        .await,
    )
    .await;
    let response = add(
        &app,
        &id,
        &window("mobility", "partial_outage", "2022-10-15T19:00:00+09:00", "2022-10-15T22:00:00+09:00"),
    )
    .await;
    let conflict = problem(response, 409).await;
    assert_eq!(conflict["existing_id"], first["id"]);
}

#[tokio::test]
async fn concurrent_overlapping_windows_record_exactly_one() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let attempts = (0..8).map(|i| {
        let w = window(
            "mail",
            "major_outage",
            "2022-10-15T16:00:00+09:00",
            &format!("2022-10-16T0{i}:30:00+09:00"),
        );
        let (app, id) = (&app, &id);
        async move { add(app, id, &w).await.status().as_u16() }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn invalid_windows_get_422_or_404() {
    let app = spawn_app().await;
    let id = app.create_incident().await;
    let cases = [
        (
            window("messenger", "total_meltdown", "2022-10-15T16:00:00+09:00", "2022-10-15T17:00:00+09:00"),
            "severity:invalid_choice",
        ),
        (
            window("Messenger!", "major_outage", "2022-10-15T16:00:00+09:00", "2022-10-15T17:00:00+09:00"),
            "service:invalid_service",
        ),
        (
            window("messenger", "major_outage", "2022-10-15T18:00:00+09:00", "2022-10-15T17:00:00+09:00"),
            "ended_at:before_start",
        ),
        (
            window("messenger", "major_outage", "2022-10-15T16:00:00", "2022-10-15T17:00:00+09:00"),
            "started_at:invalid_datetime",
        ),
        (
            window("messenger", "major_outage", "2022-10-01T16:00:00+09:00", "2022-10-15T17:00:00+09:00"),
            "started_at:outside_incident",
        ),
    ];
    for (input, expected) in cases {
        let problem = problem(add(&app, &id, &input).await, 422).await;
        assert_eq!(field_codes(&problem), [expected]);
    }
    let unknown = uuid::Uuid::now_v7();
    let valid = window("messenger", "major_outage", "2022-10-15T16:00:00+09:00", "2022-10-15T17:00:00+09:00");
    problem(add(&app, &unknown.to_string(), &valid).await, 404).await;
    let response = app.post(&format!("/api/v1/incidents/{id}/windows"), Some(&app.finance()), &valid).await;
    problem(response, 403).await;
}
