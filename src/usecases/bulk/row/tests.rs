use super::*;

fn row(cells: &[(Column, &str)]) -> BulkRow {
    let mut row = BulkRow::default();
    for (column, cell) in cells {
        row.set(*column, cell);
    }
    row
}

fn valid() -> Vec<(Column, &'static str)> {
    vec![
        (Column::ClaimantKind, "individual"),
        (Column::Name, "Lee"),
        (Column::Email, "lee@example.kr"),
        (Column::Service, "messenger"),
        (Column::LossStartedAt, "2022-10-15T15:30:00+09:00"),
        (Column::LossEndedAt, "2022-10-15T19:30:00+09:00"),
        (Column::Currency, "KRW"),
        (Column::ClaimedAmount, "1000"),
        (Column::BankCode, "004"),
        (Column::AccountNumber, "123-456-789012"),
        (Column::AccountHolder, "Lee"),
    ]
}

#[test]
fn a_complete_row_becomes_a_claim_request() {
    let input = row(&valid()).into_input("01890a5d-ac96-774b-bcce-b302099a8057").unwrap();
    assert_eq!(input.claimant.email, "lee@example.kr");
    assert!(input.external_ref.is_none());
}

#[test]
fn missing_and_untyped_cells_are_named_by_column() {
    let mut cells = valid();
    cells.retain(|(c, _)| *c != Column::Name);
    cells.push((Column::ClaimedAmount, "12,000"));
    cells.push((Column::LossEndedAt, "2022-10-15 19:30"));
    cells.push((Column::MonthlyFee, "-1"));
    let errors = row(&cells).into_input("x").unwrap_err();
    let found: Vec<_> = errors.iter().map(|e| format!("{}:{}", e.field, e.code)).collect();
    assert_eq!(
        found,
        [
            "name:required",
            "loss_ended_at:invalid_datetime",
            "claimed_amount:invalid_decimal",
            "monthly_fee:invalid_decimal"
        ]
    );
}

#[test]
fn api_field_paths_map_to_columns() {
    for (field, column) in [
        ("claimant.business_registration_number", "business_registration_number"),
        ("claimant.kind", "claimant_kind"),
        ("claimant.name", "name"),
        ("evidence.monthly_fee", "monthly_fee"),
        ("payout_account.holder", "account_holder"),
        ("payout_account.bank_code", "bank_code"),
        ("claimed_amount", "claimed_amount"),
    ] {
        assert_eq!(column_of(field), column);
        assert!(Column::parse(column).is_some());
    }
}
