//! The PVE client. Sends a [`PveRequest`] to `/api2/json/<path>`, authenticated with an API
//! token or with a login ticket, and reads PVE's answer leniently; failures become a [`PveError`]
//! that says what failed and where, with hints for authentication and permission problems.
//!
//! Secrets (the token secret, the password, the ticket and its CSRF token) only ever travel in
//! request headers marked sensitive, or in the login form; no error, log line or result shows them.
//!
//! Robustness: idempotent GETs are retried on connection failures and on 502/503 (3 attempts,
//! 200 ms then 800 ms apart); POST, PUT and DELETE are never retried, except once after a 401 with
//! a renewed ticket (PVE refused it before doing anything). Every attempt has the request timeout.
//! A write whose connection broke or timed out once sending began is a
//! [`PveError::WriteFateUnknown`]: PVE may have applied it; only a write that never got a
//! connection is known not to have reached PVE.
//!
//! Longer than most modules because sending, authenticating (tickets and their renewal) and
//! retrying are one loop per request: the retry rules above only make sense next to the attempts
//! they govern.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap, HeaderValue};
use reqwest::{Certificate, StatusCode, Url};
use serde_json::Value;

use crate::pve::connection::{Connection, PveAuth, Secret};
pub use crate::pve::error::{ClientError, PveError};
use crate::pve::error::{chain, hint, is_tls, preview};
use crate::pve::product::Product;
use crate::pve::request::HttpMethod;
use crate::pve::request::PveRequest;

/// Most requests in flight to PVE at once (and idle connections kept).
const MAX_IN_FLIGHT: usize = 16;

/// How many times a GET is tried, and the pauses between tries.
const GET_ATTEMPTS: usize = 3;
const BACKOFF: [Duration; 2] = [Duration::from_millis(200), Duration::from_millis(800)];
/// PVE tickets live two hours; a new one is fetched well before.
pub const TICKET_RENEW_AFTER: Duration = Duration::from_secs(90 * 60);

/// An authenticated PVE API client. Clones share the connection pool and the login ticket.
#[derive(Debug, Clone)]
pub struct PveClient {
    http: Arc<LazyHttp>,
    /// Requests in flight to PVE at once: more wait here, so a burst of calls does not open a
    /// connection each (memory) or flood the node.
    in_flight: Arc<tokio::sync::Semaphore>,
    api_base: String,
    timeout_secs: f64,
    auth: Arc<Auth>,
    tls_hint: &'static str,
    /// Who pve-mcp logs in as: the API token id (`user@realm!name`) or the user (`user@realm`).
    identity: Arc<str>,
    /// The product at the other end (its ticket cookie).
    product: Product,
    /// What release this PVE runs, as far as known (clones share it).
    release: Arc<crate::pve::release::ReleaseState>,
}

/// The HTTP client, built on first use: it loads the system's trusted certificates (a few
/// milliseconds of file reads), which a session that only lists tools should not pay for at start.
/// Settings that can be wrong (the CA file, the pinned fingerprint) are checked at start all the same.
struct LazyHttp {
    builder: std::sync::Mutex<Option<reqwest::ClientBuilder>>,
    client: std::sync::OnceLock<Result<reqwest::Client, String>>,
}

impl std::fmt::Debug for LazyHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyHttp").field("built", &self.client.get().is_some()).finish_non_exhaustive()
    }
}

impl LazyHttp {
    fn new(builder: reqwest::ClientBuilder) -> Self {
        LazyHttp { builder: std::sync::Mutex::new(Some(builder)), client: std::sync::OnceLock::new() }
    }

    /// The client, or why it could not be built (said for a request to `url`).
    fn get(&self, url: &str) -> Result<&reqwest::Client, PveError> {
        let built = self.client.get_or_init(|| {
            let builder = self.builder.lock().unwrap_or_else(|p| p.into_inner()).take();
            match builder {
                Some(b) => b.build().map_err(|e| chain(&e)),
                None => Err("the HTTP client's settings were lost".into()),
            }
        });
        built.as_ref().map_err(|detail| PveError::Transport {
            url: url.to_owned(),
            detail: format!("the HTTP client could not be set up: {detail}"),
        })
    }
}

#[derive(Debug)]
enum Auth {
    /// The `Authorization` header is a default header of the HTTP client.
    Token,
    Ticket(TicketAuth),
}

struct TicketAuth {
    user: String,
    password: Secret,
    /// The current ticket; the lock also makes concurrent calls share one login.
    current: tokio::sync::Mutex<Option<Arc<Ticket>>>,
}

impl std::fmt::Debug for TicketAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketAuth").field("user", &self.user).field("password", &self.password).finish_non_exhaustive()
    }
}

/// A login ticket: the cookie and CSRF headers, both sensitive.
struct Ticket {
    cookie: HeaderValue,
    csrf: HeaderValue,
    obtained: Instant,
    generation: u64,
}

/// The outcome of one try of a request.
enum Attempt {
    Retry,
    Done(Result<Value, PveError>),
}

impl PveClient {
    pub fn new(config: &Connection) -> Result<Self, ClientError> {
        // reqwest is built without a default crypto provider: use ring (small, quick to build).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = HeaderMap::new();
        let auth = match &config.auth {
            PveAuth::Token { id, secret } => {
                let mut value = HeaderValue::from_str(&config.product.token_header(id, secret.expose()))
                    .map_err(|_| ClientError::Header)?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
                Auth::Token
            }
            PveAuth::Ticket { user, password } => Auth::Ticket(TicketAuth {
                user: user.clone(),
                password: password.clone(),
                current: tokio::sync::Mutex::new(None),
            }),
        };
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("pve-mcp/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(MAX_IN_FLIGHT);
        let mut tls_hint = "If PVE uses a self-signed certificate, set PVE_CA_FILE to its CA (on the node: /etc/pve/pve-root-ca.pem) or pin it with PVE_TLS_FINGERPRINT";
        if let Some(fingerprint) = config.tls_fingerprint {
            let tls =
                crate::pve::tls::pinned_client_config(fingerprint).map_err(|e| ClientError::Pinning(e.to_string()))?;
            builder = builder.tls_backend_preconfigured(tls);
            tls_hint = "PVE renews its certificates (ACME ones every 60 to 90 days), and a renewed one has a new fingerprint: compare it with `pvenode cert info` on the node, and if it is PVE's, set PVE_TLS_FINGERPRINT to it, or better replace the pin with PVE_CA_FILE set to the cluster's CA (/etc/pve/pve-root-ca.pem on a node), which stays the same across renewals (a publicly trusted ACME certificate needs neither). If it is not PVE's, something else answers at PVE_BASE_URL";
        } else {
            if let Some(path) = &config.ca_file {
                let ca_err = |detail: String| ClientError::CaFile { path: path.display().to_string(), detail };
                let pem = std::fs::read(path).map_err(|e| ca_err(e.to_string()))?;
                let certs = Certificate::from_pem_bundle(&pem)
                    .map_err(|e| ca_err(format!("not a PEM certificate file ({e})")))?;
                if certs.is_empty() {
                    return Err(ca_err("holds no PEM certificate".into()));
                }
                builder = builder.tls_certs_only(certs);
            }
            if !config.verify_tls {
                tracing::warn!(
                    "PVE_VERIFY_SSL=false: the PVE server's certificate is NOT verified; use this only in a lab, and prefer PVE_CA_FILE or PVE_TLS_FINGERPRINT"
                );
                builder = builder.tls_danger_accept_invalid_certs(true);
            }
        }
        let http = Arc::new(LazyHttp::new(builder));
        let api_base = format!("{}api2/json", config.base_url);
        Ok(Self {
            http,
            in_flight: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
            api_base,
            timeout_secs: config.request_timeout.as_secs_f64(),
            auth: Arc::new(auth),
            identity: match &config.auth {
                PveAuth::Token { id, .. } => id.as_str().into(),
                PveAuth::Ticket { user, .. } => user.as_str().into(),
            },
            tls_hint,
            product: config.product,
            release: Arc::new(crate::pve::release::ReleaseState::new(config.release.clone())),
        })
    }

    /// What release this PVE runs, as far as known.
    pub fn release(&self) -> &crate::pve::release::ReleaseState {
        &self.release
    }

    /// Who pve-mcp logs in as: the API token id or the user.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The product at the other end.
    pub fn product(&self) -> Product {
        self.product
    }

    /// Whether the login is an API token (else a user with a ticket).
    pub fn uses_token(&self) -> bool {
        matches!(*self.auth, Auth::Token)
    }

    /// The full URL of a request, without its parameters.
    pub fn url_of(&self, req: &PveRequest) -> String {
        format!("{}{}", self.api_base, req.path)
    }

    /// Sends a request and returns PVE's `data`.
    pub async fn send(&self, req: &PveRequest) -> Result<Value, PveError> {
        let url_text = self.url_of(req);
        let url =
            Url::parse(&url_text).map_err(|e| PveError::Transport { url: url_text.clone(), detail: e.to_string() })?;
        let ticket = self.ticket(None).await?;
        let first = self.send_retrying(req, &url, &url_text, ticket.as_deref()).await;
        if let Err(PveError::Connect { .. } | PveError::Timeout { .. } | PveError::Transport { .. }) = &first {
            // The cluster went away (restarted, maybe upgraded): its release is read again.
            self.release.doubt();
        }
        match (first, ticket) {
            // The ticket was revoked or expired early: log in again, once, and repeat the request.
            (Err(PveError::Api { status: 401, .. }), Some(stale)) => {
                tracing::info!("PVE answered 401 to the login ticket; logging in again");
                let fresh = self.ticket(Some(stale.generation)).await?;
                self.send_retrying(req, &url, &url_text, fresh.as_deref()).await
            }
            (outcome, _) => outcome,
        }
    }

    async fn send_retrying(
        &self,
        req: &PveRequest,
        url: &Url,
        url_text: &str,
        ticket: Option<&Ticket>,
    ) -> Result<Value, PveError> {
        let attempts = if req.method == HttpMethod::Get { GET_ATTEMPTS } else { 1 };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= attempts;
            match self.send_once(req, url.clone(), url_text, ticket, last).await {
                Attempt::Done(outcome) => return outcome,
                Attempt::Retry => {
                    let pause = BACKOFF[(attempt - 1).min(BACKOFF.len() - 1)];
                    tracing::info!(path = %req.path, attempt, "PVE request failed on the way; retrying the GET");
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    /// One try. `Retry` only for a GET that may be tried again (`last` false).
    async fn send_once(
        &self,
        req: &PveRequest,
        url: Url,
        url_text: &str,
        ticket: Option<&Ticket>,
        last: bool,
    ) -> Attempt {
        let _permit = self.in_flight.acquire().await.expect("the semaphore is never closed");
        let http = match self.http.get(url_text) {
            Ok(http) => http,
            Err(e) => return Attempt::Done(Err(e)),
        };
        let mut builder = match req.method {
            HttpMethod::Get => http.get(url).query(&req.params),
            HttpMethod::Delete => http.delete(url).query(&req.params),
            HttpMethod::Post => http.post(url).form(&req.params),
            HttpMethod::Put => http.put(url).form(&req.params),
        };
        if let Some(t) = ticket {
            builder = builder.header(COOKIE, t.cookie.clone());
            if req.method != HttpMethod::Get {
                builder = builder.header("CSRFPreventionToken", t.csrf.clone());
            }
        }
        let retryable = req.method == HttpMethod::Get && !last;
        tracing::debug!(method = req.method.as_str(), path = %req.path, "sending to PVE");
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) if retryable && self.worth_retrying(&e) => return Attempt::Retry,
            Err(e) => return Attempt::Done(Err(self.failed_send(req, url_text, &e))),
        };
        let status = response.status();
        if retryable && matches!(status, StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE) {
            return Attempt::Retry;
        }
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) if retryable && self.worth_retrying(&e) => return Attempt::Retry,
            Err(e) => return Attempt::Done(Err(self.failed_send(req, url_text, &e))),
        };
        Attempt::Done(self.read_answer(status, &body, &req.path))
    }

    fn read_answer(&self, status: StatusCode, body: &[u8], path: &str) -> Result<Value, PveError> {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        if status.is_success() {
            let json = json.ok_or_else(|| PveError::Decode {
                status: status.as_u16(),
                detail: format!("not JSON: {}", preview(body)),
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
        let ticket_auth = matches!(*self.auth, Auth::Ticket(_));
        Err(PveError::Api {
            status: status.as_u16(),
            hint: hint(status.as_u16(), path, &message, ticket_auth),
            message,
            errors,
        })
    }

    /// A connection that failed or broke before an answer: worth another try for a GET. Timeouts
    /// (PVE busy) and TLS failures (they repeat) are not.
    fn worth_retrying(&self, e: &reqwest::Error) -> bool {
        !e.is_timeout() && !is_tls(e) && (e.is_connect() || e.is_request() || e.is_body())
    }

    /// The current ticket (logging in if there is none or it is old), or `None` with token auth.
    /// `stale`: the generation PVE just refused; a newer ticket is used as is, else a new login.
    async fn ticket(&self, stale: Option<u64>) -> Result<Option<Arc<Ticket>>, PveError> {
        let Auth::Ticket(auth) = &*self.auth else { return Ok(None) };
        let mut current = auth.current.lock().await;
        if let Some(t) = current.as_ref()
            && t.obtained.elapsed() < TICKET_RENEW_AFTER
            && stale != Some(t.generation)
        {
            return Ok(Some(t.clone()));
        }
        let generation = current.as_ref().map_or(1, |t| t.generation + 1);
        let ticket = Arc::new(self.login(auth, generation).await?);
        *current = Some(ticket.clone());
        Ok(Some(ticket))
    }

    /// `POST /access/ticket`. Retried like a GET on connection failures: it changes nothing on PVE.
    async fn login(&self, auth: &TicketAuth, generation: u64) -> Result<Ticket, PveError> {
        let url_text = format!("{}/access/ticket", self.api_base);
        let login_err =
            |detail: String, status: Option<u16>| PveError::Login { user: auth.user.clone(), detail, status };
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let form = [("username", auth.user.as_str()), ("password", auth.password.expose())];
            match self.http.get(&url_text)?.post(&url_text).form(&form).send().await {
                Ok(r)
                    if attempt < GET_ATTEMPTS
                        && matches!(r.status(), StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE) => {}
                Ok(r) => break r,
                Err(e) if attempt < GET_ATTEMPTS && self.worth_retrying(&e) => {}
                Err(e) => return Err(self.transport_error(&url_text, &e)),
            }
            tokio::time::sleep(BACKOFF[(attempt - 1).min(BACKOFF.len() - 1)]).await;
        };
        let status = response.status();
        let body = response.bytes().await.map_err(|e| self.transport_error(&url_text, &e))?;
        if status == StatusCode::UNAUTHORIZED {
            return Err(login_err(
                "PVE says authentication failure; check PVE_USER (user@realm) and PVE_PASSWORD".into(),
                Some(401),
            ));
        }
        if !status.is_success() {
            return Err(login_err(format!("PVE answered HTTP {status}"), Some(status.as_u16())));
        }
        let data = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|mut j| j.get_mut("data").map(Value::take))
            .unwrap_or(Value::Null);
        if data.get("NeedTFA").is_some_and(|v| v == 1 || v == true) {
            return Err(login_err("the user has two-factor authentication, which pve-mcp cannot answer; use an API token (PVE_TOKEN_ID) instead".into(), Some(200)));
        }
        let (Some(ticket), Some(csrf)) =
            (data.get("ticket").and_then(Value::as_str), data.get("CSRFPreventionToken").and_then(Value::as_str))
        else {
            return Err(login_err("PVE's answer held no ticket".into(), Some(200)));
        };
        let mut cookie = HeaderValue::from_str(&format!("{}={ticket}", self.product.cookie()))
            .map_err(|_| login_err("PVE's ticket is not usable in a header".into(), Some(200)))?;
        cookie.set_sensitive(true);
        let mut csrf = HeaderValue::from_str(csrf)
            .map_err(|_| login_err("PVE's CSRF token is not usable in a header".into(), Some(200)))?;
        csrf.set_sensitive(true);
        tracing::info!(user = %auth.user, "logged in to PVE (ticket)");
        Ok(Ticket { cookie, csrf, obtained: Instant::now(), generation })
    }

    /// A request that failed on the way. A write that got a connection may have reached PVE: its
    /// fate is unknown. One that never connected (or failed its TLS handshake) did not.
    fn failed_send(&self, req: &PveRequest, url: &str, e: &reqwest::Error) -> PveError {
        if req.method != HttpMethod::Get && !e.is_connect() && !is_tls(e) {
            return PveError::WriteFateUnknown {
                method: req.method.as_str(),
                url: url.to_owned(),
                detail: chain(e),
                timed_out: e.is_timeout(),
                secs: self.timeout_secs,
            };
        }
        self.transport_error(url, e)
    }

    fn transport_error(&self, url: &str, e: &reqwest::Error) -> PveError {
        let detail = chain(e);
        let url = url.to_owned();
        if e.is_timeout() {
            PveError::Timeout { url, secs: self.timeout_secs }
        } else if is_tls(e) {
            // rustls shows the pinning verifier's own sentence as "unexpected error: ...".
            let changed = crate::pve::tls::CHANGED;
            let detail = detail.replace(&format!("unexpected error: {changed}"), changed);
            PveError::Tls { url, detail, hint: self.tls_hint }
        } else if e.is_connect() {
            PveError::Connect { url, detail }
        } else {
            PveError::Transport { url, detail }
        }
    }
}
