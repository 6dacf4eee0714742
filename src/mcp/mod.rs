//! Stage 6, the MCP face (rmcp). Owns what a session lists ([`catalog`]), the protocol handler and
//! its sessions ([`server`]), how results are shaped for the model ([`result`]) and the Streamable
//! HTTP transport ([`http`]; stdio is rmcp's own, started by [`crate::serve`]).
//!
//! Every Proxmox VE tool call it receives goes through [`crate::call`]; nothing here sends to PVE
//! on its own except the follow-up reads of MCP tasks and the release check.

pub(crate) mod apps;
pub mod catalog;
mod completion;
mod discovery_tools;
mod hooks;
pub mod http;
pub mod identity;
pub mod oauth;
mod prompts;
mod resources;
pub mod result;
pub mod server;
mod slot;
pub mod state;
pub mod stdio;
mod tasks;
mod tokens;
mod whoami;
