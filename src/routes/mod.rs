//! HTTP routes: thin handlers that extract, authorize, call one use case and answer.

pub mod audit;
pub mod bulk;
pub mod claims;
pub mod health;
pub mod incidents;
pub mod metrics;
pub mod openapi;
pub mod payouts;
pub mod policies;
pub mod windows;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::http::endpoint::endpoint;

/// Registers every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Every path is an endpoint, so a wrong method answers 405 with `Allow` rather than 404.
    cfg.configure(crate::web::configure);
    cfg.service(endpoint("/healthz").get(health::healthz))
        .service(endpoint("/readyz").get(health::readyz))
        .service(endpoint("/metrics").get(metrics::metrics))
        .service(
            web::scope("/api/v1")
                .service(endpoint("/openapi.json").get(openapi::document))
                .service(endpoint("/incidents").get(incidents::list).post(incidents::create))
                .service(endpoint("/incidents/{id}").get(incidents::get))
                .service(endpoint("/incidents/{id}/summary").get(incidents::summary))
                .service(endpoint("/incidents/{id}/windows").get(windows::list).post(windows::create))
                .service(endpoint("/incidents/{id}/policies").get(policies::list).post(policies::create))
                .service(endpoint("/policies/{id}").get(policies::get))
                .service(endpoint("/claims").get(claims::list).post(claims::create))
                .service(endpoint("/claims/{id}").get(claims::get))
                .service(endpoint("/claims/{id}/withdraw").post(claims::withdraw))
                .service(endpoint("/claims/{id}/amend").post(claims::amend))
                .service(endpoint("/claims/{id}/review").post(claims::review))
                .service(endpoint("/claims/{id}/documents").post(claims::documents))
                .service(endpoint("/payout-batches").get(payouts::list).post(payouts::create))
                .service(endpoint("/payout-batches/{id}").get(payouts::get))
                .service(endpoint("/payout-batches/{id}/lines").get(payouts::lines))
                .service(endpoint("/payout-batches/{id}/lines/{claim_id}").get(payouts::line))
                .service(endpoint("/payout-batches/{id}/approve").post(payouts::approve))
                .service(endpoint("/payout-batches/{id}/cancel").post(payouts::cancel))
                .service(
                    endpoint("/payout-batches/{id}/export.csv")
                        .head(payouts::export_head)
                        .get(payouts::export),
                )
                .service(endpoint("/payout-batches/{id}/settlements").post(payouts::settlements))
                .service(endpoint("/audit-events").get(audit::list))
                .service(endpoint("/bulk-uploads").post(bulk::create))
                .service(endpoint("/bulk-uploads/{id}").get(bulk::get))
                .service(endpoint("/bulk-uploads/{id}/errors.csv").get(bulk::errors)),
        );
}

/// `201 Created` with the new resource and its location.
pub fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header(("Location", location)).json(body)
}
