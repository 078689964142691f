//! Notices to claimants (docs/contract.md, notices). A change a claimant should know of queues
//! its notice here, in the change's own transaction (the outbox), with what the text will need;
//! [`texts`] writes the text when it is sent, and [`delivery`] claims, sends and finishes
//! notices through the transports the adapters provide.

pub mod deadlines;
pub mod delivery;
pub mod read;
pub mod texts;

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::db::claims::{ClaimRow, NewClaim};
use crate::db::notices::{self, NewNotice};
use crate::db::DbConnection;
use crate::domain::lang::Lang;
use crate::domain::notice::{verification_code, NoticeChannel, NoticeKind, NoticeStatus, CODE_LENGTH};
use crate::domain::time::Timestamp;
use crate::usecases::Error;

/// Who a notice goes to, as the claim says now.
#[derive(Debug, Clone, Copy)]
pub struct Addressee<'a> {
    pub claim_id: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub locale: Lang,
}

impl<'a> From<&'a ClaimRow> for Addressee<'a> {
    fn from(row: &'a ClaimRow) -> Self {
        Addressee {
            claim_id: &row.id,
            email: &row.claimant_email,
            phone: row.claimant_phone.as_deref(),
            locale: row.locale,
        }
    }
}

impl<'a> From<&'a NewClaim> for Addressee<'a> {
    fn from(row: &'a NewClaim) -> Self {
        Addressee {
            claim_id: &row.id,
            email: &row.claimant_email,
            phone: row.claimant_phone.as_deref(),
            locale: row.locale,
        }
    }
}

/// The rows of one notice: by email always (every claim has an address), and by the webhook
/// when the claimant gave a phone number (the gateway's SMS or messenger).
pub fn rows_for(
    to: Addressee<'_>,
    kind: NoticeKind,
    details: &Value,
    dedupe_key: Option<&str>,
    now: NaiveDateTime,
) -> Vec<NewNotice> {
    let code = verification_code(rand::random::<[u8; CODE_LENGTH]>());
    let channels = [(NoticeChannel::Email, Some(to.email)), (NoticeChannel::Webhook, to.phone)];
    channels
        .into_iter()
        .filter_map(|(channel, recipient)| recipient.map(|r| (channel, r)))
        .map(|(channel, recipient)| NewNotice {
            id: crate::usecases::new_id(),
            claim_id: to.claim_id.to_owned(),
            kind,
            channel,
            recipient: recipient.to_owned(),
            locale: to.locale,
            details: details.to_string(),
            code: code.clone(),
            dedupe_key: dedupe_key.map(str::to_owned),
            status: NoticeStatus::Pending,
            next_attempt_at: now,
            created_at: now,
        })
        .collect()
}

/// Queues one notice about a stored claim, in the caller's transaction.
pub fn tell(
    conn: &mut DbConnection,
    claim: &ClaimRow,
    kind: NoticeKind,
    details: Value,
) -> Result<(), Error> {
    let rows = rows_for(claim.into(), kind, &details, None, Timestamp::now().to_db());
    notices::queue(conn, &rows)?;
    Ok(())
}

/// The receipts of claims just filed, with where each stands (the text says what comes next).
pub fn receipts(claims: &[NewClaim], now: NaiveDateTime) -> Vec<NewNotice> {
    claims
        .iter()
        .flat_map(|claim| {
            let details = serde_json::json!({
                "status": claim.status,
                "reason": claim.status_reason,
                "deadline": claim.cure_deadline.map(|d| Timestamp::from_db(d).to_string()),
            });
            rows_for(claim.into(), NoticeKind::Receipt, &details, None, now)
        })
        .collect()
}

/// Until when a rejection made at `at` may be appealed, as notice details carry it.
pub fn appeal_deadline_text(at: NaiveDateTime, appeal_days: i32) -> String {
    Timestamp::from_db(crate::domain::claim::appeal_deadline(at, appeal_days)).to_string()
}
