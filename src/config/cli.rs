//! The command line: every flag, the environment variable each also reads, and the subcommands
//! (`pve-mcp audit verify`). What they hold is checked into a [`super::Config`] by its module.

use std::path::PathBuf;

use clap::Parser;

use super::{consent, path};

/// `pve-mcp --version`: the package version and the PVE release of the schema the tools were generated from.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{} (tools generated from the Proxmox VE {} API schema)",
        env!("CARGO_PKG_VERSION"),
        crate::tools::generated::SCHEMA_RELEASE
    )
});

/// Command line: every flag also reads its environment variable.
#[derive(Debug, Default, Parser)]
#[command(
    name = "pve-mcp",
    version = VERSION.as_str(),
    about = "MCP server for the Proxmox VE API: every endpoint as a typed, policy-checked tool."
)]
pub struct Cli {
    /// Configuration file (TOML): every setting below, and several clusters as [[cluster]] tables (docs/CONFIG.md)
    #[arg(long, env = "PVE_MCP_CONFIG", value_parser = path())]
    pub config: Option<PathBuf>,
    /// PVE API address, e.g. https://pve.example.com:8006 (https; plain http:// only to a loopback address)
    #[arg(long, env = "PVE_BASE_URL")]
    pub base_url: Option<String>,
    /// API token id, `user@realm!tokenname`
    #[arg(long, env = "PVE_TOKEN_ID")]
    pub token_id: Option<String>,
    /// API token secret (a UUID). Prefer the environment variable: flags show up in `ps`.
    #[arg(long, env = "PVE_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,
    /// Highest tier of tools offered: read-only, read-execute or full (default read-only)
    #[arg(long, visible_alias = "tier", env = "PVE_ACCESS_TIER")]
    pub access_tier: Option<String>,
    /// Comma-separated categories of tools offered (default: all)
    #[arg(long, env = "PVE_CATEGORIES")]
    pub categories: Option<String>,
    /// Verify the PVE server's TLS certificate (true/false; default true)
    #[arg(long, env = "PVE_VERIFY_SSL")]
    pub verify_ssl: Option<String>,
    /// PEM file of the CA (or self-signed certificate) to trust for PVE
    #[arg(long, env = "PVE_CA_FILE", value_parser = path())]
    pub ca_file: Option<PathBuf>,
    /// Timeout of one HTTP request to PVE, in seconds (default 30)
    #[arg(long, env = "PVE_REQUEST_TIMEOUT")]
    pub request_timeout: Option<String>,
    /// The PVE release the cluster runs (e.g. 8.4), instead of reading it from its /version (default: read)
    #[arg(long = "pve-release", env = "PVE_RELEASE")]
    pub release: Option<String>,
    /// How long a call waits for the PVE task it started, in seconds (default 600)
    #[arg(long, env = "PVE_TASK_TIMEOUT")]
    pub task_timeout: Option<String>,
    /// Comma-separated nodes that calls may name (default: any)
    #[arg(long, env = "PVE_NODE_ALLOWLIST")]
    pub node_allowlist: Option<String>,
    /// Comma-separated VMIDs and ranges (100-199) that calls may name (default: any)
    #[arg(long, env = "PVE_VMID_ALLOWLIST")]
    pub vmid_allowlist: Option<String>,
    /// File to append an audit line to for every non-read-only or refused call
    #[arg(long, env = "PVE_AUDIT_LOG", value_parser = path())]
    pub audit_log: Option<PathBuf>,
    /// How tools are offered: direct (one per endpoint), discover (search/describe/call), code (search/describe/run) or auto (default auto)
    #[arg(long, env = "PVE_TOOL_MODE")]
    pub tool_mode: Option<String>,
    /// Token budget of tools/list for mode auto: at least 500 (default 4000)
    #[arg(long, env = "PVE_TOOL_BUDGET")]
    pub tool_budget: Option<String>,
    /// Largest tool result, in tokens (about 4 bytes each), at least 500; larger ones are cut with a notice (default 20000)
    #[arg(long, env = "PVE_RESULT_LIMIT")]
    pub result_limit: Option<String>,
    /// Offer the pve_toolsets tool, which enables or disables categories for the session (true/false; default false)
    #[arg(long, env = "PVE_DYNAMIC_TOOLSETS")]
    pub dynamic_toolsets: Option<String>,
    /// Leave out of tools/list and search the tools whose PVE permission check the login cannot pass (true/false, default false)
    #[arg(long, env = "PVE_HIDE_UNPERMITTED")]
    pub hide_unpermitted: Option<String>,
    /// PVE user for ticket login instead of an API token, e.g. `root@pam` (a user without realm gets `@pam`)
    #[arg(long, env = "PVE_USER")]
    pub user: Option<String>,
    /// Password of PVE_USER. Prefer the environment variable: flags show up in `ps`.
    #[arg(long, env = "PVE_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Trust exactly the PVE certificate with this SHA-256 fingerprint (AA:BB:..., as PVE shows it)
    #[arg(long, env = "PVE_TLS_FINGERPRINT")]
    pub tls_fingerprint: Option<String>,
    /// Serve MCP over Streamable HTTP on this address (`127.0.0.1:8080`, or a port alone) instead of stdio
    #[arg(long, env = "PVE_MCP_HTTP")]
    pub http: Option<String>,
    /// File of HTTP callers' bearer tokens and their access (TOML, or JSON if it ends in .json)
    #[arg(long, env = "PVE_MCP_HTTP_TOKENS", value_parser = path())]
    pub http_tokens: Option<PathBuf>,
    /// Comma-separated browser origins allowed to call the HTTP endpoint (default: localhost origins only)
    #[arg(long, env = "PVE_MCP_HTTP_ALLOWED_ORIGINS")]
    pub http_allowed_origins: Option<String>,
    /// Comma-separated Host header values the HTTP endpoint answers to (default: loopback names on a loopback bind, any otherwise)
    #[arg(long, env = "PVE_MCP_HTTP_ALLOWED_HOSTS")]
    pub http_allowed_hosts: Option<String>,
    /// Largest HTTP request body, in bytes (default 1048576)
    #[arg(long, env = "PVE_MCP_HTTP_MAX_BODY")]
    pub http_max_body: Option<String>,
    /// Requests one HTTP caller may have in flight at once (default 8); more are answered `busy` (HTTP 429)
    #[arg(long, env = "PVE_MCP_HTTP_MAX_CONCURRENT")]
    pub http_max_concurrent: Option<String>,
    /// Open MCP sessions one HTTP caller may hold (default 16); a new session beyond that is refused (HTTP 429)
    #[arg(long, env = "PVE_MCP_HTTP_MAX_SESSIONS")]
    pub http_max_sessions: Option<String>,
    /// Longest a pve_run program may take, task waits included, in seconds (default 300)
    #[arg(long, env = "PVE_RUN_TIMEOUT")]
    pub run_timeout: Option<String>,
    /// OAuth: the authorization server's issuer URL; HTTP callers then present its access tokens (docs/REMOTE.md)
    #[arg(long, env = "PVE_MCP_OAUTH_ISSUER")]
    pub oauth_issuer: Option<String>,
    /// OAuth: this server's canonical URL (e.g. https://mcp.example.com/mcp), the audience tokens must name
    #[arg(long, env = "PVE_MCP_OAUTH_AUDIENCE")]
    pub oauth_audience: Option<String>,
    /// OAuth: other comma-separated `aud` values that name this server (e.g. an Entra ID application id)
    #[arg(long, env = "PVE_MCP_OAUTH_ALSO_AUDIENCES")]
    pub oauth_also_audiences: Option<String>,
    /// OAuth: comma-separated scopes advertised in the protected resource metadata
    #[arg(long, env = "PVE_MCP_OAUTH_SCOPES")]
    pub oauth_scopes: Option<String>,
    /// Secret (32+ bytes) authenticating what the server hands out and takes back (plan ids, confirmation
    /// states, task ids); the same on every replica. Default: random per process. Prefer the variable
    #[arg(long, env = "PVE_MCP_STATE_KEY", hide_env_values = true)]
    pub state_key: Option<String>,
    /// File holding the state key (instead of PVE_MCP_STATE_KEY)
    #[arg(long, env = "PVE_MCP_STATE_KEY_FILE", value_parser = path())]
    pub state_key_file: Option<PathBuf>,
    #[command(flatten)]
    pub consent: consent::ConsentCli,
    #[command(flatten)]
    pub pbs: super::pbs::PbsCli,
    #[command(flatten)]
    pub pdm: super::pdm::PdmCli,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands (without one, the binary serves MCP).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
}

/// `pve-mcp audit ...`
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check an audit log's HMAC chain and name the first line that was edited, inserted or removed.
    Verify {
        /// The audit log file.
        file: PathBuf,
        /// Its key file (default: PVE_AUDIT_KEY_FILE, else <file>.key).
        #[arg(long, env = "PVE_AUDIT_KEY_FILE", value_parser = path())]
        key_file: Option<PathBuf>,
    },
}
