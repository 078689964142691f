//! The HTTP answer of a payout export: headers announcing the file, and its body streamed page
//! by page from the export use case. Shared by the API and the finance page.

use actix_web::{web, HttpResponse, HttpResponseBuilder};

use super::state::AppState;
use super::ApiError;
use crate::usecases::payouts::export::{self, ExportSummary};
use crate::usecases::payouts::export_file;

/// The headers of an export answer (a payment file: never stored by caches).
pub fn headers(summary: &ExportSummary) -> HttpResponseBuilder {
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

/// The file of a recorded export, each part read in its own short transaction.
pub fn file(
    state: web::Data<AppState>,
    summary: &ExportSummary,
    bom: bool,
) -> Result<HttpResponse, ApiError> {
    let currency = export_file::currency(summary)?;
    let id = summary.batch.id.clone();
    let pages = futures_util::stream::unfold(Some(export_file::start(summary)), move |at| {
        let (state, id) = (state.clone(), id.clone());
        async move {
            let at = at?;
            match state.read(move |conn| export_file::page(conn, &id, at, currency)).await {
                Ok(None) => None,
                Ok(Some((bytes, next))) => Some((Ok::<_, ApiError>(web::Bytes::from(bytes)), Some(next))),
                Err(error) => Some((Err(error), None)),
            }
        }
    });
    let head =
        futures_util::stream::once(async move { Ok::<_, ApiError>(web::Bytes::from(export::head(bom))) });
    Ok(headers(summary).streaming(futures_util::StreamExt::chain(head, pages)))
}
