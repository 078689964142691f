//! `GET /metrics` in the Prometheus text format.

use actix_web::{web, HttpResponse};

use crate::db::claims;
use crate::http::state::AppState;
use crate::http::ApiError;

pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // While the database is unreachable the counters are still worth scraping.
    let by_status = state.read(|conn| Ok(claims::count_by_status(conn)?)).await.unwrap_or_default();
    let by_status: Vec<(String, i64)> = by_status.into_iter().map(|(s, n)| (s.to_string(), n)).collect();
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render(&by_status)))
}
