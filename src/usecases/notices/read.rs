//! What the public and the owner may ask about notices: the notices of a claim with every
//! attempt, whether a notice with a given code is genuine, and a new status link by email.

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::db::claims;
use crate::db::notices;
use crate::db::DbConnection;
use crate::domain::notice::{normalize_code, NoticeChannel, NoticeKind, NoticeStatus};
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::usecases::claims::read::load_visible;
use crate::usecases::Error;

/// One notice of a claim, as its owner and finance see it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NoticeView {
    pub id: String,
    pub kind: NoticeKind,
    pub channel: NoticeChannel,
    /// The address or phone it goes to, partly hidden (`o***r@example.kr`).
    pub recipient: String,
    pub locale: String,
    /// The code the notice carries, to check it on the status page.
    pub verification_code: String,
    pub status: NoticeStatus,
    pub attempts: Vec<AttemptView>,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttemptView {
    pub attempt: i32,
    pub at: String,
    pub outcome: NoticeStatus,
    pub error: Option<String>,
}

/// `o***r@example.kr`, `010-****-5678`: enough to recognise, not to harvest.
pub fn masked_recipient(recipient: &str) -> String {
    if let Some((local, domain)) = recipient.split_once('@') {
        let chars: Vec<char> = local.chars().collect();
        let shown = match chars.as_slice() {
            [] => String::new(),
            [one] => format!("{one}***"),
            [first, .., last] => format!("{first}***{last}"),
        };
        return format!("{shown}@{domain}");
    }
    let digits = recipient.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    recipient
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= 3 || seen > digits.saturating_sub(4) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// `GET /claims/{id}/notices`: the owner and finance (not admins, not other claimants).
pub fn of_claim(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<Vec<NoticeView>, Error> {
    let claim = load_visible(conn, actor, id)?;
    if !crate::usecases::claims::may_read_correspondence(actor) {
        return Err(Error::NotFound);
    }
    let at = |t| Timestamp::from_db(t).to_string();
    Ok(notices::of_claim(conn, &claim.id)?
        .into_iter()
        .map(|(row, attempts)| NoticeView {
            id: row.id,
            kind: row.kind,
            channel: row.channel,
            recipient: masked_recipient(&row.recipient),
            locale: row.locale.code().to_owned(),
            verification_code: row.code,
            status: row.status,
            attempts: attempts
                .into_iter()
                .map(|a| AttemptView { attempt: a.attempt, at: at(a.at), outcome: a.outcome, error: a.error })
                .collect(),
            next_attempt_at: (row.status == NoticeStatus::Pending).then(|| at(row.next_attempt_at)),
            created_at: at(row.created_at),
            sent_at: row.sent_at.map(at),
        })
        .collect())
}

/// The body of `POST /notices/verify`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    /// The claim reference the notice names.
    #[validate(length(min = 1, max = 40))]
    pub reference: String,
    /// The code printed in the notice.
    #[validate(length(min = 1, max = 40))]
    pub code: String,
}

/// The answer of `POST /notices/verify`: never more than whether it is genuine, what it was
/// about and when it was sent.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Verdict {
    pub genuine: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<NoticeKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// Whether a notice naming `reference` with `code` came from this service. Public, rate
/// limited by the caller; a wrong reference and a wrong code answer alike.
pub fn verify(conn: &mut DbConnection, input: &VerifyInput) -> Result<Verdict, Error> {
    let not_ours = Verdict { genuine: false, kind: None, created_at: None };
    let Some(code) = normalize_code(&input.code) else { return Ok(not_ours) };
    let Some(claim) = claims::find_by_reference(conn, input.reference.trim())? else { return Ok(not_ours) };
    Ok(match notices::with_code(conn, &claim.id, &code)? {
        Some(notice) => Verdict {
            genuine: true,
            kind: Some(notice.kind),
            created_at: Some(Timestamp::from_db(notice.created_at).to_string()),
        },
        None => not_ours,
    })
}

/// The body of `POST /claims/status-link`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusLinkInput {
    #[validate(length(min = 1, max = 40))]
    pub reference: String,
    #[validate(length(min = 1, max = 254))]
    pub email: String,
}

/// `POST /claims/status-link`: when the reference and the email belong to one claim, a new
/// status link goes to that email. The caller learns nothing either way (the answer is always
/// 202), so the form cannot be used to find out who has a claim.
pub fn request_status_link(conn: &mut DbConnection, input: &StatusLinkInput) -> Result<(), Error> {
    let Some(claim) = claims::find_by_reference(conn, input.reference.trim())? else { return Ok(()) };
    let given = input.email.trim().to_lowercase();
    if claim.claimant_email.to_lowercase() != given {
        return Ok(());
    }
    let rows = super::rows_for(
        (&claim).into(),
        NoticeKind::StatusLink,
        &serde_json::json!({}),
        None,
        Timestamp::now().to_db(),
    );
    // Only by email: the link goes where the claimant proved to be.
    let rows: Vec<_> = rows.into_iter().filter(|r| r.channel == NoticeChannel::Email).collect();
    notices::queue(conn, &rows)?;
    Ok(())
}
