//! `/api/v1/bulk-uploads`: partners upload claims in bulk (CSV or a JSON array).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::auth::Authenticated;
use crate::http::dto::UploadQuery;
use crate::http::extract::{parse_query, read_body};
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::bulk::decode::Format;
use crate::usecases::bulk::upload::{self, UploadRequest};
use crate::usecases::bulk::{self, errors_csv};
use crate::usecases::claims::file::Filer;
use crate::usecases::idempotency;
use crate::usecases::parse_id;

/// `POST /bulk-uploads?incident_id=`: files every valid row and reports the others.
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    Authenticated(actor): Authenticated,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let filer = Filer::for_actor(Some(&actor))?.screened(state.config.screening, None).bulk();
    // A missing key is a missing field like any other: 422 naming it (the IETF idempotency
    // draft asks for a 4xx; 428 would suggest a conditional request).
    let key = super::claims::idempotency_key(&req)?
        .ok_or_else(|| ApiError::field(idempotency::HEADER, "required", "bulk uploads need this header"))?;
    let query: UploadQuery = parse_query(req.query_string())?;
    let incident_id = query.incident_id.into_string();
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let format = Format::from_content_type(content_type)?;
    let limit = state.config.bulk_limit;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    let body = read_body(payload.into_inner(), limit).await?.into();
    let request = UploadRequest { filer, key, incident_id, format, body };
    // The whole upload runs on one blocking thread: a short transaction per chunk, none held
    // across an await.
    let outcome = state.blocking(move |pool| upload::run(pool, request)).await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/api/v1/bulk-uploads/{}", outcome.upload.id)));
    if outcome.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(outcome.upload))
}

pub async fn get(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let upload = state.read(move |conn| bulk::get(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(upload))
}

/// `GET /bulk-uploads/{id}/errors.csv`.
pub async fn errors(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let file_name = format!("attachment; filename=\"bulk-upload-{id}-errors.csv\"");
    let csv = state.read(move |conn| errors_csv::render(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, file_name))
        .body(csv))
}
