//! The layers are rules, not conventions: the domain knows no storage and no HTTP, and storage
//! and use cases know no HTTP. A `use` that breaks a rule fails here, naming the file and line.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// Every line under `layer` that names one of `forbidden`.
fn violations(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(layer);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(name) = forbidden.iter().find(|f| code.contains(*f)) {
                found.push(format!("{}:{}: uses {name}", file.display(), n + 1));
            }
        }
    }
    found
}

const HTTP: &[&str] = &["actix", "crate::http", "crate::routes", "crate::web", "crate::schemas"];

#[test]
fn the_domain_knows_no_storage_no_use_case_and_no_http() {
    let forbidden: Vec<&str> =
        HTTP.iter().copied().chain(["diesel", "crate::db", "crate::usecases"]).collect();
    let found = violations("domain", &forbidden);
    assert!(found.is_empty(), "the domain must stay pure:\n{}", found.join("\n"));
}

#[test]
fn storage_knows_no_use_case_and_no_http() {
    let forbidden: Vec<&str> = HTTP.iter().copied().chain(["crate::usecases"]).collect();
    let found = violations("db", &forbidden);
    assert!(found.is_empty(), "storage must not depend on use cases or HTTP:\n{}", found.join("\n"));
}

#[test]
fn use_cases_know_no_http() {
    let found = violations("usecases", HTTP);
    assert!(found.is_empty(), "use cases must not depend on HTTP:\n{}", found.join("\n"));
}
