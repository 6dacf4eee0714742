//! The HTTP endpoint as an OAuth 2.1 resource server (`PVE_MCP_OAUTH_ISSUER`): the protected
//! resource metadata (RFC 9728), access tokens checked as JWTs against the issuer's keys (JWKS,
//! found through its metadata, RFC 8414 or OpenID discovery), and the mapping of a token's scopes
//! or claims to one of the configured accesses.
//!
//! Signatures and keys are jsonwebtoken's (on ring); only RS256, ES256 and EdDSA are accepted, so
//! `none` and HMAC tokens are refused before any key is looked at. The token itself is never
//! forwarded anywhere: PVE is called with the server's own credentials.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::Url;
use serde_json::{Map, Value, json};

use super::identity;
use crate::config::oauth::{MapEntry, OAuthConfig, secure_or_loopback};
use crate::policy::inert;

/// Algorithms accepted: asymmetric only.
const ALGORITHMS: [Algorithm; 3] = [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];
/// Clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 30;
/// Least time between two fetches of the issuer's keys (an unknown `kid` asks for one).
const REFRESH_INTERVAL: Duration = Duration::from_secs(1);
/// Keys are fetched again after this long even when every `kid` is known.
const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);
/// Largest metadata or JWKS document read.
const MAX_DOCUMENT: usize = 512 * 1024;

/// Who called, from a checked token.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The token's `iss`, exactly as given.
    pub issuer: String,
    /// The token's `sub`, exactly as given.
    pub subject: String,
    /// The exact key of `iss` and `sub` ([`identity::key`]): what sessions and limits count by.
    pub key: String,
    /// For logs and the audit log only: `sub` escaped and shortened, and the person's `email` or
    /// `preferred_username` when the token has one.
    pub display: String,
}

/// Why a token was not accepted.
#[derive(Debug)]
pub enum Rejected {
    /// The token is not valid (401 `invalid_token`).
    Invalid(String),
    /// The issuer's keys could not be fetched (503).
    Unavailable(String),
}

struct Keys {
    jwks_uri: Option<Url>,
    keys: Vec<(Option<String>, DecodingKey)>,
    /// The last successful fetch.
    fetched: Option<Instant>,
    /// The last attempt, and why it failed if it did.
    attempted: Option<(Instant, Option<String>)>,
}

/// Checks access tokens of one issuer for one audience.
pub struct Verifier {
    issuer: String,
    /// Every `aud` value that names this server.
    audiences: Vec<String>,
    http: reqwest::Client,
    keys: tokio::sync::RwLock<Keys>,
    /// Held while fetching, so concurrent unknown `kid`s fetch once.
    fetching: tokio::sync::Mutex<()>,
}

impl Verifier {
    pub fn new(config: &OAuthConfig) -> Result<Verifier, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("pve-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client for the issuer: {e}"))?;
        Ok(Verifier {
            issuer: config.issuer.clone(),
            audiences: std::iter::once(config.audience.clone()).chain(config.also_audiences.iter().cloned()).collect(),
            http,
            keys: tokio::sync::RwLock::new(Keys { jwks_uri: None, keys: Vec::new(), fetched: None, attempted: None }),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    /// The token's claims, if it is a JWT of the issuer, for this server, in its validity period,
    /// signed with one of the issuer's current keys.
    pub async fn verify(&self, token: &str) -> Result<Map<String, Value>, Rejected> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| {
            Rejected::Invalid("not a signed JWT with an accepted algorithm (RS256, ES256, EdDSA)".into())
        })?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(Rejected::Invalid(format!(
                "algorithm {:?} is not accepted; expected RS256, ES256 or EdDSA",
                header.alg
            )));
        }
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&self.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let kid = header.kid.as_deref();
        let stale = { self.keys.read().await.fetched.is_none_or(|f| f.elapsed() > KEYS_MAX_AGE) };
        if !self.has_key(kid).await {
            self.refresh().await?;
        } else if stale && let Err(Rejected::Unavailable(why) | Rejected::Invalid(why)) = self.refresh().await {
            // The keys in hand stay good until the issuer answers again.
            tracing::warn!(reason = %why, "could not refresh the OAuth issuer's keys; using the cached ones");
        }
        let keys = self.keys.read().await;
        let candidates: Vec<&DecodingKey> =
            keys.keys.iter().filter(|(k, _)| kid.is_none() || k.as_deref() == kid).map(|(_, key)| key).collect();
        if candidates.is_empty() {
            return Err(Rejected::Invalid("signed with a key the issuer does not publish (unknown `kid`)".into()));
        }
        let mut last = String::new();
        for key in candidates {
            match jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation) {
                Ok(data) => return Ok(data.claims),
                Err(e) => last = reason(&e),
            }
        }
        Err(Rejected::Invalid(last))
    }

    async fn has_key(&self, kid: Option<&str>) -> bool {
        let keys = self.keys.read().await;
        keys.keys.iter().any(|(k, _)| kid.is_none() || k.as_deref() == kid)
    }

    /// Fetches the issuer's keys again (at most once per [`REFRESH_INTERVAL`]; a failure in that
    /// time is reported again without asking the issuer).
    async fn refresh(&self) -> Result<(), Rejected> {
        let _one = self.fetching.lock().await;
        let (jwks_uri, recent) = {
            let k = self.keys.read().await;
            let recent = k.attempted.as_ref().filter(|(at, _)| at.elapsed() < REFRESH_INTERVAL).map(|(_, e)| e.clone());
            (k.jwks_uri.clone(), recent)
        };
        match recent {
            Some(None) => return Ok(()),
            Some(Some(why)) => return Err(Rejected::Unavailable(why)),
            None => {}
        }
        let fetched = self.fetch(jwks_uri).await;
        let mut k = self.keys.write().await;
        match fetched {
            Ok((jwks_uri, keys)) => {
                *k = Keys {
                    jwks_uri: Some(jwks_uri),
                    keys,
                    fetched: Some(Instant::now()),
                    attempted: Some((Instant::now(), None)),
                };
                Ok(())
            }
            Err(Rejected::Unavailable(why) | Rejected::Invalid(why)) => {
                k.attempted = Some((Instant::now(), Some(why.clone())));
                Err(Rejected::Unavailable(why))
            }
        }
    }

    /// The issuer's JWKS URL (discovered unless known) and its usable keys.
    async fn fetch(&self, jwks_uri: Option<Url>) -> Result<(Url, Vec<(Option<String>, DecodingKey)>), Rejected> {
        let jwks_uri = match jwks_uri {
            Some(u) => u,
            None => self.discover().await?,
        };
        let set: JwkSet = serde_json::from_value(self.get_json(&jwks_uri).await?)
            .map_err(|e| Rejected::Unavailable(format!("the issuer's JWKS ({jwks_uri}) is not a key set: {e}")))?;
        let mut keys = Vec::new();
        for jwk in &set.keys {
            // Asymmetric keys only: an HMAC (`oct`) key would let anyone who knows it sign.
            if matches!(jwk.algorithm, AlgorithmParameters::OctetKey(_)) {
                continue;
            }
            match DecodingKey::from_jwk(jwk) {
                Ok(key) => keys.push((jwk.common.key_id.clone(), key)),
                Err(e) => tracing::debug!(kid = ?jwk.common.key_id, error = %e, "issuer key skipped"),
            }
        }
        tracing::info!(keys = keys.len(), jwks = %jwks_uri, "fetched the OAuth issuer's keys");
        Ok((jwks_uri, keys))
    }

    /// The issuer's `jwks_uri`, from its authorization server metadata (RFC 8414) or, failing that,
    /// its OpenID configuration; the document must name the configured issuer.
    async fn discover(&self) -> Result<Url, Rejected> {
        let unavailable = |m: String| Rejected::Unavailable(m);
        let issuer = Url::parse(&self.issuer).map_err(|e| unavailable(format!("issuer URL: {e}")))?;
        let path = issuer.path().trim_end_matches('/');
        let origin = issuer.origin().ascii_serialization();
        let candidates = [
            format!("{origin}/.well-known/oauth-authorization-server{path}"),
            format!("{origin}{path}/.well-known/openid-configuration"),
        ];
        let mut why = Vec::new();
        for candidate in candidates {
            let Ok(url) = Url::parse(&candidate) else { continue };
            let doc = match self.get_json(&url).await {
                Ok(d) => d,
                Err(Rejected::Unavailable(m) | Rejected::Invalid(m)) => {
                    why.push(m);
                    continue;
                }
            };
            if doc.get("issuer").and_then(Value::as_str) != Some(self.issuer.as_str()) {
                why.push(format!("{url} names another issuer"));
                continue;
            }
            let Some(jwks) = doc.get("jwks_uri").and_then(Value::as_str).and_then(|u| Url::parse(u).ok()) else {
                why.push(format!("{url} has no jwks_uri"));
                continue;
            };
            if !secure_or_loopback(&jwks) {
                why.push(format!("{url}: jwks_uri {jwks} is not https"));
                continue;
            }
            return Ok(jwks);
        }
        Err(unavailable(format!("cannot find the issuer's keys: {}", why.join("; "))))
    }

    async fn get_json(&self, url: &Url) -> Result<Value, Rejected> {
        let fail = |m: String| Rejected::Unavailable(format!("{url}: {m}"));
        let response = self.http.get(url.clone()).send().await.map_err(|e| fail(e.to_string()))?;
        if !response.status().is_success() {
            return Err(fail(format!("HTTP {}", response.status())));
        }
        if response.content_length().is_some_and(|n| n > MAX_DOCUMENT as u64) {
            return Err(fail("document too large".into()));
        }
        let bytes = response.bytes().await.map_err(|e| fail(e.to_string()))?;
        if bytes.len() > MAX_DOCUMENT {
            return Err(fail("document too large".into()));
        }
        serde_json::from_slice(&bytes).map_err(|e| fail(format!("not JSON: {e}")))
    }
}

/// A readable reason for a refused token (never the token).
fn reason(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match e.kind() {
        K::ExpiredSignature => "the token has expired".into(),
        K::ImmatureSignature => "the token is not valid yet (nbf)".into(),
        K::InvalidAudience => "the token is for another audience (aud), not this server".into(),
        K::InvalidIssuer => "the token is from another issuer (iss)".into(),
        K::InvalidSignature => "the token's signature does not verify".into(),
        K::InvalidAlgorithm => "the token's algorithm does not match its key".into(),
        K::MissingRequiredClaim(c) => format!("the token has no `{c}` claim"),
        other => format!("the token is not valid: {other:?}"),
    }
}

/// The token's identity: `iss` and `sub` exactly as given, their exact key, and the display form
/// (`sub`, with `email` or `preferred_username`, each escaped and shortened).
pub fn identity(claims: &Map<String, Value>) -> Identity {
    let exact = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (issuer, subject) = (exact("iss"), exact("sub"));
    let key = identity::key(identity::OAUTH, &[&issuer, &subject]);
    let shown = identity::display(&subject, &key);
    let who = ["email", "preferred_username"].into_iter().find_map(|k| claims.get(k).and_then(Value::as_str));
    let display = match who {
        Some(who) => format!("{shown} ({})", inert::inert_max(who, 128)),
        None => shown,
    };
    Identity { issuer, subject, key, display }
}

/// A claim's value, by name or dotted path (`realm_access.roles`).
fn claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(name) {
        return Some(v);
    }
    let mut parts = name.split('.');
    let mut v = claims.get(parts.next()?)?;
    for p in parts {
        v = v.get(p)?;
    }
    Some(v)
}

/// The token's scopes: `scope` (space-separated, RFC 8693/9068) or `scp` (a string or a list).
fn scopes(claims: &Map<String, Value>) -> Vec<&str> {
    let mut out = Vec::new();
    for key in ["scope", "scp"] {
        match claims.get(key) {
            Some(Value::String(s)) => out.extend(s.split_whitespace()),
            Some(Value::Array(a)) => out.extend(a.iter().filter_map(Value::as_str)),
            _ => {}
        }
    }
    out
}

/// Whether a token's claims match a `[[oauth.map]]` entry.
pub fn matches(entry: &MapEntry, claims: &Map<String, Value>) -> bool {
    let claim_ok = match (&entry.claim, &entry.value) {
        (Some(c), Some(want)) => match claim(claims, c) {
            Some(Value::String(s)) => s == want,
            Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(want)),
            _ => false,
        },
        _ => true,
    };
    let scope_ok = entry.scope.as_ref().is_none_or(|s| scopes(claims).contains(&s.as_str()));
    claim_ok && scope_ok
}

/// The first entry of `map` a token matches.
pub fn first_match(map: &[MapEntry], claims: &Map<String, Value>) -> Option<usize> {
    map.iter().position(|e| matches(e, claims))
}

/// The protected resource metadata document (RFC 9728).
pub fn metadata(config: &OAuthConfig) -> Value {
    let mut doc = json!({
        "resource": config.audience,
        "authorization_servers": [config.issuer],
        "bearer_methods_supported": ["header"],
        "resource_name": "pve-mcp (Proxmox VE)",
    });
    if !config.scopes.is_empty() {
        doc["scopes_supported"] = json!(config.scopes);
    }
    doc
}

/// Where the metadata is published for the resource URL `audience` (RFC 9728 section 3.1: the
/// well-known prefix goes between the host and the resource's path).
pub fn metadata_url(audience: &str) -> String {
    match Url::parse(audience) {
        Ok(u) => {
            let path = u.path().trim_end_matches('/');
            format!("{}/.well-known/oauth-protected-resource{path}", u.origin().ascii_serialization())
        }
        Err(_) => audience.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> MapEntry {
        toml::from_str(text).unwrap()
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_claim_matches_a_string_or_a_list_member_and_a_dotted_path() {
        let ops = entry("claim = 'groups'\nvalue = 'ops'");
        assert!(matches(&ops, &claims(json!({"groups": ["dev", "ops"]}))));
        assert!(matches(&ops, &claims(json!({"groups": "ops"}))));
        assert!(!matches(&ops, &claims(json!({"groups": ["dev"]}))));
        assert!(!matches(&ops, &claims(json!({}))));
        let kc = entry("claim = 'realm_access.roles'\nvalue = 'pve'");
        assert!(matches(&kc, &claims(json!({"realm_access": {"roles": ["pve"]}}))));
    }

    #[test]
    fn scopes_come_from_scope_or_scp() {
        let e = entry("scope = 'pve.read'");
        assert!(matches(&e, &claims(json!({"scope": "openid pve.read"}))));
        assert!(matches(&e, &claims(json!({"scp": ["pve.read"]}))));
        assert!(!matches(&e, &claims(json!({"scope": "pve.reader"}))));
    }

    #[test]
    fn the_first_matching_entry_wins() {
        let map = vec![entry("claim = 'groups'\nvalue = 'admins'"), entry("scope = 'pve.read'")];
        assert_eq!(first_match(&map, &claims(json!({"groups": ["admins"], "scope": "pve.read"}))), Some(0));
        assert_eq!(first_match(&map, &claims(json!({"scope": "pve.read"}))), Some(1));
        assert_eq!(first_match(&map, &claims(json!({"scope": "other"}))), None);
    }

    #[test]
    fn metadata_is_published_under_the_resource_path() {
        assert_eq!(
            metadata_url("https://mcp.example.com/mcp"),
            "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
        );
        assert_eq!(
            metadata_url("https://mcp.example.com"),
            "https://mcp.example.com/.well-known/oauth-protected-resource"
        );
    }

    #[test]
    fn the_audit_identity_names_subject_and_email() {
        let id = identity(&claims(json!({"sub": "u-1", "email": "a@example.com"})));
        assert_eq!(id.display, "u-1 (a@example.com)");
        assert_eq!(identity(&claims(json!({"sub": "u-2", "preferred_username": "bob"}))).display, "u-2 (bob)");
    }

    #[test]
    fn the_identity_key_is_exact_where_the_display_is_shortened() {
        let prefix = "cn=".to_owned() + &"x".repeat(130);
        let a = identity(&claims(json!({"iss": "https://idp", "sub": format!("{prefix},o=a")})));
        let b = identity(&claims(json!({"iss": "https://idp", "sub": format!("{prefix},o=b")})));
        assert_ne!(a.key, b.key);
        assert_ne!(a.display, b.display, "the display names the key's start");
        assert_eq!(a.subject, format!("{prefix},o=a"));
    }

    #[test]
    fn subjects_differing_by_a_control_character_are_different_identities() {
        let a = identity(&claims(json!({"iss": "https://idp", "sub": "alice"})));
        let b = identity(&claims(json!({"iss": "https://idp", "sub": "ali\u{0}ce"})));
        assert_ne!(a.key, b.key);
    }

    #[test]
    fn the_same_subject_from_another_issuer_is_another_identity() {
        let a = identity(&claims(json!({"iss": "https://idp-a", "sub": "u-1"})));
        let b = identity(&claims(json!({"iss": "https://idp-b", "sub": "u-1"})));
        assert_ne!(a.key, b.key);
    }
}
