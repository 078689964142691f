//! Compensation policies: validated, immutable, versioned per incident.

use serde::Serialize;
use serde_json::json;

use super::incidents;
use crate::db::audit::NewEvent;
use crate::db::context::WriteContext;
use crate::db::policies::{self, NewPolicy, PolicyRow};
use crate::db::{self, DbConnection};
use crate::domain::policy::{Policy, PolicyInput};
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::usecases::Error;

/// A stored policy: its identity and version, and the normalized document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PolicyView {
    pub id: String,
    pub incident_id: String,
    pub version: i32,
    pub created_by: String,
    pub created_at: String,
    #[serde(flatten)]
    pub document: PolicyInput,
}

/// A stored policy, parsed back into its domain form.
#[derive(Debug, Clone)]
pub struct StoredPolicy {
    pub row: PolicyRow,
    pub document: PolicyInput,
    pub policy: Policy,
}

impl StoredPolicy {
    pub fn from_row(row: PolicyRow) -> Result<StoredPolicy, Error> {
        let corrupt =
            |what: String| Error::Internal(anyhow::anyhow!("policy {} is unreadable: {what}", row.id));
        let document: PolicyInput =
            serde_json::from_str(&row.document).map_err(|e| corrupt(e.to_string()))?;
        let policy = Policy::parse(&document).map_err(|e| corrupt(format!("{e:?}")))?;
        Ok(StoredPolicy { row, document, policy })
    }

    pub fn view(&self) -> PolicyView {
        PolicyView {
            id: self.row.id.clone(),
            incident_id: self.row.incident_id.clone(),
            version: self.row.version,
            created_by: self.row.created_by.clone(),
            created_at: Timestamp::from_db(self.row.created_at).to_string(),
            document: self.document.clone(),
        }
    }
}

/// Fills in the defaults so the stored document says exactly what the calculator will use.
fn normalized(mut input: PolicyInput, policy: &Policy) -> PolicyInput {
    use crate::domain::money::DecimalString;
    let decimal = |d: rust_decimal::Decimal| DecimalString::parse(&d.normalize().to_string()).ok();
    if input.severity_weights.is_none() {
        let w = policy.weights;
        input.severity_weights =
            match (decimal(w.major_outage), decimal(w.partial_outage), decimal(w.degraded_performance)) {
                (Some(major_outage), Some(partial_outage), Some(degraded_performance)) => {
                    Some(crate::domain::policy::WeightsInput {
                        major_outage,
                        partial_outage,
                        degraded_performance,
                    })
                }
                _ => None,
            };
    }
    if input.min_payout.is_none() {
        input.min_payout = decimal(policy.min_payout.to_decimal());
    }
    input
}

pub fn create(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    incident_id: &str,
    input: PolicyInput,
) -> Result<PolicyView, Error> {
    // Serializes version numbers per incident across instances.
    if !db::incidents::lock(conn, incident_id)? {
        return Err(Error::NotFound);
    }
    let incident = incidents::load(conn, incident_id)?;
    let policy = Policy::parse(&input)?;
    if policy.currency != incident.currency {
        return Err(Error::field(
            "currency",
            "currency_mismatch",
            format!("must be the incident's currency, {}", incident.currency),
        ));
    }
    let document = normalized(input, &policy);
    let row = NewPolicy {
        id: super::new_id(),
        incident_id: incident_id.to_owned(),
        version: policies::next_version(conn, incident_id)?,
        currency: policy.currency,
        document: serde_json::to_string(&document).map_err(|e| Error::Internal(e.into()))?,
        created_by: actor.audit_name(),
        created_at: Timestamp::now().to_db(),
    };
    policies::insert(conn, &row)?;
    let view = StoredPolicy { row: PolicyRow::from(row), document, policy }.view();
    context.audit(
        &actor.audit_name(),
        NewEvent {
            action: "policy.created",
            entity_type: "policy",
            entity_id: view.id.clone(),
            details: json!(view),
        },
    );
    Ok(view)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<PolicyView, Error> {
    let row = policies::find(conn, id)?.ok_or(Error::NotFound)?;
    Ok(StoredPolicy::from_row(row)?.view())
}

pub fn list(conn: &mut DbConnection, incident_id: &str) -> Result<Vec<PolicyView>, Error> {
    incidents::load(conn, incident_id)?;
    policies::list_for_incident(conn, incident_id)?
        .into_iter()
        .map(|row| StoredPolicy::from_row(row).map(|p| p.view()))
        .collect()
}

/// The incident's newest policy, if it has one.
pub fn latest(conn: &mut DbConnection, incident_id: &str) -> Result<Option<StoredPolicy>, Error> {
    policies::latest(conn, incident_id)?.map(StoredPolicy::from_row).transpose()
}
