//! The facts integrity screening reads (docs/contract.md §4), and what it stored of each claim.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{claim_screenings, claims};
use super::DbConnection;

/// How many other claims a signal names at most: enough evidence for a reviewer.
const EVIDENCE: i64 = 5;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = claim_screenings)]
pub struct ScreeningRow {
    pub claim_id: String,
    pub client_key: Option<String>,
    /// JSON array of `domain::signals::Signal`.
    pub signals: String,
    pub screened_at: NaiveDateTime,
}

/// References of live claims of other identities paid into this account.
pub fn account_shared_with(
    conn: &mut DbConnection,
    bank_code: &str,
    account_number: &str,
    identity_key: &str,
) -> QueryResult<Vec<String>> {
    claims::table
        .filter(claims::account_number.eq(account_number))
        .filter(claims::bank_code.eq(bank_code))
        .filter(claims::identity_key.ne(identity_key))
        .filter(claims::status.ne("withdrawn"))
        .order(claims::id.asc())
        .limit(EVIDENCE)
        .select(claims::reference)
        .load(conn)
}

/// References of live claims with this email or phone and another registration number.
pub fn contact_shared_with(
    conn: &mut DbConnection,
    email: &str,
    phone: Option<&str>,
    brn: &str,
) -> QueryResult<Vec<String>> {
    let other = claims::claimant_brn.is_not_null().and(claims::claimant_brn.ne(brn));
    let mut references: Vec<String> = claims::table
        .filter(claims::claimant_email.eq(email))
        .filter(other)
        .filter(claims::status.ne("withdrawn"))
        .order(claims::id.asc())
        .limit(EVIDENCE)
        .select(claims::reference)
        .load(conn)?;
    if let Some(phone) = phone {
        references.extend(
            claims::table
                .filter(claims::claimant_phone.eq(phone))
                .filter(other)
                .filter(claims::status.ne("withdrawn"))
                .order(claims::id.asc())
                .limit(EVIDENCE)
                .select(claims::reference)
                .load::<String>(conn)?,
        );
    }
    references.sort_unstable();
    references.dedup();
    Ok(references)
}

/// Whether this client had at least `limit` claims screened since `since`. It walks at most
/// `limit` index entries (the `limit`-th latest filing), however many the client made: a count
/// of all of them would grow with every filing of a busy partner.
pub fn at_least_filings_since(
    conn: &mut DbConnection,
    client_key: &str,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<bool> {
    claim_screenings::table
        .filter(claim_screenings::client_key.eq(client_key))
        .filter(claim_screenings::screened_at.ge(since))
        .order(claim_screenings::screened_at.desc())
        .offset(limit.max(1) - 1)
        .limit(1)
        .select(claim_screenings::screened_at)
        .first::<NaiveDateTime>(conn)
        .optional()
        .map(|found| found.is_some())
}

/// The claimed amounts (minor units) of the latest `PEERS` claims of the incident with this
/// service and claimant kind: the peers `amount_outlier` compares with. A bounded sample of the
/// latest claims, so the cost does not grow with the incident.
pub fn latest_peer_amounts(
    conn: &mut DbConnection,
    incident_id: &str,
    service: &str,
    claimant_kind: crate::domain::claimant::ClaimantKind,
) -> QueryResult<Vec<i64>> {
    claims::table
        .filter(claims::incident_id.eq(incident_id))
        .filter(claims::service.eq(service))
        .filter(claims::claimant_kind.eq(claimant_kind))
        .order(claims::id.desc())
        .limit(PEERS)
        .select(claims::claimed_minor)
        .load(conn)
}

/// How many of the latest similar claims `amount_outlier` compares with.
pub const PEERS: i64 = 1_000;

/// Stores (or replaces, on amendment) a claim's screening.
pub fn store(conn: &mut DbConnection, row: &ScreeningRow) -> QueryResult<()> {
    diesel::delete(claim_screenings::table.find(&row.claim_id)).execute(conn)?;
    diesel::insert_into(claim_screenings::table).values(row).execute(conn).map(drop)
}

/// The stored signals of these claims: `(claim_id, signals JSON)`.
pub fn signals_of(conn: &mut DbConnection, claim_ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    let mut rows = Vec::new();
    for chunk in claim_ids.chunks(500) {
        rows.extend(
            claim_screenings::table
                .filter(claim_screenings::claim_id.eq_any(chunk))
                .select((claim_screenings::claim_id, claim_screenings::signals))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(rows)
}
