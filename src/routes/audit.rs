//! `/api/v1/audit-events`.

use actix_web::{web, HttpResponse};

use crate::http::dto::AuditQuery;
use crate::http::extract::ValidQuery;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::audit;

pub async fn list(
    state: web::Data<AppState>,
    ValidQuery(query): ValidQuery<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state.read(move |conn| audit::list(conn, query)).await?;
    Ok(HttpResponse::Ok().json(page))
}
