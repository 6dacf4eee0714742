//! The Streamable HTTP transport's settings (`PVE_MCP_HTTP` and the `PVE_MCP_HTTP_*` family).

use std::path::PathBuf;

use reqwest::Url;

use super::{Cli, ConfigError, comma_list, count, err};

/// The Streamable HTTP transport's settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub bind: std::net::SocketAddr,
    /// The callers' token file; `None` lets any local process call (loopback binds only).
    pub tokens: Option<PathBuf>,
    /// Browser origins allowed (`scheme://host[:port|:*]`); always includes the localhost origins.
    pub allowed_origins: Vec<String>,
    /// Host header values allowed; empty = any.
    pub allowed_hosts: Vec<String>,
    pub max_body: usize,
    pub max_concurrent: usize,
    /// Open MCP sessions one HTTP caller may hold; a new one beyond is refused.
    pub max_sessions: usize,
}

/// Default largest HTTP request body.
pub const DEFAULT_HTTP_MAX_BODY: usize = 1024 * 1024;
/// Default requests in flight per HTTP caller.
pub const DEFAULT_HTTP_MAX_CONCURRENT: usize = 8;
/// Default open sessions per HTTP caller (each holds its own tool list, about 1.4 MB).
pub const DEFAULT_HTTP_MAX_SESSIONS: usize = 16;

/// `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, `:8080` or `8080` (the last three on 127.0.0.1).
pub fn parse_bind(raw: &str) -> Option<std::net::SocketAddr> {
    use std::net::{IpAddr, Ipv4Addr, SocketAddr};
    let raw = raw.trim();
    if let Ok(port) = raw.trim_start_matches(':').parse::<u16>() {
        return Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if let Some(port) = raw.strip_prefix("localhost:") {
        return port.parse::<u16>().ok().map(|p| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), p));
    }
    raw.parse::<SocketAddr>().ok()
}

pub(super) fn parse_http(cli: &Cli) -> Result<Option<HttpConfig>, ConfigError> {
    const V: &str = "PVE_MCP_HTTP";
    const F: &str = "--http";
    let raw = match cli.http.as_deref().map(str::trim) {
        None | Some("") => return Ok(None),
        Some(r) => r,
    };
    let bind = parse_bind(raw).ok_or_else(|| {
        err(V, F, format!("`{raw}` is not an address to listen on; expected e.g. 127.0.0.1:8080 or 8080"))
    })?;
    let tokens = match &cli.http_tokens {
        Some(p) if p.as_os_str().is_empty() => None,
        Some(p) if !p.is_file() => {
            return Err(err(
                "PVE_MCP_HTTP_TOKENS",
                "--http-tokens",
                format!("`{}` is not a readable file; expected a token file (TOML or JSON)", p.display()),
            ));
        }
        other => other.clone(),
    };
    let oauth = cli.oauth_issuer.as_deref().is_some_and(|s| !s.trim().is_empty());
    if tokens.is_none() && !oauth && !bind.ip().is_loopback() {
        return Err(err(
            "PVE_MCP_HTTP_TOKENS",
            "--http-tokens",
            format!(
                "is not set, and PVE_MCP_HTTP={bind} is not a loopback address: set PVE_MCP_HTTP_TOKENS or PVE_MCP_OAUTH_ISSUER so callers must authenticate, or bind 127.0.0.1"
            ),
        ));
    }
    let mut allowed_origins = Vec::new();
    for origin in comma_list(cli.http_allowed_origins.as_deref()) {
        let normal = normalize_origin(&origin).ok_or_else(|| {
            err(
                "PVE_MCP_HTTP_ALLOWED_ORIGINS",
                "--http-allowed-origins",
                format!("`{origin}` is not an origin; expected e.g. https://app.example.com"),
            )
        })?;
        allowed_origins.push(normal);
    }
    for local in [
        "http://localhost:*",
        "https://localhost:*",
        "http://127.0.0.1:*",
        "https://127.0.0.1:*",
        "http://[::1]:*",
        "https://[::1]:*",
    ] {
        if !allowed_origins.iter().any(|o| o == local) {
            allowed_origins.push(local.to_owned());
        }
    }
    let mut allowed_hosts = comma_list(cli.http_allowed_hosts.as_deref());
    if allowed_hosts.iter().any(|h| h == "*") {
        allowed_hosts.clear();
    } else if allowed_hosts.is_empty() && bind.ip().is_loopback() {
        allowed_hosts = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
    }
    let max_body =
        count(cli.http_max_body.as_deref(), DEFAULT_HTTP_MAX_BODY, 1024, "PVE_MCP_HTTP_MAX_BODY", "--http-max-body")
            .map_err(|_| {
                err("PVE_MCP_HTTP_MAX_BODY", "--http-max-body", "expected a number of bytes of at least 1024")
            })?;
    let max_concurrent = count(
        cli.http_max_concurrent.as_deref(),
        DEFAULT_HTTP_MAX_CONCURRENT,
        1,
        "PVE_MCP_HTTP_MAX_CONCURRENT",
        "--http-max-concurrent",
    )
    .map_err(|_| {
        err("PVE_MCP_HTTP_MAX_CONCURRENT", "--http-max-concurrent", "expected a whole number of at least 1")
    })?;
    let max_sessions = count(
        cli.http_max_sessions.as_deref(),
        DEFAULT_HTTP_MAX_SESSIONS,
        1,
        "PVE_MCP_HTTP_MAX_SESSIONS",
        "--http-max-sessions",
    )
    .map_err(|_| err("PVE_MCP_HTTP_MAX_SESSIONS", "--http-max-sessions", "expected a whole number of at least 1"))?;
    Ok(Some(HttpConfig { bind, tokens, allowed_origins, allowed_hosts, max_body, max_concurrent, max_sessions }))
}

/// An origin in the form `scheme://host:port` (default port made explicit) or `scheme://host:*`.
pub fn normalize_origin(raw: &str) -> Option<String> {
    let raw = raw.trim().trim_end_matches('/');
    let (scheme, rest) = raw.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") || rest.is_empty() || rest.contains('/') {
        return None;
    }
    if let Some(host) = rest.strip_suffix(":*") {
        return (!host.is_empty()).then(|| format!("{scheme}://{}:*", host.to_ascii_lowercase()));
    }
    let url = Url::parse(&format!("{scheme}://{rest}")).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let port = url.port_or_known_default()?;
    Some(format!("{scheme}://{host}:{port}"))
}
