//! Strict request extractors: a JSON body or a query string is parsed into its request type in
//! one step, and every problem is reported as a 4xx naming the field.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::state::AppState;
use super::ApiError;
use crate::domain::validation::{join_path, validator_errors, FieldError};
use crate::usecases::nul::{nul_refused, refuse_nul, shown};

/// A JSON body, size-bounded, with unknown fields refused; the request type's own parser
/// checks the fields (claims, whose parser reports every field at once).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// A [`JsonBody`] whose fields are also checked with its `validator` rules.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<web::Data<AppState>>().map_or(1 << 20, |s| s.config.json_limit);
        let content_type =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let declared_length = declared_length(req);
        let payload = payload.take();
        Box::pin(async move {
            let media = content_type.as_deref().and_then(|c| c.split(';').next()).map(str::trim);
            let is_json = media.is_some_and(|m| {
                m.eq_ignore_ascii_case("application/json") || m.to_ascii_lowercase().ends_with("+json")
            });
            if !is_json {
                return Err(ApiError::UnsupportedMediaType("the body must be application/json".into()));
            }
            if declared_length.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            let body = read_body(payload, limit).await?;
            parse_json(&body).map(JsonBody)
        })
    }
}

impl<T: DeserializeOwned + validator::Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = JsonBody::<T>::from_request(req, payload);
        Box::pin(async move {
            let JsonBody(value) = body.await?;
            value.validate().map_err(|e| ApiError::Validation(validator_errors("", &e)))?;
            Ok(ValidJson(value))
        })
    }
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Reads the whole body, refusing it as soon as it grows past `limit`.
pub async fn read_body(mut payload: Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Deserializes JSON, mapping syntax errors to 400 and data errors to 422 with the field path.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    refuse_nul(body)?;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.classify() == serde_json::error::Category::Data {
            ApiError::Validation(vec![serde_field_error(&path, &strip_position(&inner.to_string()))])
        } else {
            ApiError::BadRequest(format!("the body is not valid JSON: {inner}"))
        }
    })?;
    deserializer.end().map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    Ok(value)
}

/// A query string parsed strictly: unknown parameters are refused.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ValidQuery))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    // `%00` would reach PostgreSQL as a text parameter it cannot hold (see [`refuse_nul`]).
    if let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| name.contains('\0') || value.contains('\0'))
    {
        return Err(nul_refused(&shown(&name)).into());
    }
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        ApiError::Validation(vec![serde_field_error(&path, &error.into_inner().to_string())])
    })
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Names the field and a stable code for a serde message.
fn serde_field_error(path: &str, message: &str) -> FieldError {
    let path = if path == "." { "" } else { path };
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or_default().to_owned();
    if message.starts_with("unknown field") {
        // The path already ends at the unknown key.
        let name = quoted(message);
        let field = if path == name || path.ends_with(&format!(".{name}")) {
            path.to_owned()
        } else {
            join_path(path, &name)
        };
        return FieldError::new(field, "unknown_field", "is not a known field");
    }
    if message.starts_with("missing field") {
        return FieldError::new(join_path(path, &quoted(message)), "required", "is required");
    }
    if message.starts_with("unknown variant") {
        let expected = message.split_once(", expected ").map_or("", |(_, e)| e);
        return FieldError::new(path, "invalid_choice", format!("must be {expected}"));
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return FieldError::new(path, "invalid_type", message);
    }
    // Coded errors from this crate's own parsers: `code: message`.
    if let Some((code, text)) = message.split_once(": ") {
        if !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return FieldError::new(path, code, text);
        }
    }
    FieldError::new(path, "invalid", message)
}

/// The language a request asks for with `Accept-Language` (Korean when it names neither).
pub fn accept_language(req: &actix_web::HttpRequest) -> crate::domain::lang::Lang {
    let header = req.headers().get(actix_web::http::header::ACCEPT_LANGUAGE);
    crate::domain::lang::Lang::from_accept_language(header.and_then(|v| v.to_str().ok()).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_field_errors() {
        let e = serde_field_error("claimant.nmae", "unknown field `nmae`, expected one of `name`");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("claimant.nmae", "unknown_field"));
        let e = serde_field_error(".", "missing field `title`");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("title", "required"));
        let e = serde_field_error("amount", "invalid_decimal: must be a decimal");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("amount", "invalid_decimal"));
        let e = serde_field_error("rules[0].method", "unknown variant `x`, expected `flat`");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("rules[0].method", "invalid_choice"));
    }
}
