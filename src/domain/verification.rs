//! Verification of a loss period against the recorded outage windows of its service.

use rust_decimal::Decimal;

use super::interval::Interval;
use super::policy::SeverityWeights;
use super::severity::Severity;

/// One outage window as verification sees it.
#[derive(Debug, Clone)]
pub struct OutageWindow {
    pub id: String,
    pub severity: Severity,
    pub period: Interval,
}

/// How much of a loss period one window covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowOverlap {
    pub window_id: String,
    pub severity: Severity,
    /// Whole seconds of the overlap (sub-second parts are dropped).
    pub seconds: i64,
}

/// The overlaps of a loss period with every window of its service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    pub overlaps: Vec<WindowOverlap>,
}

impl Verification {
    /// Windows of one service never overlap each other, so the overlaps simply add up.
    pub fn compute(loss: Interval, windows: &[OutageWindow]) -> Verification {
        let overlaps = windows
            .iter()
            .filter(|w| w.period.overlaps(loss))
            .map(|w| WindowOverlap {
                window_id: w.id.clone(),
                severity: w.severity,
                seconds: w.period.overlap_micros(loss) / 1_000_000,
            })
            .filter(|o| o.seconds > 0)
            .collect();
        Verification { overlaps }
    }

    pub fn outage_seconds(&self) -> i64 {
        self.overlaps.iter().map(|o| o.seconds).sum()
    }

    /// Seconds weighted by the severity of each window.
    pub fn weighted_seconds(&self, weights: &SeverityWeights) -> Decimal {
        self.overlaps.iter().map(|o| Decimal::from(o.seconds) * weights.weight(o.severity)).sum()
    }

    pub fn has_outage(&self) -> bool {
        !self.overlaps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::Timestamp;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn window(id: &str, severity: Severity, start: &str, end: &str) -> OutageWindow {
        OutageWindow { id: id.into(), severity, period: Interval::new(at(start), at(end)).unwrap() }
    }

    #[test]
    fn overlaps_add_up_and_weigh_by_severity() {
        let windows = [
            window("a", Severity::MajorOutage, "2022-10-15T15:00:00Z", "2022-10-15T17:00:00Z"),
            window("b", Severity::PartialOutage, "2022-10-15T17:00:00Z", "2022-10-15T21:00:00Z"),
            window("c", Severity::DegradedPerformance, "2022-10-16T00:00:00Z", "2022-10-16T01:00:00Z"),
        ];
        let loss = Interval::new(at("2022-10-15T16:00:00Z"), at("2022-10-15T19:00:00Z")).unwrap();
        let v = Verification::compute(loss, &windows);
        assert_eq!(v.overlaps.len(), 2);
        assert_eq!(v.outage_seconds(), 3 * 3600);
        // 3600 * 1 + 7200 * 0.5
        assert_eq!(v.weighted_seconds(&SeverityWeights::default()), Decimal::from(7200));
    }

    #[test]
    fn a_loss_outside_every_window_has_no_outage() {
        let windows = [window("a", Severity::MajorOutage, "2022-10-15T15:00:00Z", "2022-10-15T17:00:00Z")];
        let loss = Interval::new(at("2022-10-15T17:00:00Z"), at("2022-10-15T19:00:00Z")).unwrap();
        assert!(!Verification::compute(loss, &windows).has_outage());
    }
}
