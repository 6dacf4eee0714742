//! A caller's slot for one request in flight over HTTP: made by [`super::http`] when it admits a
//! request, held by [`super::server`] while the call runs. Its own module so neither of the two
//! imports the other for it.

use std::sync::Arc;

use tokio::sync::OwnedSemaphorePermit;

/// A caller's slot for one request in flight, put in the request's extensions: the call's handler
/// holds a clone while it runs, the answer's body another, and the slot is free once both are gone.
#[derive(Clone)]
pub struct CallSlot(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

impl CallSlot {
    /// The slot that holds this permit.
    pub fn new(permit: OwnedSemaphorePermit) -> CallSlot {
        CallSlot(Arc::new(permit))
    }
}
