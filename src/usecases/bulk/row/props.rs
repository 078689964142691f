//! "Never panics, always field errors": a bulk row of hostile cells, through to the draft.

use proptest::prelude::*;

use super::*;
use crate::domain::claim_input::ClaimDraft;
use crate::domain::tricky_text::hostile;

/// A sample of valid cells for every column, so hostile cells start as near misses.
const SAMPLES: &[&str] = &[
    "business",
    "individual",
    "한강치킨",
    "220-81-62517",
    "lee@example.kr",
    "010-1234-5678",
    "messenger",
    "2022-10-15T15:30:00+09:00",
    "9999-12-31T23:00:00-05:00",
    "KRW",
    "1000",
    "99.50",
    "004",
    "123-456-789012",
    "김민지",
    "ref-1",
];

proptest! {
    #[test]
    fn a_row_of_hostile_cells_never_panics_and_every_error_names_its_column(
        cells in proptest::collection::vec(proptest::option::of(hostile(SAMPLES)), Column::ALL.len()),
    ) {
        let mut row = BulkRow::default();
        for (column, cell) in Column::ALL.into_iter().zip(&cells) {
            if let Some(cell) = cell {
                row.set(column, cell);
            }
        }
        let errors = match row.into_input("01890a5d-ac96-774b-bcce-b302099a8057") {
            Ok(input) => ClaimDraft::parse(&input).err().unwrap_or_default(),
            Err(errors) => errors,
        };
        for error in errors {
            prop_assert!(Column::parse(column_of(&error.field)).is_some(), "{:?}", error);
        }
    }
}
