//! `errors.csv` of an upload: `row,field,code,message`, one line per problem, in row order.
//! Cells that a spreadsheet would run as a formula are defused (docs/contract.md §6).

use std::borrow::Cow;

use super::visible;
use crate::db::bulk;
use crate::db::DbConnection;
use crate::domain::role::Actor;
use crate::usecases::Error;

/// Errors read per query: the file is built page by page, not in one load.
const PAGE: i64 = 10_000;

/// A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, so
/// spreadsheet software shows it as text instead of evaluating it.
pub fn guard(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The errors file of an upload `actor` may see.
pub fn render(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<Vec<u8>, Error> {
    let upload = visible(conn, actor, id)?;
    let failed = |e: csv::Error| Error::Internal(anyhow::Error::new(e).context("writing errors.csv"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["row", "field", "code", "message"]).map_err(failed)?;
    let mut after = 0;
    loop {
        let page = bulk::errors_after(conn, &upload.id, after, PAGE)?;
        for error in &page {
            let row = error.row_no.to_string();
            writer
                .write_record([
                    row.as_str(),
                    &guard(&error.field),
                    &guard(&error.code),
                    &guard(&error.message),
                ])
                .map_err(failed)?;
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.seq,
            _ => break,
        }
    }
    writer.into_inner().map_err(|e| Error::Internal(anyhow::anyhow!("writing errors.csv: {e}")))
}

#[cfg(test)]
mod tests {
    use super::guard;

    #[test]
    fn formula_cells_are_defused_and_others_left_alone() {
        for cell in ["=1+1", "+82", "-5", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(guard(cell), format!("'{cell}"));
        }
        for cell in ["name", "", "1-2", "'quoted"] {
            assert_eq!(guard(cell), cell);
        }
    }
}
