//! Claims and their window overlaps. Changes of a stored claim are in `update`.

mod update;

pub use update::{amend_terms, update, ClaimUpdate, EvidenceMinor, TermsAmended};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{claim_windows, claims, counters};
use super::DbConnection;
use crate::domain::claim::{Channel, ClaimStatus, OwnerKind};
use crate::domain::claimant::ClaimantKind;
use crate::domain::lang::Lang;
use crate::domain::money::Currency;
use crate::domain::severity::Severity;

/// A claim as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claims)]
pub struct ClaimRow {
    pub id: String,
    pub reference: String,
    pub incident_id: String,
    pub service: String,
    pub status: ClaimStatus,
    pub status_reason: Option<String>,
    pub channel: Channel,
    pub owner_kind: OwnerKind,
    pub owner: String,
    pub claimant_kind: ClaimantKind,
    pub claimant_name: String,
    pub claimant_brn: Option<String>,
    pub claimant_email: String,
    pub claimant_phone: Option<String>,
    pub identity_key: String,
    pub loss_started_at: NaiveDateTime,
    pub loss_ended_at: NaiveDateTime,
    pub currency: Currency,
    pub claimed_minor: i64,
    pub baseline_revenue_minor: Option<i64>,
    pub outage_revenue_minor: Option<i64>,
    pub monthly_fee_minor: Option<i64>,
    pub bank_code: String,
    pub account_number: String,
    pub account_holder: String,
    pub description: Option<String>,
    pub external_ref: Option<String>,
    pub outage_seconds: i64,
    pub approved_minor: Option<i64>,
    pub cure_deadline: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When it was last rejected: an appeal runs from here.
    pub rejected_at: Option<NaiveDateTime>,
    /// The finance user who rejected it (`None` when the rules did); an appeal is decided by
    /// someone else.
    pub rejected_by: Option<String>,
    /// When its owner appealed (at most once).
    pub appealed_at: Option<NaiveDateTime>,
    /// The language its claimant reads.
    pub locale: Lang,
    /// The consent text's version the claimant agreed to, and when.
    pub consent_version: Option<String>,
    pub consented_at: Option<NaiveDateTime>,
}

/// A claim as filed: nothing is approved yet (`approved_minor` starts empty).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = claims)]
// `None` is written as NULL, not as the column's default: with the default, diesel cannot put
// rows with and without a value into one statement and inserts on SQLite one row at a time.
#[diesel(treat_none_as_default_value = false)]
pub struct NewClaim {
    pub id: String,
    pub reference: String,
    pub incident_id: String,
    pub service: String,
    pub status: ClaimStatus,
    pub status_reason: Option<String>,
    pub channel: Channel,
    pub owner_kind: OwnerKind,
    pub owner: String,
    pub claimant_kind: ClaimantKind,
    pub claimant_name: String,
    pub claimant_brn: Option<String>,
    pub claimant_email: String,
    pub claimant_phone: Option<String>,
    pub identity_key: String,
    pub loss_started_at: NaiveDateTime,
    pub loss_ended_at: NaiveDateTime,
    pub currency: Currency,
    pub claimed_minor: i64,
    pub baseline_revenue_minor: Option<i64>,
    pub outage_revenue_minor: Option<i64>,
    pub monthly_fee_minor: Option<i64>,
    pub bank_code: String,
    pub account_number: String,
    pub account_holder: String,
    pub description: Option<String>,
    pub external_ref: Option<String>,
    pub outage_seconds: i64,
    pub cure_deadline: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set when the rules rejected it at filing.
    pub rejected_at: Option<NaiveDateTime>,
    pub locale: Lang,
    pub consent_version: Option<String>,
    pub consented_at: Option<NaiveDateTime>,
}

impl From<NewClaim> for ClaimRow {
    /// The row a filing stored, without reading it back.
    fn from(new: NewClaim) -> ClaimRow {
        let NewClaim {
            id,
            reference,
            incident_id,
            service,
            status,
            status_reason,
            channel,
            owner_kind,
            owner,
            claimant_kind,
            claimant_name,
            claimant_brn,
            claimant_email,
            claimant_phone,
            identity_key,
            loss_started_at,
            loss_ended_at,
            currency,
            claimed_minor,
            baseline_revenue_minor,
            outage_revenue_minor,
            monthly_fee_minor,
            bank_code,
            account_number,
            account_holder,
            description,
            external_ref,
            outage_seconds,
            cure_deadline,
            created_at,
            updated_at,
            rejected_at,
            locale,
            consent_version,
            consented_at,
        } = new;
        ClaimRow {
            id,
            reference,
            incident_id,
            service,
            status,
            status_reason,
            channel,
            owner_kind,
            owner,
            claimant_kind,
            claimant_name,
            claimant_brn,
            claimant_email,
            claimant_phone,
            identity_key,
            loss_started_at,
            loss_ended_at,
            currency,
            claimed_minor,
            baseline_revenue_minor,
            outage_revenue_minor,
            monthly_fee_minor,
            bank_code,
            account_number,
            account_holder,
            description,
            external_ref,
            outage_seconds,
            approved_minor: None,
            cure_deadline,
            created_at,
            updated_at,
            rejected_at,
            rejected_by: None,
            appealed_at: None,
            locale,
            consent_version,
            consented_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = claim_windows)]
pub struct ClaimWindowRow {
    pub claim_id: String,
    pub window_id: String,
    pub severity: Severity,
    pub overlap_seconds: i64,
}

/// Inserts claims with their overlaps, many rows per statement.
pub fn insert(conn: &mut DbConnection, rows: &[NewClaim], windows: &[ClaimWindowRow]) -> QueryResult<()> {
    // Well under SQLite's limit of 32766 bound parameters per statement.
    for chunk in rows.chunks(500) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(claims::table).values(chunk).execute(c))?;
    }
    for chunk in windows.chunks(2000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(claim_windows::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Takes `count` claim reference numbers. PostgreSQL draws them from a sequence, which never
/// blocks another transaction (a counter row would be locked by every filing until commit, and
/// filings holding other locks then deadlock); SQLite, with one writer at a time, keeps a
/// counter row. A rolled-back filing may leave a gap: references are unique, not dense.
pub fn reserve_reference_numbers(conn: &mut DbConnection, count: i64) -> QueryResult<Vec<i64>> {
    use diesel::sql_types::BigInt;
    match conn {
        DbConnection::Postgres(pg) => {
            #[derive(QueryableByName)]
            struct Number {
                #[diesel(sql_type = BigInt)]
                n: i64,
            }
            diesel::sql_query("SELECT nextval('claim_reference_seq') AS n FROM generate_series(1, $1)")
                .bind::<BigInt, _>(count)
                .load::<Number>(pg)
                .map(|rows| rows.into_iter().map(|r| r.n).collect())
        }
        DbConnection::Sqlite(lite) => {
            let last: i64 = diesel::update(counters::table.find("claim_reference"))
                .set(counters::value.eq(counters::value + count))
                .returning(counters::value)
                .get_result(lite)?;
            Ok((last - count + 1..=last).collect())
        }
    }
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ClaimRow>> {
    claims::table.find(id).select(ClaimRow::as_select()).first(conn).optional()
}

pub fn find_by_reference(conn: &mut DbConnection, reference: &str) -> QueryResult<Option<ClaimRow>> {
    claims::table.filter(claims::reference.eq(reference)).select(ClaimRow::as_select()).first(conn).optional()
}

/// The claim that already holds an identity for an incident and service, as a duplicate
/// filing is told of it.
#[derive(Debug, Clone, Queryable)]
pub struct ExistingClaim {
    pub id: String,
    pub reference: String,
    pub owner_kind: OwnerKind,
    pub owner: String,
}

/// The live claims holding any of these identities in an incident, with the service each is
/// for, whatever its loss period: one claimant has one claim per service (docs/contract.md §4),
/// amended rather than repeated.
pub fn live_claims_of_identities(
    conn: &mut DbConnection,
    incident_id: &str,
    identity_keys: &[&str],
) -> QueryResult<Vec<(String, String, ExistingClaim)>> {
    let mut found = Vec::new();
    for chunk in identity_keys.chunks(500) {
        let rows: Vec<(String, String, String, String, OwnerKind, String)> = claims::table
            .filter(claims::identity_key.eq_any(chunk))
            .filter(claims::incident_id.eq(incident_id))
            .filter(claims::status.ne(ClaimStatus::Withdrawn))
            .select((
                claims::service,
                claims::identity_key,
                claims::id,
                claims::reference,
                claims::owner_kind,
                claims::owner,
            ))
            .load(conn)?;
        found.extend(rows.into_iter().map(|(service, identity, id, reference, owner_kind, owner)| {
            (service, identity, ExistingClaim { id, reference, owner_kind, owner })
        }));
    }
    Ok(found)
}

/// Which of these `external_ref`s of one owner already name a claim: `(external_ref, claim id)`.
pub fn external_refs_in(
    conn: &mut DbConnection,
    owner_kind: OwnerKind,
    owner: &str,
    external_refs: &[&str],
) -> QueryResult<Vec<(String, String)>> {
    let mut found = Vec::new();
    for chunk in external_refs.chunks(500) {
        let rows: Vec<(Option<String>, String)> = claims::table
            .filter(claims::owner_kind.eq(owner_kind))
            .filter(claims::owner.eq(owner))
            .filter(claims::external_ref.eq_any(chunk))
            .select((claims::external_ref, claims::id))
            .load(conn)?;
        found.extend(rows.into_iter().filter_map(|(external_ref, id)| Some((external_ref?, id))));
    }
    Ok(found)
}

/// The window overlaps of these claims.
pub fn windows_of(conn: &mut DbConnection, claim_ids: &[String]) -> QueryResult<Vec<ClaimWindowRow>> {
    let mut rows = Vec::new();
    for chunk in claim_ids.chunks(500) {
        rows.extend(
            claim_windows::table
                .filter(claim_windows::claim_id.eq_any(chunk))
                .select(ClaimWindowRow::as_select())
                .load(conn)?,
        );
    }
    Ok(rows)
}

/// Which claims a listing shows.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub incident_id: Option<String>,
    pub status: Option<ClaimStatus>,
    pub service: Option<String>,
    pub channel: Option<Channel>,
    /// Only claims of this owner: `(owner_kind, owner)`.
    pub owner: Option<(OwnerKind, String)>,
    /// Only this claim (status tokens).
    pub only_id: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ClaimFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ClaimRow>> {
    let mut query = claims::table.select(ClaimRow::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(claims::id.gt(after.to_owned()));
    }
    if let Some(v) = &filter.incident_id {
        query = query.filter(claims::incident_id.eq(v.clone()));
    }
    if let Some(v) = &filter.status {
        query = query.filter(claims::status.eq(*v));
    }
    if let Some(v) = &filter.service {
        query = query.filter(claims::service.eq(v.clone()));
    }
    if let Some(v) = &filter.channel {
        query = query.filter(claims::channel.eq(*v));
    }
    if let Some((kind, owner)) = &filter.owner {
        query = query.filter(claims::owner_kind.eq(*kind)).filter(claims::owner.eq(owner.clone()));
    }
    if let Some(id) = &filter.only_id {
        query = query.filter(claims::id.eq(id.clone()));
    }
    query.order(claims::id.asc()).limit(limit).load(conn)
}

/// Claims by status across all incidents (for `/metrics`).
pub fn count_by_status(conn: &mut DbConnection) -> QueryResult<Vec<(ClaimStatus, i64)>> {
    claims::table.group_by(claims::status).select((claims::status, diesel::dsl::count_star())).load(conn)
}

/// Deficient claims whose cure deadline falls in `[from, until)`, soonest first.
pub fn deficient_with_deadline(
    conn: &mut DbConnection,
    from: Option<NaiveDateTime>,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ClaimRow>> {
    let mut query = claims::table
        .filter(claims::status.eq(ClaimStatus::Deficient))
        .filter(claims::cure_deadline.lt(until))
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(claims::cure_deadline.ge(from));
    }
    query.order(claims::cure_deadline.asc()).limit(limit).select(ClaimRow::as_select()).load(conn)
}
