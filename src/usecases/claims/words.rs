//! What claimants read about their claim, in Korean and English: never a code. The timeline
//! and (later) the notices say the same things in the same words.

use chrono::{Duration, NaiveDateTime};

use crate::domain::claim::reason;
use crate::domain::lang::Lang;
use crate::domain::money::Money;

/// Korean claimants read times in Korean time: UTC+9, with no daylight saving, so adding nine
/// hours to the stored UTC time is exact.
const KST_HOURS: i64 = 9;

/// A date and time (stored in UTC) as a claimant reads it: `2026-12-18 09:00 (KST)`.
pub fn when(at: NaiveDateTime) -> String {
    format!("{} (KST)", (at + Duration::hours(KST_HOURS)).format("%Y-%m-%d %H:%M"))
}

/// An amount as a claimant reads it: `30,000원`, `KRW 30,000`.
pub fn amount(money: Money, lang: Lang) -> String {
    match (lang, money.currency().code()) {
        (Lang::Ko, "KRW") => format!("{}원", money.grouped()),
        (_, code) => format!("{code} {}", money.grouped()),
    }
}

fn pick(lang: Lang, ko: &str, en: &str) -> String {
    lang.either(ko, en).to_owned()
}

fn evidence_name(field: &str, lang: Lang) -> String {
    match field.trim() {
        "baseline_revenue" => pick(lang, "평소 한 주의 매출", "revenue of a normal week"),
        "outage_revenue" => pick(lang, "장애 주간의 매출", "revenue in the outage week"),
        "monthly_fee" => pick(lang, "월 이용료", "the monthly fee"),
        "claimed_amount" => pick(lang, "청구 금액", "the amount claimed"),
        "payout_account" => pick(lang, "지급받을 계좌", "the payout account"),
        _ => pick(lang, "추가 자료", "further evidence"),
    }
}

/// Services with a name of their own, `(slug, Korean, English)`; any other slug is shown as
/// written.
pub const SERVICE_NAMES: &[(&str, &str, &str)] = &[
    ("messenger", "메신저", "Messenger"),
    ("business_channel", "비즈니스 채널", "Business channel"),
    ("mobility", "모빌리티", "Mobility"),
    ("payments", "결제", "Payments"),
    ("maps", "지도", "Maps"),
    ("email", "메일", "Mail"),
    ("mail", "메일", "Mail"),
    ("games", "게임", "Games"),
    ("banking", "뱅킹", "Banking"),
];

/// A service as people call it.
pub fn service_name(slug: &str, lang: Lang) -> String {
    SERVICE_NAMES
        .iter()
        .find(|entry| entry.0 == slug)
        .map_or_else(|| slug.replace('_', " "), |entry| lang.pick(entry).to_owned())
}

/// The stored reason codes [`reason_text`] explains (besides `missing_evidence`, which names
/// its fields).
pub const EXPLAINED_REASONS: &[&str] = &[
    reason::NO_RECORDED_OUTAGE,
    reason::ABOVE_REVIEW_THRESHOLD,
    reason::DOCUMENTS_RECEIVED,
    reason::AMENDED,
    reason::INTEGRITY_SIGNAL,
    reason::DUPLICATE_IDENTITY,
    reason::APPEAL,
    reason::ACCOUNT_CHANGED,
    reason::WITHDRAWN_BY_CLAIMANT,
    reason::CURE_EXPIRED,
];

/// Why a claim is where it is, in words. A reason a person typed (a review) is shown as typed;
/// a stored code is explained.
pub fn reason_text(code: &str, lang: Lang) -> String {
    if let Some(fields) = code.strip_prefix(reason::MISSING_EVIDENCE) {
        let names: Vec<String> = fields
            .trim_start_matches(':')
            .split(',')
            .filter(|f| !f.trim().is_empty())
            .map(|f| evidence_name(f, lang))
            .collect();
        return match lang {
            Lang::Ko => format!("다음 자료가 필요합니다: {}.", names.join(", ")),
            Lang::En => format!("We still need: {}.", names.join(", ")),
        };
    }
    if code.starts_with(crate::domain::claim::DUPLICATE_IDENTITY_PREFIX) {
        return reason_text(reason::DUPLICATE_IDENTITY, lang);
    }
    match code {
        reason::NO_RECORDED_OUTAGE => pick(
            lang,
            "신청하신 피해 기간에 이 서비스의 장애가 기록되어 있지 않습니다.",
            "No outage of this service was recorded during the loss period you gave.",
        ),
        reason::ABOVE_REVIEW_THRESHOLD => pick(
            lang,
            "청구 금액이 자동 지급 한도를 넘어 담당자가 확인합니다.",
            "The amount claimed is above what is paid without a review, so a person checks it.",
        ),
        reason::DOCUMENTS_RECEIVED => {
            pick(lang, "보내주신 자료를 담당자가 확인합니다.", "A person is checking the documents you sent.")
        }
        reason::AMENDED => {
            pick(lang, "변경하신 내용을 담당자가 확인합니다.", "A person is checking the changes you made.")
        }
        reason::INTEGRITY_SIGNAL | reason::DUPLICATE_IDENTITY => pick(
            lang,
            "일부 정보를 담당자가 확인해야 합니다.",
            "Some of the details need a check by a person.",
        ),
        reason::APPEAL => pick(
            lang,
            "이의 신청이 접수되어 처음 결정하지 않은 다른 담당자가 다시 검토합니다.",
            "Your appeal was received: a person other than the one who decided first reviews it again.",
        ),
        reason::ACCOUNT_CHANGED => pick(
            lang,
            "새 계좌를 담당자가 확인한 뒤 다시 지급합니다.",
            "A person checks the new account, then the payment is made again.",
        ),
        reason::WITHDRAWN_BY_CLAIMANT => pick(lang, "신청을 철회하셨습니다.", "You withdrew the claim."),
        reason::CURE_EXPIRED => pick(
            lang,
            "보완 기한까지 자료가 도착하지 않았습니다.",
            "The documents asked for did not arrive by the deadline.",
        ),
        typed => typed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_explained_reason_has_words_in_both_languages() {
        for code in EXPLAINED_REASONS {
            for lang in [Lang::Ko, Lang::En] {
                let words = reason_text(code, lang);
                assert_ne!(&words, code);
                assert!(!words.contains('_'), "{words}");
            }
        }
        assert_eq!(reason_text("receipts do not match", Lang::En), "receipts do not match");
        assert_eq!(
            reason_text("missing_evidence: baseline_revenue, outage_revenue", Lang::En),
            "We still need: revenue of a normal week, revenue in the outage week."
        );
    }

    #[test]
    fn amounts_and_times_read_as_people_write_them() {
        use crate::domain::money::Currency;
        assert_eq!(amount(Money::from_minor(30_000, Currency::KRW), Lang::Ko), "30,000원");
        assert_eq!(amount(Money::from_minor(30_000, Currency::KRW), Lang::En), "KRW 30,000");
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 18).unwrap().and_hms_opt(15, 30, 0).unwrap();
        assert_eq!(when(at), "2026-12-19 00:30 (KST)");
    }

    proptest! {
        #[test]
        fn reason_text_never_panics(code in "\\PC*") {
            let _ = reason_text(&code, Lang::Ko);
            let _ = reason_text(&code, Lang::En);
        }
    }
}
