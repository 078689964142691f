//! Rebuilds when a migration is added or changed: they are embedded by `embed_migrations!`,
//! which cargo does not otherwise know to watch.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
