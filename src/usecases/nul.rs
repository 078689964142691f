//! U+0000 is refused in every text the API stores: PostgreSQL cannot hold it in text, so without
//! these checks the same request would be stored on SQLite and fail with a 5xx on PostgreSQL.

use crate::domain::validation::join_path;
use crate::usecases::Error;

/// Refuses JSON text carrying U+0000 (`\u0000`) with a 422 naming the field. No field of this
/// API has a use for it, and PostgreSQL cannot store it in text: without this check the same
/// request would be stored on SQLite and fail with a 5xx on PostgreSQL.
pub fn refuse_nul(json: &[u8]) -> Result<(), Error> {
    if !has_nul_escape(json) {
        return Ok(());
    }
    let field =
        serde_json::from_slice::<serde_json::Value>(json).ok().and_then(|v| nul_path(&v, String::new()));
    match field {
        Some(field) => Err(nul_refused(&field)),
        // Not valid JSON: the parser that follows answers 400.
        None => Ok(()),
    }
}

pub fn nul_refused(field: &str) -> Error {
    Error::field(field, "invalid_character", "must not contain the NUL character")
}

/// Refuses an uploaded text file (CSV) holding U+0000, for the reason of [`refuse_nul`]. A file
/// full of NULs is usually UTF-16, so the message says how to save it instead.
pub fn refuse_nul_in_file(text: &str) -> Result<(), Error> {
    if text.contains('\0') {
        return Err(Error::field(
            "body",
            "invalid_encoding",
            "the file contains NUL characters: is it UTF-16? Save it as UTF-8 or CP949",
        ));
    }
    Ok(())
}

/// Whether the text has a `\u0000` escape (or a raw NUL byte): a cheap scan, so that the usual
/// body is never parsed twice.
fn has_nul_escape(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            0 => return true,
            b'\\' if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(b"0000") => {
                return true
            }
            // Skip the escaped character, so `\\u0000` (an escaped backslash) is not a NUL.
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    false
}

/// A field name as an error names it: a NUL in the name itself is shown as U+FFFD, since
/// answers never carry U+0000 either.
pub fn shown(name: &str) -> String {
    name.replace('\0', "\u{FFFD}")
}

/// The path (`claimant.name`, `rules[0].service`) of the first string or key holding U+0000.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0').then_some(path),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| nul_path(item, format!("{path}[{i}]")))
        }
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let here = join_path(&path, &shown(key));
            if key.contains('\0') {
                Some(here)
            } else {
                nul_path(item, here)
            }
        }),
        _ => None,
    }
}
