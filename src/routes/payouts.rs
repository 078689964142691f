//! `/api/v1/payout-batches`.

use actix_web::{web, HttpResponse};

use crate::http::auth::Authenticated;
use crate::http::dto::{BatchQuery, ExportQuery, NewBatchInput, PageQuery, SeqParam};
use crate::http::extract::{ValidJson, ValidQuery};
use crate::http::page::PageRequest;
use crate::http::query::IdParam;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::parse_id;
use crate::usecases::payouts::create;
use crate::usecases::payouts::{self, decide, export_file, lines, listing, settle};

pub async fn create(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    ValidJson(input): ValidJson<NewBatchInput>,
) -> Result<HttpResponse, ApiError> {
    let started = std::time::Instant::now();
    let batch = state.write(move |conn, context| create::create(conn, context, &actor, input)).await?;
    state.metrics.observe_operation("payout_batch", started.elapsed());
    Ok(super::created(format!("/api/v1/payout-batches/{}", batch.id), &batch))
}

/// `GET /payout-batches`: batches, newest last, optionally of one incident.
pub async fn list(
    state: web::Data<AppState>,
    ValidQuery(query): ValidQuery<BatchQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(query.limit, query.cursor.map(IdParam::into_string))?;
    let incident = query.incident_id.map(IdParam::into_string);
    let body = state.read(move |conn| listing::list(conn, incident.as_deref(), &page)).await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn get(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let batch = state.read(move |conn| payouts::view(&payouts::load(conn, &id)?)).await?;
    Ok(HttpResponse::Ok().json(batch))
}

pub async fn lines(
    state: web::Data<AppState>,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<PageQuery<SeqParam>>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let page = PageRequest::parse(query.limit, None)?;
    let after = query.cursor.map_or(0, SeqParam::value);
    let body = state.read(move |conn| lines::list(conn, &id, &page, after)).await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn line(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, claim_id) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let body = state.read(move |conn| lines::get(conn, &id, &claim_id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn approve(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let batch = state.write(move |conn, context| decide::approve(conn, context, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(batch))
}

pub async fn cancel(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let batch = state.write(move |conn, context| decide::cancel(conn, context, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(batch))
}

/// `GET /payout-batches/{id}/export.csv`: recorded, then streamed page by page; the same bytes
/// every time.
pub async fn export(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let bom = query.bom.unwrap_or(false);
    let started = std::time::Instant::now();
    let summary =
        state.write(move |conn, context| export_file::record(conn, context, &actor, &id, bom)).await?;
    tracing::info!(batch_id = %summary.batch.id, lines = summary.line_count, micros = started.elapsed().as_micros() as u64, "export prepared");
    state.metrics.observe_operation("export", started.elapsed());
    crate::http::export::file(state, &summary, bom)
}

/// `HEAD /payout-batches/{id}/export.csv`: the same checks and headers as the export, but no
/// file and no `payout_batch.exported` event: nothing left the building (RFC 9110: HEAD is safe).
pub async fn export_head(
    state: web::Data<AppState>,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let bom = query.bom.unwrap_or(false);
    let summary = state.read(move |conn| export_file::inspect(conn, &id, bom)).await?;
    Ok(crate::http::export::headers(&summary).finish())
}

/// `POST /payout-batches/{id}/settlements`: the bank's result CSV.
pub async fn settlements(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let media = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !media.to_ascii_lowercase().starts_with("text/csv") {
        return Err(ApiError::UnsupportedMediaType("the settlement file must be text/csv".into()));
    }
    let body = crate::http::extract::read_body(payload.into_inner(), state.config.bulk_limit).await?;
    // The import commits chunk by chunk, so other writers are not held up by a large file.
    let summary = state.blocking(move |pool| settle::import(&mut *pool.get()?, &actor, &id, &body)).await?;
    Ok(HttpResponse::Ok().json(summary))
}
