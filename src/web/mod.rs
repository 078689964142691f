//! The web pages (docs/contract.md §3): the claim form at `/` and the status lookup at `/status`
//! for claimants, and the finance page at `/finance` (see [`finance`]); Korean by default and
//! English with `?lang=en`.
//!
//! Everything is embedded in the binary (HTML templates, CSS, JS, the icon), so the pages work
//! offline and need no CDN. The claimant pages only call the public API from the browser; they
//! hold no logic of their own beyond mirroring the server's checks for quicker feedback. The
//! finance page has no script at all: the server renders it, charts included.

mod assets;
mod charts;
mod finance;
mod i18n;
mod messages;
mod notice;
mod render;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::http::endpoint::endpoint;
use crate::http::ApiError;
use i18n::Lang;
use render::Page;

/// Strict by design: no inline script or style, nothing from another origin, no framing.
/// `connect-src 'self'` is what lets the pages call the API.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; \
     frame-ancestors 'none'";

/// Mounts the pages and their assets.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(endpoint("/").get(claim_form))
        .service(endpoint("/status").get(status_page))
        .service(endpoint("/incidents/{id}/notice").get(notice::compensation_notice))
        .service(endpoint("/assets/{name}").get(asset))
        .configure(finance::configure);
}

async fn claim_form(req: HttpRequest) -> HttpResponse {
    page(Page::ClaimForm, &req)
}

async fn status_page(req: HttpRequest) -> HttpResponse {
    page(Page::Status, &req)
}

fn page(page: Page, req: &HttpRequest) -> HttpResponse {
    let lang = Lang::from_query(req.query_string());
    // The status link carries a token in its query: never send it on as a referrer.
    // Pages name their assets by content hash, so a page must be revalidated to pick up a
    // new build; the assets themselves can then be cached for good.
    html(render::page(page, lang), "no-referrer", "no-cache")
}

/// An HTML page under the strict CSP, with the headers every page carries.
fn html<B>(body: B, referrer_policy: &'static str, cache: &'static str) -> HttpResponse
where
    B: actix_web::body::MessageBody + 'static,
{
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::REFERRER_POLICY, referrer_policy))
        .insert_header((header::CACHE_CONTROL, cache));
    secure(response.body(body))
}

/// `GET /assets/{name}`: embedded files, immutable under their versioned URL.
async fn asset(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let asset = assets::find(&name).ok_or(ApiError::NotFound)?;
    let etag = format!("\"{}\"", asset.hash);
    let fresh = req.headers().get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes());
    // Only the URL with the current hash may be cached forever: an old page asking for an old
    // version gets today's file, which must not stick under the old URL.
    let versioned = form_urlencoded::parse(req.query_string().as_bytes())
        .any(|(key, value)| key == "v" && value == asset.hash);
    let cache = if versioned { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response.insert_header((header::ETAG, etag)).insert_header((header::CACHE_CONTROL, cache));
    let response =
        if fresh { response.finish() } else { response.content_type(asset.content_type).body(asset.bytes) };
    Ok(secure(response))
}

/// Headers every page and asset carries.
fn secure(mut response: HttpResponse) -> HttpResponse {
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
