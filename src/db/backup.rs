//! `outage-claims backup --to FILE`: a consistent copy of the database while the service runs.
//!
//! SQLite: `VACUUM INTO` reads the database in one read transaction, so the copy is a snapshot
//! of one moment even while writers commit (WAL lets them go on), and it is a complete database
//! file that needs no `-wal` beside it. PostgreSQL: `pg_dump` in its custom format, which also
//! reads one snapshot; restore it with `pg_restore` (see `ops/RUNBOOK.md`).

use std::fs::File;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;

use super::{Backend, DatabaseUrl, DbConnection};

/// Writes the backup to `to`, which must not exist yet (a backup never overwrites one).
pub fn backup(url: &DatabaseUrl, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{} already exists: a backup never overwrites a file", to.display());
    }
    match url.backend() {
        Backend::Sqlite => sqlite_backup(url, to)?,
        Backend::Postgres => pg_dump(url, to)?,
    }
    // The copy counts only once it is on disk.
    File::open(to).and_then(|f| f.sync_all()).with_context(|| format!("syncing {}", to.display()))?;
    Ok(())
}

fn sqlite_backup(url: &DatabaseUrl, to: &Path) -> anyhow::Result<()> {
    let target = to.to_str().context("the backup path must be valid UTF-8")?;
    let mut conn = url.connect().context("connecting to the database")?;
    let DbConnection::Sqlite(_) = &conn else { bail!("not a SQLite database") };
    // A string literal in SQL: single quotes doubled, the only escape SQLite needs.
    let literal = target.replace('\'', "''");
    conn.batch_execute(&format!("VACUUM INTO '{literal}'"))
        .with_context(|| format!("copying the database into {target}"))?;
    Ok(())
}

fn pg_dump(url: &DatabaseUrl, to: &Path) -> anyhow::Result<()> {
    let status = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(to)
        .arg(url.target())
        .status()
        .context("running pg_dump (is the PostgreSQL client installed?)")?;
    if !status.success() {
        // pg_dump may leave a partial file behind: a half backup must not look like one.
        let _ = std::fs::remove_file(to);
        bail!("pg_dump failed ({status})");
    }
    Ok(())
}
