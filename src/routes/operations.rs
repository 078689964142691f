//! The registry: every operation of the API, each declared once with its method, path,
//! access and schemas. The router (`super::configure`) registers each with its handler behind
//! an access guard (`crate::http::auth::guard`), and the OpenAPI document (`crate::schemas`)
//! is generated from the same list, so the documented access is the enforced one.

use crate::domain::role::Role;
use crate::http::auth::Access;
use crate::http::dto::*;
use crate::schemas::{schema, CsvText, PrometheusText, SchemaFn, Status, CSV, JSON, MULTIPART};

/// One operation of the API.
pub struct Operation {
    /// Lower case, as OpenAPI spells it.
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// The query string, as the struct the handler parses it into.
    pub query: Option<SchemaFn>,
    pub request: Option<SchemaFn>,
    pub status: u16,
    pub response: Option<SchemaFn>,
    /// Media type of the success answer.
    pub produces: &'static str,
    /// Media types of the request body: JSON bodies use `request`; others are text.
    pub consumes: &'static [&'static str],
    /// Request headers: `(name, required)`.
    pub headers: &'static [(&'static str, bool)],
    /// What the request body's schema alone does not say.
    pub body_note: Option<&'static str>,
    /// Error answers beyond the ones every operation of its kind has.
    pub errors: &'static [(&'static str, &'static str)],
}

impl Operation {
    /// The operation with this id; the router names operations by id.
    pub fn by_id(id: &str) -> Option<&'static Operation> {
        OPERATIONS.iter().find(|op| op.id == id)
    }
}

const STAFF: &[Role] = &[Role::Admin, Role::Finance];
const ADMIN: &[Role] = &[Role::Admin];
const FINANCE: &[Role] = &[Role::Finance];
const ANY: &[Role] = &[Role::Admin, Role::Finance, Role::Partner, Role::Claimant];
const CLAIMANTS: &[Role] = &[Role::Partner, Role::Claimant];
const BULK_READERS: &[Role] = &[Role::Admin, Role::Finance, Role::Partner];
/// The owner of a claim and finance: notices and documents are not for admins.
const NOTICE_READERS: &[Role] = &[Role::Finance, Role::Partner, Role::Claimant];

/// An operation with the defaults: a JSON answer with 200, no query, body or extra errors.
const fn op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    access: Access,
) -> Operation {
    Operation {
        method,
        path,
        id,
        summary,
        access,
        query: None,
        request: None,
        status: 200,
        response: None,
        produces: JSON,
        consumes: &[JSON],
        headers: &[],
        body_note: None,
        errors: &[],
    }
}

/// Every operation the service answers, in document order.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        response: Some(schema::<Status>),
        ..op("get", "/healthz", "healthz", "Liveness", Access::Public)
    },
    Operation {
        response: Some(schema::<Status>),
        ..op(
            "get",
            "/readyz",
            "readyz",
            "Readiness: 503 while the database is unreachable",
            Access::Public,
        )
    },
    Operation {
        response: Some(schema::<PrometheusText>),
        produces: "text/plain",
        ..op("get", "/metrics", "metrics", "Prometheus metrics", Access::Public)
    },
    Operation {
        response: Some(schema::<serde_json::Value>),
        ..op("get", "/api/v1/openapi.json", "openapi", "This document", Access::Public)
    },
    Operation {
        query: Some(schema::<PageQuery>),
        response: Some(schema::<Page<IncidentView>>),
        ..op(
            "get",
            "/api/v1/incidents",
            "listIncidents",
            "Incidents open for claims (staff: all)",
            Access::PublicOr(ANY),
        )
    },
    Operation {
        request: Some(schema::<NewIncidentInput>),
        status: 201,
        response: Some(schema::<IncidentView>),
        ..op("post", "/api/v1/incidents", "createIncident", "Record an incident", Access::Roles(ADMIN))
    },
    Operation {
        response: Some(schema::<IncidentView>),
        ..op("get", "/api/v1/incidents/{id}", "getIncident", "One incident", Access::PublicOr(ANY))
    },
    Operation {
        query: Some(schema::<RequirementsQuery>),
        response: Some(schema::<Requirements>),
        ..op(
            "get",
            "/api/v1/incidents/{id}/requirements",
            "getIncidentRequirements",
            "What a claim for one service and claimant kind needs under the latest policy (public for open incidents)",
            Access::PublicOr(ANY),
        )
    },
    Operation {
        response: Some(schema::<Summary>),
        ..op("get", "/api/v1/incidents/{id}/summary", "getIncidentSummary", "Counts and sums by status, service, claimant kind and channel; claimed, assessed and paid totals", Access::Roles(STAFF))
    },
    Operation {
        response: Some(schema::<Page<WindowView>>),
        ..op(
            "get",
            "/api/v1/incidents/{id}/windows",
            "listWindows",
            "Outage windows of an incident",
            Access::Roles(ANY),
        )
    },
    Operation {
        request: Some(schema::<NewWindowInput>),
        status: 201,
        response: Some(schema::<WindowView>),
        ..op(
            "post",
            "/api/v1/incidents/{id}/windows",
            "createWindow",
            "Record an outage window (409 on overlap)",
            Access::Roles(ADMIN),
        )
    },
    Operation {
        response: Some(schema::<Page<PolicyView>>),
        ..op(
            "get",
            "/api/v1/incidents/{id}/policies",
            "listPolicies",
            "Policy versions of an incident",
            Access::Roles(STAFF),
        )
    },
    Operation {
        request: Some(schema::<PolicyInput>),
        status: 201,
        response: Some(schema::<PolicyView>),
        ..op(
            "post",
            "/api/v1/incidents/{id}/policies",
            "createPolicy",
            "Create the next policy version",
            Access::Roles(ADMIN),
        )
    },
    Operation {
        response: Some(schema::<PolicyView>),
        ..op("get", "/api/v1/policies/{id}", "getPolicy", "One policy", Access::Roles(STAFF))
    },
    Operation {
        query: Some(schema::<ClaimQuery>),
        response: Some(schema::<Page<ClaimView>>),
        ..op("get", "/api/v1/claims", "listClaims", "Claims the caller may see", Access::Roles(ANY))
    },
    Operation {
        request: Some(schema::<NewClaimInput>),
        status: 201,
        response: Some(schema::<ClaimView>),
        headers: &[("Idempotency-Key", false)],
        errors: &[
            ("403", "A staff token: staff do not file claims"),
            ("429", "Too many public filings from this client"),
        ],
        ..op(
            "post",
            "/api/v1/claims",
            "fileClaim",
            "File a claim (public, claimant or partner; optional Idempotency-Key header)",
            Access::PublicOr(CLAIMANTS),
        )
    },
    Operation {
        request: Some(schema::<StatusLinkInput>),
        status: 202,
        errors: &[("429", "Too many requests from this client")],
        ..op(
            "post",
            "/api/v1/claims/status-link",
            "requestStatusLink",
            "Ask for a new status link: mailed when the reference and email belong to one claim; always 202",
            Access::Public,
        )
    },
    Operation {
        response: Some(schema::<ClaimView>),
        ..op("get", "/api/v1/claims/{id}", "getClaim", "One claim", Access::RolesOrStatusToken(ANY))
    },
    Operation {
        response: Some(schema::<ClaimView>),
        ..op(
            "post",
            "/api/v1/claims/{id}/withdraw",
            "withdrawClaim",
            "Withdraw a claim before it is in a batch",
            Access::RolesOrStatusToken(CLAIMANTS),
        )
    },
    Operation {
        request: Some(schema::<AmendInput>),
        response: Some(schema::<ClaimView>),
        ..op(
            "post",
            "/api/v1/claims/{id}/amend",
            "amendClaim",
            "Change the amount, loss period, evidence or description of one's claim; verified again",
            Access::RolesOrStatusToken(CLAIMANTS),
        )
    },
    Operation {
        request: Some(schema::<ReviewInput>),
        response: Some(schema::<ClaimView>),
        ..op(
            "post",
            "/api/v1/claims/{id}/review",
            "reviewClaim",
            "Approve, reject or request information",
            Access::Roles(FINANCE),
        )
    },
    Operation {
        request: Some(schema::<DocumentsInput>),
        response: Some(schema::<ClaimView>),
        consumes: &[JSON, MULTIPART],
        errors: &[
            ("409", "The claim takes documents only while deficient or under review"),
            ("413", "A file above 10 MiB"),
        ],
        ..op(
            "post",
            "/api/v1/claims/{id}/documents",
            "sendClaimDocuments",
            "Send evidence: JSON fields and a note, or files (PDF, JPEG, PNG) in a multipart form; answers a deficiency",
            Access::RolesOrStatusToken(CLAIMANTS),
        )
    },
    Operation {
        response: Some(schema::<Vec<DocumentView>>),
        ..op(
            "get",
            "/api/v1/claims/{id}/documents",
            "listClaimDocuments",
            "The claim's documents with their review status (owner and finance)",
            Access::RolesOrStatusToken(NOTICE_READERS),
        )
    },
    Operation {
        produces: "application/octet-stream",
        ..op(
            "get",
            "/api/v1/claims/{id}/documents/{doc_id}",
            "getClaimDocument",
            "Download one document (owner and finance; an attachment, no-store)",
            Access::RolesOrStatusToken(NOTICE_READERS),
        )
    },
    Operation {
        request: Some(schema::<DocumentReviewInput>),
        response: Some(schema::<DocumentView>),
        ..op(
            "post",
            "/api/v1/claims/{id}/documents/{doc_id}/review",
            "reviewClaimDocument",
            "Accept or reject a document, with the reason",
            Access::Roles(FINANCE),
        )
    },
    Operation {
        query: Some(schema::<TimelineQuery>),
        response: Some(schema::<Vec<TimelineEntry>>),
        ..op(
            "get",
            "/api/v1/claims/{id}/timeline",
            "getClaimTimeline",
            "What happened to the claim, oldest first, in words for its claimant (Korean by default; `lang` or Accept-Language)",
            Access::RolesOrStatusToken(ANY),
        )
    },
    Operation {
        request: Some(schema::<AppealInput>),
        response: Some(schema::<ClaimView>),
        errors: &[("409", "Not rejected, appealed once already, or the appeal days have passed")],
        ..op(
            "post",
            "/api/v1/claims/{id}/appeal",
            "appealClaim",
            "Appeal a rejection, within the incident's appeal days; decided by another finance user",
            Access::RolesOrStatusToken(CLAIMANTS),
        )
    },
    Operation {
        request: Some(schema::<PayoutAccountInput>),
        response: Some(schema::<ClaimView>),
        errors: &[("409", "The claim is in a batch, paid or withdrawn")],
        ..op(
            "post",
            "/api/v1/claims/{id}/payout-account",
            "changePayoutAccount",
            "Replace the payout account; after a failed payment the claim goes to a person again",
            Access::RolesOrStatusToken(CLAIMANTS),
        )
    },
    Operation {
        response: Some(schema::<Vec<NoticeView>>),
        ..op(
            "get",
            "/api/v1/claims/{id}/notices",
            "listClaimNotices",
            "The claim's notices to its claimant, each with every delivery attempt",
            Access::RolesOrStatusToken(NOTICE_READERS),
        )
    },
    Operation {
        request: Some(schema::<VerifyInput>),
        response: Some(schema::<Verdict>),
        errors: &[("429", "Too many requests from this client")],
        ..op(
            "post",
            "/api/v1/notices/verify",
            "verifyNotice",
            "Whether a notice naming this reference with this code came from this service",
            Access::Public,
        )
    },
    Operation {
        request: Some(schema::<NewBatchInput>),
        status: 201,
        response: Some(schema::<BatchView>),
        ..op(
            "post",
            "/api/v1/payout-batches",
            "createPayoutBatch",
            "Calculate every eligible claim of an incident under a policy",
            Access::Roles(FINANCE),
        )
    },
    Operation {
        query: Some(schema::<BatchQuery>),
        response: Some(schema::<Page<BatchView>>),
        ..op("get", "/api/v1/payout-batches", "listPayoutBatches", "Payout batches, optionally of one incident", Access::Roles(STAFF))
    },
    Operation {
        response: Some(schema::<BatchView>),
        ..op(
            "get",
            "/api/v1/payout-batches/{id}",
            "getPayoutBatch",
            "Status, counts, totals and factor",
            Access::Roles(STAFF),
        )
    },
    Operation {
        query: Some(schema::<PageQuery<SeqParam>>),
        response: Some(schema::<Page<LineView>>),
        ..op(
            "get",
            "/api/v1/payout-batches/{id}/lines",
            "listPayoutLines",
            "The lines, with their traces",
            Access::Roles(STAFF),
        )
    },
    Operation {
        response: Some(schema::<LineView>),
        ..op(
            "get",
            "/api/v1/payout-batches/{id}/lines/{claim_id}",
            "getPayoutLine",
            "One claim's line with its full calculation trace",
            Access::Roles(STAFF),
        )
    },
    Operation {
        response: Some(schema::<BatchView>),
        ..op(
            "post",
            "/api/v1/payout-batches/{id}/approve",
            "approvePayoutBatch",
            "Approve (a finance user other than the creator)",
            Access::Roles(FINANCE),
        )
    },
    Operation {
        response: Some(schema::<BatchView>),
        ..op(
            "post",
            "/api/v1/payout-batches/{id}/cancel",
            "cancelPayoutBatch",
            "Cancel before approval; the claims return",
            Access::Roles(FINANCE),
        )
    },
    Operation {
        query: Some(schema::<ExportQuery>),
        response: Some(schema::<CsvText>),
        produces: CSV,
        errors: &[("409", "The batch is not approved")],
        ..op(
            "get",
            "/api/v1/payout-batches/{id}/export.csv",
            "exportPayoutBatch",
            "The bank payment file (X-Line-Count, X-Total-Amount, X-Content-SHA256)",
            Access::Roles(FINANCE),
        )
    },
    Operation {
        request: Some(schema::<CsvText>),
        consumes: &[CSV],
        response: Some(schema::<SettlementSummary>),
        ..op(
            "post",
            "/api/v1/payout-batches/{id}/settlements",
            "settlePayoutBatch",
            "Import the bank's result CSV (claim_id,status,bank_reference,failure_reason)",
            Access::Roles(FINANCE),
        )
    },
    Operation {
        query: Some(schema::<AuditQuery>),
        response: Some(schema::<Page<AuditEventView>>),
        ..op(
            "get",
            "/api/v1/audit-events",
            "listAuditEvents",
            "The audit chain, oldest first",
            Access::Roles(STAFF),
        )
    },
    Operation {
        query: Some(schema::<UploadQuery>),
        request: Some(schema::<Vec<BulkRow>>),
        consumes: &[CSV, JSON],
        status: 201,
        response: Some(schema::<BulkUploadView>),
        headers: &[("Idempotency-Key", true)],
        body_note: Some(
            "Rows are checked one by one: a row that does not match the bulk-row schema is not \
             refused but reported in errors.csv, and the valid rows become claims.",
        ),
        ..op(
            "post",
            "/api/v1/bulk-uploads",
            "createBulkUpload",
            "Upload claims in bulk: CSV (UTF-8 or CP949, header row of bulk-row columns) or a JSON array",
            Access::Roles(&[Role::Partner]),
        )
    },
    Operation {
        response: Some(schema::<BulkUploadView>),
        ..op(
            "get",
            "/api/v1/bulk-uploads/{id}",
            "getBulkUpload",
            "Summary of an upload",
            Access::Roles(BULK_READERS),
        )
    },
    Operation {
        response: Some(schema::<CsvText>),
        produces: CSV,
        ..op(
            "get",
            "/api/v1/bulk-uploads/{id}/errors.csv",
            "getBulkUploadErrors",
            "Rejected and duplicate rows: row,field,code,message",
            Access::Roles(BULK_READERS),
        )
    },
];

#[cfg(test)]
mod tests {
    use super::OPERATIONS;

    #[test]
    fn every_operation_has_its_own_id_and_its_own_method_and_path() {
        for (i, a) in OPERATIONS.iter().enumerate() {
            for b in &OPERATIONS[i + 1..] {
                assert_ne!(a.id, b.id);
                assert!(
                    (a.method, a.path) != (b.method, b.path),
                    "{} {} is declared twice",
                    a.method,
                    a.path
                );
            }
        }
    }
}
