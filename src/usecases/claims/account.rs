//! `POST /claims/{id}/payout-account`: the owner gives a new payout account, typically after a
//! failed payment. The claim is screened again on the new account; after a failed payment, or
//! when screening finds something, a person checks it before it is paid.

use serde_json::json;

use super::file::held_for_signals;
use super::lifecycle::transition;
use super::read::load_own_for_change;
use super::screen::{self, Client};
use super::ClaimView;
use crate::db::claims::ClaimUpdate;
use crate::db::context::WriteContext;
use crate::db::DbConnection;
use crate::domain::claim::{reason, ClaimStatus};
use crate::domain::claim_input::{mask, PayoutAccount, PayoutAccountInput};
use crate::domain::role::Actor;
use crate::domain::signals::Thresholds;
use crate::domain::time::Timestamp;
use crate::usecases::error::ConflictKind;
use crate::usecases::Error;

pub fn change_account(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    thresholds: Thresholds,
    id: &str,
    input: PayoutAccountInput,
) -> Result<ClaimView, Error> {
    // The claim first: for a claim the caller cannot see, the answer is 404 whatever the body.
    let row = load_own_for_change(conn, actor, id)?;
    let account = PayoutAccount::parse(&input).map_err(Error::Invalid)?;
    if !row.status.can_change_account() {
        return Err(Error::conflict(
            ConflictKind::WrongStatus { incident_id: None },
            format!("the payout account of a claim that is {} cannot change", row.status),
        ));
    }
    let now = Timestamp::now();
    let mut screened = row.clone();
    screened.bank_code.clone_from(&account.bank_code);
    screened.account_number.clone_from(&account.account_number);
    screened.account_holder.clone_from(&account.holder);
    let peers = screen::peers_of(conn, (&screened).into())?;
    let signals = screen::screen(conn, &thresholds, (&screened).into(), &Client::Uncounted, peers, now)?;
    screen::record(conn, &row.id, &Client::Uncounted, &signals, now)?;
    let (status, status_reason) = if row.status == ClaimStatus::PayoutFailed {
        (ClaimStatus::NeedsReview, Some(reason::ACCOUNT_CHANGED.to_owned()))
    } else {
        match held_for_signals(row.status, &signals) {
            Some((status, why)) if row.status != ClaimStatus::NeedsReview => (status, Some(why)),
            _ => (row.status, row.status_reason.clone()),
        }
    };
    let change = ClaimUpdate::AccountChanged {
        status,
        reason: status_reason.as_deref(),
        bank_code: &account.bank_code,
        account_number: &account.account_number,
        holder: &account.holder,
        at: now.to_db(),
    };
    // The audit trail keeps what a reviewer needs to compare the accounts, never a full number.
    let details = json!({
        "account": {
            "from": {"bank_code": row.bank_code, "account_number": mask(&row.account_number), "holder": row.account_holder},
            "to": {"bank_code": account.bank_code, "account_number": account.masked_number(), "holder": account.holder},
        },
        "signals": signals.iter().map(|s| s.code).collect::<Vec<_>>(),
    });
    transition(conn, context, actor, &row, change, "claim.payout_account_changed", details)
}
