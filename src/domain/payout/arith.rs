//! The arithmetic of docs/contract.md §5: after every multiplication or division the result is
//! rounded to 10 decimal places, half-even; only final payouts are rounded to a minor unit.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::money::Currency;
use crate::domain::policy::Rounding;

/// Decimal places kept by intermediate results.
pub const SCALE: u32 = 10;

/// A result too large for exact decimal arithmetic (far beyond any real claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

pub fn round10(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointNearestEven)
}

pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_mul(b).map(round10).ok_or(Overflow)
}

pub fn div(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_div(b).map(round10).ok_or(Overflow)
}

/// Rounds an amount to the currency's minor unit in the policy's mode.
pub fn to_minor_unit(value: Decimal, currency: Currency, rounding: Rounding) -> Decimal {
    let strategy = match rounding {
        Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        Rounding::Down => RoundingStrategy::ToZero,
    };
    value.round_dp_with_strategy(currency.minor_units(), strategy)
}

/// A non-negative amount in whole minor units, or `Overflow` beyond `i64`.
pub fn minor_units(value: Decimal, currency: Currency) -> Result<i64, Overflow> {
    let scaled = value.checked_mul(Decimal::from(currency.scale_factor())).ok_or(Overflow)?;
    i64::try_from(scaled.trunc()).map_err(|_| Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn intermediate_results_keep_ten_places_half_even() {
        assert_eq!(div(d("1"), d("3")).unwrap(), d("0.3333333333"));
        assert_eq!(div(d("2"), d("3")).unwrap(), d("0.6666666667"));
        assert_eq!(round10(d("0.00000000005")), d("0"));
        assert_eq!(round10(d("0.00000000015")), d("0.0000000002"));
    }

    #[test]
    fn final_rounding_follows_the_policy() {
        let krw = Currency::KRW;
        assert_eq!(to_minor_unit(d("2.5"), krw, Rounding::HalfEven), d("2"));
        assert_eq!(to_minor_unit(d("2.5"), krw, Rounding::HalfUp), d("3"));
        assert_eq!(to_minor_unit(d("2.9"), krw, Rounding::Down), d("2"));
        let usd = Currency::parse("USD").unwrap();
        assert_eq!(to_minor_unit(d("2.345"), usd, Rounding::HalfEven), d("2.34"));
        assert_eq!(minor_units(d("2.34"), usd).unwrap(), 234);
    }
}
