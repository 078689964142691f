//! Recording and reading incidents.

use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use crate::db::audit::NewEvent;
use crate::db::context::WriteContext;
use crate::db::incidents::{self, IncidentRow, NewIncident};
use crate::db::{windows, DbConnection};
use crate::domain::money::{Currency, DecimalString, Money};
use crate::domain::role::{Actor, Role};
use crate::domain::time::Timestamp;
use crate::domain::validation::Errors;
use crate::usecases::page::{Page, PageRequest};
use crate::usecases::Error;

/// The body of `POST /incidents`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncidentInput {
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    #[validate(length(max = 10000))]
    pub description: String,
    pub started_at: Timestamp,
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    pub claims_open_at: Timestamp,
    pub claims_close_at: Timestamp,
    /// Claims above this amount go to manual review.
    #[serde(default)]
    pub review_threshold: Option<DecimalString>,
    /// Currency of `review_threshold` and of the incident's claims (default `KRW`).
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Days after a rejection in which the claimant may appeal (default 30).
    #[serde(default)]
    #[validate(range(min = 1, max = 365))]
    pub appeal_days: Option<i32>,
}

/// Days to appeal a rejection when the incident does not say.
pub const DEFAULT_APPEAL_DAYS: i32 = 30;

/// An incident as the API shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IncidentView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub currency: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub claims_open_at: String,
    pub claims_close_at: String,
    pub review_threshold: Option<String>,
    /// Days after a rejection in which the claimant may appeal.
    pub appeal_days: i32,
    /// Whether claims may be filed right now.
    pub claims_open: bool,
    /// Services with recorded outage windows.
    pub services: Vec<String>,
    /// Who recorded it: staff only (admin, finance); public answers do not name staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    pub created_at: String,
}

/// An incident, parsed from its row.
#[derive(Debug, Clone)]
pub struct Incident {
    pub row: IncidentRow,
    pub currency: Currency,
}

impl Incident {
    pub fn from_row(row: IncidentRow) -> Result<Incident, Error> {
        Ok(Incident { currency: row.currency, row })
    }

    pub fn review_threshold(&self) -> Option<Money> {
        self.row.review_threshold_minor.map(|m| Money::from_minor(m, self.currency))
    }

    pub fn claims_open_at(&self, now: Timestamp) -> bool {
        Timestamp::from_db(self.row.claims_open_at) <= now
            && now < Timestamp::from_db(self.row.claims_close_at)
    }

    /// `staff`: whether the viewer may see who recorded it.
    fn view(&self, services: Vec<String>, now: Timestamp, staff: bool) -> IncidentView {
        let row = &self.row;
        let at = |t| Timestamp::from_db(t).to_string();
        IncidentView {
            id: row.id.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            currency: row.currency.to_string(),
            started_at: at(row.started_at),
            ended_at: row.ended_at.map(at),
            claims_open_at: at(row.claims_open_at),
            claims_close_at: at(row.claims_close_at),
            review_threshold: self.review_threshold().map(|m| m.to_string()),
            appeal_days: row.appeal_days,
            claims_open: self.claims_open_at(now),
            services,
            created_by: staff.then(|| row.created_by.clone()),
            created_at: at(row.created_at),
        }
    }
}

fn services_of(conn: &mut DbConnection, incident_id: &str) -> Result<Vec<String>, Error> {
    let mut services: Vec<String> =
        windows::list_for_incident(conn, incident_id)?.into_iter().map(|w| w.service).collect();
    services.dedup();
    Ok(services)
}

pub fn create(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    input: NewIncidentInput,
) -> Result<IncidentView, Error> {
    let mut errors = Errors::default();
    let currency = input.currency.unwrap_or(Currency::KRW);
    if input.title.trim().is_empty() {
        errors.add("title", "required", "must not be blank");
    }
    if input.ended_at.is_some_and(|end| end <= input.started_at) {
        errors.add("ended_at", "before_start", "must be after started_at");
    }
    if input.claims_close_at <= input.claims_open_at {
        errors.add("claims_close_at", "before_start", "must be after claims_open_at");
    }
    let threshold = input.review_threshold.and_then(|t| {
        errors.take(
            Money::from_decimal(t, currency)
                .map_err(|(c, m)| crate::domain::validation::FieldError::new("review_threshold", c, m)),
        )
    });
    if !errors.is_empty() {
        return Err(Error::Invalid(errors.into_vec()));
    }
    let now = Timestamp::now();
    let row = NewIncident {
        id: super::new_id(),
        title: input.title.trim().to_owned(),
        description: input.description,
        currency,
        started_at: input.started_at.to_db(),
        ended_at: input.ended_at.map(Timestamp::to_db),
        claims_open_at: input.claims_open_at.to_db(),
        claims_close_at: input.claims_close_at.to_db(),
        review_threshold_minor: threshold.map(Money::minor),
        created_by: actor.audit_name(),
        created_at: now.to_db(),
        appeal_days: input.appeal_days.unwrap_or(DEFAULT_APPEAL_DAYS),
    };
    incidents::insert(conn, &row)?;
    let view = Incident::from_row(IncidentRow::from(row))?.view(Vec::new(), now, true);
    context.audit(
        &actor.audit_name(),
        NewEvent {
            action: "incident.created",
            entity_type: "incident",
            entity_id: view.id.clone(),
            details: json!(view),
        },
    );
    Ok(view)
}

/// Loads an incident or answers 404.
pub fn load(conn: &mut DbConnection, id: &str) -> Result<Incident, Error> {
    incidents::find(conn, id)?.ok_or(Error::NotFound).and_then(Incident::from_row)
}

/// Staff see every incident; everyone else sees those open for claims.
fn sees_all(viewer: Option<&Actor>) -> bool {
    viewer.is_some_and(|a| a.is(&[Role::Admin, Role::Finance]))
}

pub fn get(conn: &mut DbConnection, viewer: Option<&Actor>, id: &str) -> Result<IncidentView, Error> {
    let incident = load(conn, id)?;
    let now = Timestamp::now();
    if !sees_all(viewer) && !incident.claims_open_at(now) {
        return Err(Error::NotFound);
    }
    let services = services_of(conn, id)?;
    Ok(incident.view(services, now, sees_all(viewer)))
}

pub fn list(
    conn: &mut DbConnection,
    viewer: Option<&Actor>,
    page: &PageRequest,
) -> Result<Page<IncidentView>, Error> {
    let now = Timestamp::now();
    let open_at = (!sees_all(viewer)).then(|| now.to_db());
    let rows = incidents::list(conn, page.after.as_deref(), page.fetch(), open_at)?;
    let page = Page::from_fetched(rows, page, |row| row.id.clone());
    let mut items = Vec::with_capacity(page.items.len());
    for row in page.items {
        let services = services_of(conn, &row.id)?;
        items.push(Incident::from_row(row)?.view(services, now, sees_all(viewer)));
    }
    Ok(Page { items, next_cursor: page.next_cursor })
}
