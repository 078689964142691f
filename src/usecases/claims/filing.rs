//! Filing one claim through the API: idempotent when the caller sends a key, through the
//! group-commit writer, patient with a claimant another transaction is filing right now, and
//! answered with the claim (and, for public filings, a status token that reads it).

use std::net::IpAddr;
use std::time::Duration;

use super::file::{self, FiledClaim, Filer};
use super::file_set;
use super::view;
use crate::auth::JwtKeys;
use crate::db::context::WriteContext;
use crate::db::group_commit::GroupCommit;
use crate::db::DbConnection;
use crate::domain::claim_input::{ClaimDraft, NewClaimInput};
use crate::domain::role::Actor;
use crate::usecases::idempotency::{self, Answer, IdempotencyKey};
use crate::usecases::Error;

/// How long a filing waits in all for a claimant another transaction is filing.
const BUSY_PATIENCE: Duration = Duration::from_secs(15);

/// Who files, from where, and under which idempotency key.
pub struct Filing {
    /// `None` for the public form.
    pub actor: Option<Actor>,
    /// The client address, for public filings' scope.
    pub client: Option<IpAddr>,
    pub filer: Filer,
    pub key: Option<IdempotencyKey>,
}

/// Files `input` and answers it; a repeated key replays the stored answer.
pub async fn file_claim(
    group: &GroupCommit,
    keys: &JwtKeys,
    filing: Filing,
    input: &NewClaimInput,
) -> Result<Answer, Error> {
    let hash = idempotency::request_hash("POST /api/v1/claims", input);
    let scope = match &filing.actor {
        Some(actor) => format!("{}@{}", actor.audit_name(), actor.org.as_deref().unwrap_or("")),
        None => format!("public@{}", filing.client.map(|ip| ip.to_string()).unwrap_or_default()),
    };
    let draft = ClaimDraft::parse_for(input, filing.actor.is_none())?;
    let attempt = Attempt { public: filing.actor.is_none(), filer: filing.filer, scope, hash };
    let mut pause = Duration::from_millis(5);
    let mut waited = Duration::ZERO;
    loop {
        match attempt.once(group, keys, filing.key.as_ref(), draft.clone()).await {
            // Another transaction (a bulk chunk, another instance) is filing this claimant right
            // now; the group-commit writer does not wait for it, this request does, off the writer.
            Err(Error::Busy) if waited < BUSY_PATIENCE => {
                tokio::time::sleep(pause).await;
                waited += pause;
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

/// What every attempt of one filing shares.
struct Attempt {
    public: bool,
    filer: Filer,
    scope: String,
    hash: String,
}

impl Attempt {
    /// One attempt through the group-commit writer.
    async fn once(
        &self,
        group: &GroupCommit,
        keys: &JwtKeys,
        key: Option<&IdempotencyKey>,
        draft: ClaimDraft,
    ) -> Result<Answer, Error> {
        let (public, filer) = (self.public, self.filer.clone());
        match key {
            // The answer is stored with the key, so it is rendered inside the transaction.
            Some(key) => {
                let (keys, key, scope, hash) =
                    (keys.clone(), key.clone(), self.scope.clone(), self.hash.clone());
                group
                    .run(move |conn, context| {
                        // The writer never waits for a lock (see `WriteContext::lock`).
                        if !context.lock(conn, &idempotency::lock_name(&scope, &key))? {
                            return Err(Error::Busy);
                        }
                        idempotency::replay_or_run(conn, &scope, Some(&key), &hash, |conn| {
                            render(&keys, public, &file::file(conn, context, &filer, draft)?)
                        })
                    })
                    .await
            }
            // Otherwise the writer only files; the answer is rendered here, off the writer thread.
            None => {
                let filed = group.run_in_set(file_together, (filer, draft)).await?;
                let (status, body) = render(keys, public, &filed)?;
                Ok(Answer { status, body, replayed: false })
            }
        }
    }
}

/// Files the claims of concurrent requests as one set (see `GroupCommit::run_in_set`).
fn file_together(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    filings: Vec<(Filer, ClaimDraft)>,
) -> Result<Vec<Result<FiledClaim, Error>>, Error> {
    let (filers, drafts): (Vec<Filer>, Vec<ClaimDraft>) = filings.into_iter().unzip();
    file_set::file_many(conn, context, filers.iter().zip(drafts).collect())
}

/// The answer to a filing: the claim, and for public filings a token that reads it.
fn render(keys: &JwtKeys, public: bool, filed: &FiledClaim) -> Result<(u16, serde_json::Value), Error> {
    let mut claim = view(&filed.row, &filed.windows, false);
    if public {
        claim.status_token = Some(keys.mint_status_token(&claim.id).map_err(Error::Internal)?);
    }
    Ok((201, serde_json::to_value(claim).map_err(|e| Error::Internal(e.into()))?))
}
