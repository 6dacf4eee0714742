//! The `pve-mcp` binary: reads the configuration, builds the PVE client and serves MCP on stdio.

use std::process::ExitCode;

use clap::Parser;
use rmcp::ServiceExt;

use pve_mcp::audit::AuditLog;
use pve_mcp::call::Services;
use pve_mcp::config::{Cli, Config};
use pve_mcp::policy::Policy;
use pve_mcp::pve_client::PveClient;
use pve_mcp::server::PveServer;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr: stdout carries only the protocol.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("pve_mcp=info")),
        )
        .init();
    let config = match Config::from_cli(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pve-mcp: {e}");
            return ExitCode::from(2);
        }
    };
    let client = match PveClient::new(&config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pve-mcp: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pve-mcp: failed to start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let audit = match &config.audit_log {
        None => None,
        Some(path) => match AuditLog::open(path) {
            Ok(log) => Some(log),
            Err(e) => {
                eprintln!("pve-mcp: PVE_AUDIT_LOG (--audit-log): cannot open `{}` for appending: {e}", path.display());
                return ExitCode::from(2);
            }
        },
    };
    let services = Services {
        policy: Policy::from_config(&config),
        client,
        allowlist: config.allowlist.clone(),
        audit,
        task_timeout: config.task_timeout,
        caller: None,
    };
    let server = PveServer::new(services);
    tracing::info!(
        pve = %config.base_url,
        tier = config.access_tier.as_str(),
        tools = server.tools().len(),
        "pve-mcp serving MCP on stdio"
    );
    runtime.block_on(async move {
        let running = match server.serve(rmcp::transport::stdio()).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("pve-mcp: MCP session did not start: {e}");
                return ExitCode::FAILURE;
            }
        };
        match running.waiting().await {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("pve-mcp: MCP session ended with an error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
