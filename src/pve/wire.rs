//! The seam at the wire: what the stages above need of a PVE connection (send a request, say who
//! is logged in), as a trait the HTTP client implements, so the whole call path can run against a
//! stub in tests.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::BoxFuture;
use crate::pve::client::{PveClient, PveError};
use crate::pve::product::Product;
use crate::pve::request::PveRequest;

/// A connection to one PVE cluster.
pub trait Wire: Send + Sync + fmt::Debug {
    /// Sends a request and returns PVE's `data`.
    fn send<'a>(&'a self, request: &'a PveRequest) -> BoxFuture<'a, Result<Value, PveError>>;
    /// Who pve-mcp logs in as: the API token id or the user.
    fn identity(&self) -> &str;
    /// Whether the login is an API token (else a user with a ticket).
    fn uses_token(&self) -> bool;
    /// What release the cluster runs, as far as known.
    fn release(&self) -> &crate::pve::release::ReleaseState;
    /// The product at the other end: which tool table its calls run from.
    fn product(&self) -> Product {
        Product::Pve
    }
}

/// A shared connection, as a cluster's backend holds it.
pub type Pve = Arc<dyn Wire>;

impl Wire for PveClient {
    fn send<'a>(&'a self, request: &'a PveRequest) -> BoxFuture<'a, Result<Value, PveError>> {
        Box::pin(PveClient::send(self, request))
    }

    fn identity(&self) -> &str {
        PveClient::identity(self)
    }

    fn uses_token(&self) -> bool {
        PveClient::uses_token(self)
    }

    fn release(&self) -> &crate::pve::release::ReleaseState {
        PveClient::release(self)
    }

    fn product(&self) -> Product {
        PveClient::product(self)
    }
}
