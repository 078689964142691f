//! Prometheus metrics: requests by route and status, a latency histogram, and the durations of
//! batch calculations and exports. Claims by status are read from the database at scrape time,
//! so every instance reports the same shared truth.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bound, count) in BUCKETS.iter().zip(self.counts.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, count) in BUCKETS.iter().zip(self.counts) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", self.count);
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    operations: BTreeMap<&'static str, Histogram>,
}

/// The counters of this instance.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

/// The method label: one of RFC 9110's methods (and PATCH), else `other`, so clients inventing
/// methods cannot grow the exposition without bound (docs/contract.md §7).
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Metrics {
    /// Counts a request under its route pattern (not its path: ids would explode the labels) and
    /// a method from a fixed set (see [`method_label`]). `route` must be a registered pattern or
    /// `unmatched`, never text from the request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let method = method_label(method);
        *inner.requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        inner.latency.entry(route.to_owned()).or_default().observe(elapsed.as_secs_f64());
    }

    /// Records how long a named operation took (`payout_batch`, `export`).
    pub fn observe_operation(&self, name: &'static str, elapsed: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.operations.entry(name).or_default().observe(elapsed.as_secs_f64());
    }

    /// The exposition text, with `claims` (status, count) from the database.
    pub fn render(&self, claims: &[(String, i64)]) -> String {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        out.push_str("# HELP http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        for ((method, route, status), count) in &inner.requests {
            let _ = writeln!(
                out,
                "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(method),
                escape(route)
            );
        }
        out.push_str("# HELP http_request_duration_seconds Request latency by route.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for (route, histogram) in &inner.latency {
            histogram.render(
                &mut out,
                "http_request_duration_seconds",
                &format!("route=\"{}\"", escape(route)),
            );
        }
        out.push_str("# HELP operation_duration_seconds Duration of batch calculations and exports.\n");
        out.push_str("# TYPE operation_duration_seconds histogram\n");
        for (name, histogram) in &inner.operations {
            histogram.render(&mut out, "operation_duration_seconds", &format!("operation=\"{name}\""));
        }
        out.push_str("# HELP claims Claims by status (all incidents).\n");
        out.push_str("# TYPE claims gauge\n");
        for (status, count) in claims {
            let _ = writeln!(out, "claims{{status=\"{}\"}} {count}", escape(status));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_counts_requests_and_buckets_latency() {
        let metrics = Metrics::default();
        metrics.observe_request("GET", "/api/v1/claims/{id}", 200, Duration::from_millis(3));
        metrics.observe_request("GET", "/api/v1/claims/{id}", 200, Duration::from_millis(30));
        let text = metrics.render(&[("verified".into(), 7)]);
        assert!(text
            .contains("http_requests_total{method=\"GET\",route=\"/api/v1/claims/{id}\",status=\"200\"} 2"));
        assert!(text
            .contains("http_request_duration_seconds_bucket{route=\"/api/v1/claims/{id}\",le=\"0.005\"} 1"));
        assert!(text.contains("http_request_duration_seconds_count{route=\"/api/v1/claims/{id}\"} 2"));
        assert!(text.contains("claims{status=\"verified\"} 7"));
    }

    #[test]
    fn invented_methods_share_one_label() {
        let metrics = Metrics::default();
        for method in ["FOO", "BAR", "get", "X-1"] {
            metrics.observe_request(method, "unmatched", 405, Duration::from_millis(1));
        }
        let text = metrics.render(&[]);
        assert!(text.contains("http_requests_total{method=\"other\",route=\"unmatched\",status=\"405\"} 4"));
        assert!(!text.contains("FOO") && !text.contains("BAR"));
    }
}
