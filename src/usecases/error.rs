//! What a use case answers when it does not succeed: plain outcomes with no HTTP in them. The
//! HTTP layer maps each to its status and problem document (`impl From<Error> for Error`),
//! and callers that must tell outcomes apart (bulk rows, the finance page) match on variants,
//! never on message text.

use crate::domain::validation::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    /// The input cannot be read at all (not the format it claims).
    #[error("{0}")]
    Unreadable(String),
    #[error("{0}")]
    UnsupportedFormat(String),
    #[error("this role may not do that")]
    Forbidden,
    #[error("no such resource")]
    NotFound,
    #[error("{0}")]
    Conflict(Conflict),
    /// Another transaction holds what this work needs; it may be retried at once.
    #[error("the same claimant is being filed by another request; retry shortly")]
    Busy,
    #[error("the database is unavailable; retry shortly")]
    Unavailable,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// A refusal because of the state of something that already exists. `detail` is the sentence
/// shown to the caller; `kind` is what a program decides on.
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub struct Conflict {
    pub kind: ConflictKind,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictKind {
    /// The claimant already has a live claim for the service (docs/contract.md §4). The existing claim is
    /// named only for a filer who may read it.
    DuplicateClaim { existing: Option<ExistingClaim> },
    /// The filer's own `external_ref` already names one of its claims.
    ExternalRefUsed { existing_id: String },
    /// An outage window overlaps another of the same service.
    OverlappingWindow { existing_id: String },
    /// Four eyes: the creator of a batch may not approve it.
    SameApprover { incident_id: String },
    /// Four eyes: an appeal is decided by someone other than the one who rejected the claim.
    SameReviewer,
    /// The record is not in a status that allows the change. For a payout batch, its incident
    /// (pages link back to it).
    WrongStatus { incident_id: Option<String> },
    /// The record changed between reading and writing it.
    Stale,
    /// A deadline for the change has passed.
    DeadlinePassed,
    /// The database refused a duplicate (a unique constraint).
    Existing,
}

/// The claim in the way of a duplicate filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingClaim {
    pub id: String,
    pub reference: String,
}

impl Error {
    /// A single-field validation error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Error {
        Error::Invalid(vec![FieldError::new(field, code, message)])
    }

    pub fn conflict(kind: ConflictKind, detail: impl Into<String>) -> Error {
        Error::Conflict(Conflict { kind, detail: detail.into() })
    }

    pub fn internal(message: impl std::fmt::Display) -> Error {
        Error::Internal(anyhow::anyhow!("{message}"))
    }
}

impl From<Vec<FieldError>> for Error {
    fn from(errors: Vec<FieldError>) -> Self {
        Error::Invalid(errors)
    }
}

impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error as Db};
        match error {
            Db::NotFound => Error::NotFound,
            Db::DatabaseError(Kind::UniqueViolation, _) => {
                Error::conflict(ConflictKind::Existing, "conflicts with an existing record")
            }
            Db::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => Error::Unavailable,
            other => Error::Internal(anyhow::Error::new(other).context("database query")),
        }
    }
}

impl From<r2d2::Error> for Error {
    fn from(error: r2d2::Error) -> Self {
        tracing::warn!(%error, "no database connection");
        Error::Unavailable
    }
}

impl From<crate::db::group_commit::CommitFailure> for Error {
    fn from(failure: crate::db::group_commit::CommitFailure) -> Self {
        use crate::db::group_commit::CommitFailure;
        match failure {
            CommitFailure::Unavailable => Error::Unavailable,
            CommitFailure::Internal(message) => Error::internal(message),
        }
    }
}
