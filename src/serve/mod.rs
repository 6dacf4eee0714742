//! Stage 7, start-up: a checked configuration assembled into what is served ([`assemble()`]: PVE
//! clients, the audit log, each caller's server and HTTP route), then served on stdio or over
//! Streamable HTTP until the client leaves or the process is stopped ([`run()`]).

mod assemble;

use rmcp::ServiceExt;

pub use self::assemble::{HttpServed, Served, StartError, assemble};
use crate::config::Config;

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("failed to start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("PVE_MCP_HTTP (--http): cannot listen on {bind}: {source}")]
    Listen { bind: std::net::SocketAddr, source: std::io::Error },
    #[error("MCP session did not start: {0}")]
    SessionStart(String),
    #[error("MCP session ended with an error: {0}")]
    Session(String),
}

/// Serves what `config` assembled to, until the stdio client leaves or the HTTP endpoint is
/// stopped. stdio serves one client: one thread is plenty (and keeps memory small: one malloc
/// arena); the HTTP endpoint serves many callers on two worker threads.
pub fn run(config: &Config, served: Served) -> Result<(), RunError> {
    let built = match served {
        Served::Http(_) => tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build(),
        Served::Stdio(_) => tokio::runtime::Builder::new_current_thread().enable_all().build(),
    };
    let runtime = built.map_err(RunError::Runtime)?;
    let tier = config.access_tier.as_str();
    match served {
        Served::Http(h) => {
            let h = *h;
            tracing::info!(pve = %config.pve.base_url, tier, "pve-mcp starting the HTTP endpoint");
            let shutdown = tokio_util::sync::CancellationToken::new();
            runtime
                .block_on(crate::mcp::http::serve(&h.config, h.access, h.oauth, h.routes, shutdown))
                .map_err(|source| RunError::Listen { bind: h.config.bind, source })
        }
        Served::Stdio(server) => {
            tracing::info!(pve = %config.pve.base_url, tier, tools = server.listed(), "pve-mcp serving MCP on stdio");
            runtime.block_on(async move {
                let running = server
                    .serve(crate::mcp::stdio::Stdio::new())
                    .await
                    .map_err(|e| RunError::SessionStart(e.to_string()))?;
                running.waiting().await.map(|_| ()).map_err(|e| RunError::Session(e.to_string()))
            })
        }
    }
}
