//! Integrity signals (docs/contract.md §4): facts about a claim that a person should look at before it is
//! paid. Mass-claims programmes are attacked by bots and by one account collecting many
//! payouts; these signals catch the common shapes. No signal rejects a claim: a claim with one
//! goes to review (`integrity_signal`), and finance alone sees the signals and their evidence.
//!
//! This module holds the pure rules (what counts as a hit); `usecases::claims::screen` gathers
//! the facts from the database.

use serde::{Deserialize, Serialize};

/// What a signal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalCode {
    /// The same bank account is on claims of other identities.
    SharedPayoutAccount,
    /// The same email or phone is on claims of other registration numbers.
    SharedContact,
    /// Many filings from one client address or partner within minutes.
    FilingVelocity,
    /// Far above what others claimed for the same service and claimant kind.
    AmountOutlier,
    /// The account holder's name is unlike the claimant's.
    HolderMismatch,
}

/// One hit, with the evidence a reviewer needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Signal {
    pub code: SignalCode,
    pub detail: String,
}

/// The thresholds, from configuration (`config.rs` names the variables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// The window of `filing_velocity`, in minutes.
    pub velocity_minutes: i64,
    /// Filings one client address (or claimant token) may make in the window without a signal.
    pub velocity_per_client: i64,
    /// Filings one partner may make through the API in the window (bulk uploads are not counted:
    /// an upload is one deliberate act).
    pub velocity_per_partner: i64,
    /// `amount_outlier` when the claim is above this many times the median of its peers...
    pub outlier_factor: i64,
    /// ...and there are at least this many peers to compare with.
    pub outlier_min_peers: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            velocity_minutes: 10,
            velocity_per_client: 10,
            velocity_per_partner: 500,
            outlier_factor: 20,
            outlier_min_peers: 30,
        }
    }
}

/// Whether `claimed` is far above the `median` of `peers` claims.
pub fn is_amount_outlier(claimed_minor: i64, median_minor: i64, peers: i64, thresholds: &Thresholds) -> bool {
    peers >= thresholds.outlier_min_peers
        && median_minor > 0
        && i128::from(claimed_minor) > i128::from(median_minor) * i128::from(thresholds.outlier_factor)
}

/// Legal-form words that a bank's holder name may add or drop: `(주)한강치킨` holds the account
/// of `한강치킨`.
const LEGAL_FORMS: [&str; 10] =
    ["주식회사", "(주)", "㈜", "유한회사", "(유)", "co.,ltd.", "co.,ltd", "co.ltd", "ltd.", "inc."];

/// A name reduced to what identifies it: case-folded, without spaces, punctuation or legal form.
fn core_name(name: &str) -> String {
    let mut folded: String = name.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    for form in LEGAL_FORMS {
        folded = folded.replace(form, "");
    }
    folded.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Whether the account holder plausibly is the claimant: one name contains the other once
/// spaces, case and legal forms are set aside (a business account often carries the owner's or
/// the firm's full name).
pub fn holder_matches(claimant_name: &str, holder: &str) -> bool {
    let (name, holder) = (core_name(claimant_name), core_name(holder));
    if name.is_empty() || holder.is_empty() {
        return true;
    }
    name.contains(&holder) || holder.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_holder_matches_across_spaces_case_and_legal_form() {
        assert!(holder_matches("Hangang Chicken", "HANGANG CHICKEN CO., LTD."));
        assert!(holder_matches("한강치킨", "(주)한강치킨"));
        assert!(holder_matches("김민지", "김 민지"));
        assert!(!holder_matches("Hangang Chicken", "Park Joon"));
        assert!(!holder_matches("한강치킨", "박준"));
    }

    #[test]
    fn an_outlier_needs_enough_peers_and_a_large_multiple() {
        let t = Thresholds::default();
        assert!(is_amount_outlier(5_000_001, 250_000, 30, &t));
        assert!(!is_amount_outlier(5_000_000, 250_000, 30, &t), "exactly the factor is not above it");
        assert!(!is_amount_outlier(99_000_000, 250_000, 29, &t), "too few peers to judge");
        assert!(!is_amount_outlier(i64::MAX, 0, 1000, &t));
        assert!(is_amount_outlier(i64::MAX, i64::MAX / 21, 1000, &t), "no overflow");
    }

    proptest! {
        #[test]
        fn holder_matching_never_panics_and_a_name_matches_itself(name in any::<String>(), holder in any::<String>()) {
            let _ = holder_matches(&name, &holder);
            prop_assert!(holder_matches(&name, &name));
        }
    }
}
