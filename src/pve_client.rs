//! Step 2: the PVE client. Sends a [`PveRequest`] to `/api2/json/<path>` with API-token
//! authentication and reads PVE's answer leniently; failures become a [`PveError`] that says what
//! failed and where, with hints for authentication and permission problems.
//!
//! The token secret is only ever placed in the `Authorization` header, which is marked sensitive.

use std::collections::BTreeMap;
use std::error::Error as _;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Certificate, Url};
use serde_json::Value;

use crate::config::Config;
use crate::registry::HttpMethod;
use crate::request::PveRequest;

/// Why a request to PVE failed.
#[derive(Debug, thiserror::Error)]
pub enum PveError {
    /// PVE answered with an error status.
    #[error("{}", api_message(*status, message, errors, hint))]
    Api { status: u16, message: String, errors: BTreeMap<String, String>, hint: Option<String> },
    /// The TLS handshake failed (certificate not trusted, wrong host name, ...).
    #[error("TLS error talking to PVE at {url}: {detail}. If PVE uses a self-signed certificate, set PVE_CA_FILE to its CA (on the node: /etc/pve/pve-root-ca.pem)")]
    Tls { url: String, detail: String },
    /// PVE could not be reached.
    #[error("could not connect to PVE at {url}: {detail}")]
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
    #[error("failed to build the HTTP client: {0}")]
    Build(String),
}

/// An authenticated PVE API client.
#[derive(Debug, Clone)]
pub struct PveClient {
    http: reqwest::Client,
    api_base: String,
    timeout_secs: f64,
}

impl PveClient {
    pub fn new(config: &Config) -> Result<Self, ClientError> {
        // reqwest is built without a default crypto provider: use ring (small, quick to build).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut auth = HeaderValue::from_str(&format!("PVEAPIToken={}={}", config.token_id, config.token_secret.expose()))
            .map_err(|_| ClientError::Header)?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(std::time::Duration::from_secs(10)))
            .user_agent(concat!("pve-mcp/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = &config.ca_file {
            let ca_err = |detail: String| ClientError::CaFile { path: path.display().to_string(), detail };
            let pem = std::fs::read(path).map_err(|e| ca_err(e.to_string()))?;
            let certs = Certificate::from_pem_bundle(&pem).map_err(|e| ca_err(format!("not a PEM certificate file ({e})")))?;
            if certs.is_empty() {
                return Err(ca_err("holds no PEM certificate".into()));
            }
            builder = builder.tls_certs_only(certs);
        }
        if !config.verify_tls {
            tracing::warn!("PVE_VERIFY_SSL=false: the PVE server's certificate is NOT verified; use this only in a lab, and prefer PVE_CA_FILE");
            builder = builder.tls_danger_accept_invalid_certs(true);
        }
        let http = builder.build().map_err(|e| ClientError::Build(chain(&e)))?;
        let api_base = format!("{}api2/json", config.base_url);
        Ok(Self { http, api_base, timeout_secs: config.request_timeout.as_secs_f64() })
    }

    /// The full URL of a request, without its parameters.
    pub fn url_of(&self, req: &PveRequest) -> String {
        format!("{}{}", self.api_base, req.path)
    }

    /// Sends a request and returns PVE's `data`.
    pub async fn send(&self, req: &PveRequest) -> Result<Value, PveError> {
        let url_text = self.url_of(req);
        let url = Url::parse(&url_text).map_err(|e| PveError::Transport { url: url_text.clone(), detail: e.to_string() })?;
        let builder = match req.method {
            HttpMethod::Get => self.http.get(url).query(&req.params),
            HttpMethod::Delete => self.http.delete(url).query(&req.params),
            HttpMethod::Post => self.http.post(url).form(&req.params),
            HttpMethod::Put => self.http.put(url).form(&req.params),
        };
        tracing::debug!(method = req.method.as_str(), path = %req.path, "sending to PVE");
        let response = builder.send().await.map_err(|e| self.transport_error(&url_text, &e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| self.transport_error(&url_text, &e))?;
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if status.is_success() {
            let json = json.ok_or_else(|| PveError::Decode {
                status: status.as_u16(),
                detail: format!("not JSON: {}", preview(&body)),
            })?;
            return Ok(match json {
                Value::Object(mut o) => o.remove("data").unwrap_or(Value::Null),
                other => other,
            });
        }
        let message = json
            .as_ref()
            .and_then(|j| j.get("message"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| status.canonical_reason().map(str::to_owned))
            .unwrap_or_else(|| "error".into());
        let errors = json
            .as_ref()
            .and_then(|j| j.get("errors"))
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        Err(PveError::Api { status: status.as_u16(), hint: hint(status.as_u16(), &req.path, &message), message, errors })
    }

    fn transport_error(&self, url: &str, e: &reqwest::Error) -> PveError {
        let detail = chain(e);
        let url = url.to_owned();
        if e.is_timeout() {
            PveError::Timeout { url, secs: self.timeout_secs }
        } else if is_tls(e) {
            PveError::Tls { url, detail }
        } else if e.is_connect() {
            PveError::Connect { url, detail }
        } else {
            PveError::Transport { url, detail }
        }
    }
}

/// What to check when PVE says 401 or 403.
fn hint(status: u16, path: &str, message: &str) -> Option<String> {
    match status {
        401 => Some("Check PVE_TOKEN_ID and PVE_TOKEN_SECRET: the token may be wrong, expired or deleted".into()),
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

fn is_tls(e: &reqwest::Error) -> bool {
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
fn chain(e: &dyn std::error::Error) -> String {
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

fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let clean: String = text.chars().take(120).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() > 120 { format!("{clean}…") } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_hints_name_the_acl_path() {
        let h = hint(403, "/nodes/pve1/qemu/100/config", "Permission check failed (/vms/100, VM.Config.Options)").unwrap();
        assert!(h.contains("/vms/100") && h.contains("privilege separation"), "{h}");
    }

    #[test]
    fn api_errors_show_pve_message_and_fields() {
        let mut errors = BTreeMap::new();
        errors.insert("cores".to_string(), "value must be at least 1\n".to_string());
        let e = PveError::Api { status: 400, message: "Parameter verification failed.\n".into(), errors, hint: None };
        assert_eq!(e.to_string(), "PVE refused the request (HTTP 400): Parameter verification failed. [`cores`: value must be at least 1]");
    }
}
