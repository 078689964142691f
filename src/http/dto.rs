//! The API's request and response types, in one place: every body, query string and answer an
//! operation of the registry (`crate::routes::operations`) declares is named here.
//!
//! The query strings only the HTTP edge parses are defined here; the bodies and views the use
//! cases take and return are defined beside the rules that check them and re-exported here, so a
//! reader (and the OpenAPI document) finds the whole surface of the API in this module.

use serde::Deserialize;

use crate::http::query::IdParam;

pub use crate::domain::amendment::AmendInput;
pub use crate::domain::claim_input::{NewClaimInput, PayoutAccountInput};
pub use crate::domain::policy::PolicyInput;
pub use crate::http::page::{Page, PageQuery};
pub use crate::http::query::SeqParam;
pub use crate::usecases::audit::{AuditEventView, AuditQuery};
pub use crate::usecases::bulk::row::BulkRow;
pub use crate::usecases::bulk::BulkUploadView;
pub use crate::usecases::claims::appeal::AppealInput;
pub use crate::usecases::claims::documents::{DocumentReviewInput, DocumentView};
pub use crate::usecases::claims::lifecycle::{DocumentsInput, ReviewInput};
pub use crate::usecases::claims::read::ClaimQuery;
pub use crate::usecases::claims::timeline::TimelineEntry;
pub use crate::usecases::claims::ClaimView;
pub use crate::usecases::incidents::{IncidentView, NewIncidentInput};
pub use crate::usecases::notices::read::{NoticeView, StatusLinkInput, Verdict, VerifyInput};
pub use crate::usecases::payouts::create::NewBatchInput;
pub use crate::usecases::payouts::lines::LineView;
pub use crate::usecases::payouts::settle::SettlementSummary;
pub use crate::usecases::payouts::BatchView;
pub use crate::usecases::policies::PolicyView;
pub use crate::usecases::reports::Summary;
pub use crate::usecases::requirements::{Requirements, RequirementsQuery};
pub use crate::usecases::windows::{NewWindowInput, WindowView};

/// Query of `GET /claims/{id}/timeline`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineQuery {
    /// The language of the messages; without it, the request's `Accept-Language` (Korean
    /// when that names neither).
    pub lang: Option<LangParam>,
}

/// A language of the service.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LangParam {
    Ko,
    En,
}

impl From<LangParam> for crate::domain::lang::Lang {
    fn from(lang: LangParam) -> Self {
        match lang {
            LangParam::Ko => crate::domain::lang::Lang::Ko,
            LangParam::En => crate::domain::lang::Lang::En,
        }
    }
}

/// Query of `GET /payout-batches`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    #[serde(default)]
    #[schemars(schema_with = "crate::http::page::limit_schema")]
    pub limit: Option<u32>,
    pub cursor: Option<IdParam>,
    pub incident_id: Option<IdParam>,
}

/// Query of `GET /payout-batches/{id}/export.csv`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Adds a UTF-8 byte order mark for spreadsheet software.
    pub bom: Option<bool>,
}

/// Query of `POST /bulk-uploads`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    pub incident_id: IdParam,
}
