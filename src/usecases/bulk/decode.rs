//! What an upload is (CSV or JSON) and how its bytes become text: UTF-8 with or without a BOM,
//! or CP949/EUC-KR as Korean spreadsheet software exports it, declared by `charset=` or
//! detected when the bytes are not UTF-8. Settlement files go through the same [`decode_csv`].
//! A file that is neither clean UTF-8 nor confidently CP949 is refused, naming its first bad
//! line (docs/contract.md §6): nothing is ever stored garbled.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding, EUC_KR, UTF_8};

use crate::usecases::nul::{refuse_nul, refuse_nul_in_file};
use crate::usecases::Error;

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
    pub fn from_content_type(header: Option<&str>) -> Result<Format, Error> {
        let unsupported = || Error::UnsupportedFormat("a bulk upload is text/csv or application/json".into());
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
                            Error::UnsupportedFormat(format!(
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

/// The encoding of a `charset` label: UTF-8, or CP949 under any of its names (WHATWG's EUC-KR
/// is CP949, the superset Korean software writes, and Windows and Java call it cp949 or ms949).
/// Nothing else: docs/contract.md §6 takes UTF-8 or CP949, and a single-byte charset decodes any
/// bytes at all, so a wrong declaration would store names garbled without a word.
fn charset_for(label: &str) -> Option<&'static Encoding> {
    match label.to_ascii_lowercase().as_str() {
        "cp949" | "ms949" | "x-windows-949" | "uhc" => Some(EUC_KR),
        other => Encoding::for_label(other.as_bytes()).filter(|e| *e == UTF_8 || *e == EUC_KR),
    }
}

/// The body as text. Valid UTF-8 is borrowed, not copied; a byte-order mark is dropped.
/// Text with U+0000 is refused, as in every JSON body (see [`refuse_nul`]).
pub fn decode<'a>(body: &'a [u8], format: &Format) -> Result<Cow<'a, str>, Error> {
    match format {
        Format::Json => {
            // JSON is UTF-8 (RFC 8259); a BOM is tolerated, other encodings are not guessed.
            let text = utf8(body)
                .map_err(|line| undecodable(format!("line {line} is not valid UTF-8: JSON must be UTF-8")))?;
            refuse_nul(text.as_bytes())?;
            Ok(Cow::Borrowed(text))
        }
        Format::Csv { charset } => decode_csv(body, *charset),
    }
}

/// A CSV file (a bulk upload or a settlement file) as text, or 422 naming the first line that
/// cannot be read; text with U+0000 is refused (see [`refuse_nul_in_file`]).
///
/// Valid UTF-8, with or without a BOM, is UTF-8 whatever was declared (CP949 Korean text is
/// practically never valid UTF-8, and ASCII is both). Otherwise a declared CP949 is decoded
/// strictly. Undeclared, the file is taken as CP949 only when [`detect`] is confident: nothing
/// is ever stored garbled.
pub fn decode_csv<'a>(body: &'a [u8], charset: Option<&'static Encoding>) -> Result<Cow<'a, str>, Error> {
    let text = match (utf8(body), charset) {
        (Ok(text), _) => Cow::Borrowed(text),
        (Err(line), Some(encoding)) if encoding == UTF_8 => {
            return Err(undecodable(format!("line {line} is not valid UTF-8: {SAVE_AS}")));
        }
        (Err(_), Some(_)) => cp949(body)
            .map(Cow::Owned)
            .map_err(|line| undecodable(format!("line {line} is not valid CP949 (EUC-KR): {SAVE_AS}")))?,
        (Err(line), None) => match detect(body) {
            Detected::Cp949(text) => Cow::Owned(text),
            Detected::Mixed => {
                return Err(undecodable(format!(
                    "line {line} is not valid UTF-8 although the rest of the file is: \
                     the file mixes encodings; {SAVE_AS}"
                )))
            }
            Detected::Unknown => {
                return Err(undecodable(format!(
                    "line {line} is neither UTF-8 nor CP949 (EUC-KR) Korean text: {SAVE_AS}"
                )))
            }
        },
    };
    refuse_nul_in_file(&text)?;
    Ok(text)
}

const SAVE_AS: &str = "save the file as UTF-8 (or CP949) and upload it again";

fn undecodable(message: String) -> Error {
    Error::field("body", "invalid_encoding", message)
}

/// The body without its UTF-8 BOM as text, or the line (from 1) of the first invalid sequence.
fn utf8(body: &[u8]) -> Result<&str, usize> {
    let bytes = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    std::str::from_utf8(bytes).map_err(|e| line_at(bytes, e.valid_up_to()))
}

/// The line (from 1) of byte `offset`.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())].iter().filter(|b| **b == b'\n').count()
}

/// Strict CP949: the text, or the line of the first malformed byte sequence (a name silently
/// changed to U+FFFD would be filed under the wrong name).
fn cp949(body: &[u8]) -> Result<String, usize> {
    let mut decoder = EUC_KR.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(usize::MAX / 2)
        .min(body.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, unread) => {
            let at = read.saturating_sub(usize::from(unread) + usize::from(bad));
            Err(line_at(body, at))
        }
        // Cannot happen with the capacity asked for; refuse rather than truncate.
        DecoderResult::OutputFull => Err(line_at(body, read)),
    }
}

/// What an undeclared file that is not valid UTF-8 is.
#[derive(Debug, PartialEq, Eq)]
enum Detected {
    /// Decodes as CP949 without error and reads as Korean.
    Cp949(String),
    /// Mostly valid UTF-8 with some invalid bytes: a UTF-8 file with stray bytes of another
    /// encoding, which CP949 would turn into plausible-looking nonsense.
    Mixed,
    Unknown,
}

/// Guesses CP949 only when it is confident. A UTF-8 file with stray bytes of another
/// encoding has more valid UTF-8 Hangul than invalid sequences; CP949 text makes valid UTF-8
/// Hangul only by accident (a trail byte 0xEA..=0xED followed by the right byte pair), far
/// more rarely than invalid sequences. Then the decoded text must read as Korean: Hangul makes
/// up at least half of its non-ASCII characters (Latin-1 or other single-byte text that
/// happens to pair up decodes to rare Hanja and symbols instead).
fn detect(body: &[u8]) -> Detected {
    let (hangul_utf8, invalid) = utf8_census(body);
    if hangul_utf8 > invalid {
        return Detected::Mixed;
    }
    let Ok(text) = cp949(body) else { return Detected::Unknown };
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
    let hangul = text.chars().filter(|c| is_hangul(*c)).count();
    if hangul > 0 && hangul * 2 >= non_ascii {
        Detected::Cp949(text)
    } else {
        Detected::Unknown
    }
}

/// Valid UTF-8 Hangul characters, and invalid UTF-8 sequences, in `bytes`.
fn utf8_census(mut bytes: &[u8]) -> (usize, usize) {
    let hangul_in = |text: &str| text.chars().filter(|c| is_hangul(*c)).count();
    let (mut hangul, mut invalid) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => return (hangul + hangul_in(text), invalid),
            Err(e) => {
                let (good, _) = bytes.split_at(e.valid_up_to());
                hangul += std::str::from_utf8(good).map_or(0, hangul_in);
                invalid += 1;
                let skip = e.error_len().map_or(bytes.len(), |n| e.valid_up_to() + n);
                bytes = &bytes[skip..];
            }
        }
    }
}

/// Hangul syllables and compatibility jamo: what Korean names and reasons are written in.
fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{3131}'..='\u{318E}' | '\u{1100}'..='\u{11FF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DETECT: Format = Format::Csv { charset: None };

    /// The field, code and message of a refusal.
    fn refusal(result: Result<Cow<'_, str>, Error>) -> (String, String, String) {
        match result {
            Err(Error::Invalid(errors)) if errors.len() == 1 => {
                let e = &errors[0];
                (e.field.clone(), e.code.clone(), e.message.clone())
            }
            other => panic!("expected one field error, got {other:?}"),
        }
    }

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
        assert!(Format::from_content_type(Some("text/csv; charset=iso-8859-1")).is_err());
        assert_eq!(csv("text/csv; charset=UTF-8"), Format::Csv { charset: Some(UTF_8) });
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

    #[test]
    fn a_utf8_file_with_one_stray_latin1_byte_is_refused_naming_its_line() {
        // "김민지" in UTF-8 on line 2, then "Jos\xE9" (é in Latin-1) on line 3.
        let mut body = "name,holder\n김민지,김민지\n".as_bytes().to_vec();
        body.extend_from_slice(b"Jos\xE9,x\n");
        let (field, code, message) = refusal(decode(&body, &DETECT));
        assert_eq!((field.as_str(), code.as_str()), ("body", "invalid_encoding"));
        assert!(message.starts_with("line 3 "), "{message}");
        assert!(message.contains("UTF-8"), "{message}");
        assert_eq!(detect(&body), Detected::Mixed);
    }

    #[test]
    fn utf8_korean_with_a_stray_byte_that_cp949_would_accept_is_refused() {
        // "최수" + 0xE9 + "아" decodes as CP949 without error, to "理쒖닔雩븘": the name that
        // used to be stored.
        let mut body = "name\n최수".as_bytes().to_vec();
        body.push(0xE9);
        body.extend_from_slice("아\n".as_bytes());
        assert!(cp949(&body).is_ok());
        assert_eq!(detect(&body), Detected::Mixed);
        let (_, code, message) = refusal(decode(&body, &DETECT));
        assert_eq!(code, "invalid_encoding");
        assert!(message.starts_with("line 2 "), "{message}");
    }

    #[test]
    fn latin1_text_is_refused_not_guessed() {
        let (_, code, message) = refusal(decode(b"name\nCaf\xE9 Ren\xE9e\n", &DETECT));
        assert_eq!(code, "invalid_encoding");
        assert!(message.starts_with("line 2 ") && message.contains("CP949"), "{message}");
        // Pairs of Latin-1 letters that CP949 decodes without error: not Korean, so refused.
        assert_eq!(detect(b"\xC0\xC1\xE0\xE1 \xF0\xF1\xFB\xFC"), Detected::Unknown);
    }

    #[test]
    fn a_declared_cp949_file_with_a_malformed_sequence_names_its_line() {
        let mut bytes = EUC_KR.encode("이름\n김민지\n박서준\n").0.into_owned();
        bytes.insert(bytes.len() - 1, 0xB0);
        let declared = Format::Csv { charset: Some(EUC_KR) };
        let (_, code, message) = refusal(decode(&bytes, &declared));
        assert_eq!(code, "invalid_encoding");
        assert!(message.starts_with("line 3 ") && message.contains("CP949"), "{message}");
        let (_, _, message) = refusal(decode(b"a\n\xFF", &Format::Csv { charset: Some(UTF_8) }));
        assert!(message.starts_with("line 2 "), "{message}");
    }

    #[test]
    fn real_cp949_files_of_korean_names_are_detected() {
        let names = "김민지,이서준,박지호,최수아,정하은,강도윤,조서연,윤시우,장하준,임지유,한강치킨,\
                     부산상회,㈜대한물산,홍길동,황보혜정,남궁민수,계좌 해지,예금주 불일치,\
                     쫄깃한 떡볶이,뷁,똠양꿍,챠오,퀵서비스,텃밭,팥빙수,핥다,힣";
        for name in names.split(',') {
            let text = format!("claim_id,name\n1,{name}\n");
            let (bytes, _, unmappable) = EUC_KR.encode(&text);
            assert!(!unmappable, "{name}");
            assert_eq!(decode(&bytes, &DETECT).unwrap(), text, "{name}");
        }
        let lines = names.replace(',', "\n");
        let (bytes, _, _) = EUC_KR.encode(&lines);
        assert!(matches!(detect(&bytes), Detected::Cp949(_)));
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics_and_refuses_naming_the_body(
            body in prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..200),
                // Mostly text: UTF-8 or CP949 Korean with a few stray bytes.
                (crate::domain::tricky_text::tricky_string(), any::<bool>(),
                 proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 0..3))
                    .prop_map(|(text, korean, strays)| {
                        let text = format!("이름,{text}\n");
                        let mut bytes = if korean { EUC_KR.encode(&text).0.into_owned() } else { text.into_bytes() };
                        for (at, byte) in strays {
                            bytes.insert(at.index(bytes.len() + 1), byte);
                        }
                        bytes
                    }),
            ],
            charset in proptest::option::of(proptest::sample::select(vec![UTF_8, EUC_KR])),
        ) {
            match decode(&body, &Format::Csv { charset }) {
                Ok(text) => {
                    // Nothing is replaced: U+FFFD only where the file itself had it.
                    let replaced = text.contains(char::REPLACEMENT_CHARACTER);
                    prop_assert!(!text.contains('\0'));
                    prop_assert!(!replaced || std::str::from_utf8(&body).is_ok());
                }
                Err(Error::Invalid(errors)) => {
                    prop_assert!(errors.iter().all(|e| e.field == "body" || e.field.starts_with("line")), "{:?}", errors);
                }
                Err(other) => prop_assert!(false, "{:?}", other),
            }
            let _ = decode(&body, &Format::Json);
        }
    }
}
