//! Evidence documents: `POST /claims/{id}/documents` takes JSON (evidence fields and a note)
//! or `multipart/form-data` (files, plus the same fields); the owner and finance list and
//! download; finance reviews.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use crate::domain::claim_input::EvidenceInput;
use crate::domain::document::{clean_filename, MediaType, MAX_BYTES};
use crate::domain::money::DecimalString;
use crate::http::auth::Authenticated;
use crate::http::dto::{DocumentReviewInput, DocumentsInput};
use crate::http::extract::ValidJson;
use crate::http::state::AppState;
use crate::http::ApiError;
use crate::usecases::claims::documents::{self, IncomingFile};
use crate::usecases::claims::lifecycle;
use crate::usecases::parse_id;

/// Files one request may carry, besides the per-claim limit.
const FILES_PER_REQUEST: usize = 10;
/// The largest text field of the form (a note is at most 2,000 characters).
const TEXT_BYTES: usize = 16 << 10;

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// What a multipart form carried.
#[derive(Default)]
struct Form {
    files: Vec<IncomingFile>,
    evidence: EvidenceInput,
    note: Option<String>,
}

fn unreadable(error: impl std::fmt::Display) -> ApiError {
    ApiError::field("body", "invalid_multipart", format!("the form could not be read: {error}"))
}

/// Reads the form part by part, never more than the limits allow: a file above
/// [`MAX_BYTES`] is 413, a file that is not a PDF, JPEG or PNG by its first bytes is 422.
async fn read_form(req: &HttpRequest, payload: web::Payload) -> Result<Form, ApiError> {
    let mut multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let mut form = Form::default();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "file" { MAX_BYTES } else { TEXT_BYTES };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" => {
                let sent = field.content_disposition().and_then(|d| d.get_filename()).unwrap_or_default();
                let filename = clean_filename(sent);
                let Some(media_type) = MediaType::sniff(&bytes) else {
                    return Err(ApiError::field(
                        "file",
                        "unsupported_type",
                        format!("{filename} is not a PDF, JPEG or PNG file"),
                    ));
                };
                if form.files.len() == FILES_PER_REQUEST {
                    return Err(ApiError::field(
                        "file",
                        "too_many_files",
                        format!("send at most {FILES_PER_REQUEST} files at a time"),
                    ));
                }
                form.files.push(IncomingFile { filename, media_type, bytes });
            }
            "note" | "evidence.baseline_revenue" | "evidence.outage_revenue" | "evidence.monthly_fee" => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| ApiError::field(&name, "invalid_encoding", "must be UTF-8 text"))?;
                let text = text.trim().to_owned();
                if text.is_empty() {
                    continue;
                }
                let amount = || {
                    DecimalString::parse(&text)
                        .map(Some)
                        .map_err(|(code, message)| ApiError::field(&name, code, message))
                };
                match name.as_str() {
                    "note" => form.note = Some(text.clone()),
                    "evidence.baseline_revenue" => form.evidence.baseline_revenue = amount()?,
                    "evidence.outage_revenue" => form.evidence.outage_revenue = amount()?,
                    _ => form.evidence.monthly_fee = amount()?,
                }
            }
            other => {
                return Err(ApiError::field(
                    other,
                    "unknown_field",
                    "this form takes file, note and evidence fields",
                ));
            }
        }
    }
    Ok(form)
}

/// `POST /claims/{id}/documents`: JSON as before, or a multipart form with files.
pub async fn send(
    state: web::Data<AppState>,
    req: HttpRequest,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    if !is_multipart(&req) {
        let ValidJson(input) =
            ValidJson::<DocumentsInput>::from_request(&req, &mut payload.into_inner()).await?;
        let claim =
            state.write(move |conn, context| lifecycle::documents(conn, context, &actor, &id, input)).await?;
        return Ok(HttpResponse::Ok().json(claim));
    }
    let form = read_form(&req, payload).await?;
    let claim = state
        .write(move |conn, context| {
            documents::upload(conn, context, &actor, &id, form.files, form.evidence, form.note)
        })
        .await?;
    Ok(HttpResponse::Ok().json(claim))
}

pub async fn list(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let list = state.read(move |conn| documents::list(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(list))
}

/// The file itself: always an attachment, never sniffed or cached by the browser.
pub async fn download(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document_id) = path.into_inner();
    let (id, document_id) = (parse_id(&id)?, parse_id(&document_id)?);
    let file = state.read(move |conn| documents::download(conn, &actor, &id, &document_id)).await?;
    let ascii: String = file
        .filename
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(file.filename.as_bytes()).collect();
    let disposition =
        format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
    let mut response = HttpResponse::Ok();
    response
        .content_type(file.media_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    Ok(response.body(file.bytes))
}

pub async fn review(
    state: web::Data<AppState>,
    Authenticated(actor): Authenticated,
    path: web::Path<(String, String)>,
    ValidJson(input): ValidJson<DocumentReviewInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, document_id) = path.into_inner();
    let (id, document_id) = (parse_id(&id)?, parse_id(&document_id)?);
    let document = state
        .write(move |conn, context| documents::review(conn, context, &actor, &id, &document_id, input))
        .await?;
    Ok(HttpResponse::Ok().json(document))
}
