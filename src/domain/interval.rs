//! Half-open time intervals `[start, end)` and their overlaps, in whole microseconds.

use super::time::Timestamp;

/// A non-empty interval `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    start: Timestamp,
    end: Timestamp,
}

impl Interval {
    /// `None` unless `start < end`.
    pub fn new(start: Timestamp, end: Timestamp) -> Option<Interval> {
        (start < end).then_some(Interval { start, end })
    }

    pub fn start(self) -> Timestamp {
        self.start
    }

    pub fn end(self) -> Timestamp {
        self.end
    }

    /// Whether the two intervals share any instant (touching ends do not overlap).
    pub fn overlaps(self, other: Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Length of the shared part in microseconds; 0 when they do not overlap.
    pub fn overlap_micros(self, other: Interval) -> i64 {
        let start = self.start.max(other.start).micros();
        let end = self.end.min(other.end).micros();
        (end - start).max(0)
    }

    pub fn contains(self, instant: Timestamp) -> bool {
        self.start <= instant && instant < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(micros: i64) -> Timestamp {
        Timestamp::from_utc(chrono::DateTime::from_timestamp_micros(micros).unwrap())
    }

    fn interval(a: i64, b: i64) -> Interval {
        Interval::new(at(a.min(b)), at(a.max(b) + 1)).unwrap()
    }

    #[test]
    fn touching_intervals_do_not_overlap() {
        let a = Interval::new(at(0), at(10)).unwrap();
        let b = Interval::new(at(10), at(20)).unwrap();
        assert!(!a.overlaps(b));
        assert_eq!(a.overlap_micros(b), 0);
        assert!(Interval::new(at(5), at(5)).is_none());
    }

    proptest! {
        #[test]
        fn overlap_matches_a_brute_force_count(a in 0i64..200, b in 0i64..200, c in 0i64..200, d in 0i64..200) {
            let (x, y) = (interval(a, b), interval(c, d));
            let brute = (0..=201).filter(|m| x.contains(at(*m)) && y.contains(at(*m))).count() as i64;
            prop_assert_eq!(x.overlap_micros(y), brute);
            prop_assert_eq!(x.overlaps(y), brute > 0);
            prop_assert_eq!(x.overlap_micros(y), y.overlap_micros(x));
        }
    }
}
