//! Authorization by operation: every operation of the registry (`crate::routes::operations`)
//! declares its [`Access`], and [`guard`] checks it before the handler runs, so a handler
//! never states who may call it. The handler then takes the caller from [`Authenticated`] (a
//! valid bearer token was required) or [`MaybeAuthenticated`] (a token was optional).
//!
//! A status token (a claimant token scoped to one claim, docs/contract.md §1) is accepted only where the
//! operation says so ([`Access::RolesOrStatusToken`]); anywhere else it is 403, so a new
//! operation is closed to it until someone decides otherwise.

use std::future::{ready, Ready};

use actix_web::body::BoxBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::state::AppState;
use super::ApiError;
use crate::domain::role::{Actor, Role};

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed, and none is looked at.
    Public,
    /// No token needed; a token that is sent must be valid, not a status token, and have one
    /// of these roles.
    PublicOr(&'static [Role]),
    /// A bearer token with one of these roles; status tokens are refused.
    Roles(&'static [Role]),
    /// A bearer token with one of these roles, or a status token (whose own claim the use
    /// case then checks).
    RolesOrStatusToken(&'static [Role]),
}

/// Who is calling, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// A role token.
    Role(Role),
    /// A status token.
    StatusToken,
}

impl Caller {
    fn of(actor: Option<&Actor>) -> Caller {
        match actor {
            None => Caller::Anonymous,
            Some(actor) if actor.claim_scope.is_some() => Caller::StatusToken,
            Some(actor) => Caller::Role(actor.role),
        }
    }
}

impl Access {
    /// Whether this caller may call the operation at all.
    pub fn admits(self, caller: Caller) -> bool {
        match (self, caller) {
            (Access::Public, _) | (Access::PublicOr(_), Caller::Anonymous) => true,
            (_, Caller::Anonymous) => false,
            (Access::RolesOrStatusToken(_), Caller::StatusToken) => true,
            (_, Caller::StatusToken) => false,
            (
                Access::PublicOr(roles) | Access::Roles(roles) | Access::RolesOrStatusToken(roles),
                Caller::Role(role),
            ) => roles.contains(&role),
        }
    }

    /// The roles a role token needs: `None` for [`Access::Public`].
    pub fn roles(self) -> Option<&'static [Role]> {
        match self {
            Access::Public => None,
            Access::PublicOr(roles) | Access::Roles(roles) | Access::RolesOrStatusToken(roles) => Some(roles),
        }
    }

    /// Whether a bearer token is required.
    pub fn needs_token(self) -> bool {
        matches!(self, Access::Roles(_) | Access::RolesOrStatusToken(_))
    }

    /// The caller, when `access` admits it: 401 without a (valid) token where one is needed,
    /// 403 for a caller the operation does not admit.
    fn check(self, req: &HttpRequest) -> Result<Option<Actor>, ApiError> {
        if self == Access::Public {
            return Ok(None);
        }
        let actor = bearer(req)?;
        if actor.is_none() && self.needs_token() {
            return Err(ApiError::Unauthorized("a bearer token is required".into()));
        }
        if self.admits(Caller::of(actor.as_ref())) {
            Ok(actor)
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The caller [`guard`] admitted, kept in the request's extensions for the extractors.
#[derive(Debug, Clone)]
struct Admitted(Option<Actor>);

/// Middleware of one operation: checks `access` before the handler (and its extractors) run.
pub async fn guard(
    access: Access,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match access.check(req.request()) {
        Ok(actor) => {
            req.extensions_mut().insert(Admitted(actor));
            next.call(req).await
        }
        Err(error) => Ok(req.error_response(error)),
    }
}

/// The caller of an operation that requires a token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor);

/// The caller of an operation where a token is optional.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Actor>);

/// What [`guard`] admitted; an operation registered without it is a programming error.
fn admitted(req: &HttpRequest) -> Result<Option<Actor>, ApiError> {
    req.extensions().get::<Admitted>().map(|a| a.0.clone()).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!("{} {} has no access guard", req.method(), req.path()))
    })
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
    state.keys.verify(token).map(Some).map_err(ApiError::Unauthorized)
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(admitted(req).and_then(|actor| {
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
        ready(admitted(req).map(MaybeAuthenticated))
    }
}

#[cfg(test)]
mod tests {
    use super::{bearer_token, Access, Caller};
    use crate::domain::role::Role;

    #[test]
    fn a_status_token_is_admitted_only_where_the_access_says_so() {
        const CLAIMANTS: &[Role] = &[Role::Partner, Role::Claimant];
        assert!(Access::RolesOrStatusToken(CLAIMANTS).admits(Caller::StatusToken));
        assert!(!Access::Roles(CLAIMANTS).admits(Caller::StatusToken));
        assert!(!Access::PublicOr(CLAIMANTS).admits(Caller::StatusToken));
        assert!(Access::Public.admits(Caller::StatusToken));
    }

    #[test]
    fn roles_outside_the_list_and_anonymous_callers_are_refused_where_a_token_is_needed() {
        const FINANCE: &[Role] = &[Role::Finance];
        assert!(Access::Roles(FINANCE).admits(Caller::Role(Role::Finance)));
        assert!(!Access::Roles(FINANCE).admits(Caller::Role(Role::Admin)));
        assert!(!Access::Roles(FINANCE).admits(Caller::Anonymous));
        assert!(Access::PublicOr(FINANCE).admits(Caller::Anonymous));
        assert!(!Access::PublicOr(FINANCE).admits(Caller::Role(Role::Partner)));
    }

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
