//! Korean business registration numbers (사업자등록번호): ten digits, the last a check digit.
//!
//! Weights 1,3,7,1,3,7,1,3,5 on the first nine digits, plus floor(d9 * 5 / 10);
//! check = (10 - sum mod 10) mod 10.

use std::fmt;

/// A registration number whose check digit is right, held as its ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Brn(String);

const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// The check digit of the first nine digits.
pub fn check_digit(first_nine: &[u32; 9]) -> u32 {
    let weighted: u32 = first_nine.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let sum = weighted + first_nine[8] * 5 / 10;
    (10 - sum % 10) % 10
}

impl Brn {
    /// Accepts `1234567891` or `123-45-67891`.
    pub fn parse(text: &str) -> Result<Brn, (&'static str, String)> {
        // Characters, never byte offsets: a multi-byte character where a dash or digit belongs
        // must be an invalid format, not a slice through the middle of a character.
        let chars: Vec<char> = text.chars().collect();
        let digits: String = chars.iter().filter(|c| **c != '-').collect();
        let dashes_ok = !chars.contains(&'-') || (chars.len() == 12 && chars[3] == '-' && chars[6] == '-');
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) || !dashes_ok {
            return Err(("invalid_format", "must be 10 digits, e.g. 123-45-67890".to_owned()));
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let mut first_nine = [0; 9];
        first_nine.copy_from_slice(&values[..9]);
        if check_digit(&first_nine) != values[9] {
            return Err((
                "invalid_check_digit",
                "the check digit does not match: please check the number".to_owned(),
            ));
        }
        Ok(Brn(digits))
    }

    /// The ten digits without dashes.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Brn {
    /// `123-45-67890`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[..3], &self.0[3..5], &self.0[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_known_number_checks() {
        // 220-81-62517: weighted sum 2+6+0+8+3+42+2+15+5 = 83, plus floor(1*5/10) = 0:
        // check = (10 - 3) % 10 = 7.
        assert!(Brn::parse("220-81-62517").is_ok());
        assert_eq!(Brn::parse("2208162517").unwrap().to_string(), "220-81-62517");
        assert_eq!(Brn::parse("220-81-62518").unwrap_err().0, "invalid_check_digit");
        assert_eq!(Brn::parse("220-8162517").unwrap_err().0, "invalid_format");
        assert_eq!(Brn::parse("22081625").unwrap_err().0, "invalid_format");
        assert_eq!(Brn::parse("２２０８１６２５１７").unwrap_err().0, "invalid_format");
    }

    #[test]
    fn a_multi_byte_character_where_a_dash_belongs_is_an_invalid_format() {
        // Twelve bytes with a dash: byte 3 falls inside '가', where slicing used to panic.
        for text in ["1가-4567890", "12é-4567890", "220-8가1625", "220-81-6251가"] {
            assert_eq!(Brn::parse(text).unwrap_err().0, "invalid_format", "{text}");
        }
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_is_valid(first in proptest::array::uniform9(0u32..10)) {
            let prefix: String = first.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            let valid = (0..10).filter(|c| Brn::parse(&format!("{prefix}{c}")).is_ok()).count();
            prop_assert_eq!(valid, 1);
        }

        #[test]
        fn parsing_never_panics_and_refuses_with_a_code(
            text in crate::domain::tricky_text::hostile(&["220-81-62517", "2208162517", "123-45-67890"])
        ) {
            if let Err((code, message)) = Brn::parse(&text) {
                prop_assert!(["invalid_format", "invalid_check_digit"].contains(&code));
                prop_assert!(!message.is_empty());
            }
        }
    }
}
