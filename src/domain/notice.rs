//! Notices to claimants (docs/contract.md, notices): what they are about, how they travel,
//! the verification code each carries, and how long a failed delivery waits before it is tried
//! again. The texts are written by the use cases; the sending is an adapter's.

use std::time::Duration;

/// What a notice tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The claim was received: its reference and the status link.
    Receipt,
    /// Documents or evidence are needed, by a deadline.
    DocumentsRequested,
    /// The deadline to answer is near.
    Reminder,
    DocumentsReceived,
    /// Approved (with the amount when one was assessed) or rejected (with the reason and how
    /// to appeal).
    Decision,
    Paid,
    /// The bank could not pay: how to give a new account.
    PaymentFailed,
    /// A new status link, asked for by reference and email.
    StatusLink,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 8] = [
        NoticeKind::Receipt,
        NoticeKind::DocumentsRequested,
        NoticeKind::Reminder,
        NoticeKind::DocumentsReceived,
        NoticeKind::Decision,
        NoticeKind::Paid,
        NoticeKind::PaymentFailed,
        NoticeKind::StatusLink,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Receipt => "receipt",
            NoticeKind::DocumentsRequested => "documents_requested",
            NoticeKind::Reminder => "reminder",
            NoticeKind::DocumentsReceived => "documents_received",
            NoticeKind::Decision => "decision",
            NoticeKind::Paid => "paid",
            NoticeKind::PaymentFailed => "payment_failed",
            NoticeKind::StatusLink => "status_link",
        }
    }

    pub fn parse(text: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How a notice travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeChannel {
    /// Mail over SMTP to the claimant's email.
    Email,
    /// A JSON webhook to an SMS or messenger gateway, for claimants with a phone number.
    Webhook,
}

impl NoticeChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeChannel::Email => "email",
            NoticeChannel::Webhook => "webhook",
        }
    }

    pub fn parse(text: &str) -> Option<NoticeChannel> {
        [NoticeChannel::Email, NoticeChannel::Webhook].into_iter().find(|c| c.as_str() == text)
    }
}

/// Where a notice is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    /// Waiting for its first or next attempt.
    Pending,
    Sent,
    /// Given up: every attempt failed, or it waited longer than a notice stays useful.
    Failed,
}

impl NoticeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeStatus::Pending => "pending",
            NoticeStatus::Sent => "sent",
            NoticeStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<NoticeStatus> {
        [NoticeStatus::Pending, NoticeStatus::Sent, NoticeStatus::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Letters and digits no one confuses when reading them off a phone (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// 31^6, about 887 million codes: guessing one for a given reference is hopeless at the rate
/// the check allows.
pub const CODE_LENGTH: usize = 6;

/// A verification code from random bytes (one byte per character; the slight bias of `% 31`
/// does not matter for a code checked together with its reference).
pub fn verification_code(random: [u8; CODE_LENGTH]) -> String {
    random.iter().map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()])).collect()
}

/// A code as a person types it: trimmed, upper case, without spaces or dashes; `None` when it
/// cannot be a code at all.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// How long after its `attempt`-th failure (1-based) a notice is tried again: doubling from
/// `base`, at most six hours. With the default 30 s that is 30 s, 1 min, 2 min, ... 6 h.
pub fn retry_after(attempt: u32, base: Duration) -> Duration {
    let doublings = attempt.saturating_sub(1).min(20);
    base.saturating_mul(1u32 << doublings).min(Duration::from_secs(6 * 3600))
}

/// Attempts before a notice is given up; with the default back-off that is about four days.
pub const MOST_ATTEMPTS: i32 = 24;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kinds_channels_and_statuses_round_trip_through_text() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
        for channel in [NoticeChannel::Email, NoticeChannel::Webhook] {
            assert_eq!(NoticeChannel::parse(channel.as_str()), Some(channel));
        }
        for status in [NoticeStatus::Pending, NoticeStatus::Sent, NoticeStatus::Failed] {
            assert_eq!(NoticeStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn codes_are_read_back_as_people_type_them() {
        let code = verification_code([0, 1, 2, 30, 31, 255]);
        assert_eq!(code.len(), CODE_LENGTH);
        assert_eq!(normalize_code(&format!(" {} ", code.to_lowercase())), Some(code.clone()));
        assert_eq!(normalize_code("ABC-DEF"), Some("ABCDEF".into()));
        assert_eq!(normalize_code("ABCDE0"), None, "0 is never in a code");
        assert_eq!(normalize_code("ABCDE"), None);
        assert_eq!(normalize_code("ＡＢＣＤＥＦ"), None);
    }

    #[test]
    fn retries_back_off_to_six_hours() {
        let base = Duration::from_secs(30);
        assert_eq!(retry_after(1, base), Duration::from_secs(30));
        assert_eq!(retry_after(2, base), Duration::from_secs(60));
        assert_eq!(retry_after(5, base), Duration::from_secs(480));
        assert_eq!(retry_after(40, base), Duration::from_secs(6 * 3600));
        assert_eq!(retry_after(0, base), base);
    }

    proptest! {
        #[test]
        fn normalizing_a_code_never_panics(typed in "\\PC*") {
            let _ = normalize_code(&typed);
        }
    }
}
