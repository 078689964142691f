//! The payout batch life cycle (docs/contract.md §5): batch and line statuses and their transitions.

use serde::{Deserialize, Serialize};

/// Where a payout batch stands: calculated, then approved (and settled once the bank has
/// answered for every line) or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    Calculated,
    Approved,
    Cancelled,
    Settled,
}

impl BatchStatus {
    pub const ALL: [BatchStatus; 4] =
        [BatchStatus::Calculated, BatchStatus::Approved, BatchStatus::Cancelled, BatchStatus::Settled];

    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Calculated => "calculated",
            BatchStatus::Approved => "approved",
            BatchStatus::Cancelled => "cancelled",
            BatchStatus::Settled => "settled",
        }
    }

    pub fn parse(text: &str) -> Option<BatchStatus> {
        BatchStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Finance approves or cancels a batch only while it is calculated.
    pub fn can_decide(self) -> bool {
        self == BatchStatus::Calculated
    }

    /// A payment file exists, and the bank's answers may be imported, once a batch is approved.
    pub fn is_payable(self) -> bool {
        matches!(self, BatchStatus::Approved | BatchStatus::Settled)
    }
}

/// Where one line of a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    /// Waiting for the bank's answer.
    Pending,
    Paid,
    Failed,
    /// Its batch was cancelled.
    Cancelled,
    /// The line pays nothing: its claim is closed at approval.
    ClosedNoPayout,
}

impl LineStatus {
    pub const ALL: [LineStatus; 5] = [
        LineStatus::Pending,
        LineStatus::Paid,
        LineStatus::Failed,
        LineStatus::Cancelled,
        LineStatus::ClosedNoPayout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LineStatus::Pending => "pending",
            LineStatus::Paid => "paid",
            LineStatus::Failed => "failed",
            LineStatus::Cancelled => "cancelled",
            LineStatus::ClosedNoPayout => "closed_no_payout",
        }
    }

    pub fn parse(text: &str) -> Option<LineStatus> {
        LineStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The status a calculated line starts in.
    pub fn calculated(closed: bool) -> LineStatus {
        if closed {
            LineStatus::ClosedNoPayout
        } else {
            LineStatus::Pending
        }
    }

    /// The status the bank's answer gives a pending line.
    pub fn settled(paid: bool) -> LineStatus {
        if paid {
            LineStatus::Paid
        } else {
            LineStatus::Failed
        }
    }
}

impl std::fmt::Display for BatchStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for LineStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_text() {
        for status in BatchStatus::ALL {
            assert_eq!(BatchStatus::parse(status.as_str()), Some(status));
        }
        for status in LineStatus::ALL {
            assert_eq!(LineStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(BatchStatus::parse("Approved"), None);
        assert_eq!(LineStatus::parse(""), None);
    }

    #[test]
    fn only_a_calculated_batch_is_decided() {
        assert!(BatchStatus::Calculated.can_decide());
        assert!(!BatchStatus::Approved.can_decide());
        assert!(BatchStatus::Settled.is_payable());
        assert!(!BatchStatus::Cancelled.is_payable());
    }
}
