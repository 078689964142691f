//! Reading claims: each caller sees only what it may (404 otherwise; lists never leak).

use serde::Deserialize;

use super::{can_read, owner_kind, unmasked_for, view, with_paid_amounts, with_signals, ClaimView};
use crate::db::claims::{self, ClaimFilter, ClaimRow};
use crate::db::DbConnection;
use crate::domain::claim::{Channel, ClaimStatus};
use crate::domain::role::{Actor, Role};
use crate::domain::service::ServiceSlug;
use crate::usecases::page::{Page, PageRequest};
use crate::usecases::query::IdParam;
use crate::usecases::Error;

/// Query of `GET /claims`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    #[serde(default)]
    #[schemars(schema_with = "crate::usecases::page::limit_schema")]
    pub limit: Option<u32>,
    pub cursor: Option<IdParam>,
    pub incident_id: Option<IdParam>,
    pub status: Option<ClaimStatus>,
    pub service: Option<ServiceSlug>,
    pub channel: Option<Channel>,
    /// The claim's reference, e.g. `OC-0000042`.
    pub reference: Option<String>,
}

/// Loads a claim the actor may read, or answers 404.
pub fn load_visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ClaimRow, Error> {
    claims::find(conn, id)?.filter(|row| can_read(actor, row)).ok_or(Error::NotFound)
}

/// Loads a claim the actor may read for a change of its state. The change first waits for any
/// payout batch of the claim's incident being calculated (docs/contract.md §7: a batch never pays a claim
/// as if a change answered 2xx had not happened), then reads the claim as it is now.
pub fn load_for_change(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ClaimRow, Error> {
    let row = load_visible(conn, actor, id)?;
    crate::db::lock_key_shared(conn, &crate::db::batch_key(&row.incident_id))?;
    load_visible(conn, actor, id)
}

/// [`load_for_change`] for a change only the claim's owner makes (amend, documents, appeal, a
/// new account): staff who may read the claim get 403.
pub fn load_own_for_change(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ClaimRow, Error> {
    let row = load_for_change(conn, actor, id)?;
    if !super::is_claimant_of(actor, &row) {
        return Err(Error::Forbidden);
    }
    Ok(row)
}

pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ClaimView, Error> {
    let row = load_visible(conn, actor, id)?;
    let windows = claims::windows_of(conn, std::slice::from_ref(&row.id))?;
    let mut views = [view(&row, &windows, unmasked_for(Some(actor)))];
    with_paid_amounts(conn, &mut views)?;
    with_signals(conn, actor, &mut views)?;
    let [claim] = views;
    Ok(claim)
}

/// The listing restricted to what the actor may see.
fn scope(actor: &Actor) -> ClaimFilter {
    let mut filter = ClaimFilter::default();
    if let Some(id) = &actor.claim_scope {
        filter.only_id = Some(id.clone());
        return filter;
    }
    match actor.role {
        Role::Admin | Role::Finance => {}
        Role::Partner => {
            filter.owner = Some((owner_kind::PARTNER, actor.org.clone().unwrap_or_default()));
        }
        Role::Claimant => filter.owner = Some((owner_kind::CLAIMANT, actor.sub.clone())),
    }
    filter
}

pub fn list(conn: &mut DbConnection, actor: &Actor, query: ClaimQuery) -> Result<Page<ClaimView>, Error> {
    let page = PageRequest::parse(query.limit, query.cursor.map(IdParam::into_string))?;
    let mut filter = scope(actor);
    filter.incident_id = query.incident_id.map(IdParam::into_string);
    filter.status = query.status;
    filter.service = query.service.map(|s| s.as_str().to_owned());
    filter.channel = query.channel;
    let rows = match query.reference {
        // A reference names at most one claim: look it up directly, then apply the scope.
        Some(reference) => claims::find_by_reference(conn, reference.trim())?
            .filter(|row| can_read(actor, row))
            .filter(|row| filter.incident_id.as_ref().is_none_or(|i| *i == row.incident_id))
            .into_iter()
            .collect(),
        None => claims::list(conn, &filter, page.after.as_deref(), page.fetch())?,
    };
    let page = Page::from_fetched(rows, &page, |row| row.id.clone());
    let ids: Vec<String> = page.items.iter().map(|r| r.id.clone()).collect();
    let mut windows = claims::windows_of(conn, &ids)?;
    let unmasked = unmasked_for(Some(actor));
    let mut page = page.map(|row| {
        let (mine, rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut windows).into_iter().partition(|w| w.claim_id == row.id);
        windows = rest;
        view(&row, &mine, unmasked)
    });
    with_paid_amounts(conn, &mut page.items)?;
    with_signals(conn, actor, &mut page.items)?;
    Ok(page)
}
