//! `/api/v1/claims`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::domain::lang::Lang;
use crate::http::auth::{Authenticated, MaybeAuthenticated};
use crate::http::dto::{
    AmendInput, AppealInput, ClaimQuery, NewClaimInput, PayoutAccountInput, ReviewInput, TimelineQuery,
};
use crate::http::extract::{JsonBody, ValidJson, ValidQuery};
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::claims::file::Filer;
use crate::usecases::claims::filing::{self, Filing};
use crate::usecases::claims::lifecycle;
use crate::usecases::claims::read;
use crate::usecases::claims::{account, amend, appeal, timeline};
use crate::usecases::idempotency::{self, IdempotencyKey};
use crate::usecases::parse_id;

/// The `Idempotency-Key` header, when sent.
pub fn idempotency_key(req: &HttpRequest) -> Result<Option<IdempotencyKey>, ApiError> {
    req.headers()
        .get(idempotency::HEADER)
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::field(idempotency::HEADER, "invalid_idempotency_key", "must be ASCII"))
                .and_then(|key| IdempotencyKey::parse(key).map_err(ApiError::from))
        })
        .transpose()
}

/// Answers a (possibly replayed) result.
pub fn answer(answer: idempotency::Answer, location: Option<String>) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if let Some(location) = location {
        response.insert_header(("Location", location));
    }
    if answer.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.json(answer.body)
}

/// `POST /claims`: claimants for themselves, partners for members, or anyone through the
/// public form (rate limited per client; the answer carries a status token).
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuthenticated(actor): MaybeAuthenticated,
    JsonBody(input): JsonBody<NewClaimInput>,
) -> Result<HttpResponse, ApiError> {
    let client = crate::http::client_ip::client_ip(&req, &state.config.trusted_proxies);
    let filer = Filer::for_actor(actor.as_ref())?
        .screened(state.config.screening, client)
        .speaking(crate::http::extract::accept_language(&req));
    if actor.is_none() {
        if !state.config.public_filing {
            return Err(ApiError::Unauthorized("public filing is off: a bearer token is required".into()));
        }
        if let Some(ip) = client {
            state
                .public_filing_limit
                .check(ip)
                .map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
        }
    }
    let filing = Filing { actor, client, filer, key: idempotency_key(&req)? };
    let result = filing::file_claim(&state.group, &state.keys, filing, &input).await?;
    let location = result.body["id"].as_str().map(|id| format!("/api/v1/claims/{id}"));
    Ok(answer(result, location))
}

pub async fn list(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    ValidQuery(query): ValidQuery<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state.read(move |conn| read::list(conn, &actor, query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

pub async fn get(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let claim = state.read(move |conn| read::get(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn withdraw(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let claim = state.write(move |conn, context| lifecycle::withdraw(conn, context, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn amend(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<AmendInput>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let thresholds = state.config.screening;
    let claim =
        state.write(move |conn, context| amend::amend(conn, context, &actor, thresholds, &id, input)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn review(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<ReviewInput>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let claim =
        state.write(move |conn, context| lifecycle::review(conn, context, &actor, &id, input)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

/// `GET /claims/{id}/timeline`, in `?lang=` or else the `Accept-Language` language.
pub async fn timeline(
    state: web::Data<AppState>,
    req: HttpRequest,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<TimelineQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let lang = query.lang.map_or_else(|| crate::http::extract::accept_language(&req), Lang::from);
    let entries = state.read(move |conn| timeline::timeline(conn, &actor, &id, lang)).await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::VARY, "Accept-Language")).json(entries))
}

pub async fn appeal(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<AppealInput>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let claim = state.write(move |conn, context| appeal::appeal(conn, context, &actor, &id, input)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn payout_account(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<PayoutAccountInput>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let thresholds = state.config.screening;
    let claim = state
        .write(move |conn, context| account::change_account(conn, context, &actor, thresholds, &id, input))
        .await?;
    Ok(HttpResponse::Ok().json(claim))
}
