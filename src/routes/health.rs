//! Liveness and readiness.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::http::state::AppState;
use crate::http::ApiError;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The service can reach its database: 503 with `Retry-After` while it cannot.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .read(|conn| conn.batch_execute("SELECT 1").map_err(|_| crate::usecases::Error::Unavailable))
        .await
        .map_err(|_| ApiError::Unavailable)?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
}
