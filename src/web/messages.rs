//! What the page scripts say: handed to them as a JSON data block in the page, so the scripts
//! carry no text of their own. `{name}` marks a value the script fills in.
//!
//! Error texts are looked up as `err.<field>.<code>`, then `err.<code>`; the server's own
//! (English) message is shown only for a code not listed here.

use super::i18n::Lang;

pub const SCRIPT: &[(&str, &str, &str)] = &[
    ("choose", "선택하세요", "Choose"),
    ("choose_incident_first", "장애를 먼저 선택하세요", "Choose an outage first"),
    ("no_incidents", "지금 보상 신청을 받는 장애가 없습니다", "No outage is taking claims right now"),
    (
        "incidents_failed",
        "장애 목록을 불러오지 못했습니다. 페이지를 새로 고쳐 주세요.",
        "Could not load the outages. Please reload the page.",
    ),
    ("claims_close", "신청 마감: {date} (한국 시간)", "Claims close on {date} (Korea time)"),
    ("submit", "신청하기", "Submit claim"),
    ("sending", "보내는 중…", "Sending…"),
    (
        "errors_found",
        "입력 내용에 확인할 항목이 {n}개 있습니다. 표시된 항목을 고쳐 주세요.",
        "{n} answers need your attention. Please fix the marked fields.",
    ),
    (
        "errors_found_one",
        "입력 내용에 확인할 항목이 1개 있습니다. 표시된 항목을 고쳐 주세요.",
        "1 answer needs your attention. Please fix the marked field.",
    ),
    (
        "duplicate",
        "이 사업자(또는 신청인)는 이 서비스에 대해 이미 신청하셨습니다. 한 서비스에는 한 번만 신청할 수 있으며, 피해가 더 있으면 기존 신청을 변경하시면 됩니다. 접수 때 받은 링크로 확인하시거나, 링크가 없으면 처리 상태 조회 페이지에서 새 링크를 받으세요.",
        "This business or person already has a claim for this service. There is one claim per service: if you lost more, change that claim. Follow it with the link from its receipt, or get a new link on the status page.",
    ),
    ("rate_limited", "요청이 너무 많습니다. {seconds}초 뒤에 다시 보내 주세요. 입력한 내용은 그대로 있습니다.", "Too many tries from this connection. Please send again in {seconds} seconds; your answers are kept."),
    (
        "not_received",
        "신청이 접수되지 않았습니다. 서버에 일시적인 문제가 있습니다. 잠시 후 다시 보내 주세요. 입력한 내용은 그대로 있습니다.",
        "Your claim was not filed: something went wrong on our side. Please send again shortly; your answers are kept.",
    ),
    (
        "maybe_received",
        "신청이 접수되었는지 확인하지 못했습니다. 같은 내용을 다시 보내 주세요. 이미 접수되었다면 두 번 접수되지 않고 같은 접수번호가 표시됩니다.",
        "We could not confirm that your claim was received. Please send it again: if it was received, it is not filed twice and you see the same reference.",
    ),
    ("filing_closed", "지금은 온라인 신청을 받지 않습니다.", "Online filing is closed right now."),
    (
        "network",
        "서버에 연결하지 못했습니다. 연결을 확인한 뒤 다시 보내 주세요. 같은 내용을 다시 보내도 두 번 접수되지 않습니다.",
        "Could not reach the server. Check your connection and send again: the same claim is never filed twice.",
    ),
    (
        "server",
        "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
        "Something went wrong on our side. Please try again shortly.",
    ),
    ("received", "신청이 접수되었습니다. 접수번호 {reference}", "Your claim has been received: reference {reference}"),
    ("copied", "복사했습니다", "Copied"),
    ("copy_failed", "복사하지 못했습니다. 링크를 직접 선택해 복사하세요.", "Could not copy: select the link and copy it."),
    ("err.required", "필수 항목입니다.", "This field is required."),
    (
        "err.invalid_format",
        "사업자등록번호는 숫자 10자리입니다 (예: 123-45-67890).",
        "Enter 10 digits, e.g. 123-45-67890.",
    ),
    (
        "err.invalid_check_digit",
        "올바른 사업자등록번호가 아닙니다(검증 숫자 불일치). 번호를 다시 확인해 주세요.",
        "This is not a valid business registration number (the check digit does not match).",
    ),
    ("err.email", "올바른 이메일 주소를 입력하세요.", "Enter a valid email address."),
    ("err.invalid_phone", "전화번호 형식이 올바르지 않습니다 (예: 010-1234-5678).", "Enter a phone number such as 010-1234-5678."),
    ("err.invalid_decimal", "금액은 숫자로 입력하세요 (예: 250000).", "Enter the amount in digits, e.g. 250000."),
    ("err.too_many_decimals", "이 통화는 그렇게 작은 단위를 쓸 수 없습니다.", "This currency has no such small units."),
    ("err.too_large", "금액이 너무 큽니다.", "This amount is too large."),
    ("err.claimed_amount.out_of_range", "0보다 큰 금액을 입력하세요.", "Enter an amount greater than 0."),
    ("err.invalid_datetime", "날짜와 시각을 입력하세요.", "Enter a date and a time."),
    ("err.before_start", "종료 시각은 시작 시각보다 뒤여야 합니다.", "The end must be after the start."),
    ("err.loss_ended_at.too_long", "피해 기간은 최대 366일입니다.", "A loss period covers at most 366 days."),
    ("err.in_future", "미래의 시각은 입력할 수 없습니다.", "This time is in the future."),
    ("err.invalid_bank_code", "은행을 선택하세요.", "Choose a bank."),
    (
        "err.invalid_account_number",
        "계좌번호는 숫자 6~20자리입니다 (하이픈 가능).",
        "Enter 6 to 20 digits (dashes allowed).",
    ),
    ("err.invalid_characters", "사용할 수 없는 문자가 들어 있습니다.", "This contains characters that are not allowed."),
    ("err.invalid_id", "장애를 선택하세요.", "Choose an outage."),
    ("err.invalid_service", "서비스를 선택하세요.", "Choose a service."),
    ("err.unknown_incident", "선택한 장애를 찾을 수 없습니다. 페이지를 새로 고쳐 주세요.", "This outage no longer exists. Please reload the page."),
    ("err.claims_closed", "이 장애는 지금 보상 신청을 받지 않습니다.", "This outage is not taking claims now."),
    (
        "err.currency_mismatch",
        "이 장애의 보상 통화와 맞지 않습니다. 페이지를 새로 고쳐 주세요.",
        "The currency does not match this outage's. Please reload the page.",
    ),
    ("status.verified", "확인 완료", "Verified"),
    ("status.needs_review", "담당자 검토 중", "Under review"),
    ("status.deficient", "보완 필요", "More information needed"),
    ("status.approved", "지급 승인", "Approved"),
    ("status.rejected", "반려", "Rejected"),
    ("status.withdrawn", "신청 철회", "Withdrawn"),
    ("status.in_batch", "지급 준비 중", "Payment being prepared"),
    ("status.paid", "지급 완료", "Paid"),
    ("status.payout_failed", "지급 실패", "Payment failed"),
    ("status.closed_no_payout", "지급 없이 종결", "Closed without payment"),
    ("reason.missing_evidence", "다음 증빙이 필요합니다: {fields}", "We need this evidence: {fields}"),
    ("evidence.baseline_revenue", "평소 주간 매출", "revenue in a normal week"),
    ("evidence.outage_revenue", "장애 주간 매출", "revenue in the outage week"),
    ("evidence.monthly_fee", "월 이용료", "monthly fee"),
    ("lookup_loading", "조회 중…", "Checking…"),
    ("next.verified", "확인이 끝났습니다. 다음 지급 때 보상금이 계산되어 지급됩니다. 따로 하실 일은 없습니다.", "Your claim is checked. The compensation is calculated and paid at the next payment run; there is nothing you need to do."),
    ("next.needs_review", "담당자가 검토하고 있습니다. 결정되면 알려 드립니다.", "A person is reviewing your claim. We will tell you when it is decided."),
    ("next.deficient", "아래 처리 기록에 적힌 자료를 기한까지 보내 주세요.", "Please send what the record below asks for, by its deadline."),
    ("next.approved", "지급이 승인되었습니다. 다음 지급 때 보상금이 지급됩니다.", "Your claim is approved. It is paid at the next payment run."),
    ("next.rejected", "보상 대상이 아닌 것으로 결정되었습니다. 동의하지 않으시면 기한 안에 이의 신청을 하실 수 있습니다.", "Your claim was not accepted. If you disagree, you can appeal before the deadline."),
    ("next.rejected_final", "이 결정은 확정되었습니다.", "This decision is final."),
    ("next.withdrawn", "신청을 철회하셨습니다.", "You withdrew this claim."),
    ("next.in_batch", "지급을 준비하고 있습니다. 곧 입금됩니다.", "Your payment is being prepared and will arrive soon."),
    ("next.paid", "보상금을 지급했습니다.", "Your compensation has been paid."),
    ("next.payout_failed", "은행에서 지급이 처리되지 않았습니다. 아래에서 계좌를 확인하고 새 계좌를 알려 주세요.", "The bank could not make the payment. Please give a correct account below."),
    ("next.closed_no_payout", "보상 정책에 따라 지급할 금액이 없어 종결되었습니다.", "By the compensation policy there is nothing to pay, so the claim is closed."),
    ("appeal_until", "{date}까지 이의 신청을 하실 수 있습니다.", "You can appeal until {date}."),
    ("appeal_sent", "이의 신청을 접수했습니다. 다른 담당자가 다시 검토합니다.", "Your appeal was received. Another person reviews your claim again."),
    ("account_sent", "새 계좌를 받았습니다.", "We have your new account."),
    ("withdraw_sent", "신청을 철회했습니다.", "Your claim is withdrawn."),
    ("action_conflict", "지금은 이 요청을 처리할 수 없습니다. 페이지를 새로 고쳐 최신 상태를 확인해 주세요.", "This cannot be done now. Please reload to see the latest state of your claim."),
    ("evidence_needed", "(보상 계산에 필요: 없으면 나중에 요청드립니다)", "(needed to calculate your payment: without it we ask you later)"),
    ("evidence_optional", "(선택)", "(optional)"),
    ("err.consent.privacy.required", "개인정보 수집·이용에 동의해야 신청할 수 있습니다.", "You need to agree to this use of your information to claim."),
    ("err.consent.truthful.required", "신청 내용이 사실임을 확인해 주세요.", "Please confirm that your claim is true."),
    ("err.must_accept", "동의해야 신청할 수 있습니다.", "This must be accepted to file a claim."),
    ("documents_sent", "자료를 받았습니다.", "We received your documents."),
    ("documents_too_large", "10MB보다 큰 파일이 있습니다. 더 작게 찍거나 나누어 보내 주세요.", "A file is larger than 10 MB. Please send a smaller photo or split the file."),
    ("err.file.required", "보낼 파일을 고르세요.", "Choose the files to send."),
    ("err.file.unsupported_type", "PDF, JPEG, PNG 파일만 받을 수 있습니다.", "Only PDF, JPEG and PNG files are taken."),
    ("err.file.too_many_files", "파일이 너무 많습니다. 한 번에 10개, 신청 한 건에 20개까지 보낼 수 있습니다.", "Too many files: up to 10 at a time and 20 per claim."),
    ("document.received", "받음", "Received"),
    ("document.accepted", "확인됨", "Accepted"),
    ("document.rejected", "보완 필요", "Not accepted"),
    ("link_missing", "접수번호와 이메일을 모두 입력하세요.", "Enter both your reference and your email."),
    ("link_sent", "접수번호와 이메일이 맞으면 새 링크를 그 이메일로 보냈습니다. 메일함을 확인해 주세요.", "If the reference and the email match, a new link is on its way to that email. Please check your inbox."),
    ("verify_missing", "접수번호와 확인 코드를 모두 입력하세요.", "Enter both the reference and the code."),
    ("verify_genuine", "저희가 {date}에 보낸 안내가 맞습니다.", "This notice is genuine: we sent it on {date}."),
    ("verify_unknown", "이 접수번호로 이 코드의 안내를 보낸 적이 없습니다. 안내에 있는 링크를 열지 마시고 개인정보를 입력하지 마세요.", "We sent no notice with this code for this reference. Do not open its links or enter any details."),
    ("too_many", "요청이 너무 많습니다. {seconds}초 뒤에 다시 시도해 주세요.", "Too many tries. Please try again in {seconds} seconds."),
    ("err.confirm.required", "철회하려면 확인란을 선택하세요.", "Tick the box to confirm."),
    ("err.reason.required", "이유를 적어 주세요.", "Please write your reason."),
    ("err.holder.required", "예금주를 입력하세요.", "Enter the account holder."),
    ("err.bank_code.required", "은행을 선택하세요.", "Choose a bank."),
    ("err.account_number.required", "계좌번호를 입력하세요.", "Enter the account number."),
    ("lookup_missing", "접수번호와 상태 확인 코드를 모두 입력하세요.", "Enter both your reference and your status code."),
    (
        "lookup_not_found",
        "이 접수번호의 신청을 찾을 수 없습니다. 접수번호와 상태 확인 코드를 다시 확인해 주세요.",
        "No claim with this reference was found for this status code. Please check both.",
    ),
    (
        "lookup_bad_token",
        "상태 확인 코드가 올바르지 않거나 만료되었습니다. 접수 때 받은 링크를 다시 열어 주세요.",
        "The status code is not valid or has expired. Please open the link you got when you filed.",
    ),
];

/// One message of `lang`, for text the server renders itself (the finance page).
pub fn text(key: &str, lang: Lang) -> Option<&'static str> {
    SCRIPT.iter().find(|entry| entry.0 == key).map(|entry| lang.pick(entry))
}

/// The messages of `lang` as a JSON object, safe to place inside a `<script>` data block.
pub fn json(lang: Lang) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        SCRIPT.iter().map(|entry| (entry.0.to_owned(), lang.pick(entry).into())).collect();
    let mut object = serde_json::Value::Object(map);
    // Reasons and services are worded once, where the timeline and the notices word them.
    for entry in crate::usecases::claims::words::SERVICE_NAMES {
        object[format!("service.{}", entry.0)] = lang.pick(entry).into();
    }
    for code in crate::usecases::claims::words::EXPLAINED_REASONS {
        object[format!("reason.{code}")] = crate::usecases::claims::words::reason_text(code, lang).into();
    }
    object["lang"] = lang.code().into();
    // `<` escaped so no text can close the data block early.
    object.to_string().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_translation() {
        for status in crate::domain::claim::ClaimStatus::ALL {
            let key = format!("status.{}", status.as_str());
            assert!(SCRIPT.iter().any(|e| e.0 == key), "{key} missing");
        }
    }

    #[test]
    fn keys_are_unique_and_the_json_cannot_close_its_script() {
        let keys: std::collections::BTreeSet<_> = SCRIPT.iter().map(|e| e.0).collect();
        assert_eq!(keys.len(), SCRIPT.len());
        let json = json(Lang::En);
        assert!(!json.contains('<'));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap()["lang"], "en");
    }
}
