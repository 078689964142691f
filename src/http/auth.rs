//! Authentication extractors: `Authenticated` requires a valid bearer token; `MaybeAuthenticated`
//! is for public endpoints, where a token is optional but, when sent, must be valid.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use super::state::AppState;
use super::ApiError;
use crate::domain::role::{Actor, Role};

#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor);

#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Actor>);

impl Authenticated {
    /// Function-level authorization: 403 when the role may not call this at all.
    pub fn require(self, roles: &[Role]) -> Result<Actor, ApiError> {
        if self.0.is(roles) {
            Ok(self.0)
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

fn bearer(req: &HttpRequest) -> Result<Option<Actor>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ApiError::Unauthorized("malformed Authorization header".into()))?;
    let token = text
        .strip_prefix("Bearer ")
        .or_else(|| text.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::Unauthorized("expected Authorization: Bearer <token>".into()))?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")))?;
    state.keys.verify(token).map(Some).map_err(ApiError::Unauthorized)
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(bearer(req).and_then(|actor| {
            actor
                .map(Authenticated)
                .ok_or_else(|| ApiError::Unauthorized("a bearer token is required".into()))
        }))
    }
}

impl FromRequest for MaybeAuthenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(bearer(req).map(MaybeAuthenticated))
    }
}
