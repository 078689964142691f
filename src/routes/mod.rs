//! HTTP routes: thin handlers that extract, call one use case and answer. Who may call them is
//! not theirs to say: [`operations`] declares it, and [`configure`] registers every operation
//! with its handler behind that operation's access guard.

pub mod audit;
pub mod bulk;
pub mod claims;
pub mod documents;
pub mod health;
pub mod incidents;
pub mod metrics;
pub mod notices;
pub mod openapi;
pub mod operations;
pub mod payouts;
pub mod policies;
mod router;
pub mod windows;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use router::Router;

/// Registers every route of the service: the pages, then each operation of the registry.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(crate::web::configure);
    Router::default()
        .to("healthz", health::healthz)
        .to("readyz", health::readyz)
        .to("metrics", metrics::metrics)
        .to("openapi", openapi::document)
        .to("listIncidents", incidents::list)
        .to("createIncident", incidents::create)
        .to("getIncident", incidents::get)
        .to("getIncidentSummary", incidents::summary)
        .to("getIncidentRequirements", incidents::requirements)
        .to("listWindows", windows::list)
        .to("createWindow", windows::create)
        .to("listPolicies", policies::list)
        .to("createPolicy", policies::create)
        .to("getPolicy", policies::get)
        .to("listClaims", claims::list)
        .to("fileClaim", claims::create)
        // Before `/claims/{id}`, which would otherwise take the path and answer 405.
        .to("requestStatusLink", notices::status_link)
        .to("getClaim", claims::get)
        .to("withdrawClaim", claims::withdraw)
        .to("amendClaim", claims::amend)
        .to("reviewClaim", claims::review)
        .to("sendClaimDocuments", documents::send)
        .to("listClaimDocuments", documents::list)
        .to("getClaimDocument", documents::download)
        .to("reviewClaimDocument", documents::review)
        .to("getClaimTimeline", claims::timeline)
        .to("appealClaim", claims::appeal)
        .to("changePayoutAccount", claims::payout_account)
        .to("listClaimNotices", notices::of_claim)
        .to("verifyNotice", notices::verify)
        .to("createPayoutBatch", payouts::create)
        .to("listPayoutBatches", payouts::list)
        .to("getPayoutBatch", payouts::get)
        .to("listPayoutLines", payouts::lines)
        .to("getPayoutLine", payouts::line)
        .to("approvePayoutBatch", payouts::approve)
        .to("cancelPayoutBatch", payouts::cancel)
        // The export records an audit event, so HEAD has its own handler, which records none.
        .head("exportPayoutBatch", payouts::export_head)
        .to("exportPayoutBatch", payouts::export)
        .to("settlePayoutBatch", payouts::settlements)
        .to("listAuditEvents", audit::list)
        .to("createBulkUpload", bulk::create)
        .to("getBulkUpload", bulk::get)
        .to("getBulkUploadErrors", bulk::errors)
        .register(cfg);
}

/// `201 Created` with the new resource and its location.
pub fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header(("Location", location)).json(body)
}
