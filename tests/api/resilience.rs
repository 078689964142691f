//! Resilience: the real binary, run as a process of its own, killed with `kill -9` mid-work,
//! stopped with SIGTERM, cut off from PostgreSQL, and run twice on one database.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use outage_claims::domain::role::Role;
use serde_json::{json, Value};

use crate::bulk::{csv, row, COLUMNS};
use crate::helpers::{
    attach, body, brn, claim_body, empty_database, fresh_database, incident_with_windows, TestApp, JWT_SECRET,
};

/// The `outage-claims serve` process; killed (SIGKILL) when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) address: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the binary on `database_url`, on a port of its choosing, and waits until it serves.
    fn start(database_url: &str) -> Server {
        Server::start_with(database_url, &[])
    }

    /// Starts the binary with extra environment, such as a fail point (`OC_FAIL_POINT`).
    pub(crate) fn start_with(database_url: &str, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_outage-claims"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .env("DATABASE_URL", database_url)
            .env("JWT_SECRET", JWT_SECRET)
            .env("HTTP_WORKERS", "2")
            .env("DB_POOL_SIZE", "8")
            .env("SIGNAL_VELOCITY_PER_PARTNER", "100000")
            .env("RUST_LOG", "info")
            .env("LOG_FORMAT", "text")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let log = Arc::new(Mutex::new(String::new()));
        let mut port = None;
        for line in lines.by_ref() {
            let line = line.expect("server log");
            log.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some(rest) = line.split("serving port=").nth(1) {
                port = Some(rest.trim().to_owned());
                break;
            }
        }
        let port = port.unwrap_or_else(|| panic!("the server did not start:\n{}", log.lock().unwrap()));
        // Keep reading, so the server never blocks on a full pipe; the log helps a failing test.
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                if log.len() < 1 << 20 {
                    log.push_str(&format!("{line}\n"));
                }
            }
        });
        Server { child, address: format!("http://127.0.0.1:{port}"), log }
    }

    /// Waits until the server has logged `text` (a fail point it reached, say).
    async fn wait_for_log(&self, text: &str) {
        for _ in 0..600 {
            if self.log.lock().unwrap().contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server never logged {text:?}:\n{}", self.log.lock().unwrap());
    }

    pub(crate) fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args([name, &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to end by itself and returns whether it exited successfully.
    fn wait_exit(&mut self, within: Duration) -> bool {
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not stop within {within:?}:\n{}", self.log.lock().unwrap());
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("server log:\n{}", self.log.lock().unwrap());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The n-th distinct business claim of the incident.
pub fn claim(incident: &str, n: u32) -> Value {
    let mut claim = claim_body(incident);
    claim["claimant"]["business_registration_number"] = json!(brn(n));
    claim["claimant"]["email"] = json!(format!("shop{n}@example.kr"));
    claim["claimant"]["phone"] = json!(crate::helpers::phone(n));
    claim["payout_account"]["account_number"] = json!(format!("{:012}", 500_000_000 + n));
    claim
}

/// Files claims `from..to` over `concurrency` connections; returns the ids answered 201 and
/// the other statuses seen (0 for a request that got no answer at all).
pub async fn file_claims(
    app: &TestApp,
    incident: &str,
    numbers: std::ops::Range<u32>,
) -> (Vec<String>, Vec<u16>) {
    let token = app.token(Role::Partner, "lobby");
    let answers = join_all(numbers.map(|n| {
        let (token, claim) = (token.clone(), claim(incident, n));
        async move {
            let sent = app
                .client
                .post(format!("{}/api/v1/claims", app.address))
                .bearer_auth(&token)
                .json(&claim)
                .send();
            match sent.await {
                Ok(response) if response.status() == 201 => {
                    let filed: Value = response.json().await.expect("claim");
                    Ok(filed["id"].as_str().expect("id").to_owned())
                }
                Ok(response) => Err(response.status().as_u16()),
                Err(_) => Err(0),
            }
        }
    }))
    .await;
    let mut filed = Vec::new();
    let mut other = Vec::new();
    for answer in answers {
        match answer {
            Ok(id) => filed.push(id),
            Err(status) => other.push(status),
        }
    }
    (filed, other)
}

pub async fn audit_is_sound(app: &TestApp) {
    let verify = app.cli(&["audit", "verify"]);
    assert!(verify.status.success(), "audit verify: {}", String::from_utf8_lossy(&verify.stdout));
}

/// Every batch of the incident with the claim ids of its lines.
pub async fn batches_with_claims(app: &TestApp) -> Vec<(Value, Vec<String>)> {
    let finance = app.finance();
    let listed = body(app.get("/api/v1/payout-batches?limit=500", Some(&finance)).await).await;
    let mut batches = Vec::new();
    for batch in listed["items"].as_array().expect("batches") {
        let id = batch["id"].as_str().expect("id");
        let mut claims = Vec::new();
        let mut cursor = String::new();
        loop {
            let path = format!("/api/v1/payout-batches/{id}/lines?limit=500{cursor}");
            let page = body(app.get(&path, Some(&finance)).await).await;
            claims.extend(
                page["items"]
                    .as_array()
                    .expect("lines")
                    .iter()
                    .map(|l| l["claim_id"].as_str().unwrap().to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        batches.push((batch.clone(), claims));
    }
    batches
}

/// Claims in active batches: each at most once, and as many as the batches say they hold.
pub fn assert_no_claim_in_two_batches(batches: &[(Value, Vec<String>)]) -> HashSet<String> {
    let mut seen = HashSet::new();
    for (batch, claims) in batches.iter().filter(|(b, _)| b["status"] != "cancelled") {
        assert_eq!(batch["line_count"].as_u64(), Some(claims.len() as u64), "a batch is whole");
        for claim in claims {
            assert!(seen.insert(claim.clone()), "claim {claim} is in two batches");
        }
    }
    seen
}

pub async fn create_policy(app: &TestApp, incident: &str) -> String {
    let policy = json!({"currency": "KRW", "rounding": "half_even", "rules": [
        {"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "30000"}}]});
    let created =
        app.post(&format!("/api/v1/incidents/{incident}/policies"), Some(&app.admin()), &policy).await;
    assert_eq!(created.status(), 201);
    body(created).await["id"].as_str().expect("policy id").to_owned()
}

pub async fn create_batch(app: &TestApp, incident: &str, policy: &str) -> reqwest::Response {
    let request = json!({"incident_id": incident, "policy_id": policy});
    app.post("/api/v1/payout-batches", Some(&app.finance()), &request).await
}

/// Counts the claims stored, read from the database directly.
fn stored_claims(database_url: &str) -> i64 {
    use diesel::prelude::*;
    use outage_claims::db::schema::claims;
    let url = outage_claims::db::DatabaseUrl::parse(database_url).expect("url");
    let mut conn = url.connect().expect("connect");
    claims::table.count().get_result::<i64>(&mut conn).expect("count claims")
}

#[tokio::test]
#[cfg_attr(
    not(feature = "resilience-tests"),
    ignore = "runs and kills server processes: cargo test --features resilience-tests"
)]
async fn every_claim_answered_201_survives_a_kill_9_during_filing() {
    let (url, db) = fresh_database();
    // The second group commit stops just before its commit; the process is killed there.
    let mut server = Server::start_with(&url, &[("OC_FAIL_POINT", "group_commit.before_commit:2")]);
    let mut app = attach(server.address.clone(), url.clone(), db);
    let incident = incident_with_windows(&app).await;
    let (first, _) = file_claims(&app, &incident, 0..1).await;
    assert_eq!(first.len(), 1, "the first group commits");

    let filing = file_claims(&app, &incident, 1..1000);
    let kill = async {
        server.wait_for_log("fail point group_commit.before_commit reached").await;
        server.kill_9();
    };
    let ((during, unanswered), ()) = tokio::join!(filing, kill);
    assert!(unanswered.contains(&0), "the group stopped before its commit was never answered");
    let answered: Vec<String> = first.into_iter().chain(during).collect();

    let restarted = Server::start(&url);
    app.address = restarted.address.clone();
    let finance = app.finance();
    for id in &answered {
        let response = app.get(&format!("/api/v1/claims/{id}"), Some(&finance)).await;
        assert_eq!(response.status(), 200, "claim {id} was answered 201 but is gone");
    }
    // Nothing of the group that never committed is stored: every stored claim was answered.
    assert_eq!(stored_claims(&url), answered.len() as i64);
    audit_is_sound(&app).await;
}

#[tokio::test]
#[cfg_attr(
    not(feature = "resilience-tests"),
    ignore = "runs and kills server processes: cargo test --features resilience-tests"
)]
async fn a_kill_9_just_before_a_batch_commits_leaves_no_partial_batch_and_a_rerun_succeeds() {
    let (url, db) = fresh_database();
    let mut server = Server::start_with(&url, &[("OC_FAIL_POINT", "payout_batch.before_commit")]);
    let mut app = attach(server.address.clone(), url.clone(), db);
    let incident = incident_with_windows(&app).await;
    let policy = create_policy(&app, &incident).await;
    let (filed, _) = file_claims(&app, &incident, 0..300).await;
    assert_eq!(filed.len(), 300);

    // The batch is calculated and written, then the process dies before the commit.
    let create = app
        .client
        .post(format!("{}/api/v1/payout-batches", app.address))
        .bearer_auth(app.finance())
        .json(&json!({"incident_id": incident, "policy_id": policy}))
        .send();
    let kill = async {
        server.wait_for_log("fail point payout_batch.before_commit reached").await;
        server.kill_9();
    };
    let (answer, ()) = tokio::join!(create, kill);
    assert!(answer.is_err(), "the batch was never answered");

    let restarted = Server::start(&url);
    app.address = restarted.address.clone();
    assert!(batches_with_claims(&app).await.is_empty(), "no batch, not even a partial one");
    let claims = body(
        app.get(
            &format!("/api/v1/claims?incident_id={incident}&status=verified&limit=500"),
            Some(&app.finance()),
        )
        .await,
    )
    .await;
    assert_eq!(claims["items"].as_array().unwrap().len(), 300, "every claim is still verified");
    let rerun = create_batch(&app, &incident, &policy).await;
    assert_eq!(rerun.status(), 201);
    assert_eq!(body(rerun).await["line_count"], 300);
    let in_batches = assert_no_claim_in_two_batches(&batches_with_claims(&app).await);
    assert_eq!(in_batches.len(), filed.len());
    audit_is_sound(&app).await;
}

#[tokio::test]
#[cfg_attr(
    not(feature = "resilience-tests"),
    ignore = "runs and kills server processes: cargo test --features resilience-tests"
)]
async fn sigterm_lets_a_request_in_flight_finish_before_the_server_stops() {
    let (url, db) = fresh_database();
    let mut server = Server::start(&url);
    let app = attach(server.address.clone(), url.clone(), db);
    let incident = incident_with_windows(&app).await;
    let rows: Vec<_> = (0..3000).map(row).collect();
    let file = csv(&COLUMNS, &rows);

    let upload = app
        .client
        .post(format!("{}/api/v1/bulk-uploads?incident_id={incident}", app.address))
        .bearer_auth(app.token(Role::Partner, "lobby"))
        .header("Content-Type", "text/csv")
        .header("Idempotency-Key", "drain-1")
        .body(file)
        .send();
    let terminate = async {
        // SIGTERM once the upload is being processed: it is in flight, not yet answered.
        while !upload_in_progress(&url) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        server.signal("-TERM");
    };
    let (answer, ()) = tokio::join!(upload, terminate);

    let answer = answer.expect("the upload in flight is answered");
    assert_eq!(answer.status(), 201);
    let summary: Value = answer.json().await.expect("summary");
    assert_eq!((summary["status"].as_str(), summary["accepted"].as_i64()), (Some("completed"), Some(3000)));
    assert!(server.wait_exit(Duration::from_secs(40)), "exits cleanly after draining");
    assert!(app.client.get(format!("{}/healthz", app.address)).send().await.is_err(), "no longer serves");
}

/// Whether an upload has started and not completed, read from the database directly.
fn upload_in_progress(database_url: &str) -> bool {
    use diesel::prelude::*;
    use outage_claims::db::schema::bulk_uploads;
    let url = outage_claims::db::DatabaseUrl::parse(database_url).expect("url");
    let Ok(mut conn) = url.connect() else { return false };
    bulk_uploads::table
        .filter(bulk_uploads::status.eq("processing"))
        .count()
        .get_result::<i64>(&mut conn)
        .is_ok_and(|n| n > 0)
}

#[tokio::test]
#[cfg_attr(
    not(feature = "resilience-tests"),
    ignore = "runs and kills server processes: cargo test --features resilience-tests"
)]
async fn two_instances_on_one_database_never_share_a_claim_between_batches_and_keep_one_audit_chain() {
    let (url, db) = fresh_database();
    let one = Server::start(&url);
    let two = Server::start(&url);
    let mut app = attach(one.address.clone(), url.clone(), db);
    let incident = incident_with_windows(&app).await;
    let policy = create_policy(&app, &incident).await;
    let app_two = app.at(&two.address);

    let mut filed = 0;
    for round in 0..3u32 {
        // Both instances file claims and create batches at the same time.
        let base = round * 400;
        let ((a, _), (b, _), batch_one, batch_two) = tokio::join!(
            file_claims(&app, &incident, base..base + 200),
            file_claims(&app_two, &incident, base + 200..base + 400),
            create_batch(&app, &incident, &policy),
            create_batch(&app_two, &incident, &policy),
        );
        filed += a.len() + b.len();
        for answer in [batch_one, batch_two] {
            assert!([201, 422].contains(&answer.status().as_u16()), "batch creation: {}", answer.status());
        }
    }
    assert_eq!(filed, 1200);
    // The claims filed after the last batch, in one more batch from either instance.
    app.address = two.address.clone();
    let last = create_batch(&app, &incident, &policy).await;
    assert!([201, 422].contains(&last.status().as_u16()));

    let in_batches = assert_no_claim_in_two_batches(&batches_with_claims(&app).await);
    assert_eq!(in_batches.len(), filed, "every claim is in exactly one batch");
    audit_is_sound(&app).await;
}

#[tokio::test]
#[cfg_attr(
    not(feature = "resilience-tests"),
    ignore = "runs and kills server processes: cargo test --features resilience-tests"
)]
async fn two_instances_answer_concurrent_filings_of_one_business_with_one_201_and_the_rest_409() {
    let (url, db) = fresh_database();
    let one = Server::start(&url);
    let two = Server::start(&url);
    let app = attach(one.address.clone(), url.clone(), db);
    let incident = incident_with_windows(&app).await;
    let app_two = app.at(&two.address);
    // Ten businesses, each filed 8 times at once, half through each instance, while other
    // businesses are filed in the same group commits.
    let filings = (0..10u32).flat_map(|n| (0..8).map(move |i| (n, i))).map(|(n, i)| {
        let instance = if i % 2 == 0 { &app } else { &app_two };
        let token = instance.token(Role::Partner, "lobby");
        let mut claim = claim(&incident, n);
        claim["external_ref"] = json!(format!("try-{n}-{i}"));
        async move { instance.post("/api/v1/claims", Some(&token), &claim).await.status().as_u16() }
    });
    let others = file_claims(&app_two, &incident, 100..300);
    let (statuses, (others, _)) = tokio::join!(join_all(filings), others);
    assert_eq!(others.len(), 200);
    for business in statuses.chunks(8) {
        assert_eq!(business.iter().filter(|s| **s == 201).count(), 1, "{business:?}");
        assert_eq!(business.iter().filter(|s| **s == 409).count(), 7, "{business:?}");
    }
    audit_is_sound(&app).await;
}

/// A TCP relay between the server and PostgreSQL that the test can cut, as if the database
/// went away (open connections are dropped, new ones closed at once), and mend.
struct Relay {
    port: u16,
    up: tokio::sync::watch::Sender<bool>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let port = listener.local_addr().expect("relay address").port();
        let (up, _) = tokio::sync::watch::channel(true);
        let state = up.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut cut = state.subscribe();
                if !*cut.borrow() {
                    continue; // dropped: the database is "down"
                }
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Relay { port, up }
    }

    fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

// Multi-threaded: the relay must keep forwarding while the test blocks on the server's start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "PostgreSQL only: TEST_DATABASE_URL=postgres://... cargo test -- --ignored postgres_only"]
async fn postgres_only_postgres_going_away_under_load_gives_503_with_retry_after_and_service_comes_back_by_itself(
) {
    let (url, db) = fresh_database();
    let Some((head, rest)) = url.strip_prefix("postgres://").and_then(|u| u.split_once('@')) else {
        panic!("PostgreSQL only: set TEST_DATABASE_URL to a PostgreSQL server to run this test");
    };
    let (host_port, name) = rest.split_once('/').expect("database name");
    let relay = Relay::start(host_port.to_owned()).await;
    let relayed = format!("postgres://{head}@127.0.0.1:{}/{name}", relay.port);
    let mut server = Server::start(&relayed);
    let app = attach(server.address.clone(), url.clone(), db);
    let incident = incident_with_windows(&app).await;
    let (filed, _) = file_claims(&app, &incident, 0..50).await;
    assert_eq!(filed.len(), 50);

    relay.set_up(false);
    let (during, statuses) = file_claims(&app, &incident, 50..150).await;
    assert!(during.is_empty(), "nothing is filed while the database is away");
    assert!(statuses.iter().all(|&s| s == 503), "every filing is 503, got {statuses:?}");
    let readyz = app.get("/readyz", None).await;
    assert_eq!(readyz.status(), 503);
    assert!(readyz.headers().contains_key("retry-after"));
    let claim =
        app.post("/api/v1/claims", Some(&app.token(Role::Partner, "lobby")), &claim(&incident, 999)).await;
    assert_eq!(claim.status(), 503);
    assert!(claim.headers().contains_key("retry-after"));
    assert!(server.is_running(), "no panic, no exit");

    relay.set_up(true);
    let mut ready = false;
    for _ in 0..120 {
        if app.get("/readyz", None).await.status() == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ready, "ready again without a restart");
    let (after, statuses) = file_claims(&app, &incident, 150..250).await;
    assert_eq!(after.len(), 100, "filing works again: {statuses:?}");
    audit_is_sound(&app).await;
}

/// Instances started together (a rolling deploy, a supervisor restarting several at once) all
/// migrate the same fresh database: one applies the migrations, the others wait and find
/// nothing left to do. Before the migration lock, all but one failed on either backend.
#[test]
#[cfg_attr(
    not(feature = "resilience-tests"),
    ignore = "runs and kills server processes: cargo test --features resilience-tests"
)]
fn instances_started_together_migrate_once() {
    let (url, _db) = empty_database();
    let migrators: Vec<Child> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_outage-claims"))
                .arg("migrate")
                .env("DATABASE_URL", &url)
                .env("JWT_SECRET", JWT_SECRET)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start a migrator")
        })
        .collect();
    let outputs: Vec<String> = migrators
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().expect("migrator output");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
            text
        })
        .collect();
    let applied_some = outputs.iter().filter(|o| !o.contains("applied 0 migration(s)")).count();
    assert_eq!(applied_some, 1, "exactly one migrator applies the migrations: {outputs:?}");
}
