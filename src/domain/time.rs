//! Instants: parsed from RFC 3339 with an explicit offset, held in UTC at microsecond precision
//! (what both databases store), printed as RFC 3339 in UTC.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::money::{coded_error, string_schema};

/// Years both databases store and read back: SQLite holds instants as `YYYY-MM-DD ...` text,
/// which has no form for year 0 or a fifth year digit, so `9999-12-31T23:00:00-05:00` (year
/// 10000 in UTC) would be stored and then fail every read.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// An instant in UTC, microsecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Timestamp {
        Timestamp::from_utc(Utc::now())
    }

    pub fn from_utc(instant: DateTime<Utc>) -> Timestamp {
        Timestamp(instant.trunc_subsecs(6))
    }

    /// Parses RFC 3339; a time without an offset is refused rather than guessed, and so is one
    /// whose UTC form falls outside the years 0001 to 9999.
    pub fn parse(text: &str) -> Result<Timestamp, (&'static str, String)> {
        let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
            (
                "invalid_datetime",
                "must be an RFC 3339 time with an offset, e.g. 2022-10-15T15:30:00+09:00".to_owned(),
            )
        })?;
        let utc = parsed.with_timezone(&Utc);
        if !YEARS.contains(&utc.year()) {
            return Err(("out_of_range", "must fall between the years 0001 and 9999 in UTC".to_owned()));
        }
        Ok(Timestamp::from_utc(utc))
    }

    /// From the database, where instants are stored as naive UTC.
    pub fn from_db(naive: NaiveDateTime) -> Timestamp {
        Timestamp(naive.and_utc())
    }

    pub fn to_db(self) -> NaiveDateTime {
        self.0.naive_utc()
    }

    pub fn as_utc(self) -> DateTime<Utc> {
        self.0
    }

    /// Whole microseconds since the Unix epoch: exact arithmetic on intervals.
    pub fn micros(self) -> i64 {
        self.0.timestamp_micros()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(|(code, message)| coded_error(code, &message))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".to_owned()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut schema = string_schema(
            Some(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"),
            None,
            "RFC 3339 time with an offset",
        );
        if let schemars::schema::Schema::Object(object) = &mut schema {
            object.format = Some("date-time".to_owned());
        }
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn times_need_an_offset() {
        assert!(Timestamp::parse("2022-10-15T15:30:00+09:00").is_ok());
        assert!(Timestamp::parse("2022-10-15T06:30:00Z").is_ok());
        assert!(Timestamp::parse("2022-10-15T15:30:00").is_err());
        assert!(Timestamp::parse("2022-10-15").is_err());
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn times_print_in_utc() {
        let t = Timestamp::parse("2022-10-15T15:30:00+09:00").unwrap();
        assert_eq!(t.to_string(), "2022-10-15T06:30:00Z");
        let t = Timestamp::parse("2022-10-15T15:30:00.1234567+09:00").unwrap();
        assert_eq!(t.to_string(), "2022-10-15T06:30:00.123456Z");
    }

    #[test]
    fn times_outside_the_years_both_databases_store_are_out_of_range() {
        for text in [
            "9999-12-31T23:00:00-05:00",
            "0001-01-01T00:30:00+01:00",
            "0000-06-01T00:00:00Z",
            "9999-12-31T23:59:59.999999-00:01",
        ] {
            assert_eq!(Timestamp::parse(text).map_err(|e| e.0), Err("out_of_range"), "{text}");
        }
        for text in ["9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z", "9999-12-31T23:00:00+05:00"] {
            let parsed = Timestamp::parse(text).unwrap();
            assert_eq!(Timestamp::from_db(parsed.to_db()), parsed, "{text}");
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_refuses_with_a_code(
            text in crate::domain::tricky_text::hostile(&[
                "2022-10-15T15:30:00+09:00",
                "2022-10-15T06:30:00.123456789Z",
                "9999-12-31T23:59:59-23:59",
                "0001-01-01T00:00:00+23:59",
            ])
        ) {
            match Timestamp::parse(&text) {
                Ok(t) => prop_assert!(YEARS.contains(&t.as_utc().year())),
                Err((code, _)) => prop_assert!(["invalid_datetime", "out_of_range"].contains(&code)),
            }
        }
    }
}
