//! Resources that know their own methods, so a request with another method gets
//! `405 Method Not Allowed` with the `Allow` header RFC 9110 requires, as problem+json.
//!
//! `endpoint("/claims").get(list).post(create)` is `web::resource` with routes, plus a default
//! service built from the methods just registered: the list of allowed methods can never
//! disagree with the routes.
//!
//! HEAD works wherever GET does (RFC 9110 9.3.2): `get` also routes HEAD to its handler (the
//! server sends the headers and drops the body). A GET with side effects registers its own
//! side-effect-free HEAD handler with [`Endpoint::head`] *before* `get`: the first route wins.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, FromRequest, Handler, HttpRequest, HttpResponse, Resource, Responder, Route};

use super::error::Problem;

/// Starts a resource at `path`; add its methods with [`Endpoint::get`] and [`Endpoint::post`].
pub fn endpoint(path: &str) -> Endpoint {
    Endpoint { resource: web::resource(path), allow: Vec::new() }
}

pub struct Endpoint {
    resource: Resource,
    allow: Vec<&'static str>,
}

impl Endpoint {
    pub fn get<F, Args>(self, handler: F) -> Endpoint
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::GET, "GET", handler.clone()).method(Method::HEAD, "HEAD", handler)
    }

    /// A HEAD handler of its own, for a GET whose handler has side effects; call before `get`.
    pub fn head<F, Args>(self, handler: F) -> Endpoint
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::HEAD, "HEAD", handler)
    }

    pub fn post<F, Args>(self, handler: F) -> Endpoint
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.method(Method::POST, "POST", handler)
    }

    fn method<F, Args>(self, method: Method, name: &'static str, handler: F) -> Endpoint
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(method.clone(), name, web::method(method).to(handler))
    }

    /// Adds a route built elsewhere (an operation of the registry, behind its access guard)
    /// for `method`, named `name` in `Allow`.
    pub fn route(mut self, method: Method, name: &'static str, route: Route) -> Endpoint {
        self.resource = self.resource.route(route.method(method));
        self.allow.push(name);
        self
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let mut allow = self.allow;
        allow.sort_unstable();
        allow.dedup();
        let allow = allow.join(", ");
        let not_allowed = move |req: HttpRequest| {
            let allow = allow.clone();
            async move { method_not_allowed(req.method(), &allow) }
        };
        self.resource.default_service(web::to(not_allowed)).register(config);
    }
}

fn method_not_allowed(method: &Method, allow: &str) -> HttpResponse {
    let detail = format!("{method} is not allowed here; allowed: {allow}");
    let mut response = Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed", detail).response();
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}
