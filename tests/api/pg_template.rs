//! A migrated template database for the PostgreSQL test run: `CREATE DATABASE ... TEMPLATE`
//! copies it in a few milliseconds, where migrating from nothing took about a second per test.
//!
//! The template's name carries a digest of the PostgreSQL migrations, so a changed migration
//! makes a new template instead of reusing a stale one. Test binaries running at once agree on
//! who builds it through an advisory lock.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{PgConnection, QueryableByName, RunQueryDsl};
use sha2::{Digest, Sha256};

/// The template for the migrations in this checkout, built when missing; returns its name.
pub fn ensure(admin_url: &str, admin: &mut PgConnection) -> String {
    let name = format!("oc_template_{}", &migrations_digest()[..16]);
    if exists(admin, &name) {
        return name;
    }
    admin
        .batch_execute("SELECT pg_advisory_lock(hashtext('outage-claims:test-template'))")
        .expect("template lock");
    if !exists(admin, &name) {
        build(admin_url, admin, &name);
        drop_stale_templates(admin, &name);
    }
    admin
        .batch_execute("SELECT pg_advisory_unlock(hashtext('outage-claims:test-template'))")
        .expect("template unlock");
    name
}

/// A new database `name`, a copy of `template`.
pub fn create_from(admin: &mut PgConnection, name: &str, template: &str) {
    // CREATE DATABASE refuses a template with a session on it; the only sessions are other
    // copies being made this very moment, so a short retry is enough.
    for attempt in 0.. {
        match admin.batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")) {
            Ok(()) => return,
            Err(e) if attempt < 50 && e.to_string().contains("being accessed by other users") => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("create test database from {template}: {e}"),
        }
    }
}

/// Migrates a scratch database through the service's own migration code, then renames it into
/// place, so a half-built template is never found under the final name.
fn build(admin_url: &str, admin: &mut PgConnection, name: &str) {
    let scratch = format!("{name}_building");
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)"))
        .expect("drop scratch");
    admin.batch_execute(&format!("CREATE DATABASE \"{scratch}\"")).expect("create scratch template");
    let (base, _) = admin_url.rsplit_once('/').expect("TEST_DATABASE_URL names a database");
    {
        let url = outage_claims::db::DatabaseUrl::parse(&format!("{base}/{scratch}")).expect("template url");
        let mut conn = url.connect().expect("connect to the scratch template");
        outage_claims::db::run_migrations(&mut conn).expect("migrate the template");
    }
    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{scratch}\" RENAME TO \"{name}\"; ALTER DATABASE \"{name}\" IS_TEMPLATE true"
        ))
        .expect("publish the template");
}

fn drop_stale_templates(admin: &mut PgConnection, keep: &str) {
    #[derive(QueryableByName)]
    struct Named {
        #[diesel(sql_type = Text)]
        datname: String,
    }
    let stale: Vec<Named> = diesel::sql_query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'oc\\_template\\_%' AND datname <> $1",
    )
    .bind::<Text, _>(keep)
    .load(admin)
    .unwrap_or_default();
    for Named { datname } in stale {
        // Best effort: another checkout's test run may be using it right now.
        let _ = admin.batch_execute(&format!(
            "ALTER DATABASE \"{datname}\" IS_TEMPLATE false; DROP DATABASE IF EXISTS \"{datname}\""
        ));
    }
}

fn exists(admin: &mut PgConnection, name: &str) -> bool {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let found: Count = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(name)
        .get_result(admin)
        .expect("look up the template");
    found.n > 0
}

/// SHA-256 over the PostgreSQL migrations' paths and contents, in order.
fn migrations_digest() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<_> = walk(&root);
    files.sort();
    let mut hash = Sha256::new();
    for file in files {
        hash.update(file.strip_prefix(&root).expect("under the root").to_string_lossy().as_bytes());
        hash.update(std::fs::read(&file).expect("read a migration"));
    }
    hex::encode(hash.finalize())
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the migrations folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
