//! A claim as filed (the body of `POST /claims`, a bulk-upload row), parsed into a draft that
//! cannot be invalid. The web form, the API and bulk uploads all go through [`ClaimDraft::parse`].

use serde::{Deserialize, Serialize};
use validator::{Validate, ValidateEmail};

use super::amendment::check_loss_period;
use super::brn::Brn;
use super::claimant::{ClaimantKind, EvidenceField};
use super::interval::Interval;
use super::money::{Currency, DecimalString, Money};
use super::service::ServiceSlug;
use super::time::Timestamp;
use super::validation::{Errors, FieldError};

#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClaimInput {
    #[schemars(schema_with = "crate::domain::id::schema")]
    pub incident_id: String,
    pub service: ServiceSlug,
    #[validate(nested)]
    pub claimant: ClaimantInput,
    pub loss_started_at: Timestamp,
    pub loss_ended_at: Timestamp,
    pub currency: Currency,
    pub claimed_amount: DecimalString,
    #[serde(default)]
    pub evidence: EvidenceInput,
    #[validate(nested)]
    pub payout_account: PayoutAccountInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 2000))]
    pub description: Option<String>,
    /// The partner's own reference for the claim; unique per partner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 100))]
    pub external_ref: Option<String>,
    /// The claimant's consent to the privacy notice and its statement that the claim is true:
    /// both `true`, required of public filings (the form); others may send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentInput>,
}

/// `{privacy: true, truthful: true}`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// Agrees to the privacy notice (what is collected, why, for how long).
    pub privacy: bool,
    /// States that what the claim says is true.
    pub truthful: bool,
}

/// The version of the privacy notice and truthfulness statement the form shows; a claim
/// records the version its claimant agreed to.
pub const CONSENT_VERSION: &str = "2026-12-04";

#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimantInput {
    pub kind: ClaimantKind,
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    /// Required for businesses: ten digits with a valid check digit (dashes allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_registration_number: Option<String>,
    #[validate(length(max = 254))]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// Revenue of a normal week before the outage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_revenue: Option<DecimalString>,
    /// Revenue of the outage week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage_revenue: Option<DecimalString>,
    /// Monthly fee paid for the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_fee: Option<DecimalString>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutAccountInput {
    /// Three-digit bank code.
    pub bank_code: String,
    /// Digits, dashes allowed.
    pub account_number: String,
    #[validate(length(min = 1, max = 100))]
    pub holder: String,
}

/// Who is claiming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    pub kind: ClaimantKind,
    pub name: String,
    pub brn: Option<Brn>,
    pub email: String,
    pub phone: Option<String>,
}

impl Claimant {
    /// What makes two claims the same claimant's (docs/contract.md §4): the registration number whenever
    /// one is given, whatever the kind (a business that files once as `business` and once as
    /// `individual` is still one business), else the email, case-folded.
    pub fn identity_key(&self) -> String {
        match &self.brn {
            Some(brn) => format!("brn:{}", brn.digits()),
            None => format!("email:{}", self.email.to_lowercase()),
        }
    }
}

/// Evidence amounts, in the claim's currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evidence {
    pub baseline_revenue: Option<Money>,
    pub outage_revenue: Option<Money>,
    pub monthly_fee: Option<Money>,
}

impl Evidence {
    pub fn parse(input: &EvidenceInput, currency: Currency, errors: &mut Errors) -> Evidence {
        let mut money = |field: &str, value: Option<DecimalString>| {
            value.and_then(|v| errors.take(money_field(&format!("evidence.{field}"), v, currency)))
        };
        Evidence {
            baseline_revenue: money("baseline_revenue", input.baseline_revenue),
            outage_revenue: money("outage_revenue", input.outage_revenue),
            monthly_fee: money("monthly_fee", input.monthly_fee),
        }
    }

    pub fn get(&self, field: EvidenceField) -> Option<Money> {
        match field {
            EvidenceField::BaselineRevenue => self.baseline_revenue,
            EvidenceField::OutageRevenue => self.outage_revenue,
            EvidenceField::MonthlyFee => self.monthly_fee,
        }
    }

    /// The fields of `required` that are missing.
    pub fn missing(&self, required: &[EvidenceField]) -> Vec<EvidenceField> {
        required.iter().copied().filter(|f| self.get(*f).is_none()).collect()
    }

    /// Fills fields from `newer` where it has them.
    pub fn merged(self, newer: Evidence) -> Evidence {
        Evidence {
            baseline_revenue: newer.baseline_revenue.or(self.baseline_revenue),
            outage_revenue: newer.outage_revenue.or(self.outage_revenue),
            monthly_fee: newer.monthly_fee.or(self.monthly_fee),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutAccount {
    pub bank_code: String,
    /// Digits only.
    pub account_number: String,
    pub holder: String,
}

impl PayoutAccount {
    /// All but the last four digits hidden.
    pub fn masked_number(&self) -> String {
        mask(&self.account_number)
    }
}

/// `****7890`: only the last four characters stay visible. Counted in characters, not bytes:
/// a stored number is digits, but slicing by bytes would panic on anything else.
pub fn mask(number: &str) -> String {
    let hidden = number.chars().count().saturating_sub(4);
    number.chars().enumerate().map(|(i, c)| if i < hidden { '*' } else { c }).collect()
}

/// A claim that passed every field check.
#[derive(Debug, Clone)]
pub struct ClaimDraft {
    pub incident_id: String,
    pub service: ServiceSlug,
    pub claimant: Claimant,
    pub loss: Interval,
    pub claimed: Money,
    pub evidence: Evidence,
    pub account: PayoutAccount,
    pub description: Option<String>,
    pub external_ref: Option<String>,
    /// Whether the claimant consented (both statements accepted).
    pub consented: bool,
}

fn money_field(field: &str, value: DecimalString, currency: Currency) -> Result<Money, FieldError> {
    Money::from_decimal(value, currency).map_err(|(code, message)| FieldError::new(field, code, message))
}

/// Trims text and refuses control characters (they have no place in names and break exports).
fn clean_text(field: &str, text: &str, errors: &mut Errors) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        errors.add(field, "required", "must not be blank");
    } else if trimmed.chars().any(char::is_control) {
        errors.add(field, "invalid_characters", "must not contain control characters");
    }
    trimmed.to_owned()
}

impl ClaimDraft {
    /// Checks every field and reports all problems at once.
    pub fn parse(input: &NewClaimInput) -> Result<ClaimDraft, Vec<FieldError>> {
        ClaimDraft::parse_for(input, false)
    }

    /// [`ClaimDraft::parse`] for a filer that must consent (the public form): a missing or
    /// refused consent is among the problems reported.
    pub fn parse_for(input: &NewClaimInput, consent_required: bool) -> Result<ClaimDraft, Vec<FieldError>> {
        let mut errors = Errors::default();
        match input.consent {
            Some(consent) => {
                for (field, given) in
                    [("consent.privacy", consent.privacy), ("consent.truthful", consent.truthful)]
                {
                    if !given {
                        errors.add(field, "must_accept", "must be accepted to file a claim");
                    }
                }
            }
            None if consent_required => errors.add(
                "consent",
                "required",
                "a public filing needs {\"privacy\": true, \"truthful\": true}",
            ),
            None => {}
        }
        if let Err(e) = input.validate() {
            crate::domain::validation::validator_errors("", &e).into_iter().for_each(|e| errors.push(e));
        }
        let incident_id = match crate::domain::id::parse(&input.incident_id) {
            Some(id) => id,
            None => {
                errors.add("incident_id", "invalid_id", "must be an incident id");
                String::new()
            }
        };
        let currency = input.currency;
        let claimant = parse_claimant(&input.claimant, &mut errors);
        let claimed = errors.take(money_field("claimed_amount", input.claimed_amount, currency));
        if claimed.is_some_and(|c| c.minor() == 0) {
            errors.add("claimed_amount", "out_of_range", "must be greater than 0");
        }
        let evidence = Evidence::parse(&input.evidence, currency, &mut errors);
        let loss = Interval::new(input.loss_started_at, input.loss_ended_at);
        check_loss_period(loss, Timestamp::now(), &mut errors);
        let account = parse_account(&input.payout_account, &mut errors);
        let description = input.description.as_ref().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
        let external_ref = input.external_ref.as_ref().map(|r| clean_text("external_ref", r, &mut errors));
        match (loss, claimed) {
            (Some(loss), Some(claimed)) if errors.is_empty() => Ok(ClaimDraft {
                incident_id,
                service: input.service.clone(),
                claimant,
                loss,
                claimed,
                evidence,
                account,
                description,
                external_ref,
                consented: input.consent.is_some(),
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

fn parse_claimant(input: &ClaimantInput, errors: &mut Errors) -> Claimant {
    let name = clean_text("claimant.name", &input.name, errors);
    let email = input.email.trim().to_owned();
    if !email.validate_email() {
        errors.add("claimant.email", "email", "must be an email address");
    }
    let brn_field = "claimant.business_registration_number";
    let brn = match (&input.business_registration_number, input.kind) {
        (None, ClaimantKind::Business) => {
            errors.add(brn_field, "required", "is required for a business");
            None
        }
        (None, ClaimantKind::Individual) => None,
        (Some(text), _) => {
            errors.take(Brn::parse(text.trim()).map_err(|(c, m)| FieldError::new(brn_field, c, m)))
        }
    };
    let phone = input.phone.as_ref().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    if let Some(phone) = &phone {
        let digits = phone.bytes().filter(u8::is_ascii_digit).count();
        let allowed = phone
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || b == b'-' || b == b' ' || (i == 0 && b == b'+'));
        if !allowed || !(7..=15).contains(&digits) {
            errors.add("claimant.phone", "invalid_phone", "must be a phone number such as 010-1234-5678");
        }
    }
    Claimant { kind: input.kind, name, brn, email, phone }
}

impl PayoutAccount {
    /// A replacement account sent on its own (`POST /claims/{id}/payout-account`): the same
    /// rules as at filing, with the fields named without the `payout_account.` prefix.
    pub fn parse(input: &PayoutAccountInput) -> Result<PayoutAccount, Vec<FieldError>> {
        let mut errors = Errors::default();
        let account = parse_account_fields(input, "", &mut errors);
        if errors.is_empty() {
            Ok(account)
        } else {
            Err(errors.into_vec())
        }
    }
}

fn parse_account(input: &PayoutAccountInput, errors: &mut Errors) -> PayoutAccount {
    parse_account_fields(input, "payout_account.", errors)
}

fn parse_account_fields(input: &PayoutAccountInput, prefix: &str, errors: &mut Errors) -> PayoutAccount {
    let field = |name: &str| format!("{prefix}{name}");
    let bank_code = input.bank_code.trim().to_owned();
    if bank_code.len() != 3 || !bank_code.bytes().all(|b| b.is_ascii_digit()) {
        errors.add(&field("bank_code"), "invalid_bank_code", "must be a three-digit bank code");
    }
    let raw = input.account_number.trim();
    let account_number: String = raw.chars().filter(|c| *c != '-').collect();
    if !account_number.bytes().all(|b| b.is_ascii_digit()) || !(6..=20).contains(&account_number.len()) {
        errors.add(
            &field("account_number"),
            "invalid_account_number",
            "must be 6 to 20 digits (dashes allowed)",
        );
    }
    let holder = clean_text(&field("holder"), &input.holder, errors);
    PayoutAccount { bank_code, account_number, holder }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub fn valid() -> serde_json::Value {
        json!({
            "incident_id": "01890a5d-ac96-774b-bcce-b302099a8057",
            "service": "messenger",
            "claimant": {"kind": "business", "name": "Hangang Chicken", "business_registration_number": "220-81-62517",
                         "email": "owner@example.kr", "phone": "010-1234-5678"},
            "loss_started_at": "2022-10-15T15:30:00+09:00",
            "loss_ended_at": "2022-10-16T15:30:00+09:00",
            "currency": "KRW",
            "claimed_amount": "250000",
            "evidence": {"baseline_revenue": "1400000", "outage_revenue": "900000"},
            "payout_account": {"bank_code": "004", "account_number": "123-456-789012", "holder": "Kim Minji"}
        })
    }

    fn parse(value: serde_json::Value) -> Result<ClaimDraft, Vec<String>> {
        let input: NewClaimInput = serde_json::from_value(value).unwrap();
        ClaimDraft::parse(&input)
            .map_err(|e| e.into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect())
    }

    #[test]
    fn a_valid_claim_parses() {
        let draft = parse(valid()).unwrap();
        assert_eq!(draft.claimant.identity_key(), "brn:2208162517");
        assert_eq!(draft.account.account_number, "123456789012");
        assert_eq!(draft.account.masked_number(), "********9012");
        assert_eq!(draft.claimed.minor(), 250_000);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut bad = valid();
        bad["claimant"]["business_registration_number"] = json!("220-81-62518");
        bad["claimant"]["email"] = json!("not-an-email");
        bad["claimant"]["phone"] = json!("call me");
        bad["claimant"]["name"] = json!("  ");
        bad["claimed_amount"] = json!("0");
        bad["loss_ended_at"] = json!("2022-10-15T15:00:00+09:00");
        bad["payout_account"]["bank_code"] = json!("4");
        bad["payout_account"]["account_number"] = json!("12");
        bad["incident_id"] = json!("nope");
        let errors = parse(bad).unwrap_err();
        for expected in [
            "claimant.business_registration_number:invalid_check_digit",
            "claimant.email:email",
            "claimant.phone:invalid_phone",
            "claimant.name:required",
            "claimed_amount:out_of_range",
            "loss_ended_at:before_start",
            "payout_account.bank_code:invalid_bank_code",
            "payout_account.account_number:invalid_account_number",
            "incident_id:invalid_id",
        ] {
            assert!(errors.contains(&expected.to_owned()), "{expected} missing from {errors:?}");
        }
    }

    #[test]
    fn businesses_need_a_registration_number_and_individuals_are_known_by_email() {
        let mut business = valid();
        business["claimant"].as_object_mut().unwrap().remove("business_registration_number");
        assert_eq!(parse(business).unwrap_err(), ["claimant.business_registration_number:required"]);
        let mut person = valid();
        person["claimant"] = json!({"kind": "individual", "name": "Lee", "email": "Lee@Example.kr"});
        assert_eq!(parse(person).unwrap().claimant.identity_key(), "email:lee@example.kr");
    }

    #[test]
    fn control_characters_in_names_are_refused() {
        let mut bad = valid();
        bad["claimant"]["name"] = json!("Evil\u{0007}Corp");
        assert_eq!(parse(bad).unwrap_err(), ["claimant.name:invalid_characters"]);
    }

    #[test]
    fn masking_counts_characters_not_bytes() {
        assert_eq!(mask("123456789012"), "********9012");
        assert_eq!(mask("12"), "12");
        assert_eq!(mask("계좌번호1234"), "****1234");
        assert_eq!(mask("1234가"), "*234가");
    }
}
