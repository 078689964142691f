//! One row of a bulk upload (a CSV record or an element of the JSON array) and its mapping to
//! the claim a single filing would send, so both go through the same intake parser.

use serde::Deserialize;

use crate::domain::claim_input::{ClaimantInput, EvidenceInput, NewClaimInput, PayoutAccountInput};
use crate::domain::claimant::ClaimantKind;
use crate::domain::money::{Currency, DecimalString};
use crate::domain::service::ServiceSlug;
use crate::domain::time::Timestamp;
use crate::domain::validation::FieldError;

/// The columns of docs/contract.md §6, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    ExternalRef,
    ClaimantKind,
    Name,
    BusinessRegistrationNumber,
    Email,
    Phone,
    Service,
    LossStartedAt,
    LossEndedAt,
    Currency,
    ClaimedAmount,
    BaselineRevenue,
    OutageRevenue,
    MonthlyFee,
    BankCode,
    AccountNumber,
    AccountHolder,
    Description,
}

impl Column {
    pub const ALL: [Column; 18] = [
        Column::ExternalRef,
        Column::ClaimantKind,
        Column::Name,
        Column::BusinessRegistrationNumber,
        Column::Email,
        Column::Phone,
        Column::Service,
        Column::LossStartedAt,
        Column::LossEndedAt,
        Column::Currency,
        Column::ClaimedAmount,
        Column::BaselineRevenue,
        Column::OutageRevenue,
        Column::MonthlyFee,
        Column::BankCode,
        Column::AccountNumber,
        Column::AccountHolder,
        Column::Description,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::ExternalRef => "external_ref",
            Column::ClaimantKind => "claimant_kind",
            Column::Name => "name",
            Column::BusinessRegistrationNumber => "business_registration_number",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::Service => "service",
            Column::LossStartedAt => "loss_started_at",
            Column::LossEndedAt => "loss_ended_at",
            Column::Currency => "currency",
            Column::ClaimedAmount => "claimed_amount",
            Column::BaselineRevenue => "baseline_revenue",
            Column::OutageRevenue => "outage_revenue",
            Column::MonthlyFee => "monthly_fee",
            Column::BankCode => "bank_code",
            Column::AccountNumber => "account_number",
            Column::AccountHolder => "account_holder",
            Column::Description => "description",
        }
    }

    pub fn parse(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Columns a file must have (a cell may still be empty, and the row is then rejected);
    /// the others may be left out of the header altogether.
    pub fn is_required(self) -> bool {
        !matches!(
            self,
            Column::ExternalRef
                | Column::BusinessRegistrationNumber
                | Column::Phone
                | Column::BaselineRevenue
                | Column::OutageRevenue
                | Column::MonthlyFee
                | Column::Description
        )
    }
}

/// The column that holds a field of the claim request (`claimant.name` is `name`).
pub fn column_of(field: &str) -> &str {
    match field {
        "claimant.kind" => "claimant_kind",
        "payout_account.holder" => "account_holder",
        other => other.rsplit_once('.').map_or(other, |(_, leaf)| leaf),
    }
}

/// A row as uploaded: every cell is text, and an empty cell is absent. In JSON, the same
/// fields as the CSV columns, with string values (money as decimal strings) or `null`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRow {
    /// The partner's own reference for the claim; unique per partner.
    pub external_ref: Option<String>,
    #[schemars(with = "ClaimantKind")]
    pub claimant_kind: Option<String>,
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// Required for businesses: ten digits with a valid check digit (dashes allowed).
    pub business_registration_number: Option<String>,
    #[schemars(with = "String")]
    pub email: Option<String>,
    pub phone: Option<String>,
    #[schemars(with = "ServiceSlug")]
    pub service: Option<String>,
    #[schemars(with = "Timestamp")]
    pub loss_started_at: Option<String>,
    #[schemars(with = "Timestamp")]
    pub loss_ended_at: Option<String>,
    #[schemars(with = "Currency")]
    pub currency: Option<String>,
    #[schemars(with = "DecimalString")]
    pub claimed_amount: Option<String>,
    /// Revenue of a normal week before the outage.
    #[schemars(with = "Option<DecimalString>")]
    pub baseline_revenue: Option<String>,
    /// Revenue of the outage week.
    #[schemars(with = "Option<DecimalString>")]
    pub outage_revenue: Option<String>,
    /// Monthly fee paid for the service.
    #[schemars(with = "Option<DecimalString>")]
    pub monthly_fee: Option<String>,
    /// Three-digit bank code.
    #[schemars(with = "String")]
    pub bank_code: Option<String>,
    /// Digits, dashes allowed.
    #[schemars(with = "String")]
    pub account_number: Option<String>,
    #[schemars(with = "String")]
    pub account_holder: Option<String>,
    pub description: Option<String>,
}

impl BulkRow {
    /// Stores a cell; empty (or blank) cells stay absent.
    pub fn set(&mut self, column: Column, cell: &str) {
        if cell.trim().is_empty() {
            return;
        }
        *self.slot(column) = Some(cell.to_owned());
    }

    fn slot(&mut self, column: Column) -> &mut Option<String> {
        match column {
            Column::ExternalRef => &mut self.external_ref,
            Column::ClaimantKind => &mut self.claimant_kind,
            Column::Name => &mut self.name,
            Column::BusinessRegistrationNumber => &mut self.business_registration_number,
            Column::Email => &mut self.email,
            Column::Phone => &mut self.phone,
            Column::Service => &mut self.service,
            Column::LossStartedAt => &mut self.loss_started_at,
            Column::LossEndedAt => &mut self.loss_ended_at,
            Column::Currency => &mut self.currency,
            Column::ClaimedAmount => &mut self.claimed_amount,
            Column::BaselineRevenue => &mut self.baseline_revenue,
            Column::OutageRevenue => &mut self.outage_revenue,
            Column::MonthlyFee => &mut self.monthly_fee,
            Column::BankCode => &mut self.bank_code,
            Column::AccountNumber => &mut self.account_number,
            Column::AccountHolder => &mut self.account_holder,
            Column::Description => &mut self.description,
        }
    }

    /// JSON rows: empty strings are absent, as empty cells are.
    pub fn without_empty_cells(mut self) -> BulkRow {
        for column in Column::ALL {
            let slot = self.slot(column);
            if slot.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *slot = None;
            }
        }
        self
    }

    /// The claim request this row stands for, with every cell that cannot even be typed
    /// (missing, not a date, not an amount) reported under its column name.
    pub fn into_input(self, incident_id: &str) -> Result<NewClaimInput, Vec<FieldError>> {
        let mut cells = Cells::default();
        let kind = cells.typed(Column::ClaimantKind, self.claimant_kind, |t| {
            ClaimantKind::parse(t).ok_or(("invalid_choice", "must be business or individual".to_owned()))
        });
        let name = cells.required(Column::Name, self.name);
        let email = cells.required(Column::Email, self.email);
        let service = cells.typed(Column::Service, self.service, ServiceSlug::parse);
        let started = cells.typed(Column::LossStartedAt, self.loss_started_at, Timestamp::parse);
        let ended = cells.typed(Column::LossEndedAt, self.loss_ended_at, Timestamp::parse);
        let currency = cells.typed(Column::Currency, self.currency, Currency::parse);
        let claimed = cells.typed(Column::ClaimedAmount, self.claimed_amount, DecimalString::parse);
        let evidence = EvidenceInput {
            baseline_revenue: cells.optional(
                Column::BaselineRevenue,
                self.baseline_revenue,
                DecimalString::parse,
            ),
            outage_revenue: cells.optional(Column::OutageRevenue, self.outage_revenue, DecimalString::parse),
            monthly_fee: cells.optional(Column::MonthlyFee, self.monthly_fee, DecimalString::parse),
        };
        let bank_code = cells.required(Column::BankCode, self.bank_code);
        let account_number = cells.required(Column::AccountNumber, self.account_number);
        let holder = cells.required(Column::AccountHolder, self.account_holder);
        if !cells.errors.is_empty() {
            return Err(cells.errors);
        }
        match (
            kind,
            name,
            email,
            service,
            started,
            ended,
            currency,
            claimed,
            bank_code,
            account_number,
            holder,
        ) {
            (
                Some(kind),
                Some(name),
                Some(email),
                Some(service),
                Some(loss_started_at),
                Some(loss_ended_at),
                Some(currency),
                Some(claimed_amount),
                Some(bank_code),
                Some(account_number),
                Some(holder),
            ) => Ok(NewClaimInput {
                incident_id: incident_id.to_owned(),
                service,
                claimant: ClaimantInput {
                    kind,
                    name,
                    business_registration_number: self.business_registration_number,
                    email,
                    phone: self.phone,
                },
                loss_started_at,
                loss_ended_at,
                currency,
                claimed_amount,
                evidence,
                payout_account: PayoutAccountInput { bank_code, account_number, holder },
                description: self.description,
                external_ref: self.external_ref,
                // A partner collects its members' consent itself.
                consent: None,
            }),
            // Unreachable: every `None` above recorded an error.
            _ => Err(vec![FieldError::new("", "invalid_row", "the row could not be read")]),
        }
    }
}

/// Errors found while typing the cells of one row.
#[derive(Default)]
struct Cells {
    errors: Vec<FieldError>,
}

impl Cells {
    fn required(&mut self, column: Column, cell: Option<String>) -> Option<String> {
        if cell.is_none() {
            self.errors.push(FieldError::new(column.name(), "required", "is required"));
        }
        cell
    }

    fn typed<T>(
        &mut self,
        column: Column,
        cell: Option<String>,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String)>,
    ) -> Option<T> {
        let cell = self.required(column, cell)?;
        self.parsed(column, &cell, parse)
    }

    fn optional<T>(
        &mut self,
        column: Column,
        cell: Option<String>,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String)>,
    ) -> Option<T> {
        cell.and_then(|cell| self.parsed(column, &cell, parse))
    }

    fn parsed<T>(
        &mut self,
        column: Column,
        cell: &str,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String)>,
    ) -> Option<T> {
        match parse(cell.trim()) {
            Ok(value) => Some(value),
            Err((code, message)) => {
                self.errors.push(FieldError::new(column.name(), code, message));
                None
            }
        }
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests;
