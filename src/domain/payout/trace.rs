//! The calculation trace: each step's name, inputs and result, so anyone can recompute a line
//! by hand. Calculations take a [`Tracer`]: batches use [`NoTrace`] (nothing is built), reading a
//! line uses [`Recorder`] to recompute the same numbers with every step written down.

use rust_decimal::Decimal;
use serde::Serialize;

/// A value in a trace.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Decimal(Decimal),
    Int(i64),
    Text(&'a str),
}

impl Value<'_> {
    fn render(&self) -> String {
        match self {
            Value::Decimal(d) => d.normalize().to_string(),
            Value::Int(i) => i.to_string(),
            Value::Text(t) => (*t).to_owned(),
        }
    }
}

pub trait Tracer {
    fn record(&mut self, step: &'static str, inputs: &[(&'static str, Value<'_>)], result: Value<'_>);
}

/// Records nothing: the fast path.
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn record(&mut self, _: &'static str, _: &[(&'static str, Value<'_>)], _: Value<'_>) {}
}

/// One step of a trace, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Step {
    pub step: String,
    /// Input name to value, in the order the step reads them.
    pub inputs: serde_json::Map<String, serde_json::Value>,
    pub result: String,
}

/// Keeps every step.
#[derive(Debug, Default)]
pub struct Recorder {
    pub steps: Vec<Step>,
}

impl Tracer for Recorder {
    fn record(&mut self, step: &'static str, inputs: &[(&'static str, Value<'_>)], result: Value<'_>) {
        self.steps.push(Step {
            step: step.to_owned(),
            inputs: inputs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.render())))
                .collect(),
            result: result.render(),
        });
    }
}
