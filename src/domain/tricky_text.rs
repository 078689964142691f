//! Generators of hostile text for the "never panics, always field errors" property tests of
//! every parser: arbitrary Unicode, plus input biased toward what breaks byte-offset code and
//! lenient number parsers (multi-byte characters where digits belong, dashes, signs, exponents,
//! huge digit strings, NUL, byte-order marks, mixed scripts).

use proptest::prelude::*;
use proptest::sample::Index;

/// Characters that sit where a parser expects a digit, a separator or nothing at all.
pub fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::char::range('0', '9'),
        2 => proptest::sample::select(vec![
            '-', '+', '.', ',', ':', 'e', 'E', 'T', 't', 'Z', ' ', '"', '\'', '=', '_', '/',
        ]),
        2 => proptest::sample::select(vec![
            '\0', '\u{feff}', '\r', '\n', '\t', '\u{7f}', '\u{85}', '\u{a0}', '\u{200b}', '\u{301}',
            '가', '힣', 'é', 'ß', 'İ', 'ǅ', '٣', '５', '−', '－', '𝟙', '😀', '\u{10ffff}', '\u{fffd}',
        ]),
        1 => any::<char>(),
    ]
}

/// A string of tricky characters.
pub fn tricky_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(tricky_char(), 0..40).prop_map(|chars| chars.into_iter().collect())
}

/// One of `valid` with up to three characters replaced, inserted or removed (a replacement
/// sometimes dropping the last characters to keep the byte length, which is what byte-offset
/// code checks): input that gets past a parser's first checks and then meets the surprise.
pub fn near(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    let edit = (0..4_u8, any::<Index>(), tricky_char());
    (proptest::sample::select(valid), proptest::collection::vec(edit, 1..4)).prop_map(|(text, edits)| {
        let mut chars: Vec<char> = text.chars().collect();
        for (kind, at, c) in edits {
            let i = at.index(chars.len() + 1);
            match kind {
                0 if i < chars.len() => chars[i] = c,
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                2 if i < chars.len() => {
                    let bytes = |chars: &[char]| chars.iter().map(|c| c.len_utf8()).sum::<usize>();
                    let before = bytes(&chars);
                    chars[i] = c;
                    while bytes(&chars) > before && chars.len() > i + 1 {
                        chars.pop();
                    }
                }
                _ => chars.insert(i, c),
            }
        }
        chars.into_iter().collect()
    })
}

/// Everything a field parser must survive: arbitrary Unicode, tricky characters, huge numbers,
/// and near misses of `valid`.
pub fn hostile(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        2 => tricky_string(),
        1 => "[0-9]{10,400}",
        1 => "[-+]?[0-9]{0,30}([.][0-9]{0,30})?([eE][-+]?[0-9]{1,5})?",
        4 => near(valid),
    ]
}
