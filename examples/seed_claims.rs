//! Seeds many verified claims straight into the database, for the batch benchmark
//! (`ops/bench/batch-load.sh`). Filing a million claims through the API would measure intake,
//! not the batch; the rows written here are what intake would have stored (no audit events).
//!
//! `DATABASE_URL=... cargo run --release --example seed_claims -- INCIDENT_ID SERVICE COUNT`

use std::process::ExitCode;

use outage_claims::db::claims::{self, ClaimWindowRow, NewClaim};
use outage_claims::db::{self, windows, DatabaseUrl};
use outage_claims::domain::claim::{Channel, ClaimStatus, OwnerKind};
use outage_claims::domain::claimant::ClaimantKind;
use outage_claims::domain::money::Currency;
use outage_claims::domain::time::Timestamp;

const CHUNK: usize = 5_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [incident, service, count] = args.as_slice() else {
        anyhow::bail!("usage: seed_claims INCIDENT_ID SERVICE COUNT");
    };
    let count: usize = count.parse()?;
    let url =
        DatabaseUrl::parse(&std::env::var("DATABASE_URL").unwrap_or_else(|_| "outage-claims.db".into()))?;
    let mut conn = url.connect()?;
    let window = windows::list_for_service(&mut conn, incident, service)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the incident has no {service} window"))?;
    let (start, end) = (window.started_at, window.ended_at);
    let seconds = (end - start).num_seconds().min(4 * 3600);
    let now = Timestamp::now().to_db();
    let mut done = 0;
    while done < count {
        let n = CHUNK.min(count - done);
        // Bench data: no audit events, so the context goes unused.
        db::write_tx_with_context(&mut conn, |conn, _context| -> anyhow::Result<()> {
            let numbers = claims::reserve_reference_numbers(conn, n as i64)?;
            let mut rows = Vec::with_capacity(n);
            let mut overlaps = Vec::with_capacity(n);
            for number in numbers {
                let id = uuid::Uuid::now_v7().to_string();
                let kind = if number % 3 == 0 { ClaimantKind::Individual } else { ClaimantKind::Business };
                overlaps.push(ClaimWindowRow {
                    claim_id: id.clone(),
                    window_id: window.id.clone(),
                    severity: window.severity,
                    overlap_seconds: seconds,
                });
                rows.push(NewClaim {
                    id,
                    reference: format!("OC-{number:07}"),
                    incident_id: incident.clone(),
                    service: service.clone(),
                    status: ClaimStatus::Verified,
                    status_reason: None,
                    channel: Channel::Bulk,
                    owner_kind: OwnerKind::Partner,
                    owner: "bench".into(),
                    claimant_kind: kind,
                    claimant_name: format!("Bench claimant {number}"),
                    claimant_brn: None,
                    claimant_email: format!("bench-{number}@example.kr"),
                    claimant_phone: None,
                    identity_key: format!("email:bench-{number}@example.kr"),
                    loss_started_at: start,
                    loss_ended_at: start + chrono::Duration::seconds(seconds),
                    currency: Currency::KRW,
                    claimed_minor: 50_000 + (number * 7919) % 950_000,
                    baseline_revenue_minor: Some(1_000_000 + (number * 104_729) % 9_000_000),
                    outage_revenue_minor: Some((number * 1_299_709) % 1_000_000),
                    monthly_fee_minor: Some(33_000),
                    bank_code: "004".into(),
                    account_number: format!("{:012}", number),
                    account_holder: format!("Bench claimant {number}"),
                    description: None,
                    external_ref: Some(format!("bench-{number}")),
                    outage_seconds: seconds,
                    cure_deadline: None,
                    created_at: now,
                    updated_at: now,
                    rejected_at: None,
                    locale: outage_claims::domain::lang::Lang::Ko,
                    consent_version: None,
                    consented_at: None,
                });
            }
            claims::insert(conn, &rows, &overlaps)?;
            Ok(())
        })?;
        done += n;
    }
    println!("seeded {count} verified claims");
    Ok(())
}
