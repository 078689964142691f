//! `spawn_app()`: a running server on a fresh database, with a client and token helpers.

use std::collections::HashMap;
use std::net::TcpListener;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use outage_claims::auth::{JwtKeys, TokenRequest};
use outage_claims::config::Config;
use outage_claims::domain::role::Role;
use outage_claims::startup::Application;
use reqwest::{Method, Response};
use serde_json::{json, Value};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret!";

/// A database made for one test and removed after it.
pub enum TestDb {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub client: reqwest::Client,
    keys: JwtKeys,
    _db: std::sync::Arc<TestDb>,
}

/// Creates a fresh, migrated database: a SQLite file in a temporary directory, or a new
/// PostgreSQL database on the server named by `TEST_DATABASE_URL`, copied from a migrated
/// template (migrating each test's database from nothing cost a second per test).
pub fn fresh_database() -> (String, TestDb) {
    database(true)
}

/// A database no migration has touched yet, for tests of migrating itself.
pub fn empty_database() -> (String, TestDb) {
    database(false)
}

fn database(migrated: bool) -> (String, TestDb) {
    match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(admin_url) => {
            let name = format!("oc_test_{}", uuid::Uuid::now_v7().simple());
            let mut conn = diesel::PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"));
            if migrated {
                let template = crate::pg_template::ensure(&admin_url, &mut conn);
                crate::pg_template::create_from(&mut conn, &name, &template);
            } else {
                conn.batch_execute(&format!("CREATE DATABASE \"{name}\"")).expect("create test database");
            }
            let (base, _) = admin_url.rsplit_once('/').expect("TEST_DATABASE_URL names a database");
            (format!("{base}/{name}"), TestDb::Postgres { admin_url, name })
        }
        None => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = dir.path().join("test.db").to_string_lossy().into_owned();
            (url, TestDb::Sqlite(dir))
        }
    }
}

/// Configuration for a test server; `extra` overrides the defaults.
pub fn test_config(database_url: &str, extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("JWT_SECRET", JWT_SECRET),
        ("HTTP_WORKERS", "2"),
        ("DB_POOL_SIZE", "8"),
        // Tests file many claims from one address and token; the screening tests set their own.
        ("SIGNAL_VELOCITY_PER_CLIENT", "100000"),
        ("SIGNAL_VELOCITY_PER_PARTNER", "100000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    Config::from_lookup(|key| vars.get(key).cloned()).expect("test configuration")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let (database_url, db) = fresh_database();
    let config = test_config(&database_url, extra);
    let keys = config.jwt_keys(false).expect("keys");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let app = Application::build(config, listener).expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp { address, database_url, client: client(), keys, _db: std::sync::Arc::new(db) }
}

/// A client for a server that the test runs as a separate process (see `resilience`); the
/// database outlives the processes, which may come and go.
pub fn attach(address: String, database_url: String, db: TestDb) -> TestApp {
    let keys = test_config(&database_url, &[]).jwt_keys(false).expect("keys");
    TestApp { address, database_url, client: client(), keys, _db: std::sync::Arc::new(db) }
}

impl TestApp {
    /// The same database and keys, served by another instance at `address`.
    pub fn at(&self, address: &str) -> TestApp {
        TestApp {
            address: address.to_owned(),
            database_url: self.database_url.clone(),
            client: client(),
            keys: self.keys.clone(),
            _db: self._db.clone(),
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client")
}

impl TestApp {
    pub fn token(&self, role: Role, sub: &str) -> String {
        let org = (role == Role::Partner).then_some("org-1");
        self.keys
            .mint(&TokenRequest { role, sub, org, claim_id: None, ttl: Duration::from_secs(3600) })
            .expect("mint")
    }

    pub fn admin(&self) -> String {
        self.token(Role::Admin, "alice")
    }

    pub fn finance(&self) -> String {
        self.token(Role::Finance, "fred")
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Records an incident open for claims now, and returns its id.
    pub async fn create_incident(&self) -> String {
        let response = self.post("/api/v1/incidents", Some(&self.admin()), &incident_body()).await;
        assert_eq!(response.status(), 201);
        body(response).await["id"].as_str().expect("id").to_owned()
    }

    /// Runs the real binary against this test's database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_outage-claims"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("JWT_SECRET", JWT_SECRET)
            .output()
            .expect("run the binary")
    }

    /// Direct SQL on this test's database (for tampering tests).
    pub fn execute_sql(&self, sql: &str) {
        let url = outage_claims::db::DatabaseUrl::parse(&self.database_url).expect("url");
        let mut conn = url.connect().expect("connect");
        conn.batch_execute(sql).expect("sql");
    }
}

/// A valid incident whose claims window is open now.
pub fn incident_body() -> Value {
    let now = chrono::Utc::now();
    json!({
        "title": "Data-center fire",
        "description": "Messenger and everything on it offline",
        "started_at": "2022-10-15T15:19:00+09:00",
        "claims_open_at": (now - chrono::Duration::days(1)).to_rfc3339(),
        "claims_close_at": (now + chrono::Duration::days(30)).to_rfc3339(),
        "review_threshold": "5000000"
    })
}

pub async fn body(response: Response) -> Value {
    response.json().await.expect("JSON body")
}

/// Asserts a problem+json answer with this status, returning its body.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let content_type = response.headers()["content-type"].to_str().unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/problem+json"), "content type {content_type}");
    let value: Value = response.json().await.expect("problem body");
    assert_eq!(value["status"], status);
    value
}

/// The `field:code` pairs of a validation problem.
pub fn field_codes(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    format!("{}:{}", e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An incident open for claims with messenger windows (15:30 to 01:00 major, then partial until
/// 10:00 the next day, Korea time), and its id.
pub async fn incident_with_windows(app: &TestApp) -> String {
    let id = app.create_incident().await;
    for (severity, start, end) in [
        ("major_outage", "2022-10-15T15:30:00+09:00", "2022-10-16T01:00:00+09:00"),
        ("partial_outage", "2022-10-16T01:00:00+09:00", "2022-10-17T10:00:00+09:00"),
    ] {
        let window =
            json!({"service": "messenger", "severity": severity, "started_at": start, "ended_at": end});
        let response =
            app.post(&format!("/api/v1/incidents/{id}/windows"), Some(&app.admin()), &window).await;
        assert_eq!(response.status(), 201);
    }
    id
}

/// A valid business claim for the messenger outage: 15:30 to 19:30 on the first day.
pub fn claim_body(incident_id: &str) -> Value {
    json!({
        "incident_id": incident_id,
        "service": "messenger",
        "claimant": {"kind": "business", "name": "Hangang Chicken", "business_registration_number": "220-81-62517",
                     "email": "owner@example.kr", "phone": "010-1234-5678"},
        "loss_started_at": "2022-10-15T15:30:00+09:00",
        "loss_ended_at": "2022-10-15T19:30:00+09:00",
        "currency": "KRW",
        "claimed_amount": "250000",
        "evidence": {"baseline_revenue": "1400000", "outage_revenue": "900000"},
        "payout_account": {"bank_code": "004", "account_number": "123-456-789012", "holder": "Kim Minji"},
        "consent": {"privacy": true, "truthful": true}
    })
}

/// Makes `claim` the claim of business `n`: its registration number, its own contact and its
/// own bank account (shared ones would rightly be integrity signals).
pub fn as_business(claim: &mut Value, n: u32) {
    claim["claimant"]["business_registration_number"] = json!(brn(n));
    claim["claimant"]["email"] = json!(format!("business{n}@example.kr"));
    claim["claimant"]["phone"] = json!(phone(n));
    claim["payout_account"]["account_number"] = json!(format!("{:012}", 900_000_000 + n));
}

/// A distinct mobile number for `n`.
pub fn phone(n: u32) -> String {
    format!("010-{:04}-{:04}", n / 10_000 % 10_000, n % 10_000)
}

/// A valid registration number for `n` (its check digit computed), so tests can make many
/// distinct businesses.
pub fn brn(n: u32) -> String {
    let first: Vec<u32> = format!("{:09}", 100_000_000 + n).bytes().map(|b| u32::from(b - b'0')).collect();
    let mut nine = [0; 9];
    nine.copy_from_slice(&first);
    let check = outage_claims::domain::brn::check_digit(&nine);
    format!("{}{check}", first.iter().map(|d| d.to_string()).collect::<String>())
}
