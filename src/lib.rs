//! pve-mcp: an MCP server for the Proxmox VE API.
//!
//! A request's journey, one module per step: [`config`] → [`pve_client`] → [`registry`]
//! (generated tools, with [`arguments`] and [`request`]) → [`policy`] → [`call`] (with the
//! overlays [`allowlist`], [`gate`], [`task`], [`audit`]) → [`server`] (the MCP protocol face).

pub mod allowlist;
pub mod arguments;
pub mod audit;
pub mod call;
pub mod callers;
pub mod catalog;
pub mod config;
pub mod discovery;
pub mod gate;
pub mod generated;
pub mod http;
pub mod policy;
pub mod pve_client;
pub mod registry;
pub mod request;
pub mod result;
pub mod server;
pub mod task;
pub mod tls;
pub mod version;
