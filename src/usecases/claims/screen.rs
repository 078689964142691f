//! Integrity screening at filing and amendment (docs/contract.md §4): gathers the facts of each signal
//! from the database and stores what was found beside the claim, in the same transaction.

use chrono::Duration;

use crate::db::claims::{ClaimRow, NewClaim};
use crate::db::screening::{self, ScreeningRow};
use crate::db::DbConnection;
use crate::domain::claimant::ClaimantKind;
use crate::domain::signals::{self, Signal, SignalCode, Thresholds};
use crate::domain::time::Timestamp;
use crate::usecases::Error;

/// Who filed, for `filing_velocity`, and which threshold applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Client {
    /// The public form or a claimant token: `ip:<address>` or `sub:<claimant>`.
    Person(String),
    /// A partner filing through the API: `org:<partner>`.
    Partner(String),
    /// Not counted: bulk uploads (one deliberate act) and amendments.
    Uncounted,
}

impl Client {
    fn key(&self) -> Option<&str> {
        match self {
            Client::Person(key) | Client::Partner(key) => Some(key),
            Client::Uncounted => None,
        }
    }
}

/// Peer statistics, which many filings of one transaction may share.
pub type PeerMedian = (i64, i64);

/// What screening reads of a claim: one about to be filed, or a stored one with amended terms.
#[derive(Debug, Clone, Copy)]
pub struct Screened<'a> {
    pub incident_id: &'a str,
    pub service: &'a str,
    pub claimant_kind: ClaimantKind,
    pub claimant_name: &'a str,
    pub claimant_brn: Option<&'a str>,
    pub claimant_email: &'a str,
    pub claimant_phone: Option<&'a str>,
    pub identity_key: &'a str,
    pub claimed_minor: i64,
    pub bank_code: &'a str,
    pub account_number: &'a str,
    pub account_holder: &'a str,
}

/// A new claim (at filing) and a stored one (at amendment) are screened on the same fields.
macro_rules! screened_from {
    ($($row:ty),+) => {$(
        impl<'a> From<&'a $row> for Screened<'a> {
            fn from(claim: &'a $row) -> Self {
                Screened {
                    incident_id: &claim.incident_id,
                    service: &claim.service,
                    claimant_kind: claim.claimant_kind,
                    claimant_name: &claim.claimant_name,
                    claimant_brn: claim.claimant_brn.as_deref(),
                    claimant_email: &claim.claimant_email,
                    claimant_phone: claim.claimant_phone.as_deref(),
                    identity_key: &claim.identity_key,
                    claimed_minor: claim.claimed_minor,
                    bank_code: &claim.bank_code,
                    account_number: &claim.account_number,
                    account_holder: &claim.account_holder,
                }
            }
        }
    )+};
}
screened_from!(NewClaim, ClaimRow);

/// Screens a claim about to be stored (or just amended). `peers` is the count and median of
/// claims of the same incident, service and kind.
pub fn screen(
    conn: &mut DbConnection,
    thresholds: &Thresholds,
    claim: Screened<'_>,
    client: &Client,
    peers: PeerMedian,
    now: Timestamp,
) -> Result<Vec<Signal>, Error> {
    let mut found = Vec::new();
    let mut hit = |code, detail: String| found.push(Signal { code, detail });
    let shared =
        screening::account_shared_with(conn, claim.bank_code, claim.account_number, claim.identity_key)?;
    if !shared.is_empty() {
        hit(SignalCode::SharedPayoutAccount, format!("the same account is on claims {}", shared.join(", ")));
    }
    if let Some(brn) = &claim.claimant_brn {
        let shared = screening::contact_shared_with(conn, claim.claimant_email, claim.claimant_phone, brn)?;
        if !shared.is_empty() {
            let others = shared.join(", ");
            hit(
                SignalCode::SharedContact,
                format!("the same email or phone is on other businesses' claims {others}"),
            );
        }
    }
    if let Some(key) = client.key() {
        let limit = match client {
            Client::Partner(_) => thresholds.velocity_per_partner,
            _ => thresholds.velocity_per_client,
        };
        let since = Timestamp::from_utc(now.as_utc() - Duration::minutes(thresholds.velocity_minutes));
        if screening::at_least_filings_since(conn, key, since.to_db(), limit)? {
            let minutes = thresholds.velocity_minutes;
            hit(
                SignalCode::FilingVelocity,
                format!("{limit} or more filings from {key} within {minutes} minutes"),
            );
        }
    }
    let (count, median) = peers;
    if signals::is_amount_outlier(claim.claimed_minor, median, count, thresholds) {
        hit(
            SignalCode::AmountOutlier,
            format!(
                "claimed {} minor units; the median of {count} similar claims is {median}",
                claim.claimed_minor
            ),
        );
    }
    // Only for individuals: a business is usually paid into its owner's own account, under a
    // name the claim does not carry (the form asks for the business's name, not its owner's).
    let individual = claim.claimant_kind == ClaimantKind::Individual;
    if individual && !signals::holder_matches(claim.claimant_name, claim.account_holder) {
        hit(
            SignalCode::HolderMismatch,
            format!("account holder {:?} is unlike claimant {:?}", claim.account_holder, claim.claimant_name),
        );
    }
    Ok(found)
}

/// The count and median (the lower middle one) of the claim's peers: the latest similar
/// claims (see `screening::PEERS`).
pub fn peers_of(conn: &mut DbConnection, claim: Screened<'_>) -> Result<PeerMedian, Error> {
    let mut amounts =
        screening::latest_peer_amounts(conn, claim.incident_id, claim.service, claim.claimant_kind)?;
    amounts.sort_unstable();
    let count = i64::try_from(amounts.len()).unwrap_or(i64::MAX);
    let median = amounts.get(amounts.len().saturating_sub(1) / 2).copied().unwrap_or(0);
    Ok((count, median))
}

/// Stores what screening found, after the claim itself.
pub fn record(
    conn: &mut DbConnection,
    claim_id: &str,
    client: &Client,
    found: &[Signal],
    now: Timestamp,
) -> Result<(), Error> {
    let signals = serde_json::to_string(found).map_err(|e| Error::Internal(e.into()))?;
    let row = ScreeningRow {
        claim_id: claim_id.to_owned(),
        client_key: client.key().map(str::to_owned),
        signals,
        screened_at: now.to_db(),
    };
    Ok(screening::store(conn, &row)?)
}

/// The stored signals of these claims, for finance.
pub fn stored(conn: &mut DbConnection, claim_ids: &[String]) -> Result<Vec<(String, Vec<Signal>)>, Error> {
    screening::signals_of(conn, claim_ids)?
        .into_iter()
        .map(|(id, text)| {
            serde_json::from_str(&text)
                .map(|signals| (id.clone(), signals))
                .map_err(|e| Error::Internal(anyhow::anyhow!("claim {id} has unreadable signals: {e}")))
        })
        .collect()
}
