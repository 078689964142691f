//! The finance page's session: the finance token itself, kept in an `HttpOnly`,
//! `SameSite=Strict` cookie scoped to `/finance`, and verified on every request with the same
//! [`JwtKeys::verify`] the API uses, so the page can never accept a token the API would refuse.
//!
//! Forms are protected from cross-site requests twice: the cookie is never sent cross-site
//! (`SameSite=Strict`), and every POST must carry an `Origin` (or `Referer`) naming this host.

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::auth::JwtKeys;
use crate::domain::role::{Actor, Role};
use crate::http::ApiError;

pub const COOKIE: &str = "oc_finance";

/// Why a sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Invalid,
    NotFinance,
}

/// The token of the session cookie, if the request carries one.
fn cookie(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim_matches('"').to_owned())
}

/// Whether the request carries a session cookie at all (valid or not).
pub fn has_cookie(req: &HttpRequest) -> bool {
    cookie(req).is_some()
}

/// Verifies a token for the finance page: the API's check, then the role.
pub fn verify(keys: &JwtKeys, token: &str) -> Result<Actor, Refusal> {
    let actor = keys.verify(token).map_err(|_| Refusal::Invalid)?;
    if actor.role == Role::Finance {
        Ok(actor)
    } else {
        Err(Refusal::NotFinance)
    }
}

/// The finance user signed in on this request, if any.
pub fn actor(req: &HttpRequest, keys: &JwtKeys) -> Option<Actor> {
    cookie(req).and_then(|token| verify(keys, &token).ok())
}

/// Seconds until a token verified just before expires (capped, see [`MAX_SESSION_SECONDS`]). Read from the already verified payload
/// (only `exp`, which [`JwtKeys::verify`] checked), so the cookie dies with the token.
pub fn remaining_seconds(token: &str, now: i64) -> Option<i64> {
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    let exp = serde_json::from_slice::<serde_json::Value>(&payload).ok()?.get("exp")?.as_i64()?;
    Some(exp.saturating_sub(now).min(MAX_SESSION_SECONDS)).filter(|left| *left > 0)
}

/// A signed-in browser is a session, not a key: at most a working day, whatever the token's
/// own lifetime.
const MAX_SESSION_SECONDS: i64 = 8 * 3600;

/// The `Set-Cookie` value holding `token` for `max_age` seconds; `Secure` on https only, so the
/// page also works on a plain-http development server.
pub fn set_cookie(token: &str, max_age: i64, https: bool) -> Option<HeaderValue> {
    let secure = if https { "; Secure" } else { "" };
    let value =
        format!("{COOKIE}={token}; Path=/finance; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&value).ok()
}

/// The `Set-Cookie` value that removes the session.
pub fn clear_cookie(https: bool) -> Option<HeaderValue> {
    set_cookie("", 0, https)
}

/// Whether the request came over https (directly or, by the proxy's word, before it).
pub fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

/// 403 unless the POST names this host in `Origin`, or failing that in `Referer`.
pub fn same_origin(req: &HttpRequest) -> Result<(), ApiError> {
    let headers = req.headers();
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Forbidden)?;
    let info = req.connection_info();
    if authority(source).is_some_and(|a| a.eq_ignore_ascii_case(info.host())) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// `host[:port]` of an http(s) URL or origin; `None` for `null` and anything else.
fn authority(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty() && !a.contains('@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_come_from_http_origins_only() {
        assert_eq!(authority("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(authority("https://claims.example/finance?x=1"), Some("claims.example"));
        assert_eq!(authority("null"), None);
        assert_eq!(authority("https://user@evil.example"), None);
        assert_eq!(authority("ftp://claims.example"), None);
    }

    #[test]
    fn the_cookie_is_strict_and_http_only() {
        let value = set_cookie("a.b.c", 60, false).unwrap();
        assert_eq!(value, "oc_finance=a.b.c; Path=/finance; Max-Age=60; HttpOnly; SameSite=Strict");
        assert!(clear_cookie(true)
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("Max-Age=0; HttpOnly; SameSite=Strict; Secure"));
    }

    #[test]
    fn the_lifetime_is_read_from_exp() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"exp":1000}"#);
        assert_eq!(remaining_seconds(&format!("h.{payload}.s"), 400), Some(600));
        assert_eq!(remaining_seconds(&format!("h.{payload}.s"), 1000), None);
        assert_eq!(remaining_seconds("garbage", 0), None);
    }
}
