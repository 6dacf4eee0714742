//! The `pve-mcp` binary: reads the configuration, builds the PVE client and serves MCP on stdio,
//! or over Streamable HTTP with `--http` (`PVE_MCP_HTTP`).

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use rmcp::ServiceExt;

use pve_mcp::audit::AuditLog;
use pve_mcp::call::Backend;
use pve_mcp::cluster::Clusters;
use pve_mcp::config::callers::Callers;
use pve_mcp::config::{Cli, Config};
use pve_mcp::mcp::http::{Access, Route};
use pve_mcp::mcp::server::{PveServer, ServerOptions};
use pve_mcp::policy::Policy;
use pve_mcp::pve::client::PveClient;

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
            eprintln!("pve-mcp: {}", pve_mcp::logging::escape_controls(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    // One client (connection pool, ticket, release check) per cluster, shared by every caller.
    let mut clients = Vec::new();
    let connections: Vec<_> = if config.clusters.is_empty() {
        vec![(None, &config.pve)]
    } else {
        config.clusters.iter().map(|c| (Some(c.name.as_str()), &c.connection)).collect()
    };
    for (name, connection) in connections {
        match PveClient::new(connection) {
            Ok(c) => clients.push(c),
            Err(e) => {
                let on = name.map(|n| format!("cluster `{n}`: ")).unwrap_or_default();
                eprintln!("pve-mcp: {on}{e}");
                return ExitCode::from(2);
            }
        }
        if let Some(name) = name {
            tracing::info!(cluster = name, pve = %connection.base_url, "cluster configured");
        }
    }
    // stdio serves one client: one thread is plenty (and keeps memory small: one malloc arena);
    // the HTTP endpoint serves many callers on two worker threads.
    let built = if config.http.is_some() {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()
    } else {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    };
    let runtime = match built {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pve-mcp: failed to start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // One audit log, shared by every caller.
    let audit = match &config.audit_log {
        None => None,
        Some(path) => {
            let key_file =
                config.consent.audit_key_file.clone().unwrap_or_else(|| pve_mcp::audit::default_key_file(path));
            let key = match pve_mcp::audit::load_or_create_key(&key_file) {
                Ok(k) => k,
                Err(e) => {
                    eprintln!(
                        "pve-mcp: PVE_AUDIT_KEY_FILE (--audit-key-file): cannot read or create `{}`: {e}",
                        key_file.display()
                    );
                    return ExitCode::from(2);
                }
            };
            match AuditLog::open(path, key) {
                Ok(log) => Some(Arc::new(log)),
                Err(e) => {
                    eprintln!(
                        "pve-mcp: PVE_AUDIT_LOG (--audit-log): cannot open `{}` for appending: {e}",
                        path.display()
                    );
                    return ExitCode::from(2);
                }
            }
        }
    };
    let options = ServerOptions::from_config(&config);
    // A caller's server: its access within each cluster's, on the clusters it may call.
    let server_for = |policy: Policy,
                      allowlist: pve_mcp::policy::allowlist::Allowlist,
                      caller: Option<String>,
                      only: Option<&std::collections::BTreeSet<String>>| {
        let backend = |policy, client: &PveClient, allowlist, cluster| Backend {
            policy,
            client: client.clone(),
            allowlist,
            audit: audit.clone(),
            task_timeout: config.task_timeout,
            caller: caller.clone(),
            cluster,
            consent: config.consent.clone(),
        };
        if config.clusters.is_empty() {
            return PveServer::new(backend(policy, &clients[0], allowlist, None), options.clone());
        }
        let list = config
            .clusters
            .iter()
            .zip(&clients)
            .filter(|(c, _)| only.is_none_or(|o| o.contains(&c.name)))
            .map(|(c, client)| {
                backend(c.policy.within(&policy), client, c.allowlist.intersect(&allowlist), Some(c.name.clone()))
            })
            .collect();
        PveServer::with_clusters(Clusters::new(list).expect("a caller has at least one cluster"), options.clone())
    };
    match &config.state_key {
        Some(_) => {}
        None if config.http.is_some() => tracing::info!(
            "PVE_MCP_STATE_KEY is not set: confirmation states and task ids are good on this process only (set it, the same on every replica, to run several behind a load balancer)"
        ),
        None => {}
    }
    if let Some(http) = &config.http {
        let (access, mut routes) = match &http.tokens {
            None if config.oauth.is_some() => (Access::Tokens(Callers { list: Vec::new() }), Vec::new()),
            None => {
                let server = server_for(config.policy(), config.allowlist.clone(), None, None);
                (Access::Open, vec![Route { name: None, server, max_concurrent: http.max_concurrent }])
            }
            Some(path) => {
                let callers = match Callers::load(path, &config, http.max_concurrent) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("pve-mcp: PVE_MCP_HTTP_TOKENS (--http-tokens): {e}");
                        return ExitCode::from(2);
                    }
                };
                let mut routes = Vec::new();
                for caller in &callers.list {
                    let server = server_for(
                        caller.policy.clone(),
                        caller.allowlist.clone(),
                        Some(caller.name.clone()),
                        caller.clusters.as_ref(),
                    );
                    tracing::info!(caller = %caller.name, tier = caller.policy.tier.as_str(), tools = server.listed(), "HTTP caller");
                    routes.push(Route {
                        name: Some(caller.name.clone()),
                        server,
                        max_concurrent: caller.max_concurrent,
                    });
                }
                (Access::Tokens(callers), routes)
            }
        };
        // OAuth: one route per [[oauth.map]] entry, after the token file's.
        let oauth = match &config.oauth {
            None => None,
            Some(o) => {
                if o.map.is_empty() {
                    eprintln!(
                        "pve-mcp: PVE_MCP_OAUTH_ISSUER (--oauth-issuer): the configuration file (PVE_MCP_CONFIG) has no [[oauth.map]] entry, so no token would get any access; map scopes or claims to access there (docs/REMOTE.md)"
                    );
                    return ExitCode::from(2);
                }
                let gate = match pve_mcp::mcp::http::OAuthGate::new(o, routes.len()) {
                    Ok(g) => g,
                    Err(e) => {
                        eprintln!("pve-mcp: PVE_MCP_OAUTH_ISSUER (--oauth-issuer): {e}");
                        return ExitCode::from(2);
                    }
                };
                for entry in &o.map {
                    let label = entry.label();
                    let grant = pve_mcp::config::callers::Grant {
                        tier: entry.tier.as_deref(),
                        categories: entry.categories.as_ref(),
                        node_allowlist: entry.node_allowlist.as_ref(),
                        vmid_allowlist: entry.vmid_allowlist.as_ref(),
                        max_concurrent: entry.max_concurrent,
                        clusters: entry.clusters.as_ref(),
                    };
                    let caller = match pve_mcp::config::callers::grant(&label, grant, &config, http.max_concurrent) {
                        Ok(c) => c,
                        Err(e) => {
                            eprintln!("pve-mcp: PVE_MCP_CONFIG (--config): [[oauth.map]] `{label}`: {e}");
                            return ExitCode::from(2);
                        }
                    };
                    let server = server_for(
                        caller.policy.clone(),
                        caller.allowlist.clone(),
                        Some(label.clone()),
                        caller.clusters.as_ref(),
                    );
                    tracing::info!(oauth_map = %label, tier = caller.policy.tier.as_str(), tools = server.listed(), "OAuth access");
                    routes.push(Route { name: Some(label), server, max_concurrent: caller.max_concurrent });
                }
                tracing::info!(issuer = %o.issuer, audience = %o.audience, "HTTP callers may present OAuth access tokens");
                Some(gate)
            }
        };
        tracing::info!(pve = %config.pve.base_url, tier = config.access_tier.as_str(), "pve-mcp starting the HTTP endpoint");
        let shutdown = tokio_util::sync::CancellationToken::new();
        return runtime.block_on(async move {
            match pve_mcp::mcp::http::serve(http, access, oauth, routes, shutdown).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("pve-mcp: PVE_MCP_HTTP (--http): cannot listen on {}: {e}", http.bind);
                    ExitCode::FAILURE
                }
            }
        });
    }
    let server = server_for(config.policy(), config.allowlist.clone(), None, None).with_serialized_listing();
    tracing::info!(
        pve = %config.pve.base_url,
        tier = config.access_tier.as_str(),
        tools = server.listed(),
        "pve-mcp serving MCP on stdio"
    );
    runtime.block_on(async move {
        let running = match server.serve(pve_mcp::mcp::stdio::Stdio::new()).await {
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
