//! Stage 1, talking to Proxmox VE (and the other products, [`product`]). Owns the wire form of a
//! request ([`request`]), the HTTP client
//! with its authentication, TLS and retry rules ([`client`], [`tls`]), the release each cluster runs
//! ([`release`]), waiting on PVE tasks ([`task`]) and the seam the stages above send through
//! ([`wire`]): a trait the client implements, so tests can stand a stub in for PVE.
//!
//! Knows nothing of tools, policy or MCP: it sends what it is given and reports what PVE said.

pub mod client;
pub mod connection;
pub mod error;
pub mod product;
pub mod release;
pub mod request;
pub mod task;
pub mod tls;
pub mod wire;
