//! Claims: filing (one intake path for the web form, the API and bulk uploads), reading with
//! per-caller visibility, and the life cycle of docs/contract.md §4.

pub mod account;
pub mod amend;
pub mod appeal;
pub mod documents;
pub mod file;
pub mod file_set;
pub mod filing;
pub mod lifecycle;
pub mod read;
pub mod screen;
pub mod timeline;
pub mod words;

use serde::Serialize;

use crate::db::claims::{ClaimRow, ClaimWindowRow};
use crate::domain::claim_input::mask;
use crate::domain::money::Money;
use crate::domain::policy::SeverityWeights;
use crate::domain::role::{Actor, Role};
use crate::domain::time::Timestamp;
use crate::domain::verification::{Verification, WindowOverlap};

/// Who a claim belongs to, as stored in `owner_kind`.
pub mod owner_kind {
    use crate::domain::claim::OwnerKind;
    pub const CLAIMANT: OwnerKind = OwnerKind::Claimant;
    pub const PARTNER: OwnerKind = OwnerKind::Partner;
    pub const PUBLIC: OwnerKind = OwnerKind::Public;
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClaimView {
    pub id: String,
    pub reference: String,
    pub incident_id: String,
    pub service: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub channel: String,
    pub claimant: ClaimantView,
    pub loss_started_at: String,
    pub loss_ended_at: String,
    pub currency: String,
    pub claimed_amount: String,
    pub evidence: EvidenceView,
    pub payout_account: PayoutAccountView,
    pub description: Option<String>,
    pub external_ref: Option<String>,
    /// Set when finance approved a case-by-case amount.
    pub approved_amount: Option<String>,
    /// Until when a deficient claim may be cured.
    pub cure_deadline: Option<String>,
    /// What the bank paid, once the claim is `paid`.
    pub paid_amount: Option<String>,
    pub verification: VerificationView,
    pub created_at: String,
    pub updated_at: String,
    /// The consent the claimant gave at filing: the text's version and when.
    pub consent: Option<ConsentView>,
    /// Integrity signals (docs/contract.md §4), shown to finance only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals: Option<Vec<crate::domain::signals::Signal>>,
    /// Only in the answer to a public filing: a token that reads this claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsentView {
    pub version: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ClaimantView {
    pub kind: String,
    pub name: String,
    pub business_registration_number: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EvidenceView {
    pub baseline_revenue: Option<String>,
    pub outage_revenue: Option<String>,
    pub monthly_fee: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PayoutAccountView {
    pub bank_code: String,
    /// Masked (`********9012`) for everyone but finance.
    pub account_number: String,
    pub holder: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VerificationView {
    pub outage_seconds: i64,
    /// Seconds weighted by severity with the default weights (1, 0.5, 0.25), as a decimal string.
    pub weighted_seconds: String,
    pub windows: Vec<WindowOverlapView>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WindowOverlapView {
    pub window_id: String,
    pub severity: String,
    pub overlap_seconds: i64,
}

/// Whether `actor` may see this claim at all (otherwise it does not exist for them: 404).
pub fn can_read(actor: &Actor, row: &ClaimRow) -> bool {
    if let Some(scope) = &actor.claim_scope {
        return *scope == row.id;
    }
    match actor.role {
        Role::Admin | Role::Finance => true,
        Role::Partner => row.owner_kind == owner_kind::PARTNER && actor.org.as_deref() == Some(&row.owner),
        Role::Claimant => row.owner_kind == owner_kind::CLAIMANT && row.owner == actor.sub,
    }
}

/// Whether `actor`, who may read a claim, may also read what is between its claimant and
/// finance (its notices and documents): everyone but admins.
pub fn may_read_correspondence(actor: &Actor) -> bool {
    actor.claim_scope.is_some() || actor.role != Role::Admin
}

/// Whether `actor` may act on the claim as its claimant (withdraw, answer a deficiency).
pub fn is_claimant_of(actor: &Actor, row: &ClaimRow) -> bool {
    !actor.is(&[Role::Admin, Role::Finance]) && can_read(actor, row)
}

fn verification_of(windows: &[ClaimWindowRow]) -> Verification {
    Verification {
        overlaps: windows
            .iter()
            .map(|w| WindowOverlap {
                window_id: w.window_id.clone(),
                severity: w.severity,
                seconds: w.overlap_seconds,
            })
            .collect(),
    }
}

/// The claim as `viewer` may see it; `None` shows it unmasked (finance).
pub fn view(row: &ClaimRow, windows: &[ClaimWindowRow], unmasked: bool) -> ClaimView {
    let currency = row.currency;
    let money = |minor: i64| Money::from_minor(minor, currency).to_string();
    let at = |t| Timestamp::from_db(t).to_string();
    let verification = verification_of(windows);
    ClaimView {
        id: row.id.clone(),
        reference: row.reference.clone(),
        incident_id: row.incident_id.clone(),
        service: row.service.clone(),
        status: row.status.to_string(),
        status_reason: row.status_reason.clone(),
        channel: row.channel.to_string(),
        claimant: ClaimantView {
            kind: row.claimant_kind.to_string(),
            name: row.claimant_name.clone(),
            business_registration_number: row
                .claimant_brn
                .as_deref()
                .and_then(|b| crate::domain::brn::Brn::parse(b).ok())
                .map(|b| b.to_string()),
            email: row.claimant_email.clone(),
            phone: row.claimant_phone.clone(),
        },
        loss_started_at: at(row.loss_started_at),
        loss_ended_at: at(row.loss_ended_at),
        currency: row.currency.to_string(),
        claimed_amount: money(row.claimed_minor),
        evidence: EvidenceView {
            baseline_revenue: row.baseline_revenue_minor.map(money),
            outage_revenue: row.outage_revenue_minor.map(money),
            monthly_fee: row.monthly_fee_minor.map(money),
        },
        payout_account: PayoutAccountView {
            bank_code: row.bank_code.clone(),
            account_number: if unmasked { row.account_number.clone() } else { mask(&row.account_number) },
            holder: row.account_holder.clone(),
        },
        description: row.description.clone(),
        external_ref: row.external_ref.clone(),
        approved_amount: row.approved_minor.map(money),
        cure_deadline: row.cure_deadline.map(at),
        paid_amount: None,
        verification: VerificationView {
            outage_seconds: row.outage_seconds,
            weighted_seconds: verification
                .weighted_seconds(&SeverityWeights::default())
                .normalize()
                .to_string(),
            windows: windows
                .iter()
                .map(|w| WindowOverlapView {
                    window_id: w.window_id.clone(),
                    severity: w.severity.to_string(),
                    overlap_seconds: w.overlap_seconds,
                })
                .collect(),
        },
        created_at: at(row.created_at),
        updated_at: at(row.updated_at),
        consent: row
            .consent_version
            .clone()
            .zip(row.consented_at)
            .map(|(version, consented)| ConsentView { version, at: at(consented) }),
        signals: None,
        status_token: None,
    }
}

/// Only finance sees account numbers in full.
pub fn unmasked_for(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| a.role == Role::Finance && a.claim_scope.is_none())
}

/// Fills `signals` for finance (nobody else sees them).
pub fn with_signals(
    conn: &mut crate::db::DbConnection,
    actor: &Actor,
    views: &mut [ClaimView],
) -> Result<(), crate::usecases::Error> {
    if !unmasked_for(Some(actor)) || views.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = views.iter().map(|v| v.id.clone()).collect();
    let mut stored = screen::stored(conn, &ids)?;
    for view in views.iter_mut() {
        let found = stored.iter().position(|(id, _)| *id == view.id).map(|i| stored.swap_remove(i).1);
        view.signals = Some(found.unwrap_or_default());
    }
    Ok(())
}

/// Fills `paid_amount` for the paid claims among `views`.
pub fn with_paid_amounts(
    conn: &mut crate::db::DbConnection,
    views: &mut [ClaimView],
) -> Result<(), crate::usecases::Error> {
    let paid: Vec<String> = views.iter().filter(|v| v.status == "paid").map(|v| v.id.clone()).collect();
    if paid.is_empty() {
        return Ok(());
    }
    for (claim_id, minor, currency) in crate::db::batches::paid_amounts(conn, &paid)? {
        if let Some(view) = views.iter_mut().find(|v| v.id == claim_id) {
            view.paid_amount = Some(Money::from_minor(minor, currency).to_string());
        }
    }
    Ok(())
}
