//! Delivering queued notices: claim the due ones with a lease, write each, and record how its
//! attempt ended. The sending itself (SMTP, the webhook) is the adapters' (`crate::notify`);
//! this module decides what is sent, and what happens after a failure.

use std::time::Duration;

use chrono::NaiveDateTime;

use super::texts::{self, About, Written};
use crate::auth::JwtKeys;
use crate::db::claims;
use crate::db::notices::{self, NoticeRow, Outcome};
use crate::db::DbConnection;
use crate::domain::notice::{retry_after, NoticeChannel, NoticeKind, MOST_ATTEMPTS};
use crate::domain::time::Timestamp;
use crate::usecases::{incidents, Error};

/// A notice ready to go out on its channel.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub notice_id: String,
    /// The attempt this sender holds (only it may finish the notice).
    pub attempt: i32,
    pub claim_id: String,
    pub reference: String,
    pub kind: NoticeKind,
    pub channel: NoticeChannel,
    pub recipient: String,
    pub locale: crate::domain::lang::Lang,
    pub code: String,
    pub status_link: String,
    pub written: Written,
}

/// How the sender paces itself.
#[derive(Debug, Clone)]
pub struct Pacing {
    /// Links in notices start with this.
    pub public_base_url: String,
    /// The first wait after a failure (it doubles).
    pub retry_base: Duration,
    /// How long a claimed notice is this sender's; longer than any one send may take.
    pub lease: Duration,
    /// A notice not sent by then is given up: a receipt a week late misleads more than it helps.
    pub useful_for: Duration,
}

impl Pacing {
    pub fn new(public_base_url: &str, retry_base: Duration) -> Pacing {
        Pacing {
            public_base_url: public_base_url.to_owned(),
            retry_base,
            lease: Duration::from_secs(120),
            useful_for: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

fn plus(at: NaiveDateTime, by: Duration) -> NaiveDateTime {
    at + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX)
}

/// Claims up to `limit` due notices on `channels` and writes them. A notice too old to help is
/// given up here without being sent.
pub fn claim_and_write(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    pacing: &Pacing,
    channels: &[NoticeChannel],
    limit: i64,
) -> Result<Vec<Outgoing>, Error> {
    let now = Timestamp::now().to_db();
    let claimed = notices::claim_due(conn, channels, now, plus(now, pacing.lease), limit)?;
    let mut outgoing = Vec::with_capacity(claimed.len());
    for notice in claimed {
        if plus(notice.created_at, pacing.useful_for) < now {
            let outcome =
                Outcome::Failed { error: "not sent while it was still useful".into(), retry_at: None };
            notices::finish(conn, &notice.id, notice.attempts, &outcome, now)?;
            continue;
        }
        outgoing.push(write_one(conn, keys, pacing, notice)?);
    }
    Ok(outgoing)
}

/// Writes one notice for sending, with a status link minted now (links are never stored).
fn write_one(
    conn: &mut DbConnection,
    keys: &JwtKeys,
    pacing: &Pacing,
    notice: NoticeRow,
) -> Result<Outgoing, Error> {
    let claim = claims::find(conn, &notice.claim_id)?.ok_or(Error::NotFound)?;
    let incident = incidents::load(conn, &claim.incident_id)?;
    let close = Timestamp::from_db(incident.row.claims_close_at).as_utc().timestamp();
    let token = keys.mint_status_token_until(&claim.id, close).map_err(Error::Internal)?;
    let status_link = texts::status_link(&pacing.public_base_url, &claim.reference, &token, notice.locale);
    let details: serde_json::Value = serde_json::from_str(&notice.details).unwrap_or_default();
    let about = About {
        reference: &claim.reference,
        claimant_name: &claim.claimant_name,
        currency: claim.currency,
        status_link: &status_link,
        code: &notice.code,
        lang: notice.locale,
    };
    let written = texts::write(notice.kind, &details, &about);
    Ok(Outgoing {
        notice_id: notice.id,
        attempt: notice.attempts,
        claim_id: claim.id,
        reference: claim.reference,
        kind: notice.kind,
        channel: notice.channel,
        recipient: notice.recipient,
        locale: notice.locale,
        code: notice.code,
        status_link,
        written,
    })
}

/// Records how the attempt ended: sent, or tried again after a back-off, or given up after the
/// last attempt. Returns whether the notice was still this sender's.
pub fn finish(
    conn: &mut DbConnection,
    out: &Outgoing,
    result: Result<(), String>,
    pacing: &Pacing,
) -> Result<bool, Error> {
    let now = Timestamp::now().to_db();
    let outcome = match result {
        Ok(()) => Outcome::Sent,
        Err(error) => {
            let attempt = u32::try_from(out.attempt).unwrap_or(1);
            let retry_at =
                (out.attempt < MOST_ATTEMPTS).then(|| plus(now, retry_after(attempt, pacing.retry_base)));
            // Bounded, so a verbose server cannot fill the table.
            let error: String = error.chars().take(500).collect();
            Outcome::Failed { error, retry_at }
        }
    };
    Ok(notices::finish(conn, &out.notice_id, out.attempt, &outcome, now)?)
}
