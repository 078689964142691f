//! `GET /claims/{id}/timeline`: what happened to a claim, oldest first, in words its claimant
//! reads (docs/contract.md, claim life cycle). Built from what is already recorded, the claim's
//! audit events and its payout lines, so no write pays for it and it can never disagree with
//! the audit trail.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use serde_json::Value;

use super::file::DEFAULT_CURE_DAYS;
use super::read::load_visible;
use super::words::{amount, reason_text, when};
use crate::db::audit::{self, EventFilter};
use crate::db::batches::{self, ClaimLineHistory};
use crate::db::claims::ClaimRow;
use crate::db::DbConnection;
use crate::domain::audit::StoredEvent;
use crate::domain::batch::{BatchStatus, LineStatus};
use crate::domain::claim::ClaimStatus;
use crate::domain::lang::Lang;
use crate::domain::money::Money;
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::usecases::{incidents, Error};

/// What kind of step an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Filed,
    Verified,
    UnderReview,
    DocumentsRequested,
    DocumentsReceived,
    Amended,
    Approved,
    Rejected,
    Appealed,
    AccountChanged,
    Withdrawn,
    InBatch,
    Paid,
    PaymentFailed,
    ClosedNoPayout,
}

/// One step of a claim's history.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TimelineEntry {
    /// When it happened (RFC 3339).
    pub at: String,
    pub kind: TimelineKind,
    /// What happened and what comes next, in the claimant's language.
    pub message: String,
    /// The amount approved or paid, as a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// The deadline that goes with the step: to send documents, or to appeal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
}

/// The events of one claim are few (a handful of changes); this bounds a pathological one.
const MOST_EVENTS: i64 = 1000;

pub fn timeline(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    lang: Lang,
) -> Result<Vec<TimelineEntry>, Error> {
    let row = load_visible(conn, actor, id)?;
    let incident = incidents::load(conn, &row.incident_id)?;
    let filter =
        EventFilter { entity_type: Some("claim".into()), entity_id: Some(row.id.clone()), action: None };
    let events = audit::list(conn, &filter, 0, MOST_EVENTS)?;
    let lines = batches::history_of_claim(conn, &row.id)?;
    let context = Context { row: &row, lang, appeal_days: incident.row.appeal_days };
    let mut entries: Vec<(NaiveDateTime, TimelineEntry)> = Vec::new();
    for event in &events {
        context.add_event(event, &mut entries);
    }
    for line in &lines {
        context.add_line(line, &mut entries);
    }
    // Events and lines each come oldest first; a stable sort keeps the order of steps that
    // share a time (a filing and its outcome).
    entries.sort_by_key(|(at, _)| *at);
    Ok(entries.into_iter().map(|(_, entry)| entry).collect())
}

struct Context<'a> {
    row: &'a ClaimRow,
    lang: Lang,
    appeal_days: i32,
}

impl Context<'_> {
    fn text(&self, ko: String, en: String) -> String {
        self.lang.either(ko, en)
    }

    fn money(&self, minor: i64) -> Money {
        Money::from_minor(minor, self.row.currency)
    }

    fn entry(
        &self,
        at: NaiveDateTime,
        kind: TimelineKind,
        message: String,
    ) -> (NaiveDateTime, TimelineEntry) {
        let entry = TimelineEntry {
            at: Timestamp::from_db(at).to_string(),
            kind,
            message,
            amount: None,
            deadline: None,
        };
        (at, entry)
    }

    fn with_deadline(
        &self,
        (at, mut entry): (NaiveDateTime, TimelineEntry),
        deadline: NaiveDateTime,
    ) -> (NaiveDateTime, TimelineEntry) {
        entry.deadline = Some(Timestamp::from_db(deadline).to_string());
        (at, entry)
    }

    fn add_event(&self, event: &StoredEvent, out: &mut Vec<(NaiveDateTime, TimelineEntry)>) {
        let at = event.occurred_at.to_db();
        let details: Value = serde_json::from_str(&event.details).unwrap_or(Value::Null);
        let reason = details["status_reason"].as_str().or_else(|| details["reason"].as_str());
        match event.action.as_str() {
            "claim.filed" => {
                let reference = &self.row.reference;
                out.push(self.entry(
                    at,
                    TimelineKind::Filed,
                    self.text(
                        format!("신청이 접수되었습니다. 접수번호는 {reference}입니다."),
                        format!("We received your claim. Its reference is {reference}."),
                    ),
                ));
                self.outcome(at, status(&details["status"]), reason, DEFAULT_CURE_DAYS, out);
            }
            "claim.reviewed" => self.decision(at, &details, out),
            "claim.cure_expired" => {
                self.rejected(
                    at,
                    Some(reason_text(crate::domain::claim::reason::CURE_EXPIRED, self.lang)),
                    out,
                );
            }
            "claim.documents_received" => {
                out.push(self.entry(
                    at,
                    TimelineKind::DocumentsReceived,
                    self.text("보내주신 자료를 받았습니다.".into(), "We received your documents.".into()),
                ));
                self.outcome(at, status(&details["to"]), None, DEFAULT_CURE_DAYS, out);
            }
            "claim.amended" => {
                out.push(self.entry(
                    at,
                    TimelineKind::Amended,
                    self.text("신청 내용을 변경하셨습니다.".into(), "You changed your claim.".into()),
                ));
                if details["from"] != details["to"] {
                    self.outcome(at, status(&details["to"]), reason, DEFAULT_CURE_DAYS, out);
                }
            }
            // Files that answer a deficiency are told by its `documents_received`; the others
            // wait for the person reviewing the claim.
            "claim.documents_uploaded" if details["answers_deficiency"] != true => {
                let count = details["documents"].as_array().map_or(0, Vec::len);
                out.push(self.entry(
                    at,
                    TimelineKind::DocumentsReceived,
                    self.text(
                        format!("보내주신 자료 {count}건을 받았습니다. 담당자가 검토할 때 함께 봅니다."),
                        format!(
                            "We received {count} document(s). The person reviewing your claim looks at them."
                        ),
                    ),
                ));
            }
            "claim.held" => self.outcome(at, status(&details["to"]), reason, DEFAULT_CURE_DAYS, out),
            "claim.appealed" => out.push(self.entry(
                at,
                TimelineKind::Appealed,
                reason_text(crate::domain::claim::reason::APPEAL, self.lang),
            )),
            "claim.withdrawn" => out.push(self.entry(
                at,
                TimelineKind::Withdrawn,
                self.text("신청을 철회하셨습니다.".into(), "You withdrew your claim.".into()),
            )),
            "claim.payout_account_changed" => {
                out.push(self.entry(
                    at,
                    TimelineKind::AccountChanged,
                    self.text(
                        "지급받을 계좌를 변경하셨습니다.".into(),
                        "You changed the payout account.".into(),
                    ),
                ));
                if details["from"] != details["to"] {
                    self.outcome(at, status(&details["to"]), None, DEFAULT_CURE_DAYS, out);
                }
            }
            _ => {}
        }
    }

    /// The step a status reached by the rules means for the claimant.
    fn outcome(
        &self,
        at: NaiveDateTime,
        status: Option<ClaimStatus>,
        reason: Option<&str>,
        cure_days: i64,
        out: &mut Vec<(NaiveDateTime, TimelineEntry)>,
    ) {
        let because = reason.map(|r| format!(" {}", reason_text(r, self.lang))).unwrap_or_default();
        match status {
            Some(ClaimStatus::Verified) => out.push(self.entry(
                at,
                TimelineKind::Verified,
                self.text(
                    "기록된 장애와 대조해 확인했습니다. 다음 지급 때 보상금이 계산됩니다.".into(),
                    "Checked against the recorded outage. The compensation is calculated at the next payment run."
                        .into(),
                ),
            )),
            Some(ClaimStatus::NeedsReview) => out.push(self.entry(
                at,
                TimelineKind::UnderReview,
                self.text(format!("담당자가 검토합니다.{because}"), format!("A person reviews your claim.{because}")),
            )),
            Some(ClaimStatus::Deficient) => self.documents_requested(at, because, cure_days, out),
            Some(ClaimStatus::Rejected) => self.rejected(at, reason.map(|r| reason_text(r, self.lang)), out),
            _ => {}
        }
    }

    fn documents_requested(
        &self,
        at: NaiveDateTime,
        because: String,
        cure_days: i64,
        out: &mut Vec<(NaiveDateTime, TimelineEntry)>,
    ) {
        let deadline = at + Duration::days(cure_days);
        let by = when(deadline);
        let entry = self.entry(
            at,
            TimelineKind::DocumentsRequested,
            self.text(
                format!("자료 보완이 필요합니다.{because} {by}까지 보내 주세요."),
                format!("We need more from you.{because} Please send it by {by}."),
            ),
        );
        out.push(self.with_deadline(entry, deadline));
    }

    fn rejected(
        &self,
        at: NaiveDateTime,
        why: Option<String>,
        out: &mut Vec<(NaiveDateTime, TimelineEntry)>,
    ) {
        let deadline = crate::domain::claim::appeal_deadline(at, self.appeal_days);
        let by = when(deadline);
        let why = why.map(|w| format!(" {w}")).unwrap_or_default();
        let entry = self.entry(
            at,
            TimelineKind::Rejected,
            self.text(
                format!("보상 대상이 아닌 것으로 결정되었습니다.{why} 이 결정에 동의하지 않으시면 {by}까지 이의 신청을 하실 수 있습니다."),
                format!("Your claim was not accepted.{why} If you disagree, you can appeal until {by}."),
            ),
        );
        out.push(self.with_deadline(entry, deadline));
    }

    /// A finance decision: the message typed for the claimant, or the standard words.
    fn decision(&self, at: NaiveDateTime, details: &Value, out: &mut Vec<(NaiveDateTime, TimelineEntry)>) {
        let message = details["message"].as_str().or_else(|| details["reason"].as_str()).map(str::to_owned);
        match details["decision"].as_str() {
            Some("approve") => {
                let minor = details["approved_minor"].as_i64();
                let approved = minor.map(|m| self.money(m));
                let said = message.map(|m| format!(" {m}")).unwrap_or_default();
                let text = match approved {
                    Some(money) => self.text(
                        format!("{} 지급이 승인되었습니다.{said}", amount(money, Lang::Ko)),
                        format!("A payment of {} was approved.{said}", amount(money, Lang::En)),
                    ),
                    None => self.text(
                        format!("지급 대상으로 승인되었습니다. 보상금은 정책에 따라 계산됩니다.{said}"),
                        format!(
                            "Your claim was approved. The compensation is calculated by the policy.{said}"
                        ),
                    ),
                };
                let (at, mut entry) = self.entry(at, TimelineKind::Approved, text);
                entry.amount = approved.map(|m| m.to_string());
                out.push((at, entry));
            }
            Some("reject") => self.rejected(at, message, out),
            Some("request_info") => {
                let cure_days = details["cure_days"].as_i64().unwrap_or(DEFAULT_CURE_DAYS);
                let because = message.map(|m| format!(" {m}")).unwrap_or_default();
                self.documents_requested(at, because, cure_days, out);
            }
            _ => {}
        }
    }

    fn add_line(&self, line: &ClaimLineHistory, out: &mut Vec<(NaiveDateTime, TimelineEntry)>) {
        // A cancelled batch never happened, as far as the claimant is concerned.
        if line.batch_status == BatchStatus::Cancelled || line.status == LineStatus::Cancelled {
            return;
        }
        out.push(self.entry(
            line.batch_created_at,
            TimelineKind::InBatch,
            self.text(
                "지급 명단에 포함되어 지급을 준비하고 있습니다.".into(),
                "Your payment is being prepared.".into(),
            ),
        ));
        let paid = Money::from_minor(line.payout_minor, line.currency);
        match (line.status, line.settled_at, line.batch_approved_at) {
            (LineStatus::Paid, Some(at), _) => {
                let (at, mut entry) = self.entry(
                    at,
                    TimelineKind::Paid,
                    self.text(
                        format!("{}을 지급했습니다.", amount(paid, Lang::Ko)),
                        format!("We paid you {}.", amount(paid, Lang::En)),
                    ),
                );
                entry.amount = Some(paid.to_string());
                out.push((at, entry));
            }
            (LineStatus::Failed, Some(at), _) => {
                let bank = line.failure_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                out.push(self.entry(
                    at,
                    TimelineKind::PaymentFailed,
                    self.text(
                        format!("은행에서 지급이 처리되지 않았습니다{bank}. 계좌 정보를 확인하고 새 계좌를 알려 주세요."),
                        format!("The bank could not make the payment{bank}. Please check your account and give us a new one."),
                    ),
                ));
            }
            (LineStatus::ClosedNoPayout, _, Some(at)) => out.push(self.entry(
                at,
                TimelineKind::ClosedNoPayout,
                self.text(
                    "보상 정책에 따라 계산한 결과 지급할 금액이 없어 종결되었습니다.".into(),
                    "By the compensation policy the amount to pay came to nothing, so the claim is closed.".into(),
                ),
            )),
            _ => {}
        }
    }
}

fn status(value: &Value) -> Option<ClaimStatus> {
    value.as_str().and_then(ClaimStatus::parse)
}
