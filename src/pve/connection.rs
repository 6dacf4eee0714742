//! How to reach and log in to one Proxmox VE: its address, credentials, TLS trust and request
//! timeout, as [`crate::config`] checked them. The client is built from this alone.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

use crate::pve::product::Product;

/// Everything the client needs to reach one PVE.
#[derive(Debug, Clone)]
pub struct Connection {
    /// PVE's address, scheme and authority only (`https://pve:8006`).
    pub base_url: Url,
    /// The product at that address (its token header and ticket cookie).
    pub product: Product,
    /// How pve-mcp logs in to PVE: an API token, or a user and password (ticket login).
    pub auth: PveAuth,
    pub verify_tls: bool,
    pub ca_file: Option<PathBuf>,
    /// `PVE_TLS_FINGERPRINT`: the SHA-256 of the one certificate to trust, if pinned.
    pub tls_fingerprint: Option<[u8; 32]>,
    pub request_timeout: Duration,
    /// `PVE_RELEASE` (or a cluster's `release`): the PVE release it runs, pinned instead of read
    /// from its `/version`.
    pub release: Option<String>,
}

/// How pve-mcp authenticates to PVE. Exactly one is configured.
#[derive(Debug, Clone)]
pub enum PveAuth {
    /// `PVE_TOKEN_ID` + `PVE_TOKEN_SECRET`: `Authorization: PVEAPIToken=...` on every request.
    Token { id: String, secret: Secret },
    /// `PVE_USER` + `PVE_PASSWORD`: a ticket from `POST /access/ticket`, renewed before it expires.
    Ticket { user: String, password: Secret },
}

/// A secret string whose `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

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
