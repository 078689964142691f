//! `/api/v1/incidents/{id}/policies` and `/api/v1/policies/{id}`.

use actix_web::{web, HttpResponse};

use crate::http::auth::Authenticated;
use crate::http::dto::PolicyInput;
use crate::http::extract::ValidJson;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::parse_id;
use crate::usecases::policies;

pub async fn create(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<PolicyInput>,
) -> Result<HttpResponse, ApiError> {
    let incident_id = parse_id(&path)?;
    let view = state
        .write(move |conn, context| policies::create(conn, context, &actor, &incident_id, input))
        .await?;
    Ok(super::created(format!("/api/v1/policies/{}", view.id), &view))
}

pub async fn list(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let incident_id = parse_id(&path)?;
    let items = state.read(move |conn| policies::list(conn, &incident_id)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "next_cursor": null })))
}

pub async fn get(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let view = state.read(move |conn| policies::get(conn, &id)).await?;
    Ok(HttpResponse::Ok().json(view))
}
