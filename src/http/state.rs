//! What every handler shares, and the bridge from async handlers to synchronous diesel work.

use actix_web::web;

use super::rate_limit::RateLimiter;
use super::ApiError;
use crate::auth::JwtKeys;
use crate::config::Config;
use crate::db::group_commit::GroupCommit;
use crate::db::{self, DbConnection, Pool};

pub struct AppState {
    pub config: Config,
    pub pool: Pool,
    pub keys: JwtKeys,
    /// The writer that batches hot-path writes (claim filing) into shared transactions.
    pub group: GroupCommit,
    pub public_filing_limit: RateLimiter,
    pub metrics: super::metrics::Metrics,
}

impl AppState {
    /// Runs `f` in one write transaction on a blocking thread (never across an `.await`).
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        self.run(move |conn| db::write_tx(conn, f)).await
    }

    /// Runs `f` in one read transaction on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        self.run(move |conn| db::read_tx(conn, f)).await
    }

    async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        self.blocking(move |pool| f(&mut *pool.get()?)).await
    }

    /// Runs `f` on a blocking thread with the pool, for work that manages its own transactions
    /// (a bulk upload commits chunk by chunk). Log lines keep the request's span.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Pool) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _request = span.enter();
            f(&pool)
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }
}
