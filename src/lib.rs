//! pve-mcp: an MCP server for the Proxmox VE API.
//!
//! The folders follow a tool call's journey, and each depends only on the ones before it:
//!
//! 1. [`pve`]: talking to Proxmox VE: the wire form of a request, the HTTP client (TLS pinning,
//!    tickets, retries of reads) behind the [`pve::wire::Wire`] seam, the release each cluster
//!    runs (pinned, or learned from `/version`), and waiting on PVE tasks.
//! 2. [`tools`]: the generated tool table, reading and checking a tool's arguments into its typed
//!    request, discovery search over the table, and the server's own tools' typed arguments (their
//!    schemas derived with schemars, [`tools::params`]).
//! 3. [`policy`]: what a caller may do: tier and categories, node and guest allowlists, the
//!    confirmation gates of destructive tools.
//! 4. [`config`]: settings from flags, environment, the configuration file and the HTTP callers'
//!    token file (and OAuth's `[[oauth.map]]`, the replicas' state key), checked once at start-up
//!    into the values the stages above take.
//! 5. [`call`]: the one path every tool call takes. [`call::prepare`] is its one entrance (the
//!    cluster from [`call::cluster`], the tool looked up once, what the cluster's release lacks
//!    refused, the caller's access checked once); [`call::Prepared::run`] runs the steps in order (arguments, allowlists,
//!    gate, the [`call::writes`] overlay, send, task wait) and writes the [`call::audit`] line once
//!    from the typed [`call::Outcome`]; [`call::consent`] is what a person is shown before a gated
//!    call. [`run`] is code mode: a JavaScript program whose every call takes that same path.
//! 6. [`mcp`]: the protocol face (rmcp): tool listings, sessions, confirmation by elicitation or
//!    input-required, MCP tasks, result shaping, the stdio and Streamable HTTP transports, OAuth
//!    access tokens checked on the HTTP face, and the sealed state handed to clients for any replica.
//! 7. [`serve`]: start-up: a checked configuration assembled into PVE clients, the audit log and
//!    each caller's server (and HTTP route), with settings passed as values, never process-wide;
//!    then served on stdio or HTTP. `main.rs` only reads the configuration and runs it.

use std::future::Future;
use std::pin::Pin;

pub mod call;
pub mod commands;
pub mod config;
pub mod logging;
pub mod mcp;
pub mod policy;
pub mod pve;
pub mod run;
pub mod serve;
pub mod tools;

/// A boxed, sendable future: what the object-safe callback traits (progress, confirmation) return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
