//! The facts integrity screening reads (docs/contract.md §4), and what it stored of each claim.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{claim_screenings, claims};
use super::DbConnection;

/// How many other claims a signal names at most: enough evidence for a reviewer.
///
/// The evidence queries order by the whole key of their index (value first, then id; the same
/// order, as the value is fixed): PostgreSQL then walks that index and stops after a few
/// entries, where `ORDER BY id` alone may be planned as a walk of the whole table by id.
pub const EVIDENCE_LIMIT: usize = 5;
const EVIDENCE: i64 = EVIDENCE_LIMIT as i64;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = claim_screenings)]
// NULL for `None`, so SQLite takes many rows per statement (see `claims::NewClaim`).
#[diesel(treat_none_as_default_value = false)]
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
        .order((claims::account_number, claims::bank_code, claims::id))
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
        .order((claims::claimant_email, claims::id))
        .limit(EVIDENCE)
        .select(claims::reference)
        .load(conn)?;
    if let Some(phone) = phone {
        references.extend(
            claims::table
                .filter(claims::claimant_phone.eq(phone))
                .filter(other)
                .filter(claims::status.ne("withdrawn"))
                .order((claims::claimant_phone, claims::id))
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
        .order((
            claims::incident_id.desc(),
            claims::service.desc(),
            claims::claimant_kind.desc(),
            claims::id.desc(),
        ))
        .limit(PEERS)
        .select(claims::claimed_minor)
        .load(conn)
}

/// Set-based screening reads, for many claims filed together: one row per account, email or
/// phone with the lowest and highest identity (or registration number) of the live claims that
/// carry it. A claim shares it with someone else exactly when those are not both its own, and
/// only then are the references read (see [`account_shared_with`]), so what is read stays one
/// row per value however many claims carry it.
pub type Spread = (String, Option<String>, Option<String>);

/// Per `(bank_code, account_number)`, the identities of the live claims paid into it.
pub fn identities_on_accounts(
    conn: &mut DbConnection,
    account_numbers: &[&str],
) -> QueryResult<Vec<(String, Spread)>> {
    use diesel::dsl::{max, min};
    let mut rows = Vec::new();
    for chunk in account_numbers.chunks(500) {
        let found: Vec<(String, String, Option<String>, Option<String>)> = claims::table
            .filter(claims::account_number.eq_any(chunk))
            .filter(claims::status.ne("withdrawn"))
            .group_by((claims::bank_code, claims::account_number))
            .select((
                claims::bank_code,
                claims::account_number,
                min(claims::identity_key),
                max(claims::identity_key),
            ))
            .load(conn)?;
        rows.extend(found.into_iter().map(|(bank, account, low, high)| (bank, (account, low, high))));
    }
    Ok(rows)
}

/// Per email, the registration numbers of the live business claims that give it.
pub fn brns_on_emails(conn: &mut DbConnection, emails: &[&str]) -> QueryResult<Vec<Spread>> {
    use diesel::dsl::{max, min};
    let mut rows = Vec::new();
    for chunk in emails.chunks(500) {
        rows.extend(
            claims::table
                .filter(claims::claimant_email.eq_any(chunk))
                .filter(claims::claimant_brn.is_not_null())
                .filter(claims::status.ne("withdrawn"))
                .group_by(claims::claimant_email)
                .select((claims::claimant_email, min(claims::claimant_brn), max(claims::claimant_brn)))
                .load::<Spread>(conn)?,
        );
    }
    Ok(rows)
}

/// Per phone, the registration numbers of the live business claims that give it.
pub fn brns_on_phones(conn: &mut DbConnection, phones: &[&str]) -> QueryResult<Vec<Spread>> {
    use diesel::dsl::{max, min};
    let mut rows = Vec::new();
    for chunk in phones.chunks(500) {
        let found: Vec<(Option<String>, Option<String>, Option<String>)> = claims::table
            .filter(claims::claimant_phone.eq_any(chunk))
            .filter(claims::claimant_brn.is_not_null())
            .filter(claims::status.ne("withdrawn"))
            .group_by(claims::claimant_phone)
            .select((claims::claimant_phone, min(claims::claimant_brn), max(claims::claimant_brn)))
            .load(conn)?;
        rows.extend(found.into_iter().filter_map(|(phone, low, high)| Some((phone?, low, high))));
    }
    Ok(rows)
}

/// How many claims this client had screened since `since`, counting at most `limit` (the
/// walk stops there, see [`at_least_filings_since`]).
pub fn filings_since(
    conn: &mut DbConnection,
    client_key: &str,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<i64> {
    claim_screenings::table
        .filter(claim_screenings::client_key.eq(client_key))
        .filter(claim_screenings::screened_at.ge(since))
        .order(claim_screenings::screened_at.desc())
        .limit(limit.max(0))
        .select(claim_screenings::screened_at)
        .load::<NaiveDateTime>(conn)
        .map(|found| i64::try_from(found.len()).unwrap_or(i64::MAX))
}

/// Stores the screenings of newly filed claims, many rows per statement.
pub fn insert_new(conn: &mut DbConnection, rows: &[ScreeningRow]) -> QueryResult<()> {
    for chunk in rows.chunks(2000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(claim_screenings::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// The first live claims (by id) paid into an account, as `(identity, reference)`: the
/// evidence of a set's claims that share it, read once per account (see `claims_by_account`).
pub fn first_claims_on_account(
    conn: &mut DbConnection,
    bank_code: &str,
    account_number: &str,
    limit: i64,
) -> QueryResult<Vec<(String, String)>> {
    claims::table
        .filter(claims::account_number.eq(account_number))
        .filter(claims::bank_code.eq(bank_code))
        .filter(claims::status.ne("withdrawn"))
        .order((claims::account_number, claims::bank_code, claims::id))
        .limit(limit)
        .select((claims::identity_key, claims::reference))
        .load(conn)
}

/// The first live business claims (by id) with this email, or this phone, as
/// `(registration number, reference)`.
pub fn first_businesses_with_contact(
    conn: &mut DbConnection,
    contact: Contact<'_>,
    limit: i64,
) -> QueryResult<Vec<(String, String)>> {
    let query = claims::table
        .filter(claims::claimant_brn.is_not_null())
        .filter(claims::status.ne("withdrawn"))
        .limit(limit)
        .select((claims::claimant_brn, claims::reference));
    let rows: Vec<(Option<String>, String)> = match contact {
        Contact::Email(email) => query
            .filter(claims::claimant_email.eq(email))
            .order((claims::claimant_email, claims::id))
            .load(conn)?,
        Contact::Phone(phone) => query
            .filter(claims::claimant_phone.eq(phone))
            .order((claims::claimant_phone, claims::id))
            .load(conn)?,
    };
    Ok(rows.into_iter().filter_map(|(brn, reference)| Some((brn?, reference))).collect())
}

/// An email or a phone number of a claimant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Contact<'a> {
    Email(&'a str),
    Phone(&'a str),
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
