//! The finance page at `/finance`: sign in with a finance token, read an
//! incident's summary with charts the server draws as SVG, and approve or export its payout
//! batches. Rendered on the server with no script, under the same CSP as the claimant pages.
//!
//! It is a thin face over the API's own code: tokens go through [`crate::auth::JwtKeys::verify`]
//! once, at sign-in, which starts a server-side session (see `session`),
//! numbers through the reports and batch use cases, approval through
//! [`crate::usecases::payouts::decide::approve`] (so four eyes hold here too) and export through
//! the API's export handler (the same bytes and headers). Outcomes come back as a notice key from
//! a fixed list in the redirect, never as text taken from the request.

mod data;
mod html;
mod links;
mod session;
mod tables;
mod text;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::i18n::Lang;
use crate::http::endpoint::endpoint;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::error::{Conflict, ConflictKind};
use crate::usecases::parse_id;
use crate::usecases::payouts::{decide, export_file};
use crate::usecases::Error;

/// Mounts the page and its actions.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/finance").get(page))
        .service(endpoint("/finance/session").post(sign_in))
        .service(endpoint("/finance/session/delete").post(sign_out))
        .service(endpoint("/finance/batches/{id}/approve").post(approve))
        .service(endpoint("/finance/batches/{id}/export.csv").head(export_head).get(export));
}

/// The page: `same-origin` referrers (not the claimant pages' `no-referrer`), because browsers
/// send `Origin: null` on form posts from a `no-referrer` page, and the POSTs need their origin
/// for the cross-site check. `no-store`: financial data stays out of caches.
fn html_page(body: String) -> HttpResponse {
    super::html(body, "same-origin", "no-store")
}

/// 303 to the page (after a POST, so a reload never repeats it), with secure headers.
fn see_other(location: &str) -> HttpResponse {
    super::secure(HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish())
}

fn query_value(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// `GET /finance`: the sign-in form, or the dashboard of `?incident_id=` (default the first).
async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let query = req.query_string();
    let lang = Lang::from_query(query);
    let notice = query_value(query, "notice").and_then(|key| text::notice(&key));
    let trusted = &state.config.trusted_proxies;
    let Some(actor) = session::actor(&req, &state).await? else {
        if !session::has_cookie(&req) {
            return Ok(html_page(html::sign_in(lang, notice)));
        }
        // A cookie whose session is gone (signed out, expired) is removed.
        let mut response = html_page(html::sign_in(lang, notice.or(Some("notice.expired"))));
        if let Some(clear) = session::clear_cookie(session::is_https(&req, trusted)) {
            response.headers_mut().append(header::SET_COOKIE, clear);
        }
        return Ok(response);
    };
    let incident = query_value(query, "incident_id").map(|id| parse_id(&id)).transpose()?;
    let dashboard = state.read(move |conn| data::load(conn, &actor, incident)).await?;
    Ok(html_page(html::dashboard(lang, notice, &dashboard)))
}

/// `POST /finance/session` (`token=`): finance tokens only; the session (and its cookie) lives
/// as long as the token, at most 8 hours.
async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let trusted = &state.config.trusted_proxies;
    session::same_origin(&req, trusted)?;
    let lang = Lang::from_query(req.query_string());
    let token = form_urlencoded::parse(&body).find(|(k, _)| k == "token").map(|(_, v)| v.trim().to_owned());
    let verified =
        token.as_deref().map_or(Err(session::Refusal::Invalid), |t| session::verify(&state.keys, t));
    let refused = |key| Ok(see_other(&links::finance_url(None, Some(key), lang)));
    match verified {
        Err(session::Refusal::NotFinance) => refused("signin_role"),
        Err(session::Refusal::Invalid) => refused("signin_invalid"),
        Ok(actor) => {
            let token = token.unwrap_or_default();
            let Some(left) = session::remaining_seconds(&token, chrono::Utc::now().timestamp()) else {
                return refused("signin_invalid");
            };
            let started = state.write(move |conn, _context| session::start(conn, &actor, left)).await?;
            let https = session::is_https(&req, trusted);
            let Some(cookie) = session::set_cookie(&started.id, started.max_age, https) else {
                return refused("signin_invalid");
            };
            let mut response = see_other(&links::finance_url(None, None, lang));
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
    }
}

/// `POST /finance/session/delete`: ends the session on the server, then forgets the cookie.
async fn sign_out(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let trusted = &state.config.trusted_proxies;
    session::same_origin(&req, trusted)?;
    session::end(&req, &state).await?;
    let lang = Lang::from_query(req.query_string());
    let mut response = see_other(&links::finance_url(None, Some("signed_out"), lang));
    if let Some(clear) = session::clear_cookie(session::is_https(&req, trusted)) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    Ok(response)
}

/// `POST /finance/batches/{id}/approve`: the API's approve use case, its refusal as a notice.
async fn approve(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    session::same_origin(&req, &state.config.trusted_proxies)?;
    let lang = Lang::from_query(req.query_string());
    let Some(actor) = session::actor(&req, &state).await? else {
        return Ok(see_other(&links::finance_url(None, Some("expired"), lang)));
    };
    let id = parse_id(&path)?;
    // The use case's own error, not the API's answer: its refusal names the reason.
    let (incident, notice) =
        match state.write_outcome(move |conn, context| decide::approve(conn, context, &actor, &id)).await {
            Ok(batch) => (Some(batch.incident_id), "approved"),
            Err(Error::NotFound) => (None, "not_found"),
            Err(Error::Conflict(Conflict { kind: ConflictKind::SameApprover { incident_id }, .. })) => {
                (Some(incident_id), "four_eyes")
            }
            Err(Error::Conflict(Conflict { kind: ConflictKind::WrongStatus { incident_id }, .. })) => {
                (incident_id, "not_calculated")
            }
            Err(other) => return Err(other.into()),
        };
    Ok(see_other(&links::finance_url(incident.as_deref(), Some(notice), lang)))
}

/// `GET /finance/batches/{id}/export.csv`: the API's export use case, run as the signed-in
/// finance user, so the file, its headers and its audit event are exactly the API's.
async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let lang = Lang::from_query(req.query_string());
    let Some(actor) = session::actor(&req, &state).await? else {
        return Ok(see_other(&links::finance_url(None, Some("expired"), lang)));
    };
    let bom = query_value(req.query_string(), "bom").is_some_and(|v| v == "true");
    let id = parse_id(&path)?;
    match state.write_outcome(move |conn, context| export_file::record(conn, context, &actor, &id, bom)).await
    {
        Err(Error::Conflict(_)) => Ok(see_other(&links::finance_url(None, Some("not_exportable"), lang))),
        summary => crate::http::export::file(state, &summary?, bom),
    }
}

/// `HEAD /finance/batches/{id}/export.csv`: the API's HEAD, which records no export.
async fn export_head(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Some(_signed_in) = session::actor(&req, &state).await? else {
        return Ok(see_other(&links::finance_url(
            None,
            Some("expired"),
            Lang::from_query(req.query_string()),
        )));
    };
    let bom = query_value(req.query_string(), "bom").is_some_and(|v| v == "true");
    let id = parse_id(&path)?;
    let summary = state.read(move |conn| export_file::inspect(conn, &id, bom)).await?;
    Ok(crate::http::export::headers(&summary).finish())
}
