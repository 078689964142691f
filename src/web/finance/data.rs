//! What the signed-in page shows, read in one transaction through the same use cases as the
//! API (incident list, incident summary, batch views), so the page and the API always agree.

use crate::db::DbConnection;
use crate::domain::role::Actor;
use crate::http::page::{PageRequest, MAX_LIMIT};
use crate::usecases::incidents;
use crate::usecases::payouts::{self, BatchView};
use crate::usecases::reports::{self, Summary};
use crate::usecases::Error;

/// The page's data for one incident (the first one when none is chosen).
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The signed-in user's `sub`.
    pub user: String,
    /// `(id, label)` of the incidents to choose from.
    pub incidents: Vec<(String, String)>,
    pub selected: Option<String>,
    pub summary: Option<Summary>,
    pub batches: Vec<BatchView>,
}

/// Loads the page; an incident id that does not exist answers 404, as in the API.
pub fn load(conn: &mut DbConnection, actor: &Actor, incident: Option<String>) -> Result<Dashboard, Error> {
    // One page of incidents is plenty: a programme handles a handful of outages.
    let page = PageRequest::parse(Some(MAX_LIMIT), None)?;
    let listed = incidents::list(conn, Some(actor), &page)?.items;
    let choices: Vec<(String, String)> = listed
        .iter()
        .map(|i| (i.id.clone(), format!("{} ({})", i.title, i.started_at.get(..10).unwrap_or(&i.started_at))))
        .collect();
    let selected = incident.or_else(|| choices.first().map(|(id, _)| id.clone()));
    let mut dashboard = Dashboard {
        user: actor.sub.clone(),
        incidents: choices,
        selected,
        summary: None,
        batches: Vec::new(),
    };
    let Some(id) = dashboard.selected.clone() else { return Ok(dashboard) };
    dashboard.summary = Some(reports::summary(conn, &id)?);
    dashboard.batches = crate::db::batches::list(conn, Some(&id), None, i64::MAX)?
        .iter()
        .map(payouts::view)
        .collect::<Result<_, _>>()?;
    Ok(dashboard)
}
