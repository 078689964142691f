//! `/api/v1/claims`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::auth::JwtKeys;
use crate::domain::amendment::AmendInput;
use crate::domain::claim_input::{ClaimDraft, NewClaimInput};
use crate::domain::role::Role;
use crate::http::auth::{Authenticated, MaybeAuthenticated};
use crate::http::extract::{JsonBody, ValidJson, ValidQuery};
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::claims::amend;
use crate::usecases::claims::file::{self, FiledClaim, Filer};
use crate::usecases::claims::lifecycle::{self, DocumentsInput, ReviewInput};
use crate::usecases::claims::read::{self, ClaimQuery};
use crate::usecases::claims::view;
use crate::usecases::idempotency::{self, IdempotencyKey};
use crate::usecases::{self, parse_id};

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

/// The answer to a filing: the claim, and for public filings a token that reads it.
fn render(
    keys: &JwtKeys,
    public: bool,
    filed: &FiledClaim,
) -> Result<(u16, serde_json::Value), usecases::Error> {
    let mut claim = view(&filed.row, &filed.windows, false);
    if public {
        claim.status_token = Some(keys.mint_status_token(&claim.id).map_err(usecases::Error::Internal)?);
    }
    Ok((201, serde_json::to_value(claim).map_err(|e| usecases::Error::Internal(e.into()))?))
}

/// `POST /claims`: claimants for themselves, partners for members, or anyone through the
/// public form (rate limited per client; the answer carries a status token).
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuthenticated(actor): MaybeAuthenticated,
    JsonBody(input): JsonBody<NewClaimInput>,
) -> Result<HttpResponse, ApiError> {
    let public = actor.is_none();
    let client = crate::http::client_ip::client_ip(&req, &state.config.trusted_proxies);
    let filer = Filer::for_actor(actor.as_ref())?.screened(state.config.screening, client);
    if public {
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
    let key = idempotency_key(&req)?;
    let hash = idempotency::request_hash("POST /api/v1/claims", &input);
    let scope = match &actor {
        Some(actor) => format!("{}@{}", actor.audit_name(), actor.org.as_deref().unwrap_or("")),
        None => format!("public@{}", client.map(|ip| ip.to_string()).unwrap_or_default()),
    };
    let draft = ClaimDraft::parse(&input)?;
    let mut pause = std::time::Duration::from_millis(5);
    let mut waited = std::time::Duration::ZERO;
    let result = loop {
        match file_once(&state, public, &filer, &scope, key.as_ref(), &hash, draft.clone()).await {
            // Another transaction (a bulk chunk, another instance) is filing this claimant right
            // now; the group-commit writer does not wait for it, this request does, off the writer.
            Err(ApiError::Busy) if waited < BUSY_PATIENCE => {
                tokio::time::sleep(pause).await;
                waited += pause;
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            other => break other?,
        }
    };
    let location = result.body["id"].as_str().map(|id| format!("/api/v1/claims/{id}"));
    Ok(answer(result, location))
}

/// How long a filing waits in all for a claimant another transaction is filing.
const BUSY_PATIENCE: std::time::Duration = std::time::Duration::from_secs(15);

/// One attempt to file through the group-commit writer.
async fn file_once(
    state: &AppState,
    public: bool,
    filer: &Filer,
    scope: &str,
    key: Option<&IdempotencyKey>,
    hash: &str,
    draft: ClaimDraft,
) -> Result<idempotency::Answer, ApiError> {
    let filer = filer.clone();
    match key {
        // The answer is stored with the key, so it is rendered inside the transaction.
        Some(key) => {
            let (keys, key, scope, hash) =
                (state.keys.clone(), key.clone(), scope.to_owned(), hash.to_owned());
            state
                .group
                .run(move |conn, context| {
                    // The writer never waits for a lock (see `WriteContext::lock`).
                    if !context.lock(conn, &idempotency::lock_name(&scope, &key))? {
                        return Err(usecases::Error::Busy);
                    }
                    idempotency::replay_or_run(conn, &scope, Some(&key), &hash, |conn| {
                        render(&keys, public, &file::file(conn, context, &filer, draft)?)
                    })
                })
                .await
                .map_err(ApiError::from)
        }
        // Otherwise the writer only files; the answer is rendered here, off the writer thread.
        None => {
            let filed =
                state.group.run(move |conn, context| file::file(conn, context, &filer, draft)).await?;
            let (status, body) = render(&state.keys, public, &filed)?;
            Ok(idempotency::Answer { status, body, replayed: false })
        }
    }
}

pub async fn list(
    state: web::Data<AppState>,
    auth: Authenticated,
    ValidQuery(query): ValidQuery<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.0;
    let page = state.read(move |conn| read::list(conn, &actor, query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

pub async fn get(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, parse_id(&path)?);
    let claim = state.read(move |conn| read::get(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn withdraw(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, parse_id(&path)?);
    let claim = state.write(move |conn| lifecycle::withdraw(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn amend(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<AmendInput>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, parse_id(&path)?);
    let thresholds = state.config.screening;
    let claim = state.write(move |conn| amend::amend(conn, &actor, thresholds, &id, input)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn review(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<ReviewInput>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.require(&[Role::Finance])?;
    let id = parse_id(&path)?;
    let claim = state.write(move |conn| lifecycle::review(conn, &actor, &id, input)).await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn documents(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<DocumentsInput>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (auth.0, parse_id(&path)?);
    let claim = state.write(move |conn| lifecycle::documents(conn, &actor, &id, input)).await?;
    Ok(HttpResponse::Ok().json(claim))
}
