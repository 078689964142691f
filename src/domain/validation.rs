//! Field-level validation errors, shared by every parser in the domain.

use serde::Serialize;

/// One problem with one input field, reported to clients as `{field, code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `claimant.name` or `rules[0].params.rate`.
    pub field: String,
    /// Stable, machine-readable code, e.g. `required`, `invalid_amount`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.to_owned(), message: message.into() }
    }

    /// The same error, reported under a parent path (`tiers[1]` + `amount` = `tiers[1].amount`).
    pub fn under(mut self, parent: &str) -> Self {
        self.field = join_path(parent, &self.field);
        self
    }
}

/// Joins a parent path and a child path the way clients read them.
pub fn join_path(parent: &str, child: &str) -> String {
    match (parent.is_empty(), child.is_empty(), child.starts_with('[')) {
        (true, _, _) => child.to_owned(),
        (_, true, _) => parent.to_owned(),
        (_, _, true) => format!("{parent}{child}"),
        _ => format!("{parent}.{child}"),
    }
}

/// Collects field errors while parsing a whole request, so a client sees all of them at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Keeps the value of a successful parse, or records its error and returns `None`.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, else every recorded error.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// Flattens `validator` errors into field paths.
pub fn validator_errors(prefix: &str, errors: &validator::ValidationErrors) -> Vec<FieldError> {
    use validator::ValidationErrorsKind as Kind;
    let mut out = Vec::new();
    for (field, kind) in errors.errors() {
        let path = join_path(prefix, field);
        match kind {
            Kind::Field(list) => out.extend(list.iter().map(|e| {
                let message = e.message.as_ref().map_or_else(|| describe(e), ToString::to_string);
                FieldError::new(path.clone(), &e.code, message)
            })),
            Kind::Struct(inner) => out.extend(validator_errors(&path, inner)),
            Kind::List(items) => {
                for (index, inner) in items {
                    out.extend(validator_errors(&format!("{path}[{index}]"), inner));
                }
            }
        }
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn describe(error: &validator::ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(ToString::to_string);
    match error.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be {min} to {max} characters long"),
            (None, Some(max)) => format!("must be at most {max} characters long"),
            (Some(min), None) => format!("must be at least {min} characters long"),
            _ => "has an invalid length".to_owned(),
        },
        "email" => "must be an email address".to_owned(),
        "range" => "is out of range".to_owned(),
        other => format!("is invalid ({other})"),
    }
}
