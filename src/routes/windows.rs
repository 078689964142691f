//! `/api/v1/incidents/{id}/windows`.

use actix_web::{web, HttpResponse};

use crate::http::auth::Authenticated;
use crate::http::dto::NewWindowInput;
use crate::http::extract::ValidJson;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::parse_id;
use crate::usecases::windows;

pub async fn create(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidJson(input): ValidJson<NewWindowInput>,
) -> Result<HttpResponse, ApiError> {
    let incident_id = parse_id(&path)?;
    let view =
        state.write(move |conn, context| windows::create(conn, context, &actor, &incident_id, input)).await?;
    Ok(super::created(format!("/api/v1/incidents/{}/windows", view.incident_id), &view))
}

/// Any signed-in role may read the recorded outage windows (they are public status data).
pub async fn list(
    state: web::Data<AppState>,
    _: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let incident_id = parse_id(&path)?;
    let items = state.read(move |conn| windows::list(conn, &incident_id)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "next_cursor": null })))
}
