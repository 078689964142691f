//! The text of the finance page, Korean first, in the `(key, Korean, English)` shape of
//! [`crate::web::i18n::PAGE`]. Kept apart from the claimant pages' table so each stays short;
//! shared words (site name, claim statuses, services) are looked up in the existing tables.

use super::super::i18n::{self, Lang};
use super::super::messages;

pub const FINANCE: &[(&str, &str, &str)] = &[
    ("fin.title", "재무 관리", "Finance"),
    ("fin.signin_title", "재무 담당자 로그인", "Finance sign-in"),
    (
        "fin.signin_intro",
        "재무 권한이 있는 접근 토큰을 붙여 넣으세요. 토큰은 이 브라우저의 보안 쿠키에만 저장됩니다.",
        "Paste an access token with the finance role. It is kept only in a secure cookie of this browser.",
    ),
    ("fin.token", "접근 토큰", "Access token"),
    (
        "fin.token_hint",
        "운영자가 발급한 재무(finance) 역할 토큰",
        "A finance-role token issued by an operator",
    ),
    ("fin.signin", "로그인", "Sign in"),
    ("fin.signout", "로그아웃", "Sign out"),
    ("fin.signed_in_as", "로그인 사용자", "Signed in as"),
    ("fin.incident", "장애", "Outage"),
    ("fin.show", "보기", "Show"),
    ("fin.no_incidents", "등록된 장애가 없습니다.", "No outage has been recorded."),
    ("fin.summary", "요약", "Summary"),
    ("fin.total_claims", "전체 신청 건수", "Claims"),
    ("fin.claimed", "신청 금액", "Claimed"),
    ("fin.assessed_gross", "산정 금액(예산 적용 전)", "Assessed (before budget)"),
    ("fin.assessed_payout", "지급 결정 금액", "Assessed payout"),
    ("fin.paid", "지급 완료 금액", "Paid"),
    ("fin.failed", "지급 실패 금액", "Failed"),
    ("fin.chart_status", "상태별 신청 건수", "Claims by status"),
    ("fin.chart_amounts", "금액 현황", "Amounts"),
    ("fin.chart_service", "서비스별 신청 금액", "Amount claimed by service"),
    ("fin.col_status", "상태", "Status"),
    ("fin.col_service", "서비스", "Service"),
    ("fin.col_count", "건수", "Count"),
    ("fin.col_amount", "금액", "Amount"),
    ("fin.batches", "지급 배치", "Payout batches"),
    ("fin.no_batches", "이 장애의 지급 배치가 없습니다.", "This outage has no payout batches."),
    ("fin.col_batch", "배치", "Batch"),
    ("fin.col_lines", "지급 건수", "Lines"),
    ("fin.col_gross", "산정 총액", "Total gross"),
    ("fin.col_payout", "지급 총액", "Total payout"),
    ("fin.col_factor", "배분 비율", "Factor"),
    ("fin.col_created_by", "생성자", "Created by"),
    ("fin.col_approved_by", "승인자", "Approved by"),
    ("fin.col_actions", "작업", "Actions"),
    ("fin.approve", "승인", "Approve"),
    ("fin.export", "CSV 내보내기", "Export CSV"),
    ("fin.export_bom", "엑셀용 CSV", "CSV for Excel"),
    ("batch.calculated", "산정 완료", "Calculated"),
    ("batch.approved", "승인됨", "Approved"),
    ("batch.cancelled", "취소됨", "Cancelled"),
    ("batch.settled", "정산 완료", "Settled"),
    (
        "notice.signin_invalid",
        "토큰이 올바르지 않거나 만료되었습니다.",
        "The token is not valid or has expired.",
    ),
    (
        "notice.signin_role",
        "재무 권한이 있는 토큰만 로그인할 수 있습니다.",
        "Only a token with the finance role can sign in here.",
    ),
    ("notice.signed_out", "로그아웃했습니다.", "You have signed out."),
    (
        "notice.expired",
        "로그인이 만료되었습니다. 다시 로그인하세요.",
        "Your session has ended. Please sign in again.",
    ),
    ("notice.approved", "배치를 승인했습니다.", "The batch is approved."),
    (
        "notice.four_eyes",
        "배치를 만든 사람은 승인할 수 없습니다. 다른 재무 담당자가 승인해야 합니다.",
        "You created this batch, so another finance user must approve it.",
    ),
    (
        "notice.not_calculated",
        "산정 완료 상태의 배치만 승인할 수 있습니다.",
        "Only a calculated batch can be approved.",
    ),
    ("notice.not_found", "배치를 찾을 수 없습니다.", "No such batch."),
    ("notice.not_exportable", "승인된 배치만 내보낼 수 있습니다.", "Only approved batches can be exported."),
];

/// The text of `key` in `lang`: this page's table first, then the claimant pages' and the
/// scripts' tables; a key nothing defines shows as itself (the unit test refuses that).
pub fn t(key: &str, lang: Lang) -> &str {
    FINANCE
        .iter()
        .find(|entry| entry.0 == key)
        .map(|entry| lang.pick(entry))
        .or_else(|| i18n::text(key, lang))
        .or_else(|| messages::text(key, lang))
        .unwrap_or(key)
}

/// A notice key from the query, kept only if it is one of ours: raw text is never reflected.
pub fn notice(key: &str) -> Option<&'static str> {
    FINANCE.iter().map(|entry| entry.0).find(|k| k.strip_prefix("notice.") == Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_notices_are_a_fixed_set() {
        let keys: std::collections::BTreeSet<_> = FINANCE.iter().map(|e| e.0).collect();
        assert_eq!(keys.len(), FINANCE.len());
        assert_eq!(notice("four_eyes"), Some("notice.four_eyes"));
        assert_eq!(notice("<script>"), None);
        assert_eq!(t("status.verified", Lang::En), "Verified");
        assert_eq!(t("site.name", Lang::Ko), "서비스 장애 피해 보상");
    }
}
