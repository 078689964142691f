//! `/api/v1/payout-batches`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::domain::role::Role;
use crate::http::auth::Authenticated;
use crate::http::extract::{ValidJson, ValidQuery};
use crate::http::page::PageRequest;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::parse_id;
use crate::usecases::payouts::create::{self, NewBatchInput};
use crate::usecases::payouts::{self, decide, lines};

const READERS: &[Role] = &[Role::Finance, Role::Admin];

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub async fn create(
    state: web::Data<AppState>,
    auth: Authenticated,
    ValidJson(input): ValidJson<NewBatchInput>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.require(&[Role::Finance])?;
    let batch = state.write(move |conn| create::create(conn, &actor, input)).await?;
    Ok(super::created(format!("/api/v1/payout-batches/{}", batch.id), &batch))
}

pub async fn get(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require(READERS)?;
    let id = parse_id(&path)?;
    let batch = state.read(move |conn| payouts::view(&payouts::load(conn, &id)?)).await?;
    Ok(HttpResponse::Ok().json(batch))
}

pub async fn lines(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(READERS)?;
    let id = parse_id(&path)?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref())?;
    let body = state.read(move |conn| lines::list(conn, &id, &page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn line(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    auth.require(READERS)?;
    let (id, claim_id) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let body = state.read(move |conn| lines::get(conn, &id, &claim_id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn approve(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.require(&[Role::Finance])?;
    let id = parse_id(&path)?;
    let batch = state.write(move |conn| decide::approve(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(batch))
}

pub async fn cancel(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.require(&[Role::Finance])?;
    let id = parse_id(&path)?;
    let batch = state.write(move |conn| decide::cancel(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(batch))
}
