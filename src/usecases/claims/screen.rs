//! Integrity screening at filing and amendment (docs/contract.md §4): gathers the facts of each signal
//! from the database and stores what was found beside the claim, in the same transaction.

use std::collections::HashMap;

use chrono::Duration;

use crate::db::claims::{ClaimRow, NewClaim};
use crate::db::screening::{self, Contact, ScreeningRow};
use crate::db::DbConnection;
use crate::domain::claimant::ClaimantKind;
use crate::domain::signals::{self, Signal, SignalCode, Thresholds};
use crate::domain::time::Timestamp;
use crate::usecases::claims::file::Filer;
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
    pub fn key(&self) -> Option<&str> {
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

/// What screening found out about one claim from the database (and, for a set filed together,
/// from the claims before it in the set); [`signals`] turns it into signals.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// References of live claims of other identities paid into the same account.
    pub shared_account: Vec<String>,
    /// References of live claims of other businesses with the same email or phone.
    pub shared_contact: Vec<String>,
    /// Whether the client filed at least its threshold within the velocity window.
    pub fast_client: bool,
    pub peers: PeerMedian,
}

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
    let shared_account =
        screening::account_shared_with(conn, claim.bank_code, claim.account_number, claim.identity_key)?;
    let shared_contact = match &claim.claimant_brn {
        Some(brn) => screening::contact_shared_with(conn, claim.claimant_email, claim.claimant_phone, brn)?,
        None => Vec::new(),
    };
    let fast_client = match client.key() {
        Some(key) => {
            let limit = velocity_limit(thresholds, client);
            screening::at_least_filings_since(conn, key, velocity_since(thresholds, now), limit)?
        }
        None => false,
    };
    Ok(signals(thresholds, claim, client, &Facts { shared_account, shared_contact, fast_client, peers }))
}

/// The facts of claims filed together, in their order: each is screened against the stored
/// claims and against the claims before it in the set, as if they had been filed one by one,
/// with a few queries for the whole set. Each claim comes with its filer and its peers.
pub fn facts_of_set(
    conn: &mut DbConnection,
    claims: &[NewClaim],
    filers: &[&Filer],
    peers: &[PeerMedian],
    now: Timestamp,
) -> Result<Vec<Facts>, Error> {
    let stored = StoredSpreads::read(conn, claims)?;
    let mut evidence = StoredEvidence::default();
    // Per client: its filings within the velocity window so far, stored and earlier in the set.
    let mut filings: HashMap<&str, i64> = HashMap::new();
    let mut earlier = EarlierInSet::default();
    let mut all = Vec::with_capacity(claims.len());
    for ((claim, filer), peers) in claims.iter().zip(filers).zip(peers) {
        let mut facts = Facts { peers: *peers, ..Facts::default() };
        let (bank, account, identity) = (&claim.bank_code, &claim.account_number, &claim.identity_key);
        if stored.accounts.get(&(bank.clone(), account.clone())).is_some_and(|spread| spread.beyond(identity))
        {
            facts.shared_account = evidence.on_account(conn, claim)?;
        }
        facts.shared_account.extend(earlier.sharing_account(claim));
        facts.shared_account.truncate(screening::EVIDENCE_LIMIT);
        if let Some(brn) = &claim.claimant_brn {
            let phone = claim.claimant_phone.as_deref();
            let by_email = stored.emails.get(&claim.claimant_email).is_some_and(|s| s.beyond(brn));
            let by_phone = phone.and_then(|p| stored.phones.get(p)).is_some_and(|s| s.beyond(brn));
            if by_email || by_phone {
                facts.shared_contact = evidence.on_contact(conn, claim, brn, (by_email, by_phone))?;
            }
            facts.shared_contact.extend(earlier.sharing_contact(claim, brn));
            facts.shared_contact.truncate(screening::EVIDENCE_LIMIT);
        }
        if let Some(key) = filer.client.key() {
            let (thresholds, limit) = (&filer.thresholds, velocity_limit(&filer.thresholds, &filer.client));
            let count = match filings.get_mut(key) {
                Some(count) => count,
                None => {
                    let stored = screening::filings_since(conn, key, velocity_since(thresholds, now), limit)?;
                    filings.entry(key).or_insert(stored)
                }
            };
            facts.fast_client = *count >= limit;
            *count += 1;
        }
        earlier.add(claim);
        all.push(facts);
    }
    Ok(all)
}

/// Stored claims read for a set's evidence, once per shared value: the first few claims that
/// carry it, from which each claim of the set takes those of other identities. The few more
/// than the evidence names are for the claim's own (one per service); a claim whose own fill
/// them all is read alone.
#[derive(Default)]
struct StoredEvidence {
    accounts: HashMap<(String, String), Vec<(String, String)>>,
    contacts: HashMap<(bool, String), Vec<(String, String)>>,
}

/// Claims read per shared value: the evidence, and room for the claim's own.
const FIRST: i64 = screening::EVIDENCE_LIMIT as i64 + 12;

/// The references of `first` of identities other than `own`, at most the evidence's count;
/// `None` when `first` was full and had too few (more may follow).
fn others_of(first: &[(String, String)], own: &str) -> Option<Vec<String>> {
    let others: Vec<String> =
        first.iter().filter(|(identity, _)| identity != own).map(|(_, r)| r.clone()).collect();
    let full = i64::try_from(first.len()).unwrap_or(i64::MAX) >= FIRST;
    (others.len() >= screening::EVIDENCE_LIMIT || !full)
        .then(|| others.into_iter().take(screening::EVIDENCE_LIMIT).collect())
}

impl StoredEvidence {
    fn on_account(&mut self, conn: &mut DbConnection, claim: &NewClaim) -> Result<Vec<String>, Error> {
        let key = (claim.bank_code.clone(), claim.account_number.clone());
        if !self.accounts.contains_key(&key) {
            let first = screening::first_claims_on_account(conn, &key.0, &key.1, FIRST)?;
            self.accounts.insert(key.clone(), first);
        }
        match others_of(&self.accounts[&key], &claim.identity_key) {
            Some(others) => Ok(others),
            None => Ok(screening::account_shared_with(conn, &key.0, &key.1, &claim.identity_key)?),
        }
    }

    fn on_contact(
        &mut self,
        conn: &mut DbConnection,
        claim: &NewClaim,
        brn: &str,
        (by_email, by_phone): (bool, bool),
    ) -> Result<Vec<String>, Error> {
        let phone = claim.claimant_phone.as_deref();
        // Only a value someone else carries can name others (see `StoredSpreads`).
        let email = by_email.then_some((true, claim.claimant_email.as_str()));
        let contacts = email.into_iter().chain(phone.filter(|_| by_phone).map(|p| (false, p)));
        let mut found = Vec::new();
        for (is_email, value) in contacts {
            let key = (is_email, value.to_owned());
            if !self.contacts.contains_key(&key) {
                let contact = if is_email { Contact::Email(value) } else { Contact::Phone(value) };
                let first = screening::first_businesses_with_contact(conn, contact, FIRST)?;
                self.contacts.insert(key.clone(), first);
            }
            match others_of(&self.contacts[&key], brn) {
                Some(others) => found.extend(others),
                None => return Ok(screening::contact_shared_with(conn, &claim.claimant_email, phone, brn)?),
            }
        }
        found.sort_unstable();
        found.dedup();
        found.truncate(screening::EVIDENCE_LIMIT);
        Ok(found)
    }
}

/// The lowest and highest identity (or registration number) of the stored live claims that
/// carry a value: someone else carries it unless both are `own`.
struct Spread {
    low: Option<String>,
    high: Option<String>,
}

impl Spread {
    fn beyond(&self, own: &str) -> bool {
        self.low.as_deref() != Some(own) || self.high.as_deref() != Some(own)
    }
}

/// What the stored claims carry of the accounts, emails and phones of a set.
struct StoredSpreads {
    accounts: HashMap<(String, String), Spread>,
    emails: HashMap<String, Spread>,
    phones: HashMap<String, Spread>,
}

impl StoredSpreads {
    fn read(conn: &mut DbConnection, claims: &[NewClaim]) -> Result<StoredSpreads, Error> {
        let accounts = distinct(claims.iter().map(|c| c.account_number.as_str()));
        let businesses = || claims.iter().filter(|c| c.claimant_brn.is_some());
        let emails = distinct(businesses().map(|c| c.claimant_email.as_str()));
        let phones = distinct(businesses().filter_map(|c| c.claimant_phone.as_deref()));
        let spread = |(value, low, high): screening::Spread| (value, Spread { low, high });
        Ok(StoredSpreads {
            accounts: screening::identities_on_accounts(conn, &accounts)?
                .into_iter()
                .map(|(bank, found)| {
                    let (account, spread) = spread(found);
                    ((bank, account), spread)
                })
                .collect(),
            emails: screening::brns_on_emails(conn, &emails)?.into_iter().map(spread).collect(),
            phones: screening::brns_on_phones(conn, &phones)?.into_iter().map(spread).collect(),
        })
    }
}

fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut values: Vec<&str> = values.collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// The claims of a set screened so far: what a later claim of the set is compared with. Per
/// value it keeps the first claim of each of a few distinct identities: enough evidence for any
/// later claim (at most one of them is its own), however many claims of the set share the value.
#[derive(Default)]
struct EarlierInSet {
    /// `(bank, account)` to `(identity, reference)`.
    accounts: HashMap<(String, String), Vec<(String, String)>>,
    /// Email or phone of a business claim to `(registration number, reference)`.
    contacts: HashMap<String, Vec<(String, String)>>,
}

/// Distinct identities kept per value: one more than the evidence names, as one may be the
/// claim's own.
const KEPT: usize = screening::EVIDENCE_LIMIT + 1;

fn keep(list: &mut Vec<(String, String)>, identity: &str, reference: &str) {
    if list.len() < KEPT && list.iter().all(|(kept, _)| kept != identity) {
        list.push((identity.to_owned(), reference.to_owned()));
    }
}

impl EarlierInSet {
    fn sharing_account(&self, claim: &NewClaim) -> Vec<String> {
        let key = (claim.bank_code.clone(), claim.account_number.clone());
        let others = self.accounts.get(&key).into_iter().flatten();
        others.filter(|(identity, _)| *identity != claim.identity_key).map(|(_, r)| r.clone()).collect()
    }

    fn sharing_contact(&self, claim: &NewClaim, brn: &str) -> Vec<String> {
        let contacts = std::iter::once(&claim.claimant_email).chain(claim.claimant_phone.as_ref());
        let mut found: Vec<String> = contacts
            .flat_map(|contact| self.contacts.get(contact).into_iter().flatten())
            .filter(|(other, _)| other != brn)
            .map(|(_, reference)| reference.clone())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    fn add(&mut self, claim: &NewClaim) {
        let key = (claim.bank_code.clone(), claim.account_number.clone());
        keep(self.accounts.entry(key).or_default(), &claim.identity_key, &claim.reference);
        if let Some(brn) = &claim.claimant_brn {
            for contact in std::iter::once(&claim.claimant_email).chain(claim.claimant_phone.as_ref()) {
                keep(self.contacts.entry(contact.clone()).or_default(), brn, &claim.reference);
            }
        }
    }
}

/// How many filings within the velocity window make a client fast.
pub fn velocity_limit(thresholds: &Thresholds, client: &Client) -> i64 {
    match client {
        Client::Partner(_) => thresholds.velocity_per_partner,
        _ => thresholds.velocity_per_client,
    }
}

/// Where the velocity window starts.
pub fn velocity_since(thresholds: &Thresholds, now: Timestamp) -> chrono::NaiveDateTime {
    Timestamp::from_utc(now.as_utc() - Duration::minutes(thresholds.velocity_minutes)).to_db()
}

/// The signals a claim's facts raise, each with its evidence.
pub fn signals(thresholds: &Thresholds, claim: Screened<'_>, client: &Client, facts: &Facts) -> Vec<Signal> {
    let mut found = Vec::new();
    let mut hit = |code, detail: String| found.push(Signal { code, detail });
    if !facts.shared_account.is_empty() {
        let others = facts.shared_account.join(", ");
        hit(SignalCode::SharedPayoutAccount, format!("the same account is on claims {others}"));
    }
    if !facts.shared_contact.is_empty() {
        let others = facts.shared_contact.join(", ");
        hit(
            SignalCode::SharedContact,
            format!("the same email or phone is on other businesses' claims {others}"),
        );
    }
    if let (true, Some(key)) = (facts.fast_client, client.key()) {
        let (limit, minutes) = (velocity_limit(thresholds, client), thresholds.velocity_minutes);
        hit(
            SignalCode::FilingVelocity,
            format!("{limit} or more filings from {key} within {minutes} minutes"),
        );
    }
    let (count, median) = facts.peers;
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
    found
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

/// Stores what screening found, after the claim itself (replacing an earlier screening).
pub fn record(
    conn: &mut DbConnection,
    claim_id: &str,
    client: &Client,
    found: &[Signal],
    now: Timestamp,
) -> Result<(), Error> {
    Ok(screening::store(conn, &record_row(claim_id, client, found, now)?)?)
}

/// The stored screening of a claim.
pub fn record_row(
    claim_id: &str,
    client: &Client,
    found: &[Signal],
    now: Timestamp,
) -> Result<ScreeningRow, Error> {
    let signals = serde_json::to_string(found).map_err(|e| Error::Internal(e.into()))?;
    Ok(ScreeningRow {
        claim_id: claim_id.to_owned(),
        client_key: client.key().map(str::to_owned),
        signals,
        screened_at: now.to_db(),
    })
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
