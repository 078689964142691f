//! What an upload is (CSV or JSON) and how its bytes become text: UTF-8 with or without a BOM,
//! or CP949/EUC-KR as Korean spreadsheet software exports it, declared by `charset=` or
//! detected when the bytes are not UTF-8.

use std::borrow::Cow;

use encoding_rs::{Encoding, EUC_KR, UTF_8};

use crate::http::extract::{refuse_nul, refuse_nul_in_file};
use crate::http::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// With the encoding the `charset` parameter declared, if any.
    Csv {
        charset: Option<&'static Encoding>,
    },
    Json,
}

impl Format {
    /// Reads the `Content-Type` header: `text/csv` (optionally with `charset=`) or JSON.
    pub fn from_content_type(header: Option<&str>) -> Result<Format, ApiError> {
        let unsupported =
            || ApiError::UnsupportedMediaType("a bulk upload is text/csv or application/json".into());
        let mut parts = header.ok_or_else(unsupported)?.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let charset = parts
            .filter_map(|p| p.split_once('='))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
            .map(|(_, value)| value.trim().trim_matches('"'));
        match media.as_str() {
            "text/csv" | "application/csv" => {
                let charset = charset
                    .map(|label| {
                        charset_for(label).ok_or_else(|| {
                            ApiError::UnsupportedMediaType(format!(
                                "charset {label:?} is not supported: send UTF-8 or CP949 (EUC-KR)"
                            ))
                        })
                    })
                    .transpose()?;
                Ok(Format::Csv { charset })
            }
            "application/json" => Ok(Format::Json),
            json if json.ends_with("+json") => Ok(Format::Json),
            _ => Err(unsupported()),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Csv { .. } => "csv",
            Format::Json => "json",
        }
    }
}

/// The encoding of a `charset` label: the WHATWG labels, plus the names Windows and Java give
/// CP949 (WHATWG's EUC-KR is CP949, the superset Korean software writes).
fn charset_for(label: &str) -> Option<&'static Encoding> {
    match label.to_ascii_lowercase().as_str() {
        "cp949" | "ms949" | "x-windows-949" | "uhc" => Some(EUC_KR),
        other => Encoding::for_label(other.as_bytes()),
    }
}

fn undecodable(message: String) -> ApiError {
    ApiError::field("body", "invalid_encoding", message)
}

/// The body as text. Valid UTF-8 is borrowed, not copied; a byte-order mark is dropped.
/// Text with U+0000 is refused, as in every JSON body (see [`refuse_nul`]).
pub fn decode<'a>(body: &'a [u8], format: &Format) -> Result<Cow<'a, str>, ApiError> {
    let text = decode_text(body, format)?;
    match format {
        Format::Json => refuse_nul(text.as_bytes())?,
        Format::Csv { .. } => refuse_nul_in_file(&text)?,
    }
    Ok(text)
}

fn decode_text<'a>(body: &'a [u8], format: &Format) -> Result<Cow<'a, str>, ApiError> {
    match format {
        Format::Json => {
            // JSON is UTF-8 (RFC 8259); a BOM is tolerated, other encodings are not guessed.
            let bytes = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| undecodable(format!("JSON must be UTF-8: {e}")))
        }
        Format::Csv { charset: Some(encoding) } => strict(body, encoding),
        Format::Csv { charset: None } => match Encoding::for_bom(body) {
            Some((encoding, _)) => strict(body, encoding),
            None => match std::str::from_utf8(body) {
                Ok(text) => Ok(Cow::Borrowed(text)),
                // Korean spreadsheet software saves CSV in CP949 unless told otherwise.
                Err(_) => strict(body, EUC_KR).map_err(|_| {
                    undecodable("the file is neither UTF-8 nor CP949 (EUC-KR); save it as UTF-8".into())
                }),
            },
        },
    }
}

/// Decodes with `encoding` (a matching BOM is dropped), refusing malformed bytes rather than
/// replacing them: a name silently changed to U+FFFD would be filed under the wrong name.
fn strict<'a>(body: &'a [u8], encoding: &'static Encoding) -> Result<Cow<'a, str>, ApiError> {
    let (encoding, bytes) = match Encoding::for_bom(body) {
        Some((bom_encoding, length)) if bom_encoding == encoding => (encoding, &body[length..]),
        _ => (encoding, body),
    };
    if encoding == UTF_8 {
        return std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| undecodable(format!("the file is not valid UTF-8: {e}")));
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| undecodable(format!("the file is not valid {}", encoding.name())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(header: &str) -> Format {
        Format::from_content_type(Some(header)).unwrap()
    }

    #[test]
    fn content_types_select_the_format_and_charset() {
        assert_eq!(csv("text/csv"), Format::Csv { charset: None });
        assert_eq!(csv("text/csv; charset=\"EUC-KR\""), Format::Csv { charset: Some(EUC_KR) });
        assert_eq!(csv("text/csv;charset=cp949"), Format::Csv { charset: Some(EUC_KR) });
        assert_eq!(csv("application/json; charset=utf-8"), Format::Json);
        assert!(Format::from_content_type(Some("text/plain")).is_err());
        assert!(Format::from_content_type(Some("text/csv; charset=klingon")).is_err());
        assert!(Format::from_content_type(None).is_err());
    }

    #[test]
    fn utf8_is_borrowed_and_its_bom_dropped() {
        let plain = decode(b"name\nKim", &Format::Csv { charset: None }).unwrap();
        assert!(matches!(plain, Cow::Borrowed("name\nKim")));
        let bom = decode(b"\xEF\xBB\xBFname", &Format::Csv { charset: None }).unwrap();
        assert_eq!(bom, "name");
    }

    #[test]
    fn cp949_is_detected_or_declared() {
        let (bytes, _, _) = EUC_KR.encode("이름\n김민지");
        assert_eq!(decode(&bytes, &Format::Csv { charset: None }).unwrap(), "이름\n김민지");
        assert_eq!(decode(&bytes, &Format::Csv { charset: Some(EUC_KR) }).unwrap(), "이름\n김민지");
        assert!(decode(&bytes, &Format::Csv { charset: Some(UTF_8) }).is_err());
        assert!(decode(b"\xFF\xFF\xFF", &Format::Csv { charset: None }).is_err());
    }
}
