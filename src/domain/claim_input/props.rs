//! "Never panics, always field errors": [`ClaimDraft::parse`] over hostile text in every field.

use proptest::prelude::*;

use super::*;
use crate::domain::tricky_text::hostile;

/// A typed field from hostile text, or a valid value where the text does not parse (the
/// typed fields have their own properties; this one is about the draft's own checks).
fn typed<T>(
    parsed: Result<T, (&'static str, String)>,
    valid: &str,
    parse: fn(&str) -> Result<T, (&'static str, String)>,
) -> T {
    parsed.or_else(|_| parse(valid)).unwrap()
}

fn optional_text(valid: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(hostile(valid))
}

prop_compose! {
    fn hostile_claimant()(
        business in any::<bool>(),
        name in hostile(&["Hangang Chicken", "한강치킨", "Kim Minji"]),
        brn in optional_text(&["220-81-62517", "2208162517"]),
        email in hostile(&["owner@example.kr", "김@예시.한국"]),
        phone in optional_text(&["010-1234-5678", "+82 10 1234 5678"]),
    ) -> ClaimantInput {
        let kind = if business { ClaimantKind::Business } else { ClaimantKind::Individual };
        ClaimantInput { kind, name, business_registration_number: brn, email, phone }
    }
}

prop_compose! {
    fn hostile_account()(
        bank_code in hostile(&["004", "088"]),
        account_number in hostile(&["123-456-789012", "110123456789"]),
        holder in hostile(&["Kim Minji", "김민지"]),
    ) -> PayoutAccountInput {
        PayoutAccountInput { bank_code, account_number, holder }
    }
}

const TIMES: &[&str] = &["2022-10-15T15:30:00+09:00", "2022-10-16T15:30:00+09:00", "9999-12-31T23:59:59Z"];
const AMOUNTS: &[&str] = &["250000", "0", "99.50", "10000000000000"];

prop_compose! {
    fn hostile_input()(
        incident_id in hostile(&["01890a5d-ac96-774b-bcce-b302099a8057"]),
        service in hostile(&["messenger", "business_channel"]),
        claimant in hostile_claimant(),
        times in (hostile(TIMES), hostile(TIMES)),
        currency in hostile(&["KRW", "USD"]),
        amounts in (hostile(AMOUNTS), optional_text(AMOUNTS), optional_text(AMOUNTS), optional_text(AMOUNTS)),
        payout_account in hostile_account(),
        description in optional_text(&["Closed all evening", "영업 중단"]),
        external_ref in optional_text(&["ref-1", "참조-1"]),
    ) -> NewClaimInput {
        let decimal = |text: &Option<String>| text.as_deref().and_then(|t| DecimalString::parse(t).ok());
        NewClaimInput {
            incident_id,
            service: typed(ServiceSlug::parse(&service), "messenger", ServiceSlug::parse),
            claimant,
            loss_started_at: typed(Timestamp::parse(&times.0), TIMES[0], Timestamp::parse),
            loss_ended_at: typed(Timestamp::parse(&times.1), TIMES[1], Timestamp::parse),
            currency: typed(Currency::parse(&currency), "KRW", Currency::parse),
            claimed_amount: typed(DecimalString::parse(&amounts.0), "250000", DecimalString::parse),
            evidence: EvidenceInput {
                baseline_revenue: decimal(&amounts.1),
                outage_revenue: decimal(&amounts.2),
                monthly_fee: decimal(&amounts.3),
            },
            payout_account,
            description,
            external_ref,
            consent: None,
        }
    }
}

const FIELDS: &[&str] = &[
    "incident_id",
    "claimant.",
    "loss_started_at",
    "loss_ended_at",
    "claimed_amount",
    "evidence.",
    "payout_account.",
    "description",
    "external_ref",
];

proptest! {
    #[test]
    fn parsing_a_draft_never_panics_and_every_error_names_its_field(input in hostile_input()) {
        match ClaimDraft::parse(&input) {
            Ok(draft) => {
                prop_assert!(!draft.claimant.name.is_empty());
                prop_assert!(draft.account.account_number.bytes().all(|b| b.is_ascii_digit()));
                let _ = draft.account.masked_number();
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in errors {
                    prop_assert!(
                        FIELDS.iter().any(|f| error.field.starts_with(f)) && !error.code.is_empty(),
                        "{:?}", error
                    );
                }
            }
        }
    }
}
