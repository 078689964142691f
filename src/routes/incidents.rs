//! `/api/v1/incidents`.

use actix_web::{web, HttpResponse};

use crate::http::auth::{Authenticated, MaybeAuthenticated};
use crate::http::dto::{NewIncidentInput, PageQuery};
use crate::http::extract::{ValidJson, ValidQuery};
use crate::http::page::PageRequest;
use crate::http::query::IdParam;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::incidents;
use crate::usecases::parse_id;

pub async fn create(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    ValidJson(input): ValidJson<NewIncidentInput>,
) -> Result<HttpResponse, ApiError> {
    let view = state.write(move |conn, context| incidents::create(conn, context, &actor, input)).await?;
    Ok(super::created(format!("/api/v1/incidents/{}", view.id), &view))
}

/// Public: anyone sees incidents open for claims; admin and finance see all.
pub async fn list(
    state: web::Data<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    ValidQuery(query): ValidQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(query.limit, query.cursor.map(IdParam::into_string))?;
    let body = state.read(move |conn| incidents::list(conn, viewer.as_ref(), &page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn get(
    state: web::Data<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let body = state.read(move |conn| incidents::get(conn, viewer.as_ref(), &id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /incidents/{id}/summary` (admin, finance).
pub async fn summary(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let body = state.read(move |conn| crate::usecases::reports::summary(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `GET /incidents/{id}/requirements?service=&claimant_kind=`: public for open incidents.
pub async fn requirements(
    state: web::Data<AppState>,
    MaybeAuthenticated(viewer): MaybeAuthenticated,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<crate::http::dto::RequirementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let body = state
        .read(move |conn| crate::usecases::requirements::requirements(conn, viewer.as_ref(), &id, query))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
