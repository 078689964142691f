//! Severity of an outage window, after the statuspage model.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    MajorOutage,
    PartialOutage,
    DegradedPerformance,
}

impl Severity {
    pub const ALL: [Severity; 3] =
        [Severity::MajorOutage, Severity::PartialOutage, Severity::DegradedPerformance];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::MajorOutage => "major_outage",
            Severity::PartialOutage => "partial_outage",
            Severity::DegradedPerformance => "degraded_performance",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
