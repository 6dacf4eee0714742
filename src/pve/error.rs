//! What can go wrong talking to PVE, as typed errors whose messages say what failed, where, and
//! what to check (the ACL path to grant on a 403, the credentials on a 401).

use std::collections::BTreeMap;
use std::error::Error as _;

/// Why a request to PVE failed.
#[derive(Debug, thiserror::Error)]
pub enum PveError {
    /// PVE answered with an error status.
    #[error("{}", api_message(*status, message, errors, hint))]
    Api { status: u16, message: String, errors: BTreeMap<String, String>, hint: Option<String> },
    /// The TLS handshake failed (certificate not trusted, wrong host name, ...).
    #[error("TLS error talking to PVE at {url}: {detail}. {hint}")]
    Tls { url: String, detail: String, hint: &'static str },
    /// PVE could not be reached (refused, no route, unknown host): the message says to check the
    /// address.
    #[error("could not connect to PVE at {url}: {detail}. {CONNECT_HINT}")]
    Connect { url: String, detail: String },
    /// PVE did not answer in time.
    #[error("PVE at {url} did not answer within {secs} s (PVE_REQUEST_TIMEOUT)")]
    Timeout { url: String, secs: f64 },
    /// The answer was not PVE's JSON.
    #[error("PVE's answer (HTTP {status}) could not be read: {detail}")]
    Decode { status: u16, detail: String },
    /// Any other transport failure.
    #[error("request to PVE at {url} failed: {detail}")]
    Transport { url: String, detail: String },
    /// The ticket login (`PVE_USER`/`PVE_PASSWORD`) did not give a ticket; `status` is PVE's
    /// answer when there was one.
    #[error("login to PVE as `{user}` failed: {detail}")]
    Login { user: String, detail: String, status: Option<u16> },
    /// A write (POST, PUT, DELETE) whose connection broke or timed out after sending began: PVE
    /// may have received and applied it, or not. It is never repeated automatically.
    #[error(
        "the {method} to PVE at {url} may or may not have been applied: {}. It was not repeated",
        fate_cause(*timed_out, *secs, detail)
    )]
    WriteFateUnknown { method: &'static str, url: String, detail: String, timed_out: bool, secs: f64 },
}

/// What to check when PVE cannot be reached.
const CONNECT_HINT: &str = "Check PVE_BASE_URL (in a configuration file, the cluster's `base_url`): the host, and the port: PVE's API listens on 8006, e.g. https://pve.example.com:8006";

fn fate_cause(timed_out: bool, secs: f64, detail: &str) -> String {
    if timed_out {
        format!("PVE did not answer within {secs} s (PVE_REQUEST_TIMEOUT) after the request was sent")
    } else {
        format!("the connection broke after the request began to be sent ({detail})")
    }
}

impl PveError {
    /// Whether trying the same read again later may succeed: a connection that failed or broke, a
    /// timeout, a gateway or proxy error (502, 503, 504, 595, 596), a 5xx. Not a refusal that stays
    /// one (400, 401 after logging in again, 403, 404, ...), nor a TLS failure.
    pub fn heals(&self) -> bool {
        match self {
            PveError::Api { status, .. } => *status >= 500 || matches!(status, 408 | 425 | 429),
            PveError::Connect { .. }
            | PveError::Timeout { .. }
            | PveError::Decode { .. }
            | PveError::Transport { .. }
            | PveError::WriteFateUnknown { .. } => true,
            PveError::Login { status, .. } => status.is_none_or(|s| s >= 500 || s == 429),
            PveError::Tls { .. } => false,
        }
    }
}

fn api_message(status: u16, message: &str, errors: &BTreeMap<String, String>, hint: &Option<String>) -> String {
    let mut out = format!("PVE refused the request (HTTP {status}): {}", message.trim());
    if !errors.is_empty() {
        let fields: Vec<String> = errors.iter().map(|(k, v)| format!("`{k}`: {}", v.trim())).collect();
        out.push_str(&format!(" [{}]", fields.join("; ")));
    }
    if let Some(h) = hint {
        out.push_str(". ");
        out.push_str(h);
    }
    out
}

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("PVE_CA_FILE ({path}): {detail}")]
    CaFile { path: String, detail: String },
    #[error("PVE_TOKEN_ID/PVE_TOKEN_SECRET: not usable in an HTTP header")]
    Header,
    #[error("PVE_TLS_FINGERPRINT: {0}")]
    Pinning(String),
}

/// What to check when PVE says 401 or 403.
pub(super) fn hint(status: u16, path: &str, message: &str, ticket_auth: bool) -> Option<String> {
    match status {
        401 if ticket_auth => {
            Some("Check PVE_USER and PVE_PASSWORD: the login ticket was refused even after logging in again".into())
        }
        401 => Some("Check PVE_TOKEN_ID and PVE_TOKEN_SECRET: the token may be wrong, expired or deleted".into()),
        403 if ticket_auth => Some(format!(
            "The user PVE_USER lacks a privilege on this path ({}): grant it a role on `{}` (pveum acl modify {} --users <user@realm> --roles <role>)",
            message.trim(),
            acl_path(path),
            acl_path(path)
        )),
        403 => {
            let acl_path = acl_path(path);
            Some(format!(
                "The API token lacks a privilege on this path ({}). Tokens with privilege separation (the default) \
                 have only the permissions granted to the token itself: grant a role on `{acl_path}` to the token \
                 (pveum acl modify {acl_path} --tokens <user@realm!token> --roles <role>)",
                message.trim()
            ))
        }
        _ => None,
    }
}

/// The ACL path PVE checks for an API path, roughly: guests are `/vms/<id>`, storage `/storage/<id>`.
fn acl_path(api_path: &str) -> String {
    let segs: Vec<&str> = api_path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["nodes", _, "qemu" | "lxc", vmid, ..] => format!("/vms/{vmid}"),
        ["nodes", _, "storage", storage, ..] | ["storage", storage, ..] => format!("/storage/{storage}"),
        ["nodes", node, ..] => format!("/nodes/{node}"),
        ["pools", pool, ..] => format!("/pool/{pool}"),
        ["access", ..] => "/access".into(),
        _ => "/".into(),
    }
}

pub(super) fn is_tls(e: &reqwest::Error) -> bool {
    let mut source = e.source();
    while let Some(s) = source {
        if s.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        let text = s.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return true;
        }
        source = s.source();
    }
    false
}

/// An error and its causes, one line.
pub(super) fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

pub(super) fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let clean: String = text.chars().take(120).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() > 120 { format!("{clean}…") } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_hints_name_the_acl_path() {
        let h =
            hint(403, "/nodes/pve1/qemu/100/config", "Permission check failed (/vms/100, VM.Config.Options)", false)
                .unwrap();
        assert!(h.contains("/vms/100") && h.contains("privilege separation"), "{h}");
    }

    #[test]
    fn a_failed_connection_says_to_check_the_address_and_port() {
        let e = PveError::Connect {
            url: "https://127.0.0.1:1/api2/json/nodes".into(),
            detail: "Connection refused".into(),
        };
        let text = e.to_string();
        assert!(
            text.starts_with("could not connect to PVE at https://127.0.0.1:1/api2/json/nodes: Connection refused. ")
        );
        assert!(text.contains("Check PVE_BASE_URL") && text.contains("8006"), "{text}");
    }

    #[test]
    fn api_errors_show_pve_message_and_fields() {
        let mut errors = BTreeMap::new();
        errors.insert("cores".to_string(), "value must be at least 1\n".to_string());
        let e = PveError::Api { status: 400, message: "Parameter verification failed.\n".into(), errors, hint: None };
        assert_eq!(
            e.to_string(),
            "PVE refused the request (HTTP 400): Parameter verification failed. [`cores`: value must be at least 1]"
        );
    }
}
