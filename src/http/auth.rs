//! Authentication extractors: `Authenticated` requires a valid bearer token; `MaybeAuthenticated`
//! is for public endpoints, where a token is optional but, when sent, must be valid.
//!
//! A status token (a claimant token scoped to one claim, SPEC 3) is accepted only on the routes
//! of [`STATUS_TOKEN_ROUTES`]; anywhere else it is 403, whatever the route's own rules would say,
//! so a new endpoint is closed to it until someone decides otherwise.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::{header, Method};
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

/// What a status token may do: read its claim (and timeline, documents), answer a deficiency,
/// amend, appeal, change the payout account and withdraw (SPEC 3). Patterns as actix matched
/// them; GET also covers HEAD. Reading another claim is then the use cases' 404.
pub const STATUS_TOKEN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/claims/{id}"),
    ("GET", "/api/v1/claims/{id}/timeline"),
    ("GET", "/api/v1/claims/{id}/documents"),
    ("GET", "/api/v1/claims/{id}/documents/{doc_id}"),
    ("POST", "/api/v1/claims/{id}/documents"),
    ("POST", "/api/v1/claims/{id}/amend"),
    ("POST", "/api/v1/claims/{id}/appeal"),
    ("POST", "/api/v1/claims/{id}/payout-account"),
    ("POST", "/api/v1/claims/{id}/withdraw"),
];

/// Whether a status token may be used for this request at all.
fn status_token_may(req: &HttpRequest) -> bool {
    let method = if req.method() == Method::HEAD { "GET" } else { req.method().as_str() };
    req.match_pattern()
        .is_some_and(|pattern| STATUS_TOKEN_ROUTES.iter().any(|(m, p)| *m == method && *p == pattern))
}

/// The token of an `Authorization` value: the scheme is case-insensitive (RFC 9110 11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    Some(token.trim()).filter(|t| scheme.eq_ignore_ascii_case("bearer") && !t.is_empty())
}

fn bearer(req: &HttpRequest) -> Result<Option<Actor>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ApiError::Unauthorized("malformed Authorization header".into()))?;
    let token = bearer_token(text)
        .ok_or_else(|| ApiError::Unauthorized("expected Authorization: Bearer <token>".into()))?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state is missing")))?;
    let actor = state.keys.verify(token).map_err(ApiError::Unauthorized)?;
    if actor.claim_scope.is_some() && !status_token_may(req) {
        return Err(ApiError::Forbidden);
    }
    Ok(Some(actor))
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

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_bearer_scheme_is_matched_in_any_case() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "bEaReR  abc"] {
            assert_eq!(bearer_token(value), Some("abc"), "{value}");
        }
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }
}
