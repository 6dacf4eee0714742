//! Stage 4, configuration: the server's settings, from environment variables and the
//! matching command-line flags (a flag wins over its variable), and from the configuration file
//! (`PVE_MCP_CONFIG`, [`file`]), which the environment overrides and which may name several
//! clusters.
//!
//! Every setting is checked at start-up; a missing or invalid one stops the server with one line
//! naming the variable and what was expected.
//!
//! Here: the checked [`Config`] and how the environment's settings are checked into it. The flags
//! and variables themselves are in `cli` ([`Cli`]); the file, the HTTP callers, OAuth and consent
//! have their own modules.

use std::collections::BTreeSet;

pub mod callers;
mod cli;
pub mod consent;
pub mod file;
mod http;
pub mod oauth;
mod pbs;
mod pdm;
mod pve;
pub mod state_key;

pub use cli::{AuditCommand, Cli, Command};
use http::parse_http;
pub use http::{
    DEFAULT_HTTP_MAX_BODY, DEFAULT_HTTP_MAX_CONCURRENT, DEFAULT_HTTP_MAX_SESSIONS, HttpConfig, normalize_origin,
    parse_bind,
};
pub use pve::parse_fingerprint;
use std::path::PathBuf;
use std::time::Duration;

use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::pve::connection::Connection;
use crate::tools::generated::Category;
use crate::tools::registry::Tier;

/// How the server offers its tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolMode {
    /// One tool per endpoint.
    Direct,
    /// `pve_search`, `pve_describe`, `pve_call` (plus a small core of direct tools).
    Discover,
    /// Direct when the selected tools fit the token budget, else discover.
    Auto,
    /// `pve_search`, `pve_describe`, `pve_run`: whole programs in one call.
    Code,
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// How to reach and log in to PVE: address, credentials, TLS trust, request timeout.
    pub pve: Connection,
    pub access_tier: Tier,
    /// Categories offered; all of them by default.
    pub categories: BTreeSet<Category>,
    pub task_timeout: Duration,
    pub allowlist: Allowlist,
    pub audit_log: Option<PathBuf>,
    pub tool_mode: ToolMode,
    /// Token budget of `tools/list` in mode auto.
    pub tool_budget: usize,
    /// Largest tool result, in tokens.
    pub result_limit: usize,
    pub dynamic_toolsets: bool,
    /// `PVE_HIDE_UNPERMITTED`: list only tools the login's PVE privileges can pass.
    pub hide_unpermitted: bool,
    /// `PVE_MCP_HTTP` and the other HTTP settings; `None` serves stdio.
    pub http: Option<HttpConfig>,
    /// The configuration file's `[[cluster]]` tables, in order; empty for the one cluster of the
    /// environment (`pve`, with the server's policy and allowlists). When not empty, `pve` is the
    /// first cluster's connection.
    pub clusters: Vec<ClusterConfig>,
    /// `PVE_CONFIRM`, `PVE_REVEAL_SECRETS`, `PVE_ALLOW_EXECUTE`, `PVE_AUDIT_KEY_FILE`.
    pub consent: consent::Consent,
    /// Longest a `pve_run` program may take (`PVE_RUN_TIMEOUT`).
    pub run_timeout: Duration,
    /// OAuth access tokens on the HTTP endpoint (`PVE_MCP_OAUTH_ISSUER`), with the file's mapping.
    pub oauth: Option<oauth::OAuthConfig>,
    /// The configured state key (`PVE_MCP_STATE_KEY`); `None`: a random one per process.
    pub state_key: Option<state_key::StateKey>,
}

/// One cluster of the configuration file: its name, how to reach it, and its access (already
/// capped by the server's tier, categories and allowlists).
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    pub name: String,
    pub connection: Connection,
    pub policy: Policy,
    pub allowlist: Allowlist,
}

/// A setting that stops start-up: which variable, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    pub variable: &'static str,
    pub flag: &'static str,
    /// Continues the variable's name: `is not set; ...`, or `and PVE_USER are both set; ...` for
    /// two settings that exclude each other.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ConfigError { variable, flag, message } = self;
        // "PVE_TOKEN_ID (--token-id) and PVE_USER are both set": one sentence about both.
        let separator = if message.starts_with("and ") { " " } else { ": " };
        write!(f, "{variable} ({flag}){separator}{message}")
    }
}

fn err(variable: &'static str, flag: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { variable, flag, message: message.into() }
}

/// Default timeout of one HTTP request to PVE.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default longest run of a `pve_run` program.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(300);
/// Default token budget of `tools/list` in mode auto.
pub const DEFAULT_TOOL_BUDGET: usize = 4000;
/// Default largest tool result, in tokens.
pub const DEFAULT_RESULT_LIMIT: usize = 20_000;

/// A path setting. Unlike clap's own path parser it takes an empty value (`PVE_CA_FILE=`, as client
/// configurations with `""` placeholders give): the checks treat an empty path as unset, like every
/// other empty variable.
fn path() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser as _;
    clap::builder::OsStringValueParser::new().map(PathBuf::from)
}

fn boolean(raw: Option<&str>, default: bool, variable: &'static str, flag: &'static str) -> Result<bool, ConfigError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => crate::tools::arguments::as_boolean(&serde_json::Value::String(s.to_owned()))
            .ok_or_else(|| err(variable, flag, format!("`{s}` is not a boolean; expected true or false"))),
    }
}

fn count(
    raw: Option<&str>,
    default: usize,
    min: usize,
    variable: &'static str,
    flag: &'static str,
) -> Result<usize, ConfigError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n >= min => Ok(n),
            Ok(_) => Err(err(variable, flag, format!("`{s}` is too small; expected at least {min} tokens"))),
            _ => Err(err(
                variable,
                flag,
                format!("`{s}` is not a number of tokens; expected a whole number of at least {min}"),
            )),
        },
    }
}

/// Default for how long a call waits on the PVE task it started.
pub const DEFAULT_TASK_TIMEOUT: Duration = Duration::from_secs(600);

fn seconds(
    raw: Option<&str>,
    default: Duration,
    variable: &'static str,
    flag: &'static str,
) -> Result<Duration, ConfigError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => match s.parse::<f64>() {
            Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(Duration::from_secs_f64(secs)),
            _ => Err(err(variable, flag, format!("`{s}` is not a duration; expected seconds between 0 and 86400"))),
        },
    }
}

impl Config {
    /// The server's own access policy: its tier ceiling and categories.
    pub fn policy(&self) -> Policy {
        Policy::new(
            self.access_tier,
            self.categories.clone(),
            matches!(self.pve.auth, crate::pve::connection::PveAuth::Token { .. }),
        )
    }

    /// Checks the command line (with its environment fallbacks), without a configuration file.
    pub fn from_cli(cli: Cli) -> Result<Config, ConfigError> {
        Self::from_cli_with(cli, None)
    }

    /// Checks the settings; `connection` stands for the PVE settings when the configuration file's
    /// clusters bring their own.
    fn from_cli_with(cli: Cli, connection: Option<Connection>) -> Result<Config, ConfigError> {
        let http = parse_http(&cli)?;
        let oauth = oauth::parse_oauth(&cli, http.is_some())?;
        let state_key = state_key::load(cli.state_key.as_deref(), cli.state_key_file.as_deref())?;
        let (pve, pbs, pdm) = match connection {
            Some(c) => (c, None, None),
            None => (pve::parse(&cli)?, pbs::parse(&cli)?, pdm::parse(&cli)?),
        };
        let access_tier = match cli.access_tier.as_deref().map(str::trim) {
            None | Some("") => Tier::ReadOnly,
            Some(t) => Tier::parse(t).ok_or_else(|| {
                err(
                    "PVE_ACCESS_TIER",
                    "--access-tier",
                    format!("`{t}` is not a tier; expected read-only, read-execute or full"),
                )
            })?,
        };
        let categories = parse_categories(cli.categories.as_deref())?;
        let task_timeout =
            seconds(cli.task_timeout.as_deref(), DEFAULT_TASK_TIMEOUT, "PVE_TASK_TIMEOUT", "--task-timeout")?;
        let allowlist = Allowlist::parse(cli.node_allowlist.as_deref(), cli.vmid_allowlist.as_deref())
            .map_err(|e| err(e.setting.variable(), e.setting.flag(), e.message))?;
        let audit_log = cli.audit_log.filter(|p| !p.as_os_str().is_empty());
        let tool_mode = match cli.tool_mode.as_deref().map(str::trim) {
            None | Some("") | Some("auto") => ToolMode::Auto,
            Some("direct") => ToolMode::Direct,
            Some("discover") => ToolMode::Discover,
            Some("code") => ToolMode::Code,
            Some(other) => {
                return Err(err(
                    "PVE_TOOL_MODE",
                    "--tool-mode",
                    format!("`{other}` is not a mode; expected direct, discover, code or auto"),
                ));
            }
        };
        let tool_budget =
            count(cli.tool_budget.as_deref(), DEFAULT_TOOL_BUDGET, 500, "PVE_TOOL_BUDGET", "--tool-budget")?;
        let result_limit =
            count(cli.result_limit.as_deref(), DEFAULT_RESULT_LIMIT, 500, "PVE_RESULT_LIMIT", "--result-limit")?;
        let dynamic_toolsets =
            boolean(cli.dynamic_toolsets.as_deref(), false, "PVE_DYNAMIC_TOOLSETS", "--dynamic-toolsets")?;
        let hide_unpermitted =
            boolean(cli.hide_unpermitted.as_deref(), false, "PVE_HIDE_UNPERMITTED", "--hide-unpermitted")?;
        let consent = consent::parse(&cli.consent)?;
        let mut config = Config {
            consent,
            pve,
            access_tier,
            categories,
            task_timeout,
            allowlist,
            audit_log,
            tool_mode,
            tool_budget,
            result_limit,
            dynamic_toolsets,
            hide_unpermitted,
            http,
            clusters: Vec::new(),
            run_timeout: seconds(cli.run_timeout.as_deref(), DEFAULT_RUN_TIMEOUT, "PVE_RUN_TIMEOUT", "--run-timeout")?,
            oauth,
            state_key,
        };
        if let Some(pbs) = pbs {
            config.clusters = pbs::beside_pve(&config, pbs, &cli.pbs)?;
        }
        if let Some(pdm) = pdm {
            pdm::beside_pve(&mut config, pdm, &cli.pdm, &cli.pbs)?;
        }
        Ok(config)
    }
}

fn comma_list(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn parse_categories(raw: Option<&str>) -> Result<BTreeSet<Category>, ConfigError> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() || raw == "all" {
        return Ok(Category::ALL.iter().copied().collect());
    }
    let mut out = BTreeSet::new();
    for name in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let cat = Category::parse(name).ok_or_else(|| {
            let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            err(
                "PVE_CATEGORIES",
                "--categories",
                format!("unknown category `{name}`; expected a comma list of: {}", known.join(", ")),
            )
        })?;
        out.insert(cat);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pve::connection::PveAuth;

    fn cli() -> Cli {
        Cli {
            config: None,
            base_url: Some("https://pve.example.com:8006".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("0b7c9f3e-1d2a-4f5b-9c8d-7e6f5a4b3c2d".into()),
            access_tier: None,
            categories: None,
            verify_ssl: None,
            ca_file: None,
            request_timeout: None,
            release: None,
            task_timeout: None,
            node_allowlist: None,
            vmid_allowlist: None,
            audit_log: None,
            tool_mode: None,
            tool_budget: None,
            result_limit: None,
            dynamic_toolsets: None,
            hide_unpermitted: None,
            user: None,
            password: None,
            tls_fingerprint: None,
            http: None,
            http_tokens: None,
            http_allowed_origins: None,
            http_allowed_hosts: None,
            http_max_body: None,
            http_max_concurrent: None,
            http_max_sessions: None,
            consent: Default::default(),
            pbs: Default::default(),
            pdm: Default::default(),
            command: None,
            run_timeout: None,
            oauth_issuer: None,
            oauth_audience: None,
            oauth_scopes: None,
            oauth_also_audiences: None,
            state_key: None,
            state_key_file: None,
        }
    }

    fn error_of(c: Cli) -> String {
        Config::from_cli(c).unwrap_err().to_string()
    }

    #[test]
    fn code_mode_and_the_run_timeout_are_read() {
        let c =
            Config::from_cli(Cli { tool_mode: Some("code".into()), run_timeout: Some("60".into()), ..cli() }).unwrap();
        assert_eq!(c.tool_mode, ToolMode::Code);
        assert_eq!(c.run_timeout, Duration::from_secs(60));
        assert_eq!(Config::from_cli(cli()).unwrap().run_timeout, DEFAULT_RUN_TIMEOUT);
    }

    #[test]
    fn a_short_state_key_stops_start_up() {
        let e = error_of(Cli { state_key: Some("short".into()), ..cli() });
        assert!(e.starts_with("PVE_MCP_STATE_KEY"), "{e}");
    }

    #[test]
    fn defaults_are_read_only_all_categories_verified_tls() {
        let c = Config::from_cli(cli()).unwrap();
        assert_eq!(c.access_tier, Tier::ReadOnly);
        assert_eq!(c.categories.len(), Category::ALL.len());
        assert!(c.pve.verify_tls);
        assert_eq!(c.pve.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(c.task_timeout, DEFAULT_TASK_TIMEOUT);
        assert!(c.allowlist.is_empty());
        assert_eq!(c.pve.base_url.as_str(), "https://pve.example.com:8006/");
    }

    #[test]
    fn missing_base_url_names_the_variable() {
        assert!(error_of(Cli { base_url: None, ..cli() }).starts_with("PVE_BASE_URL"));
    }

    #[test]
    fn unknown_tier_is_an_error() {
        let e = error_of(Cli { access_tier: Some("admin".into()), ..cli() });
        assert!(e.starts_with("PVE_ACCESS_TIER") && e.contains("`admin`"), "{e}");
    }

    #[test]
    fn unknown_category_is_an_error_not_ignored() {
        let e = error_of(Cli { categories: Some("qemu,vms".into()), ..cli() });
        assert!(e.starts_with("PVE_CATEGORIES") && e.contains("`vms`"), "{e}");
    }

    #[test]
    fn a_token_and_a_user_together_read_as_one_sentence() {
        let e = error_of(Cli { user: Some("root@pam".into()), password: Some("pw".into()), ..cli() });
        assert!(e.starts_with("PVE_TOKEN_ID (--token-id) and PVE_USER are both set; configure exactly one"), "{e}");
    }

    #[test]
    fn a_bad_node_allowlist_names_its_variable_and_item() {
        let e = error_of(Cli { node_allowlist: Some("pve 1,,x".into()), ..cli() });
        assert!(e.starts_with("PVE_NODE_ALLOWLIST (--node-allowlist): `pve 1` is not a node name"), "{e}");
        let e = error_of(Cli { node_allowlist: Some("pve1,,x".into()), ..cli() });
        assert!(e.starts_with("PVE_NODE_ALLOWLIST (--node-allowlist): `pve1,,x` has an empty item"), "{e}");
    }

    #[test]
    fn malformed_token_id_is_an_error() {
        assert!(error_of(Cli { token_id: Some("root@pam".into()), ..cli() }).starts_with("PVE_TOKEN_ID"));
    }

    #[test]
    fn plain_http_is_refused_except_to_loopback() {
        let e = error_of(Cli { base_url: Some("http://pve.example.com:8006".into()), ..cli() });
        assert!(e.starts_with("PVE_BASE_URL") && e.contains("https://"), "{e}");
        for ok in ["http://127.0.0.1:8006", "http://127.8.9.10", "http://[::1]:8006", "http://localhost:8006"] {
            assert!(Config::from_cli(Cli { base_url: Some(ok.into()), ..cli() }).is_ok(), "{ok}");
        }
    }

    #[test]
    fn a_pasted_full_token_is_not_echoed() {
        let e = error_of(Cli { token_id: Some("root@pam!mcp=0b7c9f3e-1d2a".into()), ..cli() });
        assert!(e.starts_with("PVE_TOKEN_ID") && !e.contains("0b7c9f3e"), "{e}");
    }

    #[test]
    fn a_budget_below_the_minimum_names_the_minimum() {
        let e = error_of(Cli { tool_budget: Some("100".into()), ..cli() });
        assert!(e.starts_with("PVE_TOOL_BUDGET") && e.contains("at least 500"), "{e}");
    }

    #[test]
    fn a_url_with_a_path_is_refused() {
        assert!(error_of(Cli { base_url: Some("https://pve:8006/foo".into()), ..cli() }).starts_with("PVE_BASE_URL"));
        assert!(Config::from_cli(Cli { base_url: Some("https://pve:8006/api2/json".into()), ..cli() }).is_ok());
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let c = Config::from_cli(cli()).unwrap();
        assert!(!format!("{c:?}").contains("0b7c9f3e"));
    }

    #[test]
    fn a_bad_vmid_range_names_the_variable() {
        assert!(error_of(Cli { vmid_allowlist: Some("200-100".into()), ..cli() }).starts_with("PVE_VMID_ALLOWLIST"));
    }

    #[test]
    fn verify_ssl_reads_booleans_and_refuses_others() {
        assert!(!Config::from_cli(Cli { verify_ssl: Some("false".into()), ..cli() }).unwrap().pve.verify_tls);
        assert!(error_of(Cli { verify_ssl: Some("maybe".into()), ..cli() }).starts_with("PVE_VERIFY_SSL"));
    }

    #[test]
    fn user_and_password_log_in_with_tickets_and_exclude_tokens() {
        let c = Config::from_cli(Cli {
            token_id: None,
            token_secret: None,
            user: Some("root".into()),
            password: Some("pw".into()),
            ..cli()
        })
        .unwrap();
        assert!(matches!(&c.pve.auth, PveAuth::Ticket { user, .. } if user == "root@pam"));
        assert!(!format!("{c:?}").contains("pw\""));
        let e = error_of(Cli { user: Some("root@pam".into()), password: Some("pw".into()), ..cli() });
        assert!(e.starts_with("PVE_TOKEN_ID") && e.contains("exactly one"), "{e}");
        let e = error_of(Cli { token_id: None, token_secret: None, user: Some("root@pam".into()), ..cli() });
        assert!(e.starts_with("PVE_PASSWORD"), "{e}");
        let e = error_of(Cli { token_id: None, token_secret: None, ..cli() });
        assert!(e.starts_with("PVE_TOKEN_ID"), "{e}");
    }

    #[test]
    fn fingerprints_read_as_pve_prints_them() {
        let colons = (0..32).map(|i| format!("{i:02X}")).collect::<Vec<_>>().join(":");
        let f = parse_fingerprint(&colons).unwrap();
        assert_eq!(f[31], 31);
        assert_eq!(parse_fingerprint(&colons.to_lowercase().replace(':', "")), Some(f));
        assert!(parse_fingerprint("AA:BB").is_none());
        assert!(error_of(Cli { tls_fingerprint: Some("nope".into()), ..cli() }).starts_with("PVE_TLS_FINGERPRINT"));
    }

    #[test]
    fn a_pinned_release_must_be_a_version() {
        let c = Config::from_cli(Cli { release: Some("8.4".into()), ..cli() }).unwrap();
        assert_eq!(c.pve.release.as_deref(), Some("8.4"));
        let e = error_of(Cli { release: Some("latest".into()), ..cli() });
        assert!(e.starts_with("PVE_RELEASE") && e.contains("`latest`") && e.contains("like `8.4`"), "{e}");
    }

    #[test]
    fn http_binds_loopback_and_refuses_open_binds_without_tokens() {
        let c = Config::from_cli(Cli { http: Some("8080".into()), ..cli() }).unwrap();
        let h = c.http.unwrap();
        assert_eq!(h.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(h.max_body, DEFAULT_HTTP_MAX_BODY);
        let e = error_of(Cli { http: Some("0.0.0.0:8080".into()), ..cli() });
        assert!(e.starts_with("PVE_MCP_HTTP_TOKENS") && e.contains("loopback"), "{e}");
    }

    #[test]
    fn origins_get_explicit_ports() {
        assert_eq!(normalize_origin("https://App.example.com").as_deref(), Some("https://app.example.com:443"));
        assert_eq!(normalize_origin("http://localhost:*").as_deref(), Some("http://localhost:*"));
        assert!(normalize_origin("app.example.com").is_none());
    }
}
