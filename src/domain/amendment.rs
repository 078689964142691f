//! An amendment of a claim by its owner (`POST /claims/{id}/amend`, docs/contract.md §4): one claimant has
//! one claim per service, so a claimant who lost more, or longer, changes that claim. Only the
//! terms of the loss may change: amount, loss period, evidence and description.

use serde::{Deserialize, Serialize};
use validator::Validate;

use super::claim_input::{Evidence, EvidenceInput};
use super::interval::Interval;
use super::money::{Currency, DecimalString, Money};
use super::time::Timestamp;
use super::validation::{Errors, FieldError};

/// Longest loss period a claim may cover (the same bound as at filing).
pub const MAX_LOSS_DAYS: i64 = 366;

/// The body of `POST /claims/{id}/amend`: the fields to change, each optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_amount: Option<DecimalString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss_started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss_ended_at: Option<Timestamp>,
    /// Evidence amounts to set; those not sent keep their value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 2000))]
    pub description: Option<String>,
}

/// What a claim says of its loss: the part an amendment may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LossTerms {
    pub loss: Interval,
    pub claimed: Money,
    pub evidence: Evidence,
    pub description: Option<String>,
}

/// Checks a loss period as filing and amendment both require it.
pub fn check_loss_period(loss: Option<Interval>, now: Timestamp, errors: &mut Errors) {
    match loss {
        None => errors.add("loss_ended_at", "before_start", "must be after loss_started_at"),
        Some(period)
            if (period.end().micros() - period.start().micros()) > MAX_LOSS_DAYS * 86_400_000_000 =>
        {
            errors.add(
                "loss_ended_at",
                "too_long",
                format!("a loss period covers at most {MAX_LOSS_DAYS} days"),
            )
        }
        Some(period) if period.start() > now => {
            errors.add("loss_started_at", "in_future", "must not be in the future")
        }
        Some(_) => {}
    }
}

impl AmendInput {
    /// The terms after this amendment of `current`, or every field error at once.
    pub fn apply(&self, current: &LossTerms, now: Timestamp) -> Result<LossTerms, Vec<FieldError>> {
        let mut errors = Errors::default();
        if let Err(e) = self.validate() {
            crate::domain::validation::validator_errors("", &e).into_iter().for_each(|e| errors.push(e));
        }
        let nothing = self.claimed_amount.is_none()
            && self.loss_started_at.is_none()
            && self.loss_ended_at.is_none()
            && self.evidence.is_none()
            && self.description.is_none();
        if nothing {
            errors.add("claimed_amount", "required", "an amendment changes at least one field");
        }
        let currency: Currency = current.claimed.currency();
        let claimed = match self.claimed_amount {
            Some(amount) => errors.take(
                Money::from_decimal(amount, currency)
                    .map_err(|(code, message)| FieldError::new("claimed_amount", code, message)),
            ),
            None => Some(current.claimed),
        };
        if claimed.is_some_and(|c| c.minor() == 0) {
            errors.add("claimed_amount", "out_of_range", "must be greater than 0");
        }
        let sent = self.evidence.as_ref().map(|e| Evidence::parse(e, currency, &mut errors));
        let evidence = sent.map_or(current.evidence, |sent| current.evidence.merged(sent));
        let loss = Interval::new(
            self.loss_started_at.unwrap_or(current.loss.start()),
            self.loss_ended_at.unwrap_or(current.loss.end()),
        );
        if self.loss_started_at.is_some() || self.loss_ended_at.is_some() {
            check_loss_period(loss, now, &mut errors);
        }
        let description = match &self.description {
            Some(text) => Some(text.trim().to_owned()).filter(|d| !d.is_empty()),
            None => current.description.clone(),
        };
        match (loss, claimed) {
            (Some(loss), Some(claimed)) if errors.is_empty() => {
                Ok(LossTerms { loss, claimed, evidence, description })
            }
            _ => Err(errors.into_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn current() -> LossTerms {
        LossTerms {
            loss: Interval::new(at("2022-10-15T15:30:00+09:00"), at("2022-10-15T19:30:00+09:00")).unwrap(),
            claimed: Money::from_minor(250_000, Currency::KRW),
            evidence: Evidence::default(),
            description: Some("closed".into()),
        }
    }

    fn now() -> Timestamp {
        at("2026-12-01T00:00:00Z")
    }

    #[test]
    fn an_amendment_changes_only_what_it_sends() {
        let input: AmendInput =
            serde_json::from_value(serde_json::json!({"claimed_amount": "400000"})).unwrap();
        let amended = input.apply(&current(), now()).unwrap();
        assert_eq!(amended.claimed, Money::from_minor(400_000, Currency::KRW));
        assert_eq!(amended.loss, current().loss);
        assert_eq!(amended.description.as_deref(), Some("closed"));
    }

    #[test]
    fn an_empty_amendment_and_a_reversed_period_are_field_errors() {
        let fields = |e: Vec<FieldError>| e.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(AmendInput::default().apply(&current(), now()).unwrap_err()), ["claimed_amount"]);
        let input: AmendInput =
            serde_json::from_value(serde_json::json!({"loss_ended_at": "2022-10-15T10:00:00+09:00"}))
                .unwrap();
        assert_eq!(fields(input.apply(&current(), now()).unwrap_err()), ["loss_ended_at"]);
    }

    proptest! {
        #[test]
        fn applying_any_text_never_panics_and_errors_name_a_field(
            amount in any::<String>(), description in any::<String>(), fee in any::<String>()
        ) {
            let body = serde_json::json!({
                "claimed_amount": amount, "description": description, "evidence": {"monthly_fee": fee}
            });
            if let Ok(input) = serde_json::from_value::<AmendInput>(body) {
                if let Err(errors) = input.apply(&current(), now()) {
                    prop_assert!(errors.iter().all(|e| !e.field.is_empty()));
                }
            }
        }
    }
}
