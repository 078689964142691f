//! The claim life cycle (docs/contract.md §4): statuses, channels and the transitions between them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Verified,
    NeedsReview,
    Deficient,
    Approved,
    Rejected,
    Withdrawn,
    InBatch,
    Paid,
    PayoutFailed,
    ClosedNoPayout,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 10] = [
        ClaimStatus::Verified,
        ClaimStatus::NeedsReview,
        ClaimStatus::Deficient,
        ClaimStatus::Approved,
        ClaimStatus::Rejected,
        ClaimStatus::Withdrawn,
        ClaimStatus::InBatch,
        ClaimStatus::Paid,
        ClaimStatus::PayoutFailed,
        ClaimStatus::ClosedNoPayout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Verified => "verified",
            ClaimStatus::NeedsReview => "needs_review",
            ClaimStatus::Deficient => "deficient",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Rejected => "rejected",
            ClaimStatus::Withdrawn => "withdrawn",
            ClaimStatus::InBatch => "in_batch",
            ClaimStatus::Paid => "paid",
            ClaimStatus::PayoutFailed => "payout_failed",
            ClaimStatus::ClosedNoPayout => "closed_no_payout",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The claimant may withdraw until the claim is taken into a payout batch.
    pub fn can_withdraw(self) -> bool {
        matches!(
            self,
            ClaimStatus::Verified | ClaimStatus::NeedsReview | ClaimStatus::Deficient | ClaimStatus::Approved
        )
    }

    /// Finance may decide on claims waiting for a person, and on verified ones (a verified
    /// claim can still be found wanting on inspection).
    pub fn can_review(self) -> bool {
        matches!(self, ClaimStatus::NeedsReview | ClaimStatus::Deficient | ClaimStatus::Verified)
    }

    /// Documents answer a deficiency, so only a deficient claim receives them.
    pub fn can_receive_documents(self) -> bool {
        self == ClaimStatus::Deficient
    }

    /// A rejection may be appealed by the claim's owner (within the incident's appeal days,
    /// and once).
    pub fn can_appeal(self) -> bool {
        self == ClaimStatus::Rejected
    }

    /// The payout account may change until the claim is taken into a batch or paid; a
    /// withdrawn claim is over.
    pub fn can_change_account(self) -> bool {
        !matches!(self, ClaimStatus::InBatch | ClaimStatus::Paid | ClaimStatus::Withdrawn)
    }

    /// Claims a payout batch may take.
    pub fn is_eligible_for_batch(self) -> bool {
        matches!(self, ClaimStatus::Verified | ClaimStatus::Approved | ClaimStatus::PayoutFailed)
    }

    /// Every status a batch may take a claim from ([`ClaimStatus::is_eligible_for_batch`]).
    pub fn eligible_for_batch() -> impl Iterator<Item = ClaimStatus> {
        ClaimStatus::ALL.into_iter().filter(|s| s.is_eligible_for_batch())
    }
}

/// Until when a rejection made at `rejected_at` may be appealed: `appeal_days` after it.
pub fn appeal_deadline(rejected_at: chrono::NaiveDateTime, appeal_days: i32) -> chrono::NaiveDateTime {
    rejected_at + chrono::Duration::days(i64::from(appeal_days))
}

/// How a claim reached the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Api,
    Bulk,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Bulk => "bulk",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        [Channel::Web, Channel::Api, Channel::Bulk].into_iter().find(|c| c.as_str() == text)
    }
}

/// Who a claim belongs to: the claimant's account, a partner organisation, or nobody (filed
/// on the public form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerKind {
    Claimant,
    Partner,
    Public,
}

impl OwnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Claimant => "claimant",
            OwnerKind::Partner => "partner",
            OwnerKind::Public => "public",
        }
    }

    pub fn parse(text: &str) -> Option<OwnerKind> {
        [OwnerKind::Claimant, OwnerKind::Partner, OwnerKind::Public].into_iter().find(|k| k.as_str() == text)
    }
}

/// A finance decision on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    RequestInfo,
}

impl Decision {
    pub fn outcome(self) -> ClaimStatus {
        match self {
            Decision::Approve => ClaimStatus::Approved,
            Decision::Reject => ClaimStatus::Rejected,
            Decision::RequestInfo => ClaimStatus::Deficient,
        }
    }
}

/// Reason codes stored in `status_reason`.
pub mod reason {
    pub const NO_RECORDED_OUTAGE: &str = "no_recorded_outage";
    pub const ABOVE_REVIEW_THRESHOLD: &str = "above_review_threshold";
    /// Followed by `: field, field`.
    pub const MISSING_EVIDENCE: &str = "missing_evidence";
    pub const WITHDRAWN_BY_CLAIMANT: &str = "withdrawn_by_claimant";
    pub const DOCUMENTS_RECEIVED: &str = "documents_received";
    /// The owner amended a claim a person had asked about: a person looks at it again.
    pub const AMENDED: &str = "amended";
    /// Integrity screening found something a person should look at (docs/contract.md §4).
    pub const INTEGRITY_SIGNAL: &str = "integrity_signal";
    /// Filed, before the one-claim rule, for a claimant who already had a claim for the
    /// service: a person decides before it is paid.
    pub const DUPLICATE_IDENTITY: &str = "duplicate_identity";
    /// The owner appealed a rejection: someone other than the one who rejected it decides.
    pub const APPEAL: &str = "appeal";
    /// A deficiency was not answered by its deadline.
    pub const CURE_EXPIRED: &str = "cure_expired";
    /// The owner gave a new payout account after a failed payment: a person checks it.
    pub const ACCOUNT_CHANGED: &str = "account_changed";
}

/// How a claim marked as a duplicate of an older one is stored (see migration 000007).
pub const DUPLICATE_IDENTITY_PREFIX: &str = "duplicate:";

impl std::fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for OwnerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_rejection_is_appealed_and_the_account_is_kept_once_the_batch_has_it() {
        assert_eq!(
            ClaimStatus::ALL.into_iter().filter(|s| s.can_appeal()).collect::<Vec<_>>(),
            [ClaimStatus::Rejected]
        );
        assert!(ClaimStatus::PayoutFailed.can_change_account());
        assert!(ClaimStatus::Rejected.can_change_account());
        assert!(!ClaimStatus::InBatch.can_change_account());
        assert!(!ClaimStatus::Paid.can_change_account());
        assert!(!ClaimStatus::Withdrawn.can_change_account());
    }

    #[test]
    fn withdrawal_stops_at_the_batch() {
        assert!(ClaimStatus::Approved.can_withdraw());
        assert!(!ClaimStatus::InBatch.can_withdraw());
        assert!(!ClaimStatus::Paid.can_withdraw());
        assert!(!ClaimStatus::Withdrawn.can_withdraw());
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for status in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(status.as_str()), Some(status));
        }
    }
}
