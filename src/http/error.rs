//! One error type for the API, answered as `application/problem+json` (RFC 9457).

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::group_commit::CommitFailure;
use crate::domain::validation::FieldError;
use crate::usecases::{
    self,
    error::{Conflict, ConflictKind},
};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("this role may not do that")]
    Forbidden,
    #[error("no such resource")]
    NotFound,
    /// `existing_id` and `existing_reference` name the record in the way, and are set only for
    /// a caller who may read it (docs/contract.md §4: a duplicate never tells anyone of other people's claims).
    #[error("{detail}")]
    Conflict { detail: String, existing_id: Option<String>, existing_reference: Option<String> },
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests; retry after {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    #[error("the database is unavailable; retry shortly")]
    Unavailable,
    /// Another transaction holds what this request needs (a filing for the same claimant in
    /// another instance or a bulk upload); the request may be retried at once.
    #[error("the same claimant is being filed by another request; retry shortly")]
    Busy,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A single-field validation error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict(detail: impl Into<String>) -> ApiError {
        ApiError::Conflict { detail: detail.into(), existing_id: None, existing_reference: None }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation",
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::Conflict { .. } => "conflict",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::TooManyRequests { .. } => "rate-limited",
            ApiError::Unavailable => "unavailable",
            ApiError::Busy => "busy",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        ApiError::Validation(errors)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match error {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(Kind::UniqueViolation, _) => {
                ApiError::conflict("conflicts with an existing record")
            }
            Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => {
                ApiError::Unavailable
            }
            other => ApiError::Internal(anyhow::Error::new(other).context("database query")),
        }
    }
}

/// The answer to each use-case outcome: every status, problem type and detail is decided here.
impl From<usecases::Error> for ApiError {
    fn from(error: usecases::Error) -> Self {
        match error {
            usecases::Error::Invalid(errors) => ApiError::Validation(errors),
            usecases::Error::Unreadable(detail) => ApiError::BadRequest(detail),
            usecases::Error::UnsupportedFormat(detail) => ApiError::UnsupportedMediaType(detail),
            usecases::Error::Forbidden => ApiError::Forbidden,
            usecases::Error::NotFound => ApiError::NotFound,
            usecases::Error::Conflict(conflict) => conflict.into(),
            usecases::Error::Busy => ApiError::Busy,
            usecases::Error::Unavailable => ApiError::Unavailable,
            usecases::Error::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<Conflict> for ApiError {
    fn from(Conflict { kind, detail }: Conflict) -> Self {
        let (existing_id, existing_reference) = match kind {
            ConflictKind::DuplicateClaim { existing: Some(claim) } => (Some(claim.id), Some(claim.reference)),
            ConflictKind::ExternalRefUsed { existing_id }
            | ConflictKind::OverlappingWindow { existing_id } => (Some(existing_id), None),
            ConflictKind::DuplicateClaim { existing: None }
            | ConflictKind::SameApprover { .. }
            | ConflictKind::SameReviewer
            | ConflictKind::WrongStatus { .. }
            | ConflictKind::Stale
            | ConflictKind::DeadlinePassed
            | ConflictKind::Existing => (None, None),
        };
        ApiError::Conflict { detail, existing_id, existing_reference }
    }
}

impl From<CommitFailure> for ApiError {
    fn from(failure: CommitFailure) -> Self {
        usecases::Error::from(failure).into()
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(error: r2d2::Error) -> Self {
        tracing::warn!(%error, "no database connection");
        ApiError::Unavailable
    }
}

/// The problem document of RFC 9457, with this API's extensions.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// On a duplicate: the id of the record that already exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
    /// On a duplicate claim: the reference of the claim that already exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_reference: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, detail: String) -> Problem {
        Problem {
            type_: format!("/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors: None,
            existing_id: None,
            existing_reference: None,
        }
    }

    pub fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        HttpResponse::build(status).content_type(PROBLEM_JSON).json(self)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable | ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            // The cause goes to the log only: clients get an opaque answer.
            tracing::error!(error = ?cause, "internal error");
        }
        let mut problem = Problem::new(self.status_code(), self.slug(), self.to_string());
        match self {
            ApiError::Validation(errors) => problem.errors = Some(errors.clone()),
            ApiError::Conflict { existing_id, existing_reference, .. } => {
                problem.existing_id.clone_from(existing_id);
                problem.existing_reference.clone_from(existing_reference);
            }
            _ => {}
        }
        let mut response = problem.response();
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyRequests { retry_after } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Unavailable => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            ApiError::Busy => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

/// Turns every error answer that is not yet problem+json (unknown routes, wrong methods,
/// framework rejections) into one, so clients parse a single error shape.
pub fn problem_for_framework_errors<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if already {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = match status {
        StatusCode::NOT_FOUND => "no such resource".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => format!("{} is not allowed here", res.request().method()),
        other => other.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let slug = match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        _ if status.is_server_error() => "internal",
        _ => "bad-request",
    };
    let problem: HttpResponse<BoxBody> = Problem::new(status, slug, detail).response();
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, problem).map_into_right_body()))
}
