//! `serve --demo`: an incident modelled on the October 2022 data-center fire, with outage windows
//! for the affected services and a policy built from the precedents of docs/contract.md §1, so a
//! newcomer sees a working service at once. Loading twice changes nothing.

use chrono::Duration;

use crate::db::{self, DbConnection};
use crate::domain::policy::PolicyInput;
use crate::domain::role::{Actor, Role};
use crate::domain::service::ServiceSlug;
use crate::domain::severity::Severity;
use crate::domain::time::Timestamp;
use crate::http::ApiError;
use crate::usecases::incidents::{self, NewIncidentInput};
use crate::usecases::{policies, windows};

pub const DEMO_TITLE: &str = "Data-center fire: messenger platform outage (demo)";

/// Outage windows (Korea time) after the public timeline of the October 2022 fire.
const WINDOWS: &[(&str, Severity, &str, &str)] = &[
    ("messenger", Severity::MajorOutage, "2022-10-15T15:30:00+09:00", "2022-10-16T01:00:00+09:00"),
    ("messenger", Severity::PartialOutage, "2022-10-16T01:00:00+09:00", "2022-10-17T10:00:00+09:00"),
    ("messenger", Severity::DegradedPerformance, "2022-10-17T10:00:00+09:00", "2022-10-20T23:00:00+09:00"),
    ("business_channel", Severity::MajorOutage, "2022-10-15T15:30:00+09:00", "2022-10-17T10:00:00+09:00"),
    ("business_channel", Severity::PartialOutage, "2022-10-17T10:00:00+09:00", "2022-10-19T18:00:00+09:00"),
    ("mobility", Severity::MajorOutage, "2022-10-15T15:30:00+09:00", "2022-10-16T09:00:00+09:00"),
    ("mobility", Severity::DegradedPerformance, "2022-10-16T09:00:00+09:00", "2022-10-17T12:00:00+09:00"),
    ("payments", Severity::MajorOutage, "2022-10-15T15:30:00+09:00", "2022-10-16T04:00:00+09:00"),
    ("payments", Severity::PartialOutage, "2022-10-16T04:00:00+09:00", "2022-10-16T20:00:00+09:00"),
    ("mail", Severity::MajorOutage, "2022-10-15T15:30:00+09:00", "2022-10-18T12:00:00+09:00"),
    ("mail", Severity::PartialOutage, "2022-10-18T12:00:00+09:00", "2022-10-20T11:00:00+09:00"),
    ("games", Severity::MajorOutage, "2022-10-15T15:30:00+09:00", "2022-10-16T14:00:00+09:00"),
];

/// The precedents: days-disrupted tiers for business channels, reported-loss bands for other
/// merchants (larger claims reviewed one by one), ten times the fee for 2+ hours of payments
/// outage, revenue per hour for mobility drivers, and a small flat amount for individuals.
const POLICY: &str = r#"{
  "currency": "KRW",
  "description": "Demo policy after the 2022 precedents",
  "rules": [
    {"claimant_kind": "business", "service": "business_channel", "method": "tiered_by_days",
     "params": {"min_outage_hours": "2", "tiers": [
        {"min_days": 1, "amount": "400000"}, {"min_days": 3, "amount": "800000"},
        {"min_days": 5, "amount": "1000000"}, {"min_days": 7, "amount": "1200000"}]}},
    {"claimant_kind": "business", "service": "*", "method": "tiered_by_claim",
     "params": {"tiers": [{"up_to": "300000", "amount": "30000"}, {"up_to": "500000", "amount": "50000"}]}},
    {"claimant_kind": "*", "service": "payments", "method": "fee_multiple",
     "params": {"multiplier": "10", "min_outage_hours": "2"}},
    {"claimant_kind": "*", "service": "mobility", "method": "revenue_per_hour",
     "params": {"rate": "1", "min_outage_hours": "2", "cap_per_claim": "2000000"}},
    {"claimant_kind": "individual", "service": "*", "method": "flat",
     "params": {"amount": "5000", "min_outage_hours": "2"}}
  ],
  "min_payout": "1000",
  "rounding": "half_even"
}"#;

fn at(text: &str) -> Result<Timestamp, ApiError> {
    Timestamp::parse(text).map_err(|(_, m)| ApiError::Internal(anyhow::anyhow!("demo time {text}: {m}")))
}

/// Loads the demo incident unless it is already there; returns its id.
pub fn load(conn: &mut DbConnection) -> Result<String, ApiError> {
    db::write_tx_with_context(conn, |conn, context| {
        let actor = Actor { sub: "demo".into(), role: Role::Admin, org: None, claim_scope: None };
        let existing = db::incidents::list(conn, None, 1000, None)?;
        if let Some(found) = existing.iter().find(|i| i.title == DEMO_TITLE) {
            return Ok(found.id.clone());
        }
        let now = Timestamp::now();
        let incident = incidents::create(
            conn,
            context,
            &actor,
            NewIncidentInput {
                title: DEMO_TITLE.into(),
                description:
                    "A fire in a data center took the national messenger and the services built on it \
                              offline for days. File a claim for money you lost."
                        .into(),
                started_at: at("2022-10-15T15:19:00+09:00")?,
                ended_at: Some(at("2022-10-21T00:00:00+09:00")?),
                claims_open_at: Timestamp::from_utc(now.as_utc() - Duration::days(1)),
                claims_close_at: Timestamp::from_utc(now.as_utc() + Duration::days(180)),
                review_threshold: crate::domain::money::DecimalString::parse("5000000").ok(),
                currency: None,
                appeal_days: None,
            },
        )?;
        for (service, severity, start, end) in WINDOWS {
            let service =
                ServiceSlug::parse(service).map_err(|(_, m)| ApiError::Internal(anyhow::anyhow!(m)))?;
            let input = windows::NewWindowInput {
                service,
                severity: *severity,
                started_at: at(start)?,
                ended_at: at(end)?,
            };
            windows::create(conn, context, &actor, &incident.id, input)?;
        }
        let policy: PolicyInput = serde_json::from_str(POLICY).map_err(|e| ApiError::Internal(e.into()))?;
        policies::create(conn, context, &actor, &incident.id, policy)?;
        Ok(incident.id)
    })
}
