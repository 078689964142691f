//! Configuration, from the environment (flags of `serve` may override some).
//!
//! - `DATABASE_URL`: a SQLite file (default `outage-claims.db` in the working directory) or a
//!   `postgres://` URL.
//! - `BIND_ADDR`: where `serve` listens (default `127.0.0.1:8080`).
//! - `JWT_SECRET`: HS256 key, at least 32 bytes. When unset, `serve` creates a random one in a
//!   0600 file beside the SQLite database (`<database>.jwt-secret`; for PostgreSQL
//!   `outage-claims.jwt-secret` in the working directory) and `token` reads it from there.
//! - `JWT_SECRET_FILE`: read the key from this file instead.
//! - `JWT_ISSUER`, `JWT_AUDIENCE`: required `iss` and `aud` (both default `outage-claims`).
//! - `JWT_ALGORITHMS`: allow-list, comma separated (default `HS256`; HS384 and HS512 allowed).
//! - `JWT_MAX_TTL`: longest lifetime of a staff, partner or claimant token, e.g. `31d` (the
//!   default), `8h`; longer tokens are refused and `token --ttl` will not mint them. Status
//!   tokens are bounded by their incident instead (180 days after its claims window closes).
//! - `JSON_BODY_LIMIT`, `BULK_BODY_LIMIT`: body limits in bytes (default 1 MiB and 64 MiB).
//! - `DB_POOL_SIZE`: database connections per instance (default 16).
//! - `PUBLIC_FILING`: `on` (default) or `off`: whether `POST /api/v1/claims` works without a token.
//! - `PUBLIC_FILING_PER_MINUTE`: public filings allowed per client address and minute (default 30).
//! - `TRUSTED_PROXIES`: comma-separated addresses of load balancers whose `X-Forwarded-For`
//!   names the client (default none: the direct peer is the client), and whose `Forwarded`,
//!   `X-Forwarded-Host` and `X-Forwarded-Proto` the finance page believes.
//! - `HTTP_WORKERS`: worker threads (default: one per core).
//! - `LOG_FORMAT`: `text` (default) or `json`; `RUST_LOG` sets the level (default `info`).
//! - Integrity screening (docs/contract.md §4): `SIGNAL_VELOCITY_MINUTES` (window, default 10),
//!   `SIGNAL_VELOCITY_PER_CLIENT` (filings from one address or claimant in it, default 10),
//!   `SIGNAL_VELOCITY_PER_PARTNER` (a partner's API filings in it, default 500),
//!   `SIGNAL_OUTLIER_FACTOR` (times the peers' median, default 20) and
//!   `SIGNAL_OUTLIER_MIN_PEERS` (peers needed to judge, default 30).
//! - Notices to claimants (docs/contract.md, notices): `SMTP_URL` (`smtp://host:port` in
//!   plain text, `smtp://host?tls=required` for STARTTLS, `smtps://host` for TLS; user and
//!   password in the URL), `MAIL_FROM` (default `outage-claims <noreply@localhost>`),
//!   `NOTIFY_WEBHOOK_URL` (JSON posted for an SMS or messenger gateway), `PUBLIC_BASE_URL` (the
//!   start of links in notices, default `http://` + `BIND_ADDR`), `NOTIFY_RETRY_SECONDS` (the
//!   first wait after a failed attempt, doubling to six hours; default 30),
//!   `NOTIFY_POLL_MILLIS` (how often the sender and the deadline jobs look; default 1000) and
//!   `CURE_REMINDER_DAYS` (a reminder this many days before a cure deadline; default 3) and
//!   `DEADLINE_JOBS_SECONDS` (how often reminders are queued and lapsed deficiencies
//!   rejected; default 60).

use std::path::PathBuf;

use anyhow::Context;
use jsonwebtoken::Algorithm;

use crate::auth::{parse_algorithms, parse_ttl, JwtKeys, DEFAULT_MAX_TTL};
use crate::db::DatabaseUrl;
use crate::domain::signals::Thresholds;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind_addr: String,
    pub jwt_secret: Option<Vec<u8>>,
    pub jwt_secret_file: Option<PathBuf>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub jwt_algorithms: Vec<Algorithm>,
    pub jwt_max_ttl: std::time::Duration,
    pub json_limit: usize,
    pub bulk_limit: usize,
    pub pool_size: u32,
    pub public_filing: bool,
    pub public_filing_per_minute: u32,
    pub log_json: bool,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub http_workers: Option<usize>,
    pub screening: Thresholds,
    pub notices: NoticeConfig,
}

/// Where notices go and how the sender paces itself.
#[derive(Debug, Clone)]
pub struct NoticeConfig {
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub webhook_url: Option<String>,
    pub public_base_url: String,
    pub retry_base: std::time::Duration,
    pub poll: std::time::Duration,
    pub reminder_days: i64,
    pub deadline_jobs_every: std::time::Duration,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        Config::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    /// Builds the configuration from any source of variables (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let number = |key: &str, default: u64| -> anyhow::Result<u64> {
            get(key)
                .map_or(Ok(default), |v| v.parse().with_context(|| format!("{key} must be a whole number")))
        };
        let switch = |key: &str, default: bool| -> anyhow::Result<bool> {
            match get(key).as_deref() {
                None => Ok(default),
                Some("on" | "true" | "1") => Ok(true),
                Some("off" | "false" | "0") => Ok(false),
                Some(other) => anyhow::bail!("{key} must be on or off, got {other:?}"),
            }
        };
        Ok(Config {
            database_url: DatabaseUrl::parse(
                &get("DATABASE_URL").unwrap_or_else(|| "outage-claims.db".into()),
            )?,
            bind_addr: get("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into()),
            jwt_secret: get("JWT_SECRET").map(String::into_bytes),
            jwt_secret_file: get("JWT_SECRET_FILE").map(PathBuf::from),
            jwt_issuer: get("JWT_ISSUER").unwrap_or_else(|| "outage-claims".into()),
            jwt_audience: get("JWT_AUDIENCE").unwrap_or_else(|| "outage-claims".into()),
            jwt_algorithms: parse_algorithms(&get("JWT_ALGORITHMS").unwrap_or_else(|| "HS256".into()))?,
            jwt_max_ttl: get("JWT_MAX_TTL")
                .map(|v| parse_ttl(&v).context("JWT_MAX_TTL"))
                .transpose()?
                .unwrap_or(DEFAULT_MAX_TTL),
            json_limit: usize::try_from(number("JSON_BODY_LIMIT", 1 << 20)?)?,
            bulk_limit: usize::try_from(number("BULK_BODY_LIMIT", 64 << 20)?)?,
            pool_size: u32::try_from(number("DB_POOL_SIZE", 16)?)?.max(2),
            public_filing: switch("PUBLIC_FILING", true)?,
            public_filing_per_minute: u32::try_from(number("PUBLIC_FILING_PER_MINUTE", 30)?)?,
            log_json: match get("LOG_FORMAT").as_deref() {
                None | Some("text") => false,
                Some("json") => true,
                Some(other) => anyhow::bail!("LOG_FORMAT must be text or json, got {other:?}"),
            },
            trusted_proxies: get("TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| a.parse().with_context(|| format!("TRUSTED_PROXIES: {a:?} is not an IP address")))
                .collect::<anyhow::Result<_>>()?,
            http_workers: get("HTTP_WORKERS")
                .map(|_| number("HTTP_WORKERS", 1))
                .transpose()?
                .map(|n| n.max(1) as usize),
            screening: {
                let defaults = Thresholds::default();
                let threshold = |key: &str, default: i64| -> anyhow::Result<i64> {
                    Ok(i64::try_from(number(key, u64::try_from(default)?)?)?.max(1))
                };
                Thresholds {
                    velocity_minutes: threshold("SIGNAL_VELOCITY_MINUTES", defaults.velocity_minutes)?,
                    velocity_per_client: threshold(
                        "SIGNAL_VELOCITY_PER_CLIENT",
                        defaults.velocity_per_client,
                    )?,
                    velocity_per_partner: threshold(
                        "SIGNAL_VELOCITY_PER_PARTNER",
                        defaults.velocity_per_partner,
                    )?,
                    outlier_factor: threshold("SIGNAL_OUTLIER_FACTOR", defaults.outlier_factor)?,
                    outlier_min_peers: threshold("SIGNAL_OUTLIER_MIN_PEERS", defaults.outlier_min_peers)?,
                }
            },
            notices: NoticeConfig {
                smtp_url: get("SMTP_URL"),
                mail_from: get("MAIL_FROM").unwrap_or_else(|| "outage-claims <noreply@localhost>".into()),
                webhook_url: get("NOTIFY_WEBHOOK_URL"),
                public_base_url: get("PUBLIC_BASE_URL")
                    .unwrap_or_else(|| {
                        format!("http://{}", get("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into()))
                    })
                    .trim_end_matches('/')
                    .to_owned(),
                retry_base: std::time::Duration::from_secs(number("NOTIFY_RETRY_SECONDS", 30)?.max(1)),
                poll: std::time::Duration::from_millis(number("NOTIFY_POLL_MILLIS", 1000)?.clamp(50, 60_000)),
                reminder_days: i64::try_from(number("CURE_REMINDER_DAYS", 3)?.clamp(1, 30))?,
                deadline_jobs_every: std::time::Duration::from_secs(
                    number("DEADLINE_JOBS_SECONDS", 60)?.clamp(1, 3600),
                ),
            },
        })
    }

    /// Where the generated secret lives when `JWT_SECRET` is unset.
    pub fn secret_path(&self) -> PathBuf {
        if let Some(file) = &self.jwt_secret_file {
            return file.clone();
        }
        match self.database_url.sqlite_path() {
            Some(path) => PathBuf::from(format!("{path}.jwt-secret")),
            None => PathBuf::from("outage-claims.jwt-secret"),
        }
    }

    /// The token keys: from `JWT_SECRET`, else from the secret file, which `create` makes (0600,
    /// 256 random bits) when it does not exist yet.
    pub fn jwt_keys(&self, create: bool) -> anyhow::Result<JwtKeys> {
        let secret = match &self.jwt_secret {
            Some(secret) => secret.clone(),
            None => read_or_create_secret(&self.secret_path(), create)?,
        };
        Ok(JwtKeys::new(&secret, &self.jwt_issuer, &self.jwt_audience, &self.jwt_algorithms)?
            .with_max_ttl(self.jwt_max_ttl))
    }
}

fn read_or_create_secret(path: &std::path::Path, create: bool) -> anyhow::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) => return Ok(text.trim().as_bytes().to_vec()),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("reading the JWT secret from {}", path.display()));
        }
        Err(_) if !create => {
            anyhow::bail!("no JWT secret: set JWT_SECRET, or run `serve` once to create {}", path.display())
        }
        Err(_) => {}
    }
    let secret = hex::encode(rand::random::<[u8; 32]>());
    write_private(path, &secret)
        .with_context(|| format!("creating the JWT secret file {}", path.display()))?;
    tracing::info!(path = %path.display(), "created a new JWT secret");
    Ok(secret.into_bytes())
}

/// Creates a file readable by its owner only; never overwrites one that exists.
fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()
}
