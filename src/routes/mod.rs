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

/// Registers every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Every path is a resource, so a wrong method answers 405 rather than 404.
    cfg.configure(crate::web::configure);
    cfg.service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics::metrics)))
        .service(
            web::scope("/api/v1")
                .service(web::resource("/openapi.json").route(web::get().to(openapi::document)))
                .service(
                    web::resource("/incidents")
                        .route(web::get().to(incidents::list))
                        .route(web::post().to(incidents::create)),
                )
                .service(web::resource("/incidents/{id}").route(web::get().to(incidents::get)))
                .service(web::resource("/incidents/{id}/summary").route(web::get().to(incidents::summary)))
                .service(
                    web::resource("/incidents/{id}/windows")
                        .route(web::get().to(windows::list))
                        .route(web::post().to(windows::create)),
                )
                .service(
                    web::resource("/incidents/{id}/policies")
                        .route(web::get().to(policies::list))
                        .route(web::post().to(policies::create)),
                )
                .service(web::resource("/policies/{id}").route(web::get().to(policies::get)))
                .service(
                    web::resource("/claims")
                        .route(web::get().to(claims::list))
                        .route(web::post().to(claims::create)),
                )
                .service(web::resource("/claims/{id}").route(web::get().to(claims::get)))
                .service(web::resource("/claims/{id}/withdraw").route(web::post().to(claims::withdraw)))
                .service(web::resource("/claims/{id}/review").route(web::post().to(claims::review)))
                .service(web::resource("/claims/{id}/documents").route(web::post().to(claims::documents)))
                .service(
                    web::resource("/payout-batches")
                        .route(web::get().to(payouts::list))
                        .route(web::post().to(payouts::create)),
                )
                .service(web::resource("/payout-batches/{id}").route(web::get().to(payouts::get)))
                .service(web::resource("/payout-batches/{id}/lines").route(web::get().to(payouts::lines)))
                .service(
                    web::resource("/payout-batches/{id}/lines/{claim_id}")
                        .route(web::get().to(payouts::line)),
                )
                .service(
                    web::resource("/payout-batches/{id}/approve").route(web::post().to(payouts::approve)),
                )
                .service(web::resource("/payout-batches/{id}/cancel").route(web::post().to(payouts::cancel)))
                .service(
                    web::resource("/payout-batches/{id}/export.csv").route(web::get().to(payouts::export)),
                )
                .service(
                    web::resource("/payout-batches/{id}/settlements")
                        .route(web::post().to(payouts::settlements)),
                )
                .service(web::resource("/audit-events").route(web::get().to(audit::list)))
                .service(web::resource("/bulk-uploads").route(web::post().to(bulk::create)))
                .service(web::resource("/bulk-uploads/{id}").route(web::get().to(bulk::get)))
                .service(web::resource("/bulk-uploads/{id}/errors.csv").route(web::get().to(bulk::errors))),
        );
}

/// `201 Created` with the new resource and its location.
pub fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header(("Location", location)).json(body)
}
