//! Notices: a claim's notices with their attempts, the public check of a notice's code, and a
//! new status link by reference and email.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::auth::Authenticated;
use crate::http::dto::{StatusLinkInput, VerifyInput};
use crate::http::extract::ValidJson;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::notices::read;
use crate::usecases::parse_id;

/// Public lookups are limited per client address, like public filing.
fn limit(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    match crate::http::client_ip::client_ip(req, &state.config.trusted_proxies) {
        Some(ip) => state
            .public_lookup_limit
            .check(ip)
            .map_err(|retry_after| ApiError::TooManyRequests { retry_after }),
        None => Ok(()),
    }
}

pub async fn of_claim(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let notices = state.read(move |conn| read::of_claim(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(notices))
}

pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(input): ValidJson<VerifyInput>,
) -> Result<HttpResponse, ApiError> {
    limit(&state, &req)?;
    let verdict = state.read(move |conn| read::verify(conn, &input)).await?;
    Ok(HttpResponse::Ok().json(verdict))
}

pub async fn status_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(input): ValidJson<StatusLinkInput>,
) -> Result<HttpResponse, ApiError> {
    limit(&state, &req)?;
    state.write(move |conn, _context| read::request_status_link(conn, &input)).await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({
        "detail": "If the reference and the email belong to one claim, a new status link is on its way to that email."
    })))
}
