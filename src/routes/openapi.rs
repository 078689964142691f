//! `GET /api/v1/openapi.json`, generated from the code.

use actix_web::HttpResponse;

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(crate::schemas::openapi())
}
