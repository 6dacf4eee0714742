//! The `pve-mcp` binary: reads the configuration, assembles what it serves ([`pve_mcp::serve`]) and
//! serves MCP on stdio, or over Streamable HTTP with `--http` (`PVE_MCP_HTTP`).

use std::process::ExitCode;

use clap::Parser;

use pve_mcp::config::{Cli, Config};
use pve_mcp::logging::escape_controls;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // Logs go to stderr: stdout carries only the protocol.
    tracing_subscriber::fmt()
        .with_writer(pve_mcp::logging::EscapedStderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("pve_mcp=info")),
        )
        .init();
    if let Some(command) = cli.command.take() {
        return pve_mcp::commands::run(command);
    }
    let config = match Config::load(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pve-mcp: {}", escape_controls(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    let served = match pve_mcp::serve::assemble(&config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("pve-mcp: {e}");
            return ExitCode::from(2);
        }
    };
    match pve_mcp::serve::run(&config, served) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pve-mcp: {e}");
            ExitCode::FAILURE
        }
    }
}
