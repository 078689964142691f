//! The finance page's session, kept on the server: sign-in verifies a finance token with the
//! same [`JwtKeys::verify`] the API uses and stores a session row (random 256-bit id, of which
//! only the SHA-256 is kept; the actor; an expiry at most 8 hours away and never after the
//! token's). The `HttpOnly`, `SameSite=Strict` cookie scoped to `/finance` carries the id, never
//! the token, so signing out (deleting the row) ends the session everywhere: a copied cookie
//! dies with it. Rows live in the shared database, so every instance sees the same sessions.
//!
//! Forms are protected from cross-site requests twice: the cookie is never sent cross-site
//! (`SameSite=Strict`), and every POST must carry an `Origin` (or `Referer`) naming this host.
//! What "this host" and "https" mean is read from `Forwarded`, `X-Forwarded-Host` and
//! `X-Forwarded-Proto` only when the direct peer is one of `TRUSTED_PROXIES`; anyone else could
//! write anything there.

use std::net::IpAddr;

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::auth::JwtKeys;
use crate::db::sessions::{self, SessionRow};
use crate::db::DbConnection;
use crate::domain::role::{Actor, Role};
use crate::domain::time::Timestamp;
use crate::http::state::AppState;
use crate::http::ApiError;

pub const COOKIE: &str = "oc_finance";

/// Why a sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Invalid,
    NotFinance,
}

/// The session id of the cookie, if the request carries one.
fn cookie(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim_matches('"').to_owned())
}

/// What is stored for a session id: its SHA-256, so the table alone opens no session.
fn id_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// A session id as this module makes them: 64 lowercase hex digits (anything else is not one,
/// and is not worth a database read).
fn is_session_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A new session: its id, for the cookie, and how many seconds it lives.
#[derive(Debug)]
pub struct NewSession {
    pub id: String,
    pub max_age: i64,
}

/// Stores a session for `actor`, living `token_left` seconds (the token's remaining life) but at
/// most [`MAX_SESSION_SECONDS`].
pub fn start(
    conn: &mut DbConnection,
    actor: &Actor,
    token_left: i64,
) -> Result<NewSession, crate::usecases::Error> {
    let max_age = token_left.min(MAX_SESSION_SECONDS);
    let id = hex::encode(rand::random::<[u8; 32]>());
    let now = Timestamp::now().as_utc();
    let row = SessionRow {
        id_sha256: id_hash(&id),
        sub: actor.sub.clone(),
        role: actor.role.as_str().to_owned(),
        org: actor.org.clone(),
        expires_at: (now + chrono::Duration::seconds(max_age)).naive_utc(),
        created_at: now.naive_utc(),
    };
    sessions::insert(conn, &row)?;
    Ok(NewSession { id, max_age })
}

/// The finance user signed in on this request, if any: the cookie's session must exist and be
/// alive; a session for any other role is not one.
pub async fn actor(req: &HttpRequest, state: &AppState) -> Result<Option<Actor>, ApiError> {
    let Some(id) = cookie(req).filter(|id| is_session_id(id)) else {
        return Ok(None);
    };
    let hash = id_hash(&id);
    let now = Timestamp::now().to_db();
    let row = state.read(move |conn| Ok(sessions::find_alive(conn, &hash, now)?)).await?;
    Ok(row.and_then(|row| {
        let role = Role::parse(&row.role).filter(|r| *r == Role::Finance)?;
        Some(Actor { sub: row.sub, role, org: row.org, claim_scope: None })
    }))
}

/// Ends the request's session, if it has one: the row goes, so the cookie opens nothing again.
pub async fn end(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    if let Some(id) = cookie(req).filter(|id| is_session_id(id)) {
        let hash = id_hash(&id);
        state.write(move |conn, _context| Ok(sessions::delete(conn, &hash)?)).await?;
    }
    Ok(())
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

/// Seconds until a token verified just before expires (capped, see [`MAX_SESSION_SECONDS`]).
/// Read from the already verified payload (only `exp`, which [`JwtKeys::verify`] checked), so
/// the session dies with the token.
pub fn remaining_seconds(token: &str, now: i64) -> Option<i64> {
    let payload = URL_SAFE_NO_PAD.decode(token.split('.').nth(1)?).ok()?;
    let exp = serde_json::from_slice::<serde_json::Value>(&payload).ok()?.get("exp")?.as_i64()?;
    Some(exp.saturating_sub(now).min(MAX_SESSION_SECONDS)).filter(|left| *left > 0)
}

/// A signed-in browser is a session, not a key: at most a working day, whatever the token's
/// own lifetime.
const MAX_SESSION_SECONDS: i64 = 8 * 3600;

/// The `Set-Cookie` value holding the session `id` for `max_age` seconds; `Secure` on https
/// only, so the page also works on a plain-http development server.
pub fn set_cookie(id: &str, max_age: i64, https: bool) -> Option<HeaderValue> {
    let secure = if https { "; Secure" } else { "" };
    let value = format!("{COOKIE}={id}; Path=/finance; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}");
    HeaderValue::from_str(&value).ok()
}

/// The `Set-Cookie` value that removes the session.
pub fn clear_cookie(https: bool) -> Option<HeaderValue> {
    set_cookie("", 0, https)
}

/// Whether the direct peer is a trusted proxy, whose forwarding headers may be believed.
fn behind_trusted_proxy(req: &HttpRequest, trusted: &[IpAddr]) -> bool {
    req.peer_addr().is_some_and(|peer| trusted.contains(&peer.ip()))
}

/// Whether the request came over https: directly, or, by a trusted proxy's word, before it.
pub fn is_https(req: &HttpRequest, trusted: &[IpAddr]) -> bool {
    if behind_trusted_proxy(req, trusted) {
        req.connection_info().scheme() == "https"
    } else {
        req.app_config().secure()
    }
}

/// The host the browser asked for: a trusted proxy's forwarded host, else the request's own
/// `Host` (or, in HTTP/2, the URI's authority).
fn host(req: &HttpRequest, trusted: &[IpAddr]) -> Option<String> {
    if behind_trusted_proxy(req, trusted) {
        return Some(req.connection_info().host().to_owned());
    }
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .map(str::to_owned)
}

/// 403 unless the POST names this host in `Origin`, or failing that in `Referer`.
pub fn same_origin(req: &HttpRequest, trusted: &[IpAddr]) -> Result<(), ApiError> {
    let headers = req.headers();
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Forbidden)?;
    let host = host(req, trusted).ok_or(ApiError::Forbidden)?;
    if authority(source).is_some_and(|a| a.eq_ignore_ascii_case(&host)) {
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
        let value = set_cookie("abc", 60, false).unwrap();
        assert_eq!(value, "oc_finance=abc; Path=/finance; Max-Age=60; HttpOnly; SameSite=Strict");
        assert!(clear_cookie(true)
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("Max-Age=0; HttpOnly; SameSite=Strict; Secure"));
    }

    #[test]
    fn session_ids_are_64_hex_digits_stored_as_their_sha256() {
        let id = "ab".repeat(32);
        assert!(is_session_id(&id));
        assert!(!is_session_id("eyJhbGciOiJIUzI1NiJ9.e30.x"));
        assert!(!is_session_id(&"AB".repeat(32)));
        assert_ne!(id_hash(&id), id);
        assert_eq!(id_hash(&id).len(), 64);
    }

    #[test]
    fn the_lifetime_is_read_from_exp() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"exp":1000}"#);
        assert_eq!(remaining_seconds(&format!("h.{payload}.s"), 400), Some(600));
        assert_eq!(remaining_seconds(&format!("h.{payload}.s"), 1000), None);
        assert_eq!(remaining_seconds("garbage", 0), None);
    }
}
