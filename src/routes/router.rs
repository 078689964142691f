//! Registers the operations of the registry: each by its id, with its handler, behind the
//! guard of its declared access. Every path becomes one [`Endpoint`], so a wrong method answers
//! 405 with `Allow` rather than 404.

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{web, FromRequest, Handler, Responder};

use super::operations::{Operation, OPERATIONS};
use crate::http::auth::{guard, Access};
use crate::http::endpoint::{endpoint, Endpoint};

#[derive(Default)]
pub(super) struct Router {
    /// By path, in the order of first registration.
    endpoints: Vec<(&'static str, Option<Endpoint>)>,
    registered: Vec<&'static str>,
}

impl Router {
    /// The operation `id` answered by `handler`; a GET also answers HEAD (see [`Endpoint`]).
    pub fn to<F, Args>(mut self, id: &'static str, handler: F) -> Router
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let op = operation(id);
        self.registered.push(id);
        match op.method {
            "get" => self.add(op, Method::GET, "GET", handler.clone()).add(op, Method::HEAD, "HEAD", handler),
            "post" => self.add(op, Method::POST, "POST", handler),
            other => panic!("operation {id}: the router has no method {other}"),
        }
    }

    /// A HEAD handler of its own for the GET operation `id`, whose handler has side effects;
    /// call it before [`Router::to`]: the first route wins.
    pub fn head<F, Args>(self, id: &'static str, handler: F) -> Router
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let op = operation(id);
        assert_eq!(op.method, "get", "operation {id}: HEAD goes with a GET");
        self.add(op, Method::HEAD, "HEAD", handler)
    }

    fn add<F, Args>(
        mut self,
        op: &'static Operation,
        method: Method,
        name: &'static str,
        handler: F,
    ) -> Router
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let access: Access = op.access;
        let route = web::route().to(handler).wrap(from_fn(move |req, next| guard(access, req, next)));
        let index = self.endpoints.iter().position(|(path, _)| *path == op.path).unwrap_or_else(|| {
            self.endpoints.push((op.path, None));
            self.endpoints.len() - 1
        });
        let slot = &mut self.endpoints[index].1;
        let endpoint = slot.take().unwrap_or_else(|| endpoint(op.path));
        *slot = Some(endpoint.route(method, name, route));
        self
    }

    /// Registers every endpoint. Start-up fails when an operation of the registry has no
    /// handler: the document would promise a route that does not exist.
    pub fn register(self, cfg: &mut web::ServiceConfig) {
        let missing: Vec<_> =
            OPERATIONS.iter().map(|op| op.id).filter(|id| !self.registered.contains(id)).collect();
        assert!(missing.is_empty(), "operations without a handler: {missing:?}");
        for endpoint in self.endpoints.into_iter().filter_map(|(_, endpoint)| endpoint) {
            cfg.service(endpoint);
        }
    }
}

fn operation(id: &str) -> &'static Operation {
    Operation::by_id(id).unwrap_or_else(|| panic!("no operation {id} in the registry"))
}
