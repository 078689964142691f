//! The two languages of the pages and the text of their HTML (what the scripts say lives in
//! [`super::messages`]). Korean first: it is the default and the language most claimants use.

pub use crate::domain::lang::Lang;

/// `(key, Korean, English)` for every `{{key}}` of the HTML templates.
pub const PAGE: &[(&str, &str, &str)] = &[
    ("site.name", "서비스 장애 피해 보상", "Outage compensation"),
    ("site.skip", "본문으로 건너뛰기", "Skip to main content"),
    ("site.nav", "주요 메뉴", "Main menu"),
    ("site.nav_status", "처리 상태 조회", "Check a claim"),
    ("site.nav_form", "피해 보상 신청", "File a claim"),
    // The switch is written in the language it leads to.
    ("site.switch", "English", "한국어"),
    (
        "site.noscript",
        "이 페이지를 사용하려면 JavaScript를 켜 주세요.",
        "This page needs JavaScript turned on.",
    ),
    ("form.title", "피해 보상 신청", "Outage compensation claim"),
    (
        "form.intro",
        "서비스 장애로 입은 피해의 보상을 신청합니다. ‘(선택)’ 표시가 없는 항목은 모두 입력해야 합니다.",
        "Claim compensation for losses caused by the service outage. Every field is required unless it \
         says ‘(optional)’.",
    ),
    ("form.error_summary", "입력 내용을 확인해 주세요", "Please check your answers"),
    ("form.problem_status_link", "처리 상태 조회 페이지로 가기", "Go to the status page"),
    ("form.section_incident", "장애 및 서비스", "Outage and service"),
    ("form.incident", "보상 대상 장애", "Outage"),
    ("form.loading", "불러오는 중…", "Loading…"),
    ("form.service", "피해를 입은 서비스", "Affected service"),
    ("form.choose_incident_first", "장애를 먼저 선택하세요", "Choose an outage first"),
    ("form.section_claimant", "신청인 정보", "About you"),
    ("form.kind", "신청인 구분", "You are claiming as"),
    ("form.kind_business", "사업자", "A business"),
    ("form.kind_individual", "개인", "An individual"),
    ("form.name", "상호 또는 성명", "Business or full name"),
    ("form.brn", "사업자등록번호", "Business registration number"),
    ("form.brn_hint", "숫자 10자리, 예: 123-45-67890", "10 digits, e.g. 123-45-67890"),
    ("form.email", "이메일", "Email"),
    ("form.phone", "휴대전화 번호", "Phone number"),
    ("form.optional", "(선택)", "(optional)"),
    ("form.phone_hint", "예: 010-1234-5678", "e.g. 010-1234-5678"),
    ("form.section_loss", "피해 내용", "Your loss"),
    (
        "form.kst_hint",
        "시각은 한국 시간(KST) 기준으로 입력하세요.",
        "Enter times in Korea time (KST, UTC+9).",
    ),
    ("form.loss_started_at", "피해 시작 시각", "Loss started at"),
    ("form.loss_ended_at", "피해 종료 시각", "Loss ended at"),
    ("form.claimed_amount", "신청 금액", "Amount claimed"),
    ("form.baseline_revenue", "평소 주간 매출", "Revenue in a normal week"),
    ("form.baseline_hint", "장애 전 평소 한 주 동안의 매출", "Revenue of a normal week before the outage"),
    ("form.outage_revenue", "장애 주간 매출", "Revenue in the outage week"),
    ("form.outage_hint", "장애가 발생한 주의 매출", "Revenue of the week the outage happened"),
    ("form.monthly_fee", "월 이용료", "Monthly fee"),
    ("form.monthly_fee_hint", "해당 서비스에 매달 내는 이용료", "What you pay each month for the service"),
    ("form.description", "피해 설명", "Describe your loss"),
    ("form.section_account", "보상금 받을 계좌", "Payout account"),
    ("form.bank", "은행", "Bank"),
    ("form.choose", "선택하세요", "Choose"),
    ("form.account_number", "계좌번호", "Account number"),
    ("form.account_hint", "숫자 6~20자리, 하이픈(-) 포함 가능", "6 to 20 digits; dashes allowed"),
    ("form.holder", "예금주", "Account holder"),
    (
        "form.privacy",
        "입력한 정보(신청인, 연락처, 계좌, 피해 내용, 보내신 자료)는 보상 심사와 지급, 안내 발송에만 사용하며, 보상 업무가 끝난 뒤 법령이 정한 기간이 지나면 파기합니다. 동의하지 않으시면 온라인으로 신청할 수 없습니다.",
        "We use what you enter (who you are, how to reach you, your account, your loss and the documents you send) only to review and pay your claim and to send you notices, and delete it once the compensation is over and the legal retention period has passed. Without your consent you cannot claim online.",
    ),
    ("form.consent_title", "동의와 확인", "Consent and confirmation"),
    ("form.consent_privacy", "위 개인정보 수집·이용에 동의합니다", "I agree to this use of my personal information"),
    ("form.consent_truthful", "신청 내용이 사실임을 확인합니다", "I confirm that what I state in this claim is true"),
    ("form.submit", "신청하기", "Submit claim"),
    ("receipt.title", "신청이 접수되었습니다", "Your claim has been received"),
    ("receipt.reference", "접수번호", "Reference"),
    ("receipt.status", "처리 상태", "Status"),
    ("receipt.reason", "사유", "Reason"),
    (
        "receipt.keep_link",
        "아래 링크로 언제든 처리 상태를 확인할 수 있습니다. 링크를 복사해 안전한 곳에 보관하세요.",
        "Use the link below to check your claim at any time. Copy it and keep it somewhere safe.",
    ),
    ("receipt.copy", "링크 복사", "Copy link"),
    (
        "receipt.secret",
        "링크에는 상태 확인 코드가 들어 있으니 다른 사람과 공유하지 마세요.",
        "The link contains your status code: do not share it.",
    ),
    ("receipt.another", "새로 신청하기", "File another claim"),
    ("status.title", "처리 상태 조회", "Check your claim"),
    (
        "status.intro",
        "접수번호와 상태 확인 코드를 입력하세요. 신청 후 받은 링크를 열면 자동으로 채워집니다.",
        "Enter your reference and status code. The link you got when you filed fills them in for you.",
    ),
    ("status.reference", "접수번호", "Reference"),
    ("status.reference_hint", "예: OC-0000001", "e.g. OC-0000001"),
    ("status.token", "상태 확인 코드", "Status code"),
    (
        "status.token_hint",
        "신청 완료 화면의 링크에 들어 있는 코드",
        "The code in the link shown when you filed",
    ),
    ("status.lookup", "조회하기", "Check status"),
    ("status.result", "조회 결과", "Your claim"),
    ("status.claimed", "신청 금액", "Amount claimed"),
    ("status.paid", "지급 금액", "Amount paid"),
    ("status.next", "다음 단계", "What happens next"),
    ("status.timeline", "처리 기록", "What has happened"),
    ("status.print", "접수 내용 인쇄", "Print what you filed"),
    ("status.actions", "신청 관리", "Manage your claim"),
    ("status.appeal_title", "이의 신청", "Appeal this decision"),
    ("status.appeal_reason", "결정이 잘못되었다고 생각하는 이유", "Why you think the decision is wrong"),
    ("status.appeal_send", "이의 신청하기", "Send the appeal"),
    ("status.account_title", "지급 계좌 변경", "Change the payout account"),
    (
        "status.account_hint",
        "보상금을 받을 본인 명의의 계좌를 입력하세요. 담당자가 확인한 뒤 지급합니다.",
        "Give an account in your own name. After a failed payment, a person checks it before paying again.",
    ),
    ("status.account_send", "계좌 변경하기", "Change the account"),
    ("status.withdraw_title", "신청 철회", "Withdraw the claim"),
    (
        "status.withdraw_hint",
        "철회하면 이 신청으로는 보상을 받을 수 없습니다. 지급 준비가 시작되기 전까지만 철회할 수 있습니다.",
        "A withdrawn claim is not paid. You can withdraw until the payment is being prepared.",
    ),
    ("status.withdraw_confirm", "이 신청을 철회합니다", "I withdraw this claim"),
    ("status.withdraw_send", "철회하기", "Withdraw"),
    ("notice.heading", "피해 보상 안내", "Compensation notice"),
    ("notice.how", "신청 방법과 기한", "How and by when to claim"),
    ("notice.file", "지금 신청하기", "File a claim now"),
    ("notice.criteria", "누가, 어떤 기준으로 보상받나요", "Who is paid, and on what criteria"),
    ("notice.terms", "알아 두실 점", "Good to know"),
    ("notice.policy_version", "보상 기준 버전", "Compensation policy version"),
    ("form.read_notice", "보상 기준 안내 보기", "Read the compensation notice"),
    ("status.documents_title", "자료 보내기", "Send documents"),
    (
        "status.documents_hint",
        "영수증, 매출 장부, 사진 등을 PDF, JPEG, PNG 파일로 보내 주세요 (한 파일 10MB까지, 한 번에 10개까지). 휴대폰으로 찍은 사진도 됩니다.",
        "Receipts, sales records or photos, as PDF, JPEG or PNG files (up to 10 MB each, 10 at a time). Photos taken with your phone are fine.",
    ),
    ("status.documents_files", "파일", "Files"),
    ("status.documents_note", "덧붙일 말", "A note for the reviewer"),
    ("status.documents_send", "자료 보내기", "Send"),
    ("status.documents_list", "보내신 자료", "Documents you sent"),
    ("status.help", "링크 재발급과 안내 확인", "A new link, and checking a notice"),
    ("status.link_title", "상태 확인 링크를 잃어버리셨나요?", "Lost your status link?"),
    (
        "status.link_hint",
        "접수번호와 신청할 때 적은 이메일을 입력하시면 새 링크를 그 이메일로 보내 드립니다.",
        "Enter your reference and the email you filed with; we send a new link to that email.",
    ),
    ("status.email", "이메일", "Email"),
    ("status.link_send", "새 링크 받기", "Send me a new link"),
    ("status.verify_title", "받은 안내가 진짜인지 확인하기", "Check that a notice came from us"),
    (
        "status.verify_hint",
        "안내 메일이나 문자에 적힌 접수번호와 확인 코드를 입력하세요.",
        "Enter the reference and the verification code printed in the mail or message.",
    ),
    ("status.code", "확인 코드", "Verification code"),
    ("status.verify_send", "확인하기", "Check"),
];

/// Banks of the payout-account select: `(code, Korean, English)`, codes of the Korea Financial
/// Telecommunications and Clearings Institute, which the API checks only for their shape.
pub const BANKS: &[(&str, &str, &str)] = &[
    ("004", "KB국민은행", "KB Kookmin Bank"),
    ("088", "신한은행", "Shinhan Bank"),
    ("020", "우리은행", "Woori Bank"),
    ("081", "하나은행", "Hana Bank"),
    ("011", "NH농협은행", "NH NongHyup Bank"),
    ("003", "IBK기업은행", "IBK Industrial Bank of Korea"),
    ("090", "카카오뱅크", "KakaoBank"),
    ("092", "토스뱅크", "Toss Bank"),
    ("089", "케이뱅크", "K Bank"),
    ("023", "SC제일은행", "SC First Bank"),
    ("027", "한국씨티은행", "Citibank Korea"),
    ("002", "KDB산업은행", "KDB Korea Development Bank"),
    ("007", "수협은행", "Suhyup Bank"),
    ("031", "iM뱅크(대구은행)", "iM Bank (Daegu Bank)"),
    ("032", "부산은행", "Busan Bank"),
    ("034", "광주은행", "Gwangju Bank"),
    ("035", "제주은행", "Jeju Bank"),
    ("037", "전북은행", "Jeonbuk Bank"),
    ("039", "경남은행", "Kyongnam Bank"),
    ("045", "새마을금고", "MG Community Credit Cooperatives"),
    ("048", "신협", "National Credit Union Federation"),
    ("071", "우체국", "Korea Post"),
];

/// The page text of `key`, if there is such an entry.
pub fn text(key: &str, lang: Lang) -> Option<&'static str> {
    PAGE.iter().find(|entry| entry.0 == key).map(|entry| lang.pick(entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_only_when_asked() {
        assert_eq!(Lang::from_query(""), Lang::Ko);
        assert_eq!(Lang::from_query("lang=en"), Lang::En);
        assert_eq!(Lang::from_query("reference=OC-1&lang=en"), Lang::En);
        assert_eq!(Lang::from_query("lang=fr"), Lang::Ko);
    }

    #[test]
    fn keys_and_bank_codes_are_unique() {
        for table in [PAGE, BANKS] {
            let keys: std::collections::BTreeSet<_> = table.iter().map(|e| e.0).collect();
            assert_eq!(keys.len(), table.len());
        }
        assert!(BANKS.iter().all(|(code, _, _)| code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())));
    }
}
