//! OAuth 2.1 resource server settings (`PVE_MCP_OAUTH_ISSUER`, `PVE_MCP_OAUTH_AUDIENCE`,
//! `PVE_MCP_OAUTH_SCOPES`, `PVE_MCP_OAUTH_ALSO_AUDIENCES`) and the configuration file's `[[oauth.map]]` tables, which map a token's
//! scopes or a claim (`groups`, `roles`, ...) to access:
//!
//! ```toml
//! oauth_issuer = "https://sso.example.com/realms/ops"
//! oauth_audience = "https://mcp.example.com/mcp"
//! oauth_scopes = ["pve.read", "pve.operate"]
//!
//! [[oauth.map]]
//! claim = "groups"                 # a claim of the access token (a string or a list of strings)
//! value = "pve-operators"          # ... that holds this value
//! scope = "pve.operate"            # and/or a scope the token carries
//! tier = "read-execute"            # then as a [[token]] entry of PVE_MCP_HTTP_TOKENS:
//! categories = ["qemu", "lxc"]     # tier, categories, node_allowlist, vmid_allowlist,
//! clusters = ["home"]              # max_concurrent, clusters; capped by the server's
//! ```
//!
//! The first table that matches a token gives its access; a token no table matches is refused.

use reqwest::Url;
use serde::Deserialize;

use super::callers::List;
use super::{Cli, ConfigError, comma_list, err};

/// The OAuth settings: who issues tokens, what audience they must name, and the access mapping.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// The authorization server's issuer identifier, exactly as its tokens' `iss`.
    pub issuer: String,
    /// This server's canonical URL (the `resource`), which tokens' `aud` must name.
    pub audience: String,
    /// Other `aud` values naming this server (e.g. Entra ID's application id in its v2 tokens).
    pub also_audiences: Vec<String>,
    /// Scopes advertised in the protected resource metadata.
    pub scopes: Vec<String>,
    /// The configuration file's `[[oauth.map]]` tables, in order.
    pub map: Vec<MapEntry>,
}

/// One `[[oauth.map]]` table: what a token must carry, and the access it then gets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapEntry {
    /// A name for the audit log and messages (default: `claim=value` or `scope`).
    pub name: Option<String>,
    pub claim: Option<String>,
    pub value: Option<String>,
    pub scope: Option<String>,
    pub tier: Option<String>,
    pub categories: Option<List>,
    pub node_allowlist: Option<List>,
    pub vmid_allowlist: Option<List>,
    pub max_concurrent: Option<usize>,
    pub clusters: Option<List>,
}

impl MapEntry {
    /// The entry's name: given, else what it matches.
    pub fn label(&self) -> String {
        if let Some(n) = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            return n.to_owned();
        }
        let mut parts = Vec::new();
        if let (Some(c), Some(v)) = (&self.claim, &self.value) {
            parts.push(format!("{c}={v}"));
        }
        if let Some(s) = &self.scope {
            parts.push(format!("scope={s}"));
        }
        parts.join(" ")
    }

    /// Checks that the entry says what it matches.
    pub fn check(&self) -> Result<(), String> {
        match (&self.claim, &self.value, &self.scope) {
            (Some(_), Some(_), _) | (None, None, Some(_)) => Ok(()),
            (Some(_), None, _) | (None, Some(_), _) => {
                Err("`claim` and `value` go together: the claim, and the value it must hold".into())
            }
            (None, None, None) => Err("needs `claim` and `value`, or `scope`: what a token must carry".into()),
        }
    }
}

/// Whether a URL may be trusted for the issuer's metadata and keys: HTTPS, or HTTP on loopback.
pub fn secure_or_loopback(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url.host_str().is_some_and(|h| {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

pub(super) fn parse_oauth(cli: &Cli, http: bool) -> Result<Option<OAuthConfig>, ConfigError> {
    const I: (&str, &str) = ("PVE_MCP_OAUTH_ISSUER", "--oauth-issuer");
    const A: (&str, &str) = ("PVE_MCP_OAUTH_AUDIENCE", "--oauth-audience");
    let issuer = cli.oauth_issuer.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let audience = cli.oauth_audience.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (issuer, audience) = match (issuer, audience) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            return Err(err(
                A.0,
                A.1,
                "is not set, and PVE_MCP_OAUTH_ISSUER is: set this server's canonical URL (e.g. https://mcp.example.com/mcp), which tokens must name as their audience",
            ));
        }
        (None, Some(_)) => {
            return Err(err(
                I.0,
                I.1,
                "is not set, and PVE_MCP_OAUTH_AUDIENCE is: set the authorization server's issuer URL",
            ));
        }
        (Some(i), Some(a)) => (i, a),
    };
    if !http {
        return Err(err(I.0, I.1, "applies to the HTTP endpoint only: set PVE_MCP_HTTP too"));
    }
    let issuer_url = Url::parse(issuer).map_err(|_| {
        err(I.0, I.1, format!("`{issuer}` is not a URL; expected e.g. https://sso.example.com/realms/ops"))
    })?;
    if !secure_or_loopback(&issuer_url) {
        return Err(err(
            I.0,
            I.1,
            format!("`{issuer}` is not an https URL; plain http is accepted on loopback addresses only"),
        ));
    }
    let audience_url = Url::parse(audience).map_err(|_| {
        err(
            A.0,
            A.1,
            format!("`{audience}` is not a URL; expected this server's URL, e.g. https://mcp.example.com/mcp"),
        )
    })?;
    if !matches!(audience_url.scheme(), "https" | "http") || audience_url.fragment().is_some() {
        return Err(err(A.0, A.1, format!("`{audience}` is not an http(s) URL without a fragment")));
    }
    let scopes = comma_list(cli.oauth_scopes.as_deref());
    if let Some(s) = scopes.iter().find(|s| s.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\')) {
        return Err(err(
            "PVE_MCP_OAUTH_SCOPES",
            "--oauth-scopes",
            format!("`{s}` is not a scope: no spaces or quotes"),
        ));
    }
    let _ = issuer_url;
    let also_audiences = comma_list(cli.oauth_also_audiences.as_deref());
    Ok(Some(OAuthConfig {
        issuer: issuer.to_owned(),
        audience: audience.to_owned(),
        also_audiences,
        scopes,
        map: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn issuers_are_https_or_loopback() {
        assert!(secure_or_loopback(&url("https://sso.example.com/realms/a")));
        assert!(secure_or_loopback(&url("http://127.0.0.1:8000")));
        assert!(secure_or_loopback(&url("http://[::1]:8000")));
        assert!(secure_or_loopback(&url("http://localhost:8000")));
        assert!(!secure_or_loopback(&url("http://sso.example.com")));
        assert!(!secure_or_loopback(&url("http://10.0.0.1")));
        assert!(!secure_or_loopback(&url("ftp://127.0.0.1")));
    }

    #[test]
    fn a_map_entry_says_what_it_matches() {
        let e: MapEntry = toml::from_str("claim = 'groups'\nvalue = 'ops'\ntier = 'full'").unwrap();
        assert!(e.check().is_ok());
        assert_eq!(e.label(), "groups=ops");
        let e: MapEntry = toml::from_str("claim = 'groups'").unwrap();
        assert!(e.check().unwrap_err().contains("`value`"));
        let e: MapEntry = toml::from_str("tier = 'full'").unwrap();
        assert!(e.check().is_err());
        assert!(toml::from_str::<MapEntry>("scope = 'a'\nextra = 1").is_err());
    }
}
