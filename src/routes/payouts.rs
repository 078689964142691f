//! `/api/v1/payout-batches`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::domain::role::Role;
use crate::http::auth::Authenticated;
use crate::http::extract::{ValidJson, ValidQuery};
use crate::http::page::{PageQuery, PageRequest};
use crate::http::query::{IdParam, SeqParam};
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::parse_id;
use crate::usecases::payouts::create::{self, NewBatchInput};
use crate::usecases::payouts::{self, decide, export, lines, settle};

const READERS: &[Role] = &[Role::Finance, Role::Admin];

pub async fn create(
    state: web::Data<AppState>,
    auth: Authenticated,
    ValidJson(input): ValidJson<NewBatchInput>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.require(&[Role::Finance])?;
    let started = std::time::Instant::now();
    let batch = state.write(move |conn| create::create(conn, &actor, input)).await?;
    state.metrics.observe_operation("payout_batch", started.elapsed());
    Ok(super::created(format!("/api/v1/payout-batches/{}", batch.id), &batch))
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    #[serde(default)]
    #[schemars(schema_with = "crate::http::page::limit_schema")]
    pub limit: Option<u32>,
    pub cursor: Option<IdParam>,
    pub incident_id: Option<IdParam>,
}

/// `GET /payout-batches`: batches, newest last, optionally of one incident.
pub async fn list(
    state: web::Data<AppState>,
    auth: Authenticated,
    ValidQuery(query): ValidQuery<BatchQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(READERS)?;
    let page = PageRequest::parse(query.limit, query.cursor.map(IdParam::into_string))?;
    let incident = query.incident_id.map(IdParam::into_string);
    let body = state
        .read(move |conn| {
            let rows =
                crate::db::batches::list(conn, incident.as_deref(), page.after.as_deref(), page.fetch())?;
            let page = crate::http::page::Page::from_fetched(rows, &page, |b| b.id.clone());
            let items = page.items.iter().map(payouts::view).collect::<Result<Vec<_>, _>>()?;
            Ok(crate::http::page::Page { items, next_cursor: page.next_cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
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
    ValidQuery(query): ValidQuery<PageQuery<SeqParam>>,
) -> Result<HttpResponse, ApiError> {
    auth.require(READERS)?;
    let id = parse_id(&path)?;
    let page = PageRequest::parse(query.limit, None)?;
    let after = query.cursor.map_or(0, SeqParam::value);
    let body = state.read(move |conn| lines::list(conn, &id, &page, after)).await?;
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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Adds a UTF-8 byte order mark for spreadsheet software.
    pub bom: Option<bool>,
}

/// `GET /payout-batches/{id}/export.csv`: streamed page by page; the same bytes every time.
pub async fn export(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.require(&[Role::Finance])?;
    let id = parse_id(&path)?;
    let bom = query.bom.unwrap_or(false);
    let started = std::time::Instant::now();
    let batch_id = id.clone();
    let summary = state.read(move |conn| export::summarize(conn, &batch_id, bom)).await?;
    let event = crate::db::audit::NewEvent {
        action: "payout_batch.exported",
        entity_type: "payout_batch",
        entity_id: id.clone(),
        details: serde_json::json!({
            "line_count": summary.line_count, "total_minor": summary.total.minor(),
            "sha256": summary.sha256, "bom": bom,
        }),
    };
    let audit_actor = actor.audit_name();
    state.write(move |conn| Ok(crate::db::audit::append(conn, &audit_actor, &[event])?)).await?;
    tracing::info!(batch_id = %id, lines = summary.line_count, micros = started.elapsed().as_micros() as u64, "export prepared");
    state.metrics.observe_operation("export", started.elapsed());
    let currency = payouts::currency_of(&summary.batch)?;
    let pages = futures_util::stream::unfold(Some(0_i64), move |after| {
        let (state, id) = (state.clone(), id.clone());
        async move {
            let after = after?;
            let batch_id = id.clone();
            let rows = state
                .read(move |conn| Ok(crate::db::batches::export_page(conn, &batch_id, after, export::PAGE)?))
                .await;
            match rows {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let next = rows.last().map(|r| r.line_no);
                    Some((Ok::<_, ApiError>(web::Bytes::from(export::render(&rows, &id, currency))), next))
                }
                Err(error) => Some((Err(error), None)),
            }
        }
    });
    let head =
        futures_util::stream::once(async move { Ok::<_, ApiError>(web::Bytes::from(export::head(bom))) });
    Ok(export_headers(&summary).streaming(futures_util::StreamExt::chain(head, pages)))
}

/// The headers of an export answer (a payment file: never stored by caches).
fn export_headers(summary: &export::ExportSummary) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"payout-{}.csv\"", summary.batch.id),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Line-Count", summary.line_count.to_string()))
        .insert_header(("X-Total-Amount", summary.total.to_string()))
        .insert_header(("X-Content-SHA256", summary.sha256.clone()));
    response
}

/// `HEAD /payout-batches/{id}/export.csv`: the same checks and headers as the export, but no
/// file and no `payout_batch.exported` event: nothing left the building (RFC 9110: HEAD is safe).
pub async fn export_head(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    ValidQuery(query): ValidQuery<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require(&[Role::Finance])?;
    let id = parse_id(&path)?;
    let bom = query.bom.unwrap_or(false);
    let summary = state.read(move |conn| export::summarize(conn, &id, bom)).await?;
    Ok(export_headers(&summary).finish())
}

/// `POST /payout-batches/{id}/settlements`: the bank's result CSV.
pub async fn settlements(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.require(&[Role::Finance])?;
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
