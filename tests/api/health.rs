use crate::helpers::{body, problem, spawn_app};

#[tokio::test]
async fn healthz_and_readyz_answer_ok() {
    let app = spawn_app().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(body(health).await["status"], "ok");
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), 200);
    assert_eq!(body(ready).await["status"], "ready");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_problem_json() {
    let app = spawn_app().await;
    let missing = problem(app.get("/api/v1/nothing-here", None).await, 404).await;
    assert_eq!(missing["type"], "/problems/not-found");
    let response = app.request(reqwest::Method::DELETE, "/api/v1/incidents", Some(&app.admin()), None).await;
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
    problem(response, 405).await;
    let page = app.request(reqwest::Method::POST, "/status", None, None).await;
    assert_eq!(page.headers()["allow"], "GET, HEAD");
    problem(page, 405).await;
}

#[tokio::test]
async fn a_request_id_sent_by_the_caller_is_echoed() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
}
