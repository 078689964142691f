//! Walking the rows of an upload in order, one at a time, without building them all in
//! memory: CSV records under a header naming the columns in any order, or the elements of a
//! JSON array. Problems of the whole file (its header, its JSON syntax, an unknown field) are
//! one 4xx before anything is filed; problems of one row are that row's errors.

use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};

use super::decode::Format;
use super::row::{BulkRow, Column};
use crate::domain::validation::FieldError;
use crate::usecases::Error;

/// A data row: its number (the first data row is 1) and its cells, or why it cannot be read.
#[derive(Debug)]
pub struct Row {
    pub number: i64,
    pub cells: Result<BulkRow, Vec<FieldError>>,
}

/// Checks the shape of the whole file and counts its rows, refusing empty files and files of
/// more than `max_rows` rows (422: the file is well-formed but more than one upload may carry).
pub fn survey(text: &str, format: &Format, max_rows: i64) -> Result<i64, Error> {
    let mut count = 0;
    for_each_row(text, format, |_| {
        count += 1;
        if count > max_rows {
            return Err(Error::field(
                "body",
                "too_many_rows",
                format!("an upload has at most {max_rows} rows; split the file"),
            ));
        }
        Ok(())
    })?;
    if count == 0 {
        return Err(Error::field("body", "no_rows", "the file has no data rows"));
    }
    Ok(count)
}

/// Calls `visit` with every row in order; an error from `visit` stops the walk and is returned.
pub fn for_each_row(
    text: &str,
    format: &Format,
    visit: impl FnMut(Row) -> Result<(), Error>,
) -> Result<(), Error> {
    match format {
        Format::Csv { .. } => csv_rows(text, visit),
        Format::Json => json_rows(text, visit),
    }
}

/// The column of each header cell; `None` for unnamed columns (spreadsheets add empty ones).
fn header_columns(header: &csv::StringRecord) -> Result<Vec<Option<Column>>, Error> {
    let mut errors = Vec::new();
    let mut columns = Vec::with_capacity(header.len());
    for cell in header {
        let name = cell.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        if name.is_empty() {
            columns.push(None);
            continue;
        }
        match Column::parse(&name) {
            Some(column) if columns.contains(&Some(column)) => {
                errors.push(FieldError::new(name, "duplicate_column", "appears twice in the header"));
            }
            Some(column) => columns.push(Some(column)),
            None => errors.push(FieldError::new(name, "unknown_column", "is not a bulk upload column")),
        }
    }
    for column in Column::ALL.into_iter().filter(|c| c.is_required()) {
        if !columns.contains(&Some(column)) {
            errors.push(FieldError::new(column.name(), "missing_column", "is a required column"));
        }
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(Error::Invalid(errors))
    }
}

fn csv_rows(text: &str, mut visit: impl FnMut(Row) -> Result<(), Error>) -> Result<(), Error> {
    // Flexible: a record with the wrong number of cells (an unbalanced quote swallows the rest
    // of the file into one cell) is that row's error, not a failure of the reader.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::field("body", "malformed_csv", format!("the header row cannot be read: {e}")))?;
    let columns = header_columns(header)?;
    let mut record = csv::StringRecord::new();
    let mut number = 0;
    loop {
        let cells = match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) if record.iter().all(|cell| cell.trim().is_empty()) => continue,
            Ok(true) => row_cells(&columns, &record),
            Err(e) => Err(vec![FieldError::new("", "malformed_row", format!("cannot be read: {e}"))]),
        };
        number += 1;
        visit(Row { number, cells })?;
    }
}

fn row_cells(columns: &[Option<Column>], record: &csv::StringRecord) -> Result<BulkRow, Vec<FieldError>> {
    if record.len() != columns.len() {
        return Err(vec![FieldError::new(
            "",
            "malformed_row",
            format!(
                "has {} cells where the header has {} (check quotes and separators)",
                record.len(),
                columns.len()
            ),
        )]);
    }
    let mut row = BulkRow::default();
    for (column, cell) in columns.iter().zip(record) {
        match column {
            Some(column) => row.set(*column, cell),
            None if cell.trim().is_empty() => {}
            None => {
                return Err(vec![FieldError::new(
                    "",
                    "unnamed_column",
                    "has a value in a column without a header",
                )])
            }
        }
    }
    Ok(row)
}

fn json_rows(text: &str, mut visit: impl FnMut(Row) -> Result<(), Error>) -> Result<(), Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let mut stopped = None;
    let walk = EachRow { visit: &mut visit, stopped: &mut stopped };
    let walked = walk.deserialize(serde_path_to_error::Deserializer::new(&mut deserializer, &mut track));
    if let Some(error) = stopped {
        return Err(error);
    }
    walked.map_err(|e| json_error(&track.path().to_string(), &e))?;
    deserializer.end().map_err(|e| json_error(".", &e))
}

/// 400 for JSON that does not parse, 422 naming the element and field that has the wrong shape.
fn json_error(path: &str, error: &serde_json::Error) -> Error {
    let message = error.to_string();
    let message = message.rfind(" at line ").map_or(message.as_str(), |at| &message[..at]).to_owned();
    if error.classify() != serde_json::error::Category::Data {
        return Error::Unreadable(format!("the body is not valid JSON: {message}"));
    }
    let field = if path == "." { "body" } else { path };
    let code = if message.starts_with("unknown field") { "unknown_field" } else { "invalid_type" };
    Error::field(field, code, message)
}

/// Visits the elements of the top-level array one by one.
struct EachRow<'a, F> {
    visit: &'a mut F,
    /// The visitor's own error, kept aside: serde can only carry a message.
    stopped: &'a mut Option<Error>,
}

impl<'de, F: FnMut(Row) -> Result<(), Error>> DeserializeSeed<'de> for EachRow<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Row) -> Result<(), Error>> Visitor<'de> for EachRow<'_, F> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("an array of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0;
        while let Some(row) = seq.next_element::<BulkRow>()? {
            number += 1;
            if let Err(error) = (self.visit)(Row { number, cells: Ok(row.without_empty_cells()) }) {
                *self.stopped = Some(error);
                return Err(A::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::usecases::bulk::decode::decode;

    const CSV: Format = Format::Csv { charset: None };
    const HEADER: &str = "claimant_kind,name,email,service,loss_started_at,loss_ended_at,currency,\
                          claimed_amount,bank_code,account_number,account_holder";

    fn rows(text: &str, format: &Format) -> Result<Vec<Row>, Error> {
        let mut rows = Vec::new();
        for_each_row(text, format, |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    fn codes(error: Error) -> Vec<String> {
        match error {
            Error::Invalid(errors) => errors.into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect(),
            other => vec![other.to_string()],
        }
    }

    #[test]
    fn header_problems_refuse_the_whole_file() {
        let text = "Name,EMAIL,colour,name\n";
        let found = codes(rows(text, &CSV).unwrap_err());
        assert!(found.contains(&"colour:unknown_column".to_owned()), "{found:?}");
        assert!(found.contains(&"name:duplicate_column".to_owned()), "{found:?}");
        assert!(found.contains(&"claimed_amount:missing_column".to_owned()), "{found:?}");
        assert!(!found.contains(&"email:missing_column".to_owned()), "{found:?}");
    }

    #[test]
    fn blank_records_are_skipped_and_ragged_ones_reported() {
        let text = format!("{HEADER}\n,,,,,,,,,,\nindividual,Lee\n\"unbalanced,x,y,z,a,b,c,d,e,f,g\n");
        let found = rows(&text, &CSV).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].number, 1);
        assert_eq!(found[0].cells.as_ref().unwrap_err()[0].code, "malformed_row");
        assert_eq!(found[1].number, 2);
        assert!(found[1].cells.is_err());
    }

    #[test]
    fn json_rows_are_visited_in_order_and_bad_shapes_named() {
        let found = rows(r#"[{"name": "Kim", "email": ""}, {"phone": null}]"#, &Format::Json).unwrap();
        assert_eq!(found.len(), 2);
        let first = found[0].cells.as_ref().unwrap();
        assert_eq!((first.name.as_deref(), first.email.as_deref()), (Some("Kim"), None));
        let unknown = codes(rows(r#"[{"name": "Kim"}, {"colour": "red"}]"#, &Format::Json).unwrap_err());
        assert_eq!(unknown, ["[1].colour:unknown_field"]);
        let number = codes(rows(r#"[{"claimed_amount": 1000}]"#, &Format::Json).unwrap_err());
        assert_eq!(number, ["[0].claimed_amount:invalid_type"]);
        assert!(matches!(rows(r#"[{"name": "Kim"}"#, &Format::Json), Err(Error::Unreadable(_))));
        assert_eq!(codes(rows(r#"{"name": "Kim"}"#, &Format::Json).unwrap_err()), ["body:invalid_type"]);
    }

    #[test]
    fn surveys_count_rows_and_refuse_too_many_or_none() {
        let text = format!("{HEADER}\na\nb\nc\n");
        assert_eq!(survey(&text, &CSV, 3).unwrap(), 3);
        assert_eq!(codes(survey(&text, &CSV, 2).unwrap_err()), ["body:too_many_rows"]);
        assert_eq!(codes(survey(HEADER, &CSV, 2).unwrap_err()), ["body:no_rows"]);
    }

    proptest! {
        #[test]
        fn walking_any_decoded_file_never_panics(
            body in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..300),
                crate::domain::tricky_text::tricky_string().prop_map(|t| format!("{HEADER}\n{t}\n").into_bytes()),
            ],
            json in any::<bool>(),
        ) {
            let format = if json { Format::Json } else { CSV };
            if let Ok(text) = decode(&body, &format) {
                let _ = rows(&text, &format);
            }
        }
    }
}
