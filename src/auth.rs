//! JSON Web Tokens: one function verifies (explicit algorithm allow-list, `exp`, `iss`, `aud`
//! required, leeway at most 60 s; `alg: none` never; no `crit` extensions; a lifetime of at most
//! `JWT_MAX_TTL`; `sub` and `org` free of control characters and surrounding white space), one
//! mints.

use std::time::Duration;

use jsonwebtoken::{decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::role::{Actor, Role};

/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECONDS: u64 = 60;
/// Shortest HS256 key accepted: 256 bits.
pub const MIN_SECRET_BYTES: usize = 32;
/// Longest lifetime of a staff, partner or claimant token unless `JWT_MAX_TTL` says otherwise.
pub const DEFAULT_MAX_TTL: Duration = Duration::from_secs(31 * 86_400);
/// A status token lives at most this long after its incident's claims window closes (docs/contract.md §1).
pub const STATUS_TOKEN_AFTER_CLOSE: Duration = Duration::from_secs(180 * 86_400);

/// Keys and rules for tokens, built once at start.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    algorithm: Algorithm,
    issuer: String,
    audience: String,
    max_ttl: Duration,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// The private claims this service reads.
#[derive(Debug, Serialize, Deserialize)]
struct TokenClaims {
    sub: String,
    role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    org: Option<String>,
    /// Status tokens: the one claim they may read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claim_id: Option<String>,
    #[serde(default)]
    exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(default)]
    iss: String,
    #[serde(default)]
    aud: serde_json::Value,
}

/// What a token is minted for.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    pub role: Role,
    pub sub: &'a str,
    pub org: Option<&'a str>,
    pub claim_id: Option<&'a str>,
    pub ttl: Duration,
}

impl JwtKeys {
    /// `algorithms` is the allow-list (HMAC only, since the key is a shared secret); the first
    /// one signs minted tokens.
    pub fn new(
        secret: &[u8],
        issuer: &str,
        audience: &str,
        algorithms: &[Algorithm],
    ) -> anyhow::Result<JwtKeys> {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "the JWT secret must be at least {MIN_SECRET_BYTES} bytes"
        );
        anyhow::ensure!(!algorithms.is_empty(), "at least one JWT algorithm must be allowed");
        for alg in algorithms {
            anyhow::ensure!(
                matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512),
                "JWT algorithm {alg:?} needs a public key; only HS256, HS384 and HS512 are supported"
            );
        }
        let mut validation = Validation::new(algorithms[0]);
        validation.algorithms = algorithms.to_vec();
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            algorithm: algorithms[0],
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            max_ttl: DEFAULT_MAX_TTL,
        })
    }

    /// The same keys with another longest lifetime (`JWT_MAX_TTL`) for non-status tokens.
    pub fn with_max_ttl(mut self, max_ttl: Duration) -> JwtKeys {
        self.max_ttl = max_ttl;
        self
    }

    /// The longest lifetime a staff, partner or claimant token may have.
    pub fn max_ttl(&self) -> Duration {
        self.max_ttl
    }

    /// Verifies a token and returns who it names, or why it is refused.
    pub fn verify(&self, token: &str) -> Result<Actor, String> {
        // RFC 7515 4.1.11: a `crit` header names extensions the recipient must understand; this
        // service understands none, so any `crit` at all means the token cannot be trusted.
        let header = decode_header(token).map_err(|e| format!("invalid token: {e}"))?;
        if header.crit.is_some() {
            return Err("invalid token: critical header extensions are not supported".into());
        }
        let data = decode::<TokenClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| format!("invalid token: {e}"))?;
        let claims = data.claims;
        let role = Role::parse(&claims.role).ok_or("invalid token: unknown role")?;
        if claims.sub.is_empty() || claims.sub.len() > 200 {
            return Err("invalid token: sub must be 1 to 200 characters".into());
        }
        // Four eyes and ownership compare names: a name that differs from another only by
        // invisible characters would pass for a second person (and NUL breaks PostgreSQL text).
        if !is_clean_name(&claims.sub) {
            return Err("invalid token: sub has control characters or surrounding white space".into());
        }
        if claims.org.as_deref().is_some_and(|o| !o.is_empty() && !is_clean_name(o)) {
            return Err("invalid token: org has control characters or surrounding white space".into());
        }
        let org = claims.org.filter(|o| !o.is_empty());
        if role == Role::Partner && org.is_none() {
            return Err("invalid token: a partner token needs org".into());
        }
        // Status tokens are bounded by their incident's claims window when minted (see
        // `mint_status_token_until`); every other token by `JWT_MAX_TTL`.
        if claims.claim_id.is_none() {
            let start = claims.iat.unwrap_or_else(|| chrono::Utc::now().timestamp());
            let lifetime = claims.exp.saturating_sub(start);
            if lifetime > i64::try_from(self.max_ttl.as_secs()).unwrap_or(i64::MAX) {
                return Err("invalid token: its lifetime exceeds JWT_MAX_TTL".into());
            }
        }
        Ok(Actor { sub: claims.sub, role, org, claim_scope: claims.claim_id })
    }

    /// Mints a signed token; a staff, partner or claimant token never outlives `JWT_MAX_TTL`.
    pub fn mint(&self, request: &TokenRequest<'_>) -> anyhow::Result<String> {
        anyhow::ensure!(
            request.claim_id.is_some() || request.ttl <= self.max_ttl,
            "a token lives at most JWT_MAX_TTL ({} s)",
            self.max_ttl.as_secs()
        );
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(request.ttl.as_secs()).unwrap_or(i64::MAX / 2);
        self.sign(request, now, now.saturating_add(ttl))
    }

    fn sign(&self, request: &TokenRequest<'_>, now: i64, exp: i64) -> anyhow::Result<String> {
        let claims = TokenClaims {
            sub: request.sub.to_owned(),
            role: request.role.as_str().to_owned(),
            org: request.org.map(str::to_owned),
            claim_id: request.claim_id.map(str::to_owned),
            exp,
            iat: Some(now),
            iss: self.issuer.clone(),
            aud: self.audience.clone().into(),
        };
        Ok(encode(&Header::new(self.algorithm), &claims, &self.encoding)?)
    }

    /// The token a public filer gets with their claim: it reads that one claim and nothing else.
    /// Without the incident at hand it lives 180 days from now, which is within the SPEC's bound
    /// whenever it is minted inside the claims window; prefer [`JwtKeys::mint_status_token_until`].
    pub fn mint_status_token(&self, claim_id: &str) -> anyhow::Result<String> {
        self.mint_status_token_until(claim_id, chrono::Utc::now().timestamp())
    }

    /// A status token for `claim_id` whose incident's claims window closes at
    /// `claims_close_at` (Unix seconds): it expires 180 days after the close, never later
    /// (docs/contract.md §1), and cannot be minted once that moment has passed.
    pub fn mint_status_token_until(&self, claim_id: &str, claims_close_at: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let after = i64::try_from(STATUS_TOKEN_AFTER_CLOSE.as_secs()).unwrap_or(i64::MAX / 2);
        let exp = claims_close_at.saturating_add(after);
        anyhow::ensure!(exp > now, "the claims window closed more than 180 days ago");
        let sub = format!("claim:{claim_id}");
        let request = TokenRequest {
            role: Role::Claimant,
            sub: &sub,
            org: None,
            claim_id: Some(claim_id),
            ttl: STATUS_TOKEN_AFTER_CLOSE,
        };
        self.sign(&request, now, exp)
    }
}

/// No control character (NUL, tab, line breaks: C0 and C1) and no leading or trailing white
/// space, so that two names that look alike to a person are alike to the code too.
fn is_clean_name(name: &str) -> bool {
    name.trim() == name && !name.chars().any(char::is_control)
}

/// Parses a duration such as `90s`, `15m`, `8h`, `7d`.
pub fn parse_ttl(text: &str) -> anyhow::Result<Duration> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 =
        number.parse().map_err(|_| anyhow::anyhow!("invalid duration {text:?}: use e.g. 8h"))?;
    let seconds = match unit {
        "s" | "" => number,
        "m" => number * 60,
        "h" => number * 3600,
        "d" => number * 86_400,
        _ => anyhow::bail!("invalid duration unit in {text:?}: use s, m, h or d"),
    };
    anyhow::ensure!(seconds > 0 && seconds <= 366 * 86_400, "a token lives 1 s to 366 days");
    Ok(Duration::from_secs(seconds))
}

/// Parses an allow-list such as `HS256,HS512`.
pub fn parse_algorithms(text: &str) -> anyhow::Result<Vec<Algorithm>> {
    text.split(',')
        .map(|a| a.trim().parse::<Algorithm>().map_err(|_| anyhow::anyhow!("unknown JWT algorithm {a:?}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn keys() -> JwtKeys {
        JwtKeys::new(SECRET, "outage-claims", "outage-claims", &[Algorithm::HS256]).unwrap()
    }

    fn request(role: Role) -> TokenRequest<'static> {
        TokenRequest { role, sub: "alice", org: None, claim_id: None, ttl: Duration::from_secs(60) }
    }

    #[test]
    fn a_minted_token_verifies() {
        let token = keys().mint(&request(Role::Finance)).unwrap();
        let actor = keys().verify(&token).unwrap();
        assert_eq!((actor.sub.as_str(), actor.role), ("alice", Role::Finance));
    }

    #[test]
    fn short_secrets_and_public_key_algorithms_are_refused() {
        assert!(JwtKeys::new(b"short", "i", "a", &[Algorithm::HS256]).is_err());
        assert!(JwtKeys::new(SECRET, "i", "a", &[Algorithm::RS256]).is_err());
        assert!(parse_algorithms("none").is_err());
    }

    #[test]
    fn partner_tokens_need_an_org() {
        let token = keys().mint(&request(Role::Partner)).unwrap();
        assert!(keys().verify(&token).is_err());
    }

    #[test]
    fn ttls_parse() {
        assert_eq!(parse_ttl("8h").unwrap(), Duration::from_secs(8 * 3600));
        assert_eq!(parse_ttl("90s").unwrap(), Duration::from_secs(90));
        assert!(parse_ttl("8x").is_err());
        assert!(parse_ttl("0h").is_err());
    }
}
