//! The server's `pve::request`, as generated code refers to it.

#[path = "../../../src/pve/request.rs"]
pub mod request;
