//! Money: currencies with their minor units, decimal strings parsed strictly, and amounts held
//! as integer minor units. Never a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest amount accepted anywhere, in major units (docs/contract.md §3: more than 10^13 is 422).
pub const MAX_MAJOR_UNITS: i64 = 10_000_000_000_000;
/// Most fractional digits a decimal string may carry (rates, weights, hours).
pub const MAX_SCALE: u32 = 10;

/// An ISO 4217 currency this service pays in, with the number of digits of its minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: &'static str,
    minor_units: u32,
}

const CURRENCIES: &[Currency] = &[
    Currency { code: "KRW", minor_units: 0 },
    Currency { code: "JPY", minor_units: 0 },
    Currency { code: "USD", minor_units: 2 },
    Currency { code: "EUR", minor_units: 2 },
    Currency { code: "GBP", minor_units: 2 },
    Currency { code: "CNY", minor_units: 2 },
];

impl Currency {
    pub const KRW: Currency = Currency { code: "KRW", minor_units: 0 };

    /// Looks up a currency by its upper-case ISO code.
    pub fn parse(code: &str) -> Result<Currency, (&'static str, String)> {
        CURRENCIES.iter().copied().find(|c| c.code == code).ok_or_else(|| {
            let known: Vec<_> = CURRENCIES.iter().map(|c| c.code).collect();
            ("unsupported_currency", format!("must be one of {}", known.join(", ")))
        })
    }

    pub fn code(self) -> &'static str {
        self.code
    }

    pub fn minor_units(self) -> u32 {
        self.minor_units
    }

    /// 10^minor_units: how many minor units make one major unit.
    pub fn scale_factor(self) -> i64 {
        10_i64.pow(self.minor_units)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Currency::parse(&text).map_err(|(code, message)| coded_error(code, &message))
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl schemars::JsonSchema for Currency {
    fn schema_name() -> String {
        "Currency".to_owned()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        let codes = CURRENCIES.iter().map(|c| serde_json::Value::from(c.code)).collect();
        string_schema(None, Some(codes), "ISO 4217 currency code")
    }
}

/// A non-negative decimal written as a JSON string (`"12000"`, `"99.50"`, `"0.25"`): no sign, no
/// exponent, no JSON number, at most [`MAX_SCALE`] decimals, at most [`MAX_MAJOR_UNITS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecimalString(Decimal);

/// Pattern of [`DecimalString`], also published in the JSON Schemas: up to 13 integer digits, or
/// exactly 10^13, so that the pattern alone states the bound and the parser accepts exactly it.
pub const DECIMAL_PATTERN: &str = r"^([0-9]{1,13}(\.[0-9]{1,10})?|10000000000000(\.0{1,10})?)$";
const MAX_WHOLE_DIGITS: usize = 13;

impl DecimalString {
    pub fn parse(text: &str) -> Result<DecimalString, (&'static str, String)> {
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (text, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
            return Err((
                "invalid_decimal",
                "must be a non-negative decimal string such as \"12000\" or \"99.50\"".to_owned(),
            ));
        }
        if fraction.is_some_and(|f| f.len() > MAX_SCALE as usize) {
            return Err(("too_many_decimals", format!("must have at most {MAX_SCALE} decimals")));
        }
        let exactly_max =
            whole == MAX_MAJOR_UNITS.to_string() && fraction.is_none_or(|f| f.bytes().all(|b| b == b'0'));
        let too_large = || ("too_large", format!("must be at most {MAX_MAJOR_UNITS}"));
        if whole.len() > MAX_WHOLE_DIGITS && !exactly_max {
            return Err(too_large());
        }
        let value = Decimal::from_str(text).map_err(|_| too_large())?;
        Ok(DecimalString(value))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl<'de> Deserialize<'de> for DecimalString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DecimalString::parse(&text).map_err(|(code, message)| coded_error(code, &message))
    }
}

impl Serialize for DecimalString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.normalize())
    }
}

impl schemars::JsonSchema for DecimalString {
    fn schema_name() -> String {
        "DecimalString".to_owned()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        string_schema(Some(DECIMAL_PATTERN), None, "Non-negative decimal as a string")
    }
}

/// An amount of money in integer minor units of its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Converts a decimal to money, refusing more decimals than the currency has.
    pub fn from_decimal(amount: DecimalString, currency: Currency) -> Result<Money, (&'static str, String)> {
        let value = amount.value();
        if value.normalize().scale() > currency.minor_units() {
            return Err((
                "too_many_decimals",
                format!("{currency} allows at most {} decimals", currency.minor_units()),
            ));
        }
        let minor = value * Decimal::from(currency.scale_factor());
        // Cannot fail: the value is at most 10^13 and the factor at most 10^2.
        let minor = i64::try_from(minor.trunc())
            .map_err(|_| ("too_large", format!("must be at most {MAX_MAJOR_UNITS}")))?;
        Ok(Money { minor, currency })
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The amount in major units, exactly.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.minor, self.currency.minor_units())
    }

    /// The amount for people to read: thousands separated, with the currency's decimals
    /// (`1,647,856,000`, `1,234.50`); the plain form stays for files and the API.
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (sign, unsigned) = plain.strip_prefix('-').map_or(("", plain.as_str()), |rest| ("-", rest));
        let (whole, fraction) = unsigned.split_once('.').map_or((unsigned, None), |(w, f)| (w, Some(f)));
        let mut grouped = String::with_capacity(plain.len() + whole.len() / 3);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        match fraction {
            Some(fraction) => format!("{sign}{grouped}.{fraction}"),
            None => format!("{sign}{grouped}"),
        }
    }
}

impl fmt::Display for Money {
    /// Plain decimal with exactly the currency's number of decimals: `12000`, `99.50`.
    /// Integer arithmetic, not `Decimal` formatting: the export writes one per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = self.currency.minor_units() as usize;
        if units == 0 {
            return write!(f, "{}", self.minor);
        }
        let factor = self.currency.scale_factor().unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(f, "{sign}{}.{:0units$}", abs / factor, abs % factor)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A serde error that carries a stable code: the HTTP layer splits `code: message` apart.
pub fn coded_error<E: serde::de::Error>(code: &str, message: &str) -> E {
    E::custom(format!("{code}: {message}"))
}

/// A JSON Schema for a string, with an optional pattern or enumeration.
pub fn string_schema(
    pattern: Option<&str>,
    values: Option<Vec<serde_json::Value>>,
    description: &str,
) -> schemars::schema::Schema {
    use schemars::schema::{InstanceType, Metadata, SchemaObject, StringValidation};
    SchemaObject {
        instance_type: Some(InstanceType::String.into()),
        enum_values: values,
        string: pattern
            .map(|p| Box::new(StringValidation { pattern: Some(p.to_owned()), ..Default::default() })),
        metadata: Some(Box::new(Metadata {
            description: Some(description.to_owned()),
            ..Default::default()
        })),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn grouped_amounts_separate_thousands_and_keep_the_decimals() {
        use super::{Currency, Money};
        let krw = |m| Money::from_minor(m, Currency::KRW).grouped();
        assert_eq!(krw(0), "0");
        assert_eq!(krw(999), "999");
        assert_eq!(krw(1000), "1,000");
        assert_eq!(krw(1_647_856_000), "1,647,856,000");
        assert_eq!(krw(-250_000), "-250,000");
        let usd = |m| Money::from_minor(m, Currency::parse("USD").unwrap()).grouped();
        assert_eq!(usd(123_450), "1,234.50");
        assert_eq!(usd(5), "0.05");
    }

    use super::*;
    use proptest::prelude::*;

    fn money(text: &str, code: &str) -> Result<Money, &'static str> {
        let currency = Currency::parse(code).map_err(|e| e.0)?;
        let amount = DecimalString::parse(text).map_err(|e| e.0)?;
        Money::from_decimal(amount, currency).map_err(|e| e.0)
    }

    #[test]
    fn money_displays_like_its_exact_decimal() {
        let usd = Currency::parse("USD").unwrap();
        for minor in [0, 5, -5, 99, 100, 9950, -123_456, i64::MAX, i64::MIN] {
            let money = Money::from_minor(minor, usd);
            assert_eq!(money.to_string(), money.to_decimal().to_string(), "{minor}");
            let krw = Money::from_minor(minor, Currency::KRW);
            assert_eq!(krw.to_string(), krw.to_decimal().to_string(), "{minor}");
        }
    }

    #[test]
    fn decimal_strings_parse_strictly() {
        let pattern = regex_lite::Regex::new(DECIMAL_PATTERN).unwrap();
        for good in
            ["0", "12000", "99.50", "0.25", "9999999999999.9999999999", "10000000000000", "10000000000000.00"]
        {
            assert!(DecimalString::parse(good).is_ok(), "{good}");
            assert!(pattern.is_match(good), "{good}");
        }
        for bad in [
            "",
            "-1",
            "1e3",
            "1.",
            ".5",
            "1.12345678901",
            "10000000000000.5",
            "10000000000001",
            "00000000000001",
        ] {
            assert!(DecimalString::parse(bad).is_err(), "{bad}");
            assert!(!pattern.is_match(bad), "{bad}");
        }
        for bad in ["", "-1", "+1", "1e3", "NaN", " 1", "1.", ".5", "1,000", "inf", "0x10"] {
            assert_eq!(DecimalString::parse(bad).map_err(|e| e.0), Err("invalid_decimal"), "{bad}");
        }
        assert_eq!(DecimalString::parse("10000000000000.01").map_err(|e| e.0), Err("too_large"));
        assert_eq!(DecimalString::parse("1.00000000001").map_err(|e| e.0), Err("too_many_decimals"));
    }

    #[test]
    fn money_respects_the_currency_minor_unit() {
        assert_eq!(money("12000", "KRW").map(Money::minor), Ok(12000));
        assert_eq!(money("12000.0", "KRW").map(Money::minor), Ok(12000));
        assert_eq!(money("12000.5", "KRW"), Err("too_many_decimals"));
        assert_eq!(money("99.50", "USD").map(Money::minor), Ok(9950));
        assert_eq!(money("99.505", "USD"), Err("too_many_decimals"));
        assert_eq!(money("1", "XXX"), Err("unsupported_currency"));
    }

    #[test]
    fn money_prints_with_the_currency_decimals() {
        assert_eq!(Money::from_minor(9950, Currency::parse("USD").unwrap()).to_string(), "99.50");
        assert_eq!(Money::from_minor(30000, Currency::KRW).to_string(), "30000");
    }

    proptest! {
        #[test]
        fn decimal_parsing_never_panics_and_refuses_with_a_code(
            text in crate::domain::tricky_text::hostile(&[
                "12000", "99.50", "0.25", "9999999999999.9999999999", "10000000000000.0000000000",
            ]),
            code in proptest::sample::select(vec!["KRW", "USD", "JPY"]),
        ) {
            match DecimalString::parse(&text) {
                Ok(amount) => {
                    prop_assert!(amount.value() <= Decimal::from(MAX_MAJOR_UNITS));
                    prop_assert!(amount.value().scale() <= MAX_SCALE);
                    let currency = Currency::parse(code).unwrap();
                    if let Err((code, _)) = Money::from_decimal(amount, currency) {
                        prop_assert_eq!(code, "too_many_decimals");
                    }
                }
                Err((code, _)) => prop_assert!(
                    ["invalid_decimal", "too_many_decimals", "too_large"].contains(&code)
                ),
            }
        }

        #[test]
        fn currency_parsing_never_panics(text in crate::domain::tricky_text::hostile(&["KRW", "USD"])) {
            if let Err((code, _)) = Currency::parse(&text) {
                prop_assert_eq!(code, "unsupported_currency");
            }
        }
    }
}
