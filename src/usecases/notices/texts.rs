//! The words of each notice, in Korean and English: what happened, what to do next and by
//! when, the status link, and the verification code. Written when the notice is sent, from what
//! was recorded when it was queued.

use serde_json::Value;

use crate::domain::lang::Lang;
use crate::domain::money::{Currency, Money};
use crate::domain::notice::NoticeKind;
use crate::usecases::claims::words::{amount, reason_text, when};

/// What a notice is about, besides its own details.
#[derive(Debug, Clone)]
pub struct About<'a> {
    pub reference: &'a str,
    pub claimant_name: &'a str,
    pub currency: Currency,
    /// `https://.../status?reference=...#token=...`
    pub status_link: &'a str,
    pub code: &'a str,
    pub lang: Lang,
}

/// A notice as it is sent: a subject line and a plain text (SMS gateways take the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub subject: String,
    pub text: String,
}

fn deadline_of(details: &Value, key: &str) -> Option<String> {
    let at = details[key].as_str()?;
    let parsed = chrono::DateTime::parse_from_rfc3339(at).ok()?;
    Some(when(parsed.naive_utc()))
}

fn money_of(details: &Value, key: &str, currency: Currency) -> Option<Money> {
    details[key].as_i64().map(|minor| Money::from_minor(minor, currency))
}

/// The subject and the lines of what happened, for each kind.
fn happened(kind: NoticeKind, details: &Value, about: &About<'_>) -> (String, String) {
    let lang = about.lang;
    let r = about.reference;
    let because =
        details["reason"].as_str().map(|code| format!(" {}", reason_text(code, lang))).unwrap_or_default();
    let message = details["message"].as_str().map(|m| format!(" {m}")).unwrap_or_default();
    match kind {
        NoticeKind::Receipt => {
            let next = match details["status"].as_str() {
                Some("verified") => lang.either("기록된 장애와 대조해 확인했습니다. 다음 지급 때 보상금이 계산되어 지급되며, 따로 하실 일은 없습니다.".into(),
                    "It is checked against the recorded outage and will be paid at the next payment run; there is nothing you need to do.".into(),
                ),
                Some("deficient") => {
                    let by = deadline_of(details, "deadline").unwrap_or_default();
                    lang.either(format!("자료 보완이 필요합니다.{because} {by}까지 상태 확인 페이지에서 보내 주세요."),
                        format!("We need more from you.{because} Please send it from your status page by {by}."),
                    )
                }
                Some("rejected") => lang.either(format!("보상 대상이 아닌 것으로 확인되었습니다.{because} 동의하지 않으시면 상태 확인 페이지에서 이의 신청을 하실 수 있습니다."),
                    format!("It cannot be paid as filed.{because} If you disagree, you can appeal from your status page."),
                ),
                _ => lang.either(format!("담당자가 검토합니다.{because} 결정되면 알려 드립니다."),
                    format!("A person reviews it.{because} We will tell you when it is decided."),
                ),
            };
            (
                lang.either(format!("[{r}] 피해 보상 신청이 접수되었습니다"), format!("[{r}] We received your claim")),
                lang.either(format!("피해 보상 신청이 접수되었습니다. 접수번호는 {r}입니다. {next}"),
                    format!("We received your compensation claim. Its reference is {r}. {next}"),
                ),
            )
        }
        NoticeKind::DocumentsRequested | NoticeKind::Reminder => {
            let by = deadline_of(details, "deadline").unwrap_or_default();
            let reminder = kind == NoticeKind::Reminder;
            (
                match (reminder, lang) {
                    (false, Lang::Ko) => format!("[{r}] 보완 자료가 필요합니다 ({by}까지)"),
                    (false, Lang::En) => format!("[{r}] We need more from you by {by}"),
                    (true, Lang::Ko) => format!("[{r}] 보완 기한이 다가옵니다 ({by}까지)"),
                    (true, Lang::En) => format!("[{r}] Reminder: please answer by {by}"),
                },
                lang.either(format!("신청을 처리하려면 자료가 더 필요합니다.{because}{message} {by}까지 상태 확인 페이지에서 보내 주세요. 기한이 지나면 신청이 반려됩니다."),
                    format!("To decide your claim we need more from you.{because}{message} Please send it from your status page by {by}. After that the claim is rejected."),
                ),
            )
        }
        NoticeKind::DocumentsReceived => (
            lang.either(format!("[{r}] 보완 자료를 받았습니다"), format!("[{r}] We received your documents")),
            lang.either("보내주신 자료를 받았습니다. 확인한 뒤 결과를 알려 드립니다.".into(),
                "We received what you sent. We will tell you what we decide.".into(),
            ),
        ),
        NoticeKind::Decision => decision(details, about, &message),
        NoticeKind::Paid => {
            let paid = money_of(details, "amount_minor", about.currency).map(|m| amount(m, lang)).unwrap_or_default();
            (
                lang.either(format!("[{r}] 보상금 {paid}을 지급했습니다"), format!("[{r}] We paid you {paid}")),
                lang.either(format!("보상금 {paid}을 신청하신 계좌로 지급했습니다."),
                    format!("We paid {paid} into the account you gave."),
                ),
            )
        }
        NoticeKind::PaymentFailed => {
            let bank = details["bank_reason"].as_str().map(|b| format!(" ({b})")).unwrap_or_default();
            (
                lang.either(format!("[{r}] 보상금을 지급하지 못했습니다"), format!("[{r}] We could not pay you")),
                lang.either(format!("은행에서 지급이 처리되지 않았습니다{bank}. 상태 확인 페이지에서 본인 명의의 계좌를 다시 알려 주시면 확인 후 다시 지급합니다."),
                    format!("The bank could not make the payment{bank}. Please give an account in your name on your status page; we check it and pay again."),
                ),
            )
        }
        NoticeKind::StatusLink => (
            lang.either(format!("[{r}] 처리 상태 확인 링크"), format!("[{r}] Your status link")),
            lang.either("요청하신 새 처리 상태 확인 링크입니다. 요청하지 않으셨다면 이 메일은 무시하셔도 됩니다.".into(),
                "Here is the new status link you asked for. If you did not ask for it, you can ignore this message.".into(),
            ),
        ),
    }
}

fn decision(details: &Value, about: &About<'_>, message: &str) -> (String, String) {
    let lang = about.lang;
    let r = about.reference;
    if details["decision"].as_str() == Some("approve") {
        let approved = money_of(details, "amount_minor", about.currency);
        let text = match approved {
            Some(money) => lang.either(format!("{} 지급이 승인되었습니다.{message} 다음 지급 때 입금됩니다.", amount(money, lang)),
                format!("A payment of {} was approved.{message} It is paid at the next payment run.", amount(money, lang)),
            ),
            None => lang.either(format!("신청이 승인되었습니다.{message} 보상금은 정책에 따라 계산되어 다음 지급 때 입금됩니다."),
                format!("Your claim was approved.{message} The compensation is calculated by the policy and paid at the next payment run."),
            ),
        };
        return (
            lang.either(format!("[{r}] 신청이 승인되었습니다"), format!("[{r}] Your claim was approved")),
            text,
        );
    }
    let why = match (details["reason"].as_str(), message.is_empty()) {
        (_, false) => message.to_owned(),
        (Some(code), true) => format!(" {}", reason_text(code, lang)),
        (None, true) => String::new(),
    };
    let until = deadline_of(details, "appeal_deadline").unwrap_or_default();
    (
        lang.either(format!("[{r}] 신청 결과 안내"), format!("[{r}] The decision on your claim")),
        lang.either(format!("보상 대상이 아닌 것으로 결정되었습니다.{why} 이 결정에 동의하지 않으시면 {until}까지 상태 확인 페이지에서 이의 신청을 하실 수 있습니다."),
            format!("Your claim was not accepted.{why} If you disagree, you can appeal from your status page until {until}."),
        ),
    )
}

/// The whole notice: greeting, what happened, the status link, the verification code.
pub fn write(kind: NoticeKind, details: &Value, about: &About<'_>) -> Written {
    let (subject, body) = happened(kind, details, about);
    let name = about.claimant_name;
    let (link, code) = (about.status_link, about.code);
    let text = about.lang.either(format!(
            "{name} 님,\n\n{body}\n\n처리 상태 확인: {link}\n\n확인 코드: {code}\n이 안내가 저희가 보낸 것인지 처리 상태 확인 페이지에서 위 코드로 확인하실 수 있습니다. 저희는 비밀번호나 계좌 비밀번호를 묻지 않습니다.\n\n서비스 장애 피해 보상\n"
        ),
        format!(
            "Dear {name},\n\n{body}\n\nYour status page: {link}\n\nVerification code: {code}\nYou can check on your status page that this notice came from us with this code. We never ask for passwords or PINs.\n\nOutage compensation\n"
        ),
    );
    Written { subject, text }
}

/// The status link of a claim: the token in the fragment, never the query (so it stays out of
/// server logs and `Referer`).
pub fn status_link(base: &str, reference: &str, token: &str, lang: Lang) -> String {
    let lang = lang.either("", "lang=en&");
    format!("{base}/status?{lang}reference={reference}#token={token}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn about(lang: Lang) -> About<'static> {
        About {
            reference: "OC-0000042",
            claimant_name: "김민지",
            currency: Currency::KRW,
            status_link: "https://claims.example/status?reference=OC-0000042#token=t",
            code: "K7M2QX",
            lang,
        }
    }

    #[test]
    fn every_kind_is_written_in_both_languages_with_the_link_and_the_code() {
        let details = json!({"status": "deficient", "reason": "missing_evidence: baseline_revenue",
            "deadline": "2026-12-18T00:00:00Z", "decision": "reject", "amount_minor": 30000,
            "appeal_deadline": "2027-01-04T00:00:00Z", "bank_reason": "account closed"});
        for kind in NoticeKind::ALL {
            for lang in [Lang::Ko, Lang::En] {
                let written = write(kind, &details, &about(lang));
                assert!(written.subject.contains("OC-0000042"), "{kind:?} {lang:?}");
                assert!(written.text.contains("#token=t") && written.text.contains("K7M2QX"));
                assert!(
                    !written.text.contains("missing_evidence") && !written.text.contains("_"),
                    "{}",
                    written.text
                );
            }
        }
    }

    #[test]
    fn amounts_deadlines_and_reasons_are_in_words() {
        let paid = write(NoticeKind::Paid, &json!({"amount_minor": 30000}), &about(Lang::Ko));
        assert!(paid.text.contains("30,000원"), "{}", paid.text);
        let rejected = write(
            NoticeKind::Decision,
            &json!({"decision": "reject", "reason": "cure_expired", "appeal_deadline": "2027-01-04T00:00:00Z"}),
            &about(Lang::En),
        );
        assert!(rejected.text.contains("did not arrive by the deadline"), "{}", rejected.text);
        assert!(rejected.text.contains("2027-01-04 09:00 (KST)"), "{}", rejected.text);
    }

    #[test]
    fn the_status_link_keeps_its_token_in_the_fragment() {
        assert_eq!(
            status_link("https://c.example", "OC-1", "abc", Lang::En),
            "https://c.example/status?lang=en&reference=OC-1#token=abc"
        );
    }
}
