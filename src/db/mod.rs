//! Storage: one diesel code path over SQLite (embedded default) and PostgreSQL (production).
//!
//! The backend is chosen from the URL's scheme by [`DatabaseUrl::parse`], not by the derived
//! `MultiConnection::establish` (which tries every backend in turn and hides the real error).

pub mod audit;
pub mod backup;
pub mod batches;
pub mod bulk;
pub mod claims;
pub mod context;
pub mod documents;
pub mod group_commit;
pub mod idempotency;
pub mod incidents;
pub mod notices;
pub mod policies;
pub mod reports;
pub mod schema;
pub mod screening;
pub mod sessions;
pub mod types;
pub mod windows;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs one diesel expression on the concrete connection of either backend: for statements the
/// multi-backend cannot express, such as multi-row inserts.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a SQLite writer waits for the write lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database location, with its backend decided by the scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    /// What the driver is given: the URL for PostgreSQL, the file path for SQLite.
    target: String,
}

impl DatabaseUrl {
    /// `postgres://` or `postgresql://` selects PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a
    /// plain path selects a SQLite file. In-memory SQLite is refused: behind a pool every
    /// connection would see its own empty database.
    pub fn parse(url: &str) -> anyhow::Result<DatabaseUrl> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl { backend: Backend::Postgres, target: url.to_owned() });
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.is_empty() || path.contains(":memory:") || path.contains("mode=memory") {
            anyhow::bail!("DATABASE_URL must name a SQLite file or a postgres:// URL, got {url:?}");
        }
        if path.contains("://") {
            anyhow::bail!(
                "unsupported database URL scheme in {url:?}: use postgres:// or a SQLite file path"
            );
        }
        Ok(DatabaseUrl { backend: Backend::Sqlite, target: path.to_owned() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// What the driver is given: the URL for PostgreSQL, the file path for SQLite.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The SQLite file, for SQLite URLs.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then_some(self.target.as_str())
    }

    /// Opens one connection with the session settings durability depends on.
    pub fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.target)?;
                conn.batch_execute("SET synchronous_commit TO on; SET TIME ZONE 'UTC';")
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Postgres(conn))
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                // WAL + synchronous=FULL: a commit is on disk before it is answered.
                // temp_store=MEMORY keeps the statement journal of savepoints (one per filing
                // in a group commit or bulk chunk) off the disk: it is scratch, not durable state.
                conn.batch_execute(&format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};"))
                    .and_then(|()| enable_wal(&mut conn))
                    .and_then(|()| {
                        conn.batch_execute(
                            "PRAGMA synchronous = FULL;
                             PRAGMA foreign_keys = ON;
                             PRAGMA temp_store = MEMORY;",
                        )
                    })
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Switches the file to WAL. While a file is new (the mode is stored in it), SQLite answers
/// "database is locked" at once, without the busy timeout, when another process opens it at
/// the same moment; instances started together would then fail. So this waits and retries.
fn enable_wal(conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
    let deadline = std::time::Instant::now() + Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS.into());
    loop {
        match conn.batch_execute("PRAGMA journal_mode = WAL;") {
            Err(error) if error.to_string().contains("locked") && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// r2d2 manager that opens connections through [`DatabaseUrl::connect`].
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.url.connect().map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1").map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        // A connection returned mid-transaction (a panic in a closure) must not be reused.
        !matches!(
            <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
                .transaction_depth(),
            Ok(None)
        )
    }
}

/// Builds the pool. Connections are opened lazily: when the database goes away, requests and
/// `/readyz` answer 503 and the pool reconnects once it is back, with no restart. (At start
/// the migrations need the database; `serve` exits when it is unreachable, for the supervisor
/// to retry.)
pub fn pool(url: &DatabaseUrl, size: u32) -> Pool {
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager { url: url.clone() })
}

/// Applies every pending migration of the connection's backend, one process at a time:
/// instances started together would otherwise run the same migration at once, and all but one
/// would fail. PostgreSQL: a session advisory lock (released if the process dies); SQLite: one
/// `BEGIN IMMEDIATE` transaction around the whole run.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let versions = |applied: Vec<diesel::migration::MigrationVersion>| -> Vec<String> {
        applied.into_iter().map(|v| v.to_string()).collect()
    };
    let failed =
        |e: Box<dyn std::error::Error + Send + Sync>| anyhow::anyhow!("running database migrations: {e}");
    let applied = match conn {
        DbConnection::Postgres(pg) => {
            migration_lock(pg, "pg_advisory_lock")?;
            let applied = pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions).map_err(failed);
            let unlocked = migration_lock(pg, "pg_advisory_unlock");
            let applied = applied?;
            unlocked?;
            applied
        }
        DbConnection::Sqlite(lite) => lite.immediate_transaction(|lite| {
            lite.run_pending_migrations(SQLITE_MIGRATIONS).map(versions).map_err(failed)
        })?,
    };
    Ok(applied)
}

/// Takes or releases (`function`) the advisory lock that serializes migrations on PostgreSQL.
fn migration_lock(pg: &mut PgConnection, function: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query(format!("SELECT {function}(hashtextextended($1, 0))"))
        .bind::<diesel::sql_types::Text, _>(MIGRATION_LOCK)
        .execute(pg)
        .map(drop)
}

/// The advisory lock key that serializes migrations on PostgreSQL.
const MIGRATION_LOCK: &str = "outage-claims:migrations";

/// Runs `f` in one write transaction (see [`begin_write`]) with a
/// [`WriteContext`](context::WriteContext), whose audit events are appended to the chain just
/// before the commit; rolled back, events and all, when `f` fails. With the group-commit writer
/// this is the only way to write: there is no transaction helper without a context, so a change
/// cannot be committed while the events recorded for it are left out.
pub fn write_tx_with_context<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection, &mut context::WriteContext) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    begin_write(conn)?;
    let mut context = context::WriteContext::waiting();
    let outcome = f(conn, &mut context).and_then(|value| {
        context.flush(conn)?;
        Ok(value)
    });
    match outcome {
        Ok(value) => {
            commit(conn)?;
            Ok(value)
        }
        Err(error) => {
            // The caller's error is the one worth reporting; a failed rollback breaks the
            // connection, and the pool then discards it.
            let _ = rollback(conn);
            Err(error)
        }
    }
}

type Manager = <DbConnection as Connection>::TransactionManager;

/// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`, taking the write lock up
/// front, so a read-then-write transaction never fails with `SQLITE_BUSY` on the upgrade (the
/// busy timeout applies to the `BEGIN` instead).
fn begin_write(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(lite) => AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE"),
        DbConnection::Postgres(_) => Manager::begin_transaction(conn),
    }
}

fn commit(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    Manager::commit_transaction(conn)
}

fn rollback(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    Manager::rollback_transaction(conn)
}

/// Serializes transactions that use the same `key` until they end. SQLite needs nothing: its
/// write transactions already run one at a time (`BEGIN IMMEDIATE`). PostgreSQL takes a
/// transaction-level advisory lock, which holds across every instance sharing the database.
pub fn lock_key(conn: &mut DbConnection, key: &str) -> diesel::QueryResult<()> {
    use diesel::sql_types::Text;
    use diesel::RunQueryDsl;
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// Takes every key of `keys` until the transaction ends, as [`lock_key`] does, in one
/// statement and in one global order (by the lock's own number), so two transactions taking
/// overlapping sets never deadlock.
pub fn lock_keys(conn: &mut DbConnection, keys: &[&str]) -> diesel::QueryResult<()> {
    use diesel::sql_types::{Array, Text};
    use diesel::RunQueryDsl;
    if let (DbConnection::Postgres(pg), false) = (conn, keys.is_empty()) {
        diesel::sql_query(
            "SELECT count(pg_advisory_xact_lock(lock)) FROM \
             (SELECT DISTINCT hashtextextended(k, 0) AS lock FROM unnest($1::text[]) AS k ORDER BY 1) AS ordered",
        )
        .bind::<Array<Text>, _>(keys)
        .execute(pg)?;
    }
    Ok(())
}

/// Takes `key` shared until the transaction ends: many holders at once, but never together
/// with a [`lock_key`] holder of the same key. Claim state changes take the incident's batch key
/// shared, batch creation takes it alone, so a change waits for a batch being calculated (and
/// the batch for changes in flight) on every instance. SQLite serializes writers already.
pub fn lock_key_shared(conn: &mut DbConnection, key: &str) -> diesel::QueryResult<()> {
    use diesel::sql_types::Text;
    use diesel::RunQueryDsl;
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))")
            .bind::<Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// The key that serializes the creation of an incident's payout batches with every change of
/// its claims' state (see [`lock_key_shared`]).
pub fn batch_key(incident_id: &str) -> String {
    format!("payout-batch:{incident_id}")
}

/// Like [`lock_key`], but never waits: `false` when another transaction holds the key. For the
/// group-commit writer, whose transaction holds the locks of many requests: a writer that
/// never waits for a lock can never be part of a deadlock (PostgreSQL would abort the whole
/// group). SQLite's single writer always has the key.
pub fn try_lock_key(conn: &mut DbConnection, key: &str) -> diesel::QueryResult<bool> {
    use diesel::sql_types::{Bool, Text};
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Taken {
        #[diesel(sql_type = Bool)]
        taken: bool,
    }
    match conn {
        DbConnection::Postgres(pg) => {
            diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS taken")
                .bind::<Text, _>(key)
                .get_result::<Taken>(pg)
                .map(|t| t.taken)
        }
        DbConnection::Sqlite(_) => Ok(true),
    }
}

/// [`try_lock_key`] for every key of `keys` in one statement: for each, whether it was taken.
pub fn try_lock_keys(conn: &mut DbConnection, keys: &[&str]) -> diesel::QueryResult<Vec<bool>> {
    use diesel::sql_types::{Array, BigInt, Bool, Text};
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Taken {
        #[diesel(sql_type = BigInt)]
        position: i64,
        #[diesel(sql_type = Bool)]
        taken: bool,
    }
    match conn {
        DbConnection::Postgres(pg) if !keys.is_empty() => {
            let mut taken = diesel::sql_query(
                "SELECT position, pg_try_advisory_xact_lock(hashtextextended(k, 0)) AS taken \
                 FROM unnest($1::text[]) WITH ORDINALITY AS keys(k, position)",
            )
            .bind::<Array<Text>, _>(keys)
            .load::<Taken>(pg)?;
            taken.sort_unstable_by_key(|t| t.position);
            Ok(taken.into_iter().map(|t| t.taken).collect())
        }
        _ => Ok(vec![true; keys.len()]),
    }
}

/// Plans the rest of this transaction's statements for their actual parameters. PostgreSQL
/// otherwise settles on one generic plan per prepared statement after a few executions; for
/// the set-based lookups (`= ANY($1)` over a growing table) a plan chosen while the table was
/// small reads the whole table at every execution later, which made a large upload quadratic.
/// Planning a few statements per set costs far less. SQLite has no such cache of plans.
pub fn plan_for_parameters(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(pg)?;
    }
    Ok(())
}

/// Refreshes PostgreSQL's statistics of the claim tables after a large load (autovacuum would,
/// but only later: a batch planned on the statistics of an empty table sorts all claims per
/// page). SQLite plans from its indexes alone.
pub fn analyze_claims(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("ANALYZE claims, claim_windows, claim_screenings").execute(pg)?;
    }
    Ok(())
}

/// Runs `f` in one read transaction: a consistent snapshot of several queries.
pub fn read_tx<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(f)
}
