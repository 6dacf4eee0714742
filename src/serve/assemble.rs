//! Start-up assembly: a checked [`Config`] turned into what is served. One PVE client per cluster
//! (connection pool, ticket, release check), shared by every caller; one audit log; and the server
//! of each caller, its access within each cluster's: the environment's one caller on stdio, or
//! over HTTP one route per token-file entry and then one per `[[oauth.map]]` entry. Nothing is sent
//! to PVE here: a client connects on its first call.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::call::Backend;
use crate::call::audit::{self, AuditLog};
use crate::call::cluster::Clusters;
use crate::config::callers::{self, Callers, Grant};
use crate::config::oauth::OAuthConfig;
use crate::config::{Config, HttpConfig};
use crate::mcp::http::{Access, OAuthGate, Route};
use crate::mcp::server::{PveServer, ServerOptions};
use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::pve::client::{ClientError, PveClient};

/// What a configuration serves.
pub enum Served {
    /// One server on stdio.
    Stdio(PveServer),
    /// The Streamable HTTP endpoint.
    Http(Box<HttpServed>),
}

/// The HTTP endpoint's parts: its settings, who may call, OAuth's gate, and one route per caller
/// (the token file's in order, then the `[[oauth.map]]` entries').
pub struct HttpServed {
    pub config: HttpConfig,
    pub access: Access,
    pub oauth: Option<OAuthGate>,
    pub routes: Vec<Route>,
}

/// Why start-up stopped after the configuration was read: each names the setting to look at.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A cluster's client could not be made (named with configured clusters).
    #[error("{}{source}", cluster.as_ref().map(|n| format!("cluster `{n}`: ")).unwrap_or_default())]
    Client { cluster: Option<String>, source: ClientError },
    #[error("PVE_AUDIT_KEY_FILE (--audit-key-file): cannot read or create `{}`: {source}", path.display())]
    AuditKey { path: PathBuf, source: std::io::Error },
    #[error("PVE_AUDIT_LOG (--audit-log): cannot open `{}` for appending: {source}", path.display())]
    AuditLog { path: PathBuf, source: std::io::Error },
    /// The token file could not be read or checked.
    #[error("PVE_MCP_HTTP_TOKENS (--http-tokens): {0}")]
    Tokens(String),
    #[error(
        "PVE_MCP_OAUTH_ISSUER (--oauth-issuer): the configuration file (PVE_MCP_CONFIG) has no [[oauth.map]] entry, so no token would get any access; map scopes or claims to access there (docs/REMOTE.md)"
    )]
    NoOAuthMapping,
    /// OAuth's verifier could not be set up.
    #[error("PVE_MCP_OAUTH_ISSUER (--oauth-issuer): {0}")]
    OAuth(String),
    /// An `[[oauth.map]]` entry's access is not valid.
    #[error("PVE_MCP_CONFIG (--config): [[oauth.map]] `{label}`: {message}")]
    OAuthMapping { label: String, message: String },
}

/// Turns a checked configuration into what it serves.
pub fn assemble(config: &Config) -> Result<Served, StartError> {
    let parts = Parts {
        config,
        clients: clients(config)?,
        audit: audit_log(config)?,
        options: ServerOptions::from_config(config),
    };
    let Some(http) = &config.http else {
        let server = parts.server(config.policy(), config.allowlist.clone(), None, None);
        return Ok(Served::Stdio(server.with_serialized_listing()));
    };
    if config.state_key.is_none() {
        tracing::info!(
            "PVE_MCP_STATE_KEY is not set: confirmation states and task ids are good on this process only (set it, the same on every replica, to run several behind a load balancer)"
        );
    }
    let (access, mut routes) = match &http.tokens {
        None if config.oauth.is_some() => (Access::Tokens(Callers { list: Vec::new() }), Vec::new()),
        None => {
            let server = parts.server(config.policy(), config.allowlist.clone(), None, None);
            (Access::Open, vec![Route { name: None, server, max_concurrent: http.max_concurrent }])
        }
        Some(path) => {
            let callers = Callers::load(path, config, http.max_concurrent).map_err(StartError::Tokens)?;
            let mut routes = Vec::new();
            for caller in &callers.list {
                let (policy, allowlist) = (caller.policy.clone(), caller.allowlist.clone());
                let server = parts.server(policy, allowlist, Some(caller.name.clone()), caller.clusters.as_ref());
                tracing::info!(caller = %caller.name, tier = caller.policy.tier.as_str(), tools = server.listed(), "HTTP caller");
                routes.push(Route { name: Some(caller.name.clone()), server, max_concurrent: caller.max_concurrent });
            }
            (Access::Tokens(callers), routes)
        }
    };
    let oauth = match &config.oauth {
        None => None,
        Some(o) => Some(oauth_routes(&parts, o, http.max_concurrent, &mut routes)?),
    };
    Ok(Served::Http(Box::new(HttpServed { config: http.clone(), access, oauth, routes })))
}

/// One client per cluster: the configuration file's, in order, or the environment's one.
fn clients(config: &Config) -> Result<Vec<PveClient>, StartError> {
    let connections: Vec<_> = if config.clusters.is_empty() {
        vec![(None, &config.pve)]
    } else {
        config.clusters.iter().map(|c| (Some(c.name.as_str()), &c.connection)).collect()
    };
    let mut clients = Vec::new();
    for (name, connection) in connections {
        let client = PveClient::new(connection)
            .map_err(|source| StartError::Client { cluster: name.map(str::to_owned), source })?;
        clients.push(client);
        if let Some(name) = name {
            tracing::info!(cluster = name, product = connection.product.id(), url = %connection.base_url, "cluster configured");
        }
    }
    Ok(clients)
}

/// The audit log (`PVE_AUDIT_LOG`) with its key, shared by every caller; `None` when not set.
fn audit_log(config: &Config) -> Result<Option<Arc<AuditLog>>, StartError> {
    let Some(path) = &config.audit_log else { return Ok(None) };
    let key_file = config.consent.audit_key_file.clone().unwrap_or_else(|| audit::default_key_file(path));
    let key = audit::load_or_create_key(&key_file).map_err(|source| StartError::AuditKey { path: key_file, source })?;
    let log = AuditLog::open(path, key).map_err(|source| StartError::AuditLog { path: path.clone(), source })?;
    Ok(Some(Arc::new(log)))
}

/// OAuth's gate, with one route per `[[oauth.map]]` entry appended to `routes`.
fn oauth_routes(
    parts: &Parts<'_>,
    oauth: &OAuthConfig,
    max_concurrent: usize,
    routes: &mut Vec<Route>,
) -> Result<OAuthGate, StartError> {
    if oauth.map.is_empty() {
        return Err(StartError::NoOAuthMapping);
    }
    let gate = OAuthGate::new(oauth, routes.len()).map_err(StartError::OAuth)?;
    for entry in &oauth.map {
        let label = entry.label();
        let grant = Grant {
            tier: entry.tier.as_deref(),
            categories: entry.categories.as_ref(),
            node_allowlist: entry.node_allowlist.as_ref(),
            vmid_allowlist: entry.vmid_allowlist.as_ref(),
            max_concurrent: entry.max_concurrent,
            clusters: entry.clusters.as_ref(),
            oauth: true,
        };
        let caller = callers::grant(&label, grant, parts.config, max_concurrent)
            .map_err(|message| StartError::OAuthMapping { label: label.clone(), message })?;
        let (policy, allowlist) = (caller.policy.clone(), caller.allowlist.clone());
        let server = parts.server(policy, allowlist, Some(label.clone()), caller.clusters.as_ref());
        tracing::info!(oauth_map = %label, tier = caller.policy.tier.as_str(), tools = server.listed(), "OAuth access");
        routes.push(Route { name: Some(label), server, max_concurrent: caller.max_concurrent });
    }
    tracing::info!(issuer = %oauth.issuer, audience = %oauth.audience, "HTTP callers may present OAuth access tokens");
    Ok(gate)
}

/// What every caller's server is made from.
struct Parts<'c> {
    config: &'c Config,
    /// One per cluster, in the configuration's order.
    clients: Vec<PveClient>,
    audit: Option<Arc<AuditLog>>,
    /// Shared by every server: one state key (and spent nonces) per process.
    options: ServerOptions,
}

impl Parts<'_> {
    /// A caller's server: its access within each cluster's, on the clusters it may call (`only`;
    /// `None`: all of them).
    fn server(
        &self,
        policy: Policy,
        allowlist: Allowlist,
        caller: Option<String>,
        only: Option<&BTreeSet<String>>,
    ) -> PveServer {
        let options = self.options.clone();
        if self.config.clusters.is_empty() {
            return PveServer::new(self.backend(&self.clients[0], policy, allowlist, caller, None), options);
        }
        let list = self
            .config
            .clusters
            .iter()
            .zip(&self.clients)
            .filter(|(c, _)| only.is_none_or(|o| o.contains(&c.name)))
            .map(|(c, client)| {
                let (policy, allowlist) = (c.policy.within(&policy), c.allowlist.intersect(&allowlist));
                self.backend(client, policy, allowlist, caller.clone(), Some(c.name.clone()))
            })
            .collect();
        PveServer::with_clusters(Clusters::new(list).expect("a caller has at least one cluster"), options)
    }

    /// The one place a [`Backend`] is made.
    fn backend(
        &self,
        client: &PveClient,
        policy: Policy,
        allowlist: Allowlist,
        caller: Option<String>,
        cluster: Option<String>,
    ) -> Backend {
        Backend {
            policy,
            client: std::sync::Arc::new(client.clone()),
            allowlist,
            audit: self.audit.clone(),
            task_timeout: self.config.task_timeout,
            caller,
            cluster,
            consent: self.config.consent.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use rmcp::ServerHandler;
    use serde_json::{Map, json};

    use super::*;
    use crate::config::Cli;
    use crate::mcp::state::Refused;
    use crate::tools::registry::Tier;

    const SECRET: &str = "0b7c9f3e-1d2a-4f5b-9c8d-7e6f5a4b3c2d";

    /// A fresh folder of this test's own.
    fn folder(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pve-mcp-assemble-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The configuration of this file text (written into `dir`).
    fn config(dir: &Path, text: &str) -> Config {
        let path = dir.join("pve-mcp.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(Cli { config: Some(path), ..Default::default() }).unwrap()
    }

    fn cluster(name: &str, extra: &str) -> String {
        format!(
            "[[cluster]]\nname = \"{name}\"\nbase_url = \"https://{name}.example:8006\"\ntoken_id = \"root@pam!mcp\"\ntoken_secret = \"{SECRET}\"\n{extra}\n"
        )
    }

    fn environment_only() -> String {
        format!("base_url = \"https://pve.example:8006\"\ntoken_id = \"root@pam!mcp\"\ntoken_secret = \"{SECRET}\"\n")
    }

    fn http(served: Served) -> HttpServed {
        match served {
            Served::Http(h) => *h,
            Served::Stdio(_) => panic!("expected the HTTP endpoint"),
        }
    }

    fn stdio(served: Served) -> PveServer {
        match served {
            Served::Stdio(s) => s,
            Served::Http(_) => panic!("expected stdio"),
        }
    }

    fn error_of(config: &Config) -> String {
        match assemble(config) {
            Ok(_) => panic!("expected a start-up error"),
            Err(e) => e.to_string(),
        }
    }

    fn handle_payload() -> Map<String, serde_json::Value> {
        json!({"caller": "alice", "exp": crate::mcp::state::now() + 60}).as_object().unwrap().clone()
    }

    #[test]
    fn two_clusters_and_a_token_file_give_a_route_per_caller_with_each_clusters_access() {
        let dir = folder("routes");
        std::fs::write(
            dir.join("tokens.toml"),
            "[[token]]\nname = \"alice\"\ntoken = \"alice-token-0123456789\"\ntier = \"read-only\"\nclusters = [\"home\"]\n\
             [[token]]\nname = \"bob\"\ntoken = \"bob-token-0123456789\"\nmax_concurrent = 2\n",
        )
        .unwrap();
        let text = format!(
            "access_tier = \"full\"\nhttp = \"127.0.0.1:8080\"\nhttp_tokens = \"tokens.toml\"\n{}{}",
            cluster("home", ""),
            cluster("lab", "read_only = true\nnode_allowlist = [\"lab1\"]")
        );
        let served = http(assemble(&config(&dir, &text)).unwrap());
        assert!(matches!(served.access, Access::Tokens(ref c) if c.list.len() == 2));
        assert!(served.oauth.is_none());
        let names: Vec<_> = served.routes.iter().map(|r| r.name.as_deref()).collect();
        assert_eq!(names, [Some("alice"), Some("bob")]);
        let (alice, bob) = (&served.routes[0], &served.routes[1]);
        assert_eq!(alice.server.clusters().names(), ["home"]);
        assert_eq!(alice.server.clusters().first().policy.tier, Tier::ReadOnly);
        assert_eq!(bob.server.clusters().names(), ["home", "lab"]);
        assert_eq!(bob.max_concurrent, 2);
        let tiers: Vec<_> = bob.server.clusters().iter().map(|b| b.policy.tier).collect();
        assert_eq!(tiers, [Tier::Full, Tier::ReadOnly]);
        let lab = bob.server.clusters().iter().nth(1).unwrap();
        assert!(lab.allowlist.node_allowed("lab1") && !lab.allowlist.node_allowed("lab2"));
        assert_eq!(lab.caller.as_deref(), Some("bob"));
        assert_eq!(lab.cluster.as_deref(), Some("lab"));
    }

    #[test]
    fn http_without_a_token_file_serves_one_open_route() {
        let dir = folder("open");
        let served =
            http(assemble(&config(&dir, &format!("http = \"127.0.0.1:8080\"\n{}", environment_only()))).unwrap());
        assert!(matches!(served.access, Access::Open));
        assert_eq!(served.routes.len(), 1);
        assert_eq!(served.routes[0].name, None);
    }

    #[test]
    fn the_environment_alone_serves_one_stdio_server_without_a_cluster_argument() {
        let dir = folder("stdio");
        let server = stdio(assemble(&config(&dir, &environment_only())).unwrap());
        assert!(server.clusters().names().is_empty());
        let nodes = server.get_tool("nodes_list").unwrap();
        assert!(nodes.input_schema["properties"].get("cluster").is_none());
    }

    #[test]
    fn servers_of_other_cluster_names_list_other_cluster_enums() {
        let dir = folder("enums");
        let two = stdio(assemble(&config(&dir, &format!("{}{}", cluster("home", ""), cluster("lab", "")))).unwrap());
        let one = stdio(assemble(&config(&dir, &cluster("office", ""))).unwrap());
        let enum_of =
            |s: &PveServer| s.get_tool("nodes_list").unwrap().input_schema["properties"]["cluster"]["enum"].clone();
        assert_eq!(enum_of(&two), json!(["home", "lab"]));
        assert_eq!(enum_of(&one), json!(["office"]));
    }

    #[test]
    fn servers_with_other_state_keys_refuse_each_others_handles() {
        let dir = folder("keys");
        let with_key = |k: &str| {
            stdio(
                assemble(&config(&dir, &format!("state_key = \"{}\"\n{}", k.repeat(40), environment_only()))).unwrap(),
            )
        };
        let (a, b) = (with_key("a"), with_key("b"));
        let handle = a.options().sealer.seal("pvc1", &handle_payload());
        assert!(a.options().sealer.open("pvc1", &handle).is_ok());
        assert_eq!(b.options().sealer.open("pvc1", &handle), Err(Refused::Forged));
    }

    #[test]
    fn without_a_state_key_every_route_of_the_process_shares_one() {
        let dir = folder("shared-key");
        std::fs::write(
            dir.join("tokens.toml"),
            "[[token]]\nname = \"alice\"\ntoken = \"alice-token-0123456789\"\n\
             [[token]]\nname = \"bob\"\ntoken = \"bob-token-0123456789\"\n",
        )
        .unwrap();
        let text = format!("http = \"127.0.0.1:8080\"\nhttp_tokens = \"tokens.toml\"\n{}", environment_only());
        let served = http(assemble(&config(&dir, &text)).unwrap());
        let (alice, bob) = (&served.routes[0].server, &served.routes[1].server);
        let handle = alice.options().sealer.seal("pvc1", &handle_payload());
        assert!(bob.options().sealer.open("pvc1", &handle).is_ok());
    }

    #[test]
    fn an_audit_log_that_cannot_be_opened_names_its_variable() {
        let dir = folder("audit-log");
        let key = dir.join("audit.key");
        let text = format!(
            "audit_log = \"{}\"\naudit_key_file = \"{}\"\n{}",
            dir.display(),
            key.display(),
            environment_only()
        );
        let e = error_of(&config(&dir, &text));
        assert!(e.starts_with("PVE_AUDIT_LOG (--audit-log): cannot open `"), "{e}");
        assert!(e.contains("for appending"), "{e}");
    }

    #[test]
    fn an_audit_key_that_cannot_be_made_names_its_variable() {
        let dir = folder("audit-key");
        let missing = dir.join("no-such-folder").join("audit.jsonl");
        let e = error_of(&config(&dir, &format!("audit_log = \"{}\"\n{}", missing.display(), environment_only())));
        assert!(e.starts_with("PVE_AUDIT_KEY_FILE (--audit-key-file): cannot read or create `"), "{e}");
    }

    #[test]
    fn a_bad_token_file_names_its_variable() {
        let dir = folder("tokens");
        std::fs::write(dir.join("tokens.toml"), "[[token]]\nname = \"a\"\ntoken = \"short\"\n").unwrap();
        let text = format!("http = \"127.0.0.1:8080\"\nhttp_tokens = \"tokens.toml\"\n{}", environment_only());
        let e = error_of(&config(&dir, &text));
        assert!(e.starts_with("PVE_MCP_HTTP_TOKENS (--http-tokens): "), "{e}");
    }

    #[test]
    fn a_client_error_names_its_cluster() {
        let e = StartError::Client { cluster: Some("lab".into()), source: ClientError::Header };
        assert_eq!(e.to_string(), "cluster `lab`: PVE_TOKEN_ID/PVE_TOKEN_SECRET: not usable in an HTTP header");
        let e = StartError::Client { cluster: None, source: ClientError::Header };
        assert_eq!(e.to_string(), "PVE_TOKEN_ID/PVE_TOKEN_SECRET: not usable in an HTTP header");
    }
}
