//! CSV cells that spreadsheet software cannot run: text starting with `=`, `+`, `-`, `@`, tab or
//! CR would be read as a formula, so it is prefixed with `'` (docs/contract.md §6).

use std::borrow::Cow;

/// The cell as written to an export; amounts are written as plain decimals, not through here.
pub fn guard(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::guard;

    #[test]
    fn formula_text_is_defused() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+82 10"), "'+82 10");
        assert_eq!(guard("-5"), "'-5");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("\tx"), "'\tx");
        assert_eq!(guard("\rx"), "'\rx");
        assert_eq!(guard("Kim Minji"), "Kim Minji");
        assert_eq!(guard(""), "");
    }
}
