//! What every handler shares, and the bridge from async handlers to synchronous diesel work.

use actix_web::web;

use super::rate_limit::RateLimiter;
use super::ApiError;
use crate::auth::JwtKeys;
use crate::config::Config;
use crate::db::context::WriteContext;
use crate::db::group_commit::GroupCommit;
use crate::db::{self, DbConnection, Pool};
use crate::usecases;

pub struct AppState {
    pub config: Config,
    pub pool: Pool,
    pub keys: JwtKeys,
    /// The writer that batches hot-path writes (claim filing) into shared transactions.
    pub group: GroupCommit,
    pub public_filing_limit: RateLimiter,
    /// Public lookups: notice codes and status-link requests.
    pub public_lookup_limit: RateLimiter,
    pub metrics: super::metrics::Metrics,
}

impl AppState {
    /// Runs the use case `f` in one write transaction on a blocking thread (never across an
    /// `.await`). `f` records its audit events on the [`WriteContext`], which appends them just
    /// before the commit.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, &mut WriteContext) -> Result<T, usecases::Error> + Send + 'static,
    {
        Ok(self.write_outcome(f).await?)
    }

    /// [`AppState::write`] for a caller that decides on the use case's own error (a page that
    /// turns a refusal into a notice).
    pub async fn write_outcome<T, F>(&self, f: F) -> Result<T, usecases::Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection, &mut WriteContext) -> Result<T, usecases::Error> + Send + 'static,
    {
        self.on_blocking_thread(move |pool| db::write_tx_with_context(&mut *pool.get()?, f)).await
    }

    /// Runs `f` in one read transaction on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, usecases::Error> + Send + 'static,
    {
        Ok(self.on_blocking_thread(move |pool| db::read_tx(&mut *pool.get()?, f)).await?)
    }

    /// Runs `f` on a blocking thread with the pool, for work that manages its own transactions
    /// (a bulk upload commits chunk by chunk).
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Pool) -> Result<T, usecases::Error> + Send + 'static,
    {
        Ok(self.on_blocking_thread(f).await?)
    }

    /// Log lines keep the request's span.
    async fn on_blocking_thread<T, F>(&self, f: F) -> Result<T, usecases::Error>
    where
        T: Send + 'static,
        F: FnOnce(&Pool) -> Result<T, usecases::Error> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _request = span.enter();
            f(&pool)
        })
        .await
        .map_err(|e| usecases::Error::internal(format!("blocking task failed: {e}")))?
    }
}
