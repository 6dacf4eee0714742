//! Step 1 of a request's journey: the server's configuration, from environment variables and the
//! matching command-line flags (a flag wins over its variable).
//!
//! Every setting is checked at start-up; a missing or invalid one stops the server with one line
//! naming the variable and what was expected.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use reqwest::Url;

use crate::allowlist::Allowlist;
use crate::generated::Category;
use crate::registry::Tier;

/// Command line: every flag also reads its environment variable.
#[derive(Debug, Parser)]
#[command(name = "pve-mcp", version, about = "MCP server for the Proxmox VE API: every endpoint as a typed, policy-checked tool.")]
pub struct Cli {
    /// PVE API address, e.g. https://pve.example.com:8006
    #[arg(long, env = "PVE_BASE_URL")]
    pub base_url: Option<String>,
    /// API token id, `user@realm!tokenname`
    #[arg(long, env = "PVE_TOKEN_ID")]
    pub token_id: Option<String>,
    /// API token secret (a UUID). Prefer the environment variable: flags show up in `ps`.
    #[arg(long, env = "PVE_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,
    /// Highest tier of tools offered: read-only, read-execute or full
    #[arg(long, env = "PVE_ACCESS_TIER")]
    pub access_tier: Option<String>,
    /// Comma-separated categories of tools offered (default: all)
    #[arg(long, env = "PVE_CATEGORIES")]
    pub categories: Option<String>,
    /// Verify the PVE server's TLS certificate (true/false)
    #[arg(long, env = "PVE_VERIFY_SSL")]
    pub verify_ssl: Option<String>,
    /// PEM file of the CA (or self-signed certificate) to trust for PVE
    #[arg(long, env = "PVE_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// Timeout of one HTTP request to PVE, in seconds
    #[arg(long, env = "PVE_REQUEST_TIMEOUT")]
    pub request_timeout: Option<String>,
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
    #[arg(long, env = "PVE_AUDIT_LOG")]
    pub audit_log: Option<PathBuf>,
    /// How tools are offered: direct (one per endpoint), discover (search/describe/call) or auto
    #[arg(long, env = "PVE_TOOL_MODE")]
    pub tool_mode: Option<String>,
    /// Token budget of tools/list for mode auto (default 4000)
    #[arg(long, env = "PVE_TOOL_BUDGET")]
    pub tool_budget: Option<String>,
    /// Largest tool result, in tokens (about 4 bytes each); larger ones are cut with a notice (default 20000)
    #[arg(long, env = "PVE_RESULT_LIMIT")]
    pub result_limit: Option<String>,
    /// Offer the pve_toolsets tool, which enables or disables categories for the session (true/false)
    #[arg(long, env = "PVE_DYNAMIC_TOOLSETS")]
    pub dynamic_toolsets: Option<String>,
}

/// How the server offers its tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolMode {
    /// One tool per endpoint.
    Direct,
    /// `pve_search`, `pve_describe`, `pve_call` (plus a small core of direct tools).
    Discover,
    /// Direct when the selected tools fit the token budget, else discover.
    Auto,
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// PVE's address, scheme and authority only (`https://pve:8006`).
    pub base_url: Url,
    pub token_id: String,
    /// Never logged or shown: its `Debug` prints `<redacted>`.
    pub token_secret: Secret,
    pub access_tier: Tier,
    /// Categories offered; all of them by default.
    pub categories: BTreeSet<Category>,
    pub verify_tls: bool,
    pub ca_file: Option<PathBuf>,
    pub request_timeout: Duration,
    pub task_timeout: Duration,
    pub allowlist: Allowlist,
    pub audit_log: Option<PathBuf>,
    pub tool_mode: ToolMode,
    /// Token budget of `tools/list` in mode auto.
    pub tool_budget: usize,
    /// Largest tool result, in tokens.
    pub result_limit: usize,
    pub dynamic_toolsets: bool,
}

/// A secret string whose `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A setting that stops start-up: which variable, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{variable} ({flag}): {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub flag: &'static str,
    pub message: String,
}

fn err(variable: &'static str, flag: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { variable, flag, message: message.into() }
}

/// Default timeout of one HTTP request to PVE.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default token budget of `tools/list` in mode auto.
pub const DEFAULT_TOOL_BUDGET: usize = 4000;
/// Default largest tool result, in tokens.
pub const DEFAULT_RESULT_LIMIT: usize = 20_000;

fn boolean(raw: Option<&str>, default: bool, variable: &'static str, flag: &'static str) -> Result<bool, ConfigError> {
    match raw.map(|s| s.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(s) if s.is_empty() => Ok(default),
        Some(s) => match s.as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(err(variable, flag, format!("`{s}` is not a boolean; expected true or false"))),
        },
    }
}

fn count(raw: Option<&str>, default: usize, min: usize, variable: &'static str, flag: &'static str) -> Result<usize, ConfigError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n >= min => Ok(n),
            _ => Err(err(variable, flag, format!("`{s}` is not a number of tokens; expected a whole number of at least {min}"))),
        },
    }
}

/// Default for how long a call waits on the PVE task it started.
pub const DEFAULT_TASK_TIMEOUT: Duration = Duration::from_secs(600);

fn seconds(raw: Option<&str>, default: Duration, variable: &'static str, flag: &'static str) -> Result<Duration, ConfigError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => match s.parse::<f64>() {
            Ok(secs) if secs > 0.0 && secs <= 86_400.0 => Ok(Duration::from_secs_f64(secs)),
            _ => Err(err(variable, flag, format!("`{s}` is not a duration; expected seconds between 0 and 86400"))),
        },
    }
}

impl Config {
    /// Checks the command line (with its environment fallbacks).
    pub fn from_cli(cli: Cli) -> Result<Config, ConfigError> {
        let base_url = parse_base_url(cli.base_url.as_deref())?;
        let token_id = match cli.token_id.as_deref().map(str::trim) {
            None | Some("") => return Err(err("PVE_TOKEN_ID", "--token-id", "is not set; expected an API token id like `root@pam!mcp`")),
            Some(id) if !valid_token_id(id) => {
                return Err(err("PVE_TOKEN_ID", "--token-id", format!("`{id}` is not an API token id; expected `user@realm!tokenname`")));
            }
            Some(id) => id.to_owned(),
        };
        let token_secret = match cli.token_secret.map(|s| s.trim().to_owned()) {
            None => return Err(err("PVE_TOKEN_SECRET", "--token-secret", "is not set; expected the API token's secret")),
            Some(s) if s.is_empty() => return Err(err("PVE_TOKEN_SECRET", "--token-secret", "is empty; expected the API token's secret")),
            Some(s) if s.chars().any(|c| c.is_control() || c == ' ') => {
                return Err(err("PVE_TOKEN_SECRET", "--token-secret", "contains spaces or control characters; expected the API token's secret"));
            }
            Some(s) => Secret(s),
        };
        let access_tier = match cli.access_tier.as_deref().map(str::trim) {
            None | Some("") => Tier::ReadOnly,
            Some(t) => Tier::parse(t).ok_or_else(|| {
                err("PVE_ACCESS_TIER", "--access-tier", format!("`{t}` is not a tier; expected read-only, read-execute or full"))
            })?,
        };
        let categories = parse_categories(cli.categories.as_deref())?;
        let verify_tls = boolean(cli.verify_ssl.as_deref(), true, "PVE_VERIFY_SSL", "--verify-ssl")?;
        let ca_file = match cli.ca_file {
            Some(p) if p.as_os_str().is_empty() => None,
            Some(p) if !p.is_file() => {
                return Err(err("PVE_CA_FILE", "--ca-file", format!("`{}` is not a readable file; expected a PEM certificate file", p.display())));
            }
            other => other,
        };
        let request_timeout = seconds(cli.request_timeout.as_deref(), DEFAULT_REQUEST_TIMEOUT, "PVE_REQUEST_TIMEOUT", "--request-timeout")?;
        let task_timeout = seconds(cli.task_timeout.as_deref(), DEFAULT_TASK_TIMEOUT, "PVE_TASK_TIMEOUT", "--task-timeout")?;
        let allowlist = Allowlist::parse(cli.node_allowlist.as_deref(), cli.vmid_allowlist.as_deref()).map_err(|message| {
            let message = message.trim_start_matches("PVE_VMID_ALLOWLIST: ").to_owned();
            err("PVE_VMID_ALLOWLIST", "--vmid-allowlist", message)
        })?;
        let audit_log = cli.audit_log.filter(|p| !p.as_os_str().is_empty());
        let tool_mode = match cli.tool_mode.as_deref().map(str::trim) {
            None | Some("") | Some("auto") => ToolMode::Auto,
            Some("direct") => ToolMode::Direct,
            Some("discover") => ToolMode::Discover,
            Some(other) => {
                return Err(err("PVE_TOOL_MODE", "--tool-mode", format!("`{other}` is not a mode; expected direct, discover or auto")));
            }
        };
        let tool_budget = count(cli.tool_budget.as_deref(), DEFAULT_TOOL_BUDGET, 500, "PVE_TOOL_BUDGET", "--tool-budget")?;
        let result_limit = count(cli.result_limit.as_deref(), DEFAULT_RESULT_LIMIT, 500, "PVE_RESULT_LIMIT", "--result-limit")?;
        let dynamic_toolsets = boolean(cli.dynamic_toolsets.as_deref(), false, "PVE_DYNAMIC_TOOLSETS", "--dynamic-toolsets")?;
        Ok(Config {
            base_url,
            token_id,
            token_secret,
            access_tier,
            categories,
            verify_tls,
            ca_file,
            request_timeout,
            task_timeout,
            allowlist,
            audit_log,
            tool_mode,
            tool_budget,
            result_limit,
            dynamic_toolsets,
        })
    }
}

fn parse_base_url(raw: Option<&str>) -> Result<Url, ConfigError> {
    const V: &str = "PVE_BASE_URL";
    const F: &str = "--base-url";
    let raw = match raw.map(str::trim) {
        None | Some("") => return Err(err(V, F, "is not set; expected the PVE address, e.g. https://pve.example.com:8006")),
        Some(r) => r,
    };
    let url = Url::parse(raw).map_err(|e| err(V, F, format!("`{raw}` is not a URL ({e}); expected e.g. https://pve.example.com:8006")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(err(V, F, format!("`{raw}` must start with https:// (or http://)")));
    }
    if url.host().is_none() {
        return Err(err(V, F, format!("`{raw}` has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err(V, F, "must not contain credentials; use PVE_TOKEN_ID and PVE_TOKEN_SECRET"));
    }
    let path = url.path().trim_end_matches('/');
    if !(path.is_empty() || path == "/api2/json") || url.query().is_some() {
        return Err(err(V, F, format!("`{raw}` must be the server address only, e.g. https://pve.example.com:8006")));
    }
    let mut base = url.clone();
    base.set_path("");
    Ok(base)
}

fn valid_token_id(id: &str) -> bool {
    let Some((user, token)) = id.split_once('!') else { return false };
    let Some((name, realm)) = user.rsplit_once('@') else { return false };
    !name.is_empty()
        && !realm.is_empty()
        && !token.is_empty()
        && !id.chars().any(|c| c.is_control() || c.is_whitespace() || c == '=')
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
            err("PVE_CATEGORIES", "--categories", format!("unknown category `{name}`; expected a comma list of: {}", known.join(", ")))
        })?;
        out.insert(cat);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli() -> Cli {
        Cli {
            base_url: Some("https://pve.example.com:8006".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("0b7c9f3e-1d2a-4f5b-9c8d-7e6f5a4b3c2d".into()),
            access_tier: None,
            categories: None,
            verify_ssl: None,
            ca_file: None,
            request_timeout: None,
            task_timeout: None,
            node_allowlist: None,
            vmid_allowlist: None,
            audit_log: None,
            tool_mode: None,
            tool_budget: None,
            result_limit: None,
            dynamic_toolsets: None,
        }
    }

    fn error_of(c: Cli) -> String {
        Config::from_cli(c).unwrap_err().to_string()
    }

    #[test]
    fn defaults_are_read_only_all_categories_verified_tls() {
        let c = Config::from_cli(cli()).unwrap();
        assert_eq!(c.access_tier, Tier::ReadOnly);
        assert_eq!(c.categories.len(), Category::ALL.len());
        assert!(c.verify_tls);
        assert_eq!(c.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(c.task_timeout, DEFAULT_TASK_TIMEOUT);
        assert!(c.allowlist.is_empty());
        assert_eq!(c.base_url.as_str(), "https://pve.example.com:8006/");
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
    fn malformed_token_id_is_an_error() {
        assert!(error_of(Cli { token_id: Some("root@pam".into()), ..cli() }).starts_with("PVE_TOKEN_ID"));
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
        assert!(!Config::from_cli(Cli { verify_ssl: Some("false".into()), ..cli() }).unwrap().verify_tls);
        assert!(error_of(Cli { verify_ssl: Some("maybe".into()), ..cli() }).starts_with("PVE_VERIFY_SSL"));
    }
}
