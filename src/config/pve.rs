//! The settings of the PVE connection (`PVE_BASE_URL`, the credentials, TLS trust, request
//! timeout, a pinned release), checked into a [`Connection`].

use reqwest::Url;

use super::{Cli, ConfigError, DEFAULT_REQUEST_TIMEOUT, boolean, err, seconds};
use crate::pve::connection::{Connection, PveAuth, Secret};
use crate::pve::product::Product;

/// Checks the connection settings of the command line (with their environment fallbacks).
pub(super) fn parse(cli: &Cli) -> Result<Connection, ConfigError> {
    let base_url = parse_base_url(cli.base_url.as_deref())?;
    let auth =
        parse_auth(cli.token_id.as_deref(), cli.token_secret.clone(), cli.user.as_deref(), cli.password.clone())?;
    let verify_tls = boolean(cli.verify_ssl.as_deref(), true, "PVE_VERIFY_SSL", "--verify-ssl")?;
    let ca_file = match cli.ca_file.clone() {
        Some(p) if p.as_os_str().is_empty() => None,
        Some(p) if !p.is_file() => {
            return Err(err(
                "PVE_CA_FILE",
                "--ca-file",
                format!("`{}` is not a readable file; expected a PEM certificate file", p.display()),
            ));
        }
        other => other,
    };
    let request_timeout =
        seconds(cli.request_timeout.as_deref(), DEFAULT_REQUEST_TIMEOUT, "PVE_REQUEST_TIMEOUT", "--request-timeout")?;
    let tls_fingerprint = match cli.tls_fingerprint.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(f) => Some(parse_fingerprint(f).ok_or_else(|| {
            err(
                "PVE_TLS_FINGERPRINT",
                "--tls-fingerprint",
                "is not a SHA-256 fingerprint; expected 32 hex bytes like `AB:CD:...` (pvenode cert info)",
            )
        })?),
    };
    if tls_fingerprint.is_some() && ca_file.is_some() {
        return Err(err(
            "PVE_TLS_FINGERPRINT",
            "--tls-fingerprint",
            "and PVE_CA_FILE are both set; use one way to trust PVE's certificate",
        ));
    }
    if tls_fingerprint.is_some() && !verify_tls {
        return Err(err(
            "PVE_TLS_FINGERPRINT",
            "--tls-fingerprint",
            "and PVE_VERIFY_SSL=false are both set; a pinned certificate is always verified",
        ));
    }
    let release = match cli.release.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => {
            crate::tools::releases::Release::serving(r).ok_or_else(|| {
                err(
                    "PVE_RELEASE",
                    "--pve-release",
                    format!("`{r}` is not a PVE release; expected a version like `8.4` or `9.1`"),
                )
            })?;
            Some(r.to_owned())
        }
    };
    Ok(Connection {
        base_url,
        product: Product::Pve,
        auth,
        verify_tls,
        ca_file,
        tls_fingerprint,
        request_timeout,
        release,
    })
}

fn parse_auth(
    token_id: Option<&str>,
    token_secret: Option<String>,
    user: Option<&str>,
    password: Option<String>,
) -> Result<PveAuth, ConfigError> {
    let given = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    let token_id = token_id.map(str::trim).filter(|s| !s.is_empty());
    let user = user.map(str::trim).filter(|s| !s.is_empty());
    let has_token = token_id.is_some() || given(&token_secret);
    let has_user = user.is_some() || given(&password);
    if has_token && has_user {
        return Err(err(
            "PVE_TOKEN_ID",
            "--token-id",
            "and PVE_USER are both set; configure exactly one: an API token (PVE_TOKEN_ID, PVE_TOKEN_SECRET) or a user (PVE_USER, PVE_PASSWORD)",
        ));
    }
    if has_user {
        let user = match user {
            None => {
                return Err(err(
                    "PVE_USER",
                    "--user",
                    "is not set but PVE_PASSWORD is; expected a PVE user like `root@pam`",
                ));
            }
            Some(u) if u.contains('=') => {
                return Err(err(
                    "PVE_USER",
                    "--user",
                    "contains `=`, so it may hold a secret (not shown); expected a PVE user like `root@pam`",
                ));
            }
            Some(u) if u.chars().any(|c| c.is_control() || c.is_whitespace()) || u.contains('!') => {
                return Err(err(
                    "PVE_USER",
                    "--user",
                    format!("`{u}` is not a PVE user; expected `user@realm` (API tokens go in PVE_TOKEN_ID)"),
                ));
            }
            // Like PVE's login form: a user without a realm is a Linux PAM user.
            Some(u) if !u.contains('@') => format!("{u}@pam"),
            Some(u) => {
                let (name, realm) = u.rsplit_once('@').unwrap_or((u, ""));
                if name.is_empty() || realm.is_empty() {
                    return Err(err("PVE_USER", "--user", format!("`{u}` is not a PVE user; expected `user@realm`")));
                }
                u.to_owned()
            }
        };
        let password = match password {
            Some(p) if !p.is_empty() => Secret::new(p),
            _ => return Err(err("PVE_PASSWORD", "--password", "is not set; expected the password of PVE_USER")),
        };
        return Ok(PveAuth::Ticket { user, password });
    }
    let id = match token_id {
        None => {
            return Err(err(
                "PVE_TOKEN_ID",
                "--token-id",
                "is not set; expected an API token id like `root@pam!mcp` (or log in with PVE_USER and PVE_PASSWORD)",
            ));
        }
        // A pasted full token (`user@realm!name=secret`): say so without echoing the secret.
        Some(id) if id.contains('=') => {
            return Err(err(
                "PVE_TOKEN_ID",
                "--token-id",
                "looks like a whole API token with its secret (it contains `=`); put only `user@realm!tokenname` in PVE_TOKEN_ID and the part after `=` in PVE_TOKEN_SECRET",
            ));
        }
        Some(id) if !valid_token_id(id) => {
            return Err(err(
                "PVE_TOKEN_ID",
                "--token-id",
                format!("`{id}` is not an API token id; expected `user@realm!tokenname`"),
            ));
        }
        Some(id) => id.to_owned(),
    };
    let secret = match token_secret.map(|s| s.trim().to_owned()) {
        None => return Err(err("PVE_TOKEN_SECRET", "--token-secret", "is not set; expected the API token's secret")),
        Some(s) if s.is_empty() => {
            return Err(err("PVE_TOKEN_SECRET", "--token-secret", "is empty; expected the API token's secret"));
        }
        Some(s) if s.chars().any(|c| c.is_control() || c == ' ') => {
            return Err(err(
                "PVE_TOKEN_SECRET",
                "--token-secret",
                "contains spaces or control characters; expected the API token's secret",
            ));
        }
        Some(s) => Secret::new(s),
    };
    Ok(PveAuth::Token { id, secret })
}

/// A SHA-256 fingerprint as PVE prints it (`AA:BB:...`), any case, colons optional.
pub fn parse_fingerprint(raw: &str) -> Option<[u8; 32]> {
    let hex: String = raw.trim().chars().filter(|c| *c != ':').collect();
    let hex = hex.strip_prefix("sha256/").or_else(|| hex.strip_prefix("SHA256/")).unwrap_or(&hex);
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn parse_base_url(raw: Option<&str>) -> Result<Url, ConfigError> {
    const V: &str = "PVE_BASE_URL";
    const F: &str = "--base-url";
    let raw = match raw.map(str::trim) {
        None | Some("") => {
            return Err(err(V, F, "is not set; expected the PVE address, e.g. https://pve.example.com:8006"));
        }
        Some(r) => r,
    };
    let url = Url::parse(raw)
        .map_err(|e| err(V, F, format!("`{raw}` is not a URL ({e}); expected e.g. https://pve.example.com:8006")))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(err(V, F, format!("`{raw}` must start with https://")));
    }
    let Some(host) = url.host_str() else {
        return Err(err(V, F, format!("`{raw}` has no host")));
    };
    // The token or password would cross the network in clear text: plain http only to this machine
    // (a local TLS-terminating proxy).
    if url.scheme() == "http" && !is_loopback(host) {
        return Err(err(
            V,
            F,
            format!(
                "`{raw}` is plain http to another machine: the API token or password would cross the network unencrypted; use https:// (plain http:// is accepted only for a loopback address: 127.0.0.0/8, ::1, localhost)"
            ),
        ));
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

/// 127.0.0.0/8, ::1 and `localhost`.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

fn valid_token_id(id: &str) -> bool {
    let Some((user, token)) = id.split_once('!') else { return false };
    let Some((name, realm)) = user.rsplit_once('@') else { return false };
    !name.is_empty()
        && !realm.is_empty()
        && !token.is_empty()
        && !id.chars().any(|c| c.is_control() || c.is_whitespace() || c == '=')
}
