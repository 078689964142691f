//! Builds the application from its configuration and runs it on a given listener, so tests can
//! bind port 0 and get a fresh server each.

use std::net::TcpListener;
use std::time::Instant;

use actix_web::dev::{Server, Service};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::ErrorHandlers;
use actix_web::{web, App, HttpMessage, HttpServer};
use anyhow::Context;
use tracing::Instrument;

use crate::config::Config;
use crate::db;
use crate::db::group_commit::GroupCommit;
use crate::http::error::problem_for_framework_errors;
use crate::http::rate_limit::RateLimiter;
use crate::http::state::AppState;

const REQUEST_ID: &str = "x-request-id";

/// A request's id, for handlers and logs.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Migrates the database and prepares the server (not yet running).
    pub fn build(config: Config, listener: TcpListener) -> anyhow::Result<Application> {
        let keys = config.jwt_keys(true)?;
        let pool = db::pool(&config.database_url, config.pool_size);
        {
            let mut conn = pool.get().context("connecting to the database")?;
            db::run_migrations(&mut conn)?;
        }
        let port = listener.local_addr()?.port();
        let workers = config.http_workers;
        let group = GroupCommit::start(pool.clone())?;
        let public_filing_limit = RateLimiter::per_minute(config.public_filing_per_minute);
        let metrics = Default::default();
        let public_lookup_limit = RateLimiter::per_minute(config.public_filing_per_minute);
        let state = web::Data::new(AppState {
            config,
            pool,
            keys,
            group,
            public_filing_limit,
            public_lookup_limit,
            metrics,
        });
        spawn_idempotency_purge(state.clone());
        crate::notify::spawn(state.clone())?;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(ErrorHandlers::new().default_handler(problem_for_framework_errors))
                .wrap_fn(|req, srv| {
                    // Every request gets an id (the caller's, when it sends a sane one), echoed in
                    // the answer and carried by its log line.
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
                        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
                    req.extensions_mut().insert(RequestId(id.clone()));
                    let (method, path, started) =
                        (req.method().clone(), req.path().to_owned(), Instant::now());
                    // Every log line written while serving the request, on this thread or on a
                    // blocking one (see `AppState::run`), carries the id through this span.
                    let span = tracing::info_span!("request", request_id = %id);
                    let response = span.in_scope(|| srv.call(req));
                    async move {
                        let mut response = response.await?;
                        if let Some(state) = response.request().app_data::<web::Data<AppState>>() {
                            let route =
                                response.request().match_pattern().unwrap_or_else(|| "unmatched".into());
                            state.metrics.observe_request(
                                method.as_str(),
                                &route,
                                response.status().as_u16(),
                                started.elapsed(),
                            );
                        }
                        tracing::info!(
                            %method,
                            %path,
                            status = response.status().as_u16(),
                            micros = started.elapsed().as_micros() as u64,
                            "request"
                        );
                        if let Ok(value) = HeaderValue::from_str(&id) {
                            response.headers_mut().insert(HeaderName::from_static(REQUEST_ID), value);
                        }
                        // Answers may carry full account numbers, documents or payment files
                        // (docs/contract.md §7): unless a handler chose a policy (pages, assets), nothing is
                        // stored by a browser or proxy cache.
                        if !response.headers().contains_key(header::CACHE_CONTROL) {
                            response
                                .headers_mut()
                                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                        }
                        Ok(response)
                    }
                    .instrument(span)
                })
                .configure(crate::routes::configure)
        });
        let server = match workers {
            Some(n) => server.workers(n),
            None => server,
        };
        let server = server.listen(listener)?.shutdown_timeout(30).run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop (SIGINT/SIGTERM drain in-flight requests).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Forgets expired idempotency answers and ended staff sessions now and every hour.
fn spawn_idempotency_purge(state: web::Data<AppState>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match state.write(|conn, _context| crate::usecases::idempotency::purge_expired(conn)).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired idempotency keys removed"),
                Err(error) => tracing::warn!(%error, "could not purge idempotency keys"),
            }
            let now = crate::domain::time::Timestamp::now().to_db();
            match state.write(move |conn, _context| Ok(crate::db::sessions::purge_expired(conn, now)?)).await
            {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "ended staff sessions removed"),
                Err(error) => tracing::warn!(%error, "could not purge staff sessions"),
            }
        }
    });
}
