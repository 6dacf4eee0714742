//! The Streamable HTTP transport (`PVE_MCP_HTTP=127.0.0.1:8080`): MCP at `/mcp`, served by rmcp's
//! `StreamableHttpService` on hyper.
//!
//! In front of rmcp, every request goes through, in order:
//! 1. the path (`/mcp`, else 404; with OAuth, the protected resource metadata is served at
//!    `/.well-known/oauth-protected-resource` and `/.well-known/oauth-protected-resource/mcp`);
//! 2. the `Origin` header: a browser origin not in `PVE_MCP_HTTP_ALLOWED_ORIGINS` (localhost origins
//!    are always allowed) gets 403; requests without `Origin` (non-browser clients) pass;
//! 3. the bearer token, when `PVE_MCP_HTTP_TOKENS` is set: missing or wrong gives a bare 401; with
//!    OAuth ([`super::oauth`]), a token not in the file is checked as the issuer's JWT and mapped to
//!    an `[[oauth.map]]` route (401 with the resource metadata's address, or 403 when it maps to
//!    nothing), and its subject goes with the request for the audit log;
//! 4. the body size (`PVE_MCP_HTTP_MAX_BODY`, 413) and the caller's requests in flight
//!    (`max_concurrent`): one too many is answered at once with 429 and a JSON-RPC `busy` error.
//!    A request's slot is held until its answer is sent *and* its handler has finished, so a
//!    caller who hangs up mid-call does not get its slot back while the call still runs;
//! 5. the caller's open sessions (`PVE_MCP_HTTP_MAX_SESSIONS`): a new session beyond them is
//!    answered 429; a DELETE of a session id this caller does not hold is answered 404.
//!
//! rmcp then checks the `Host` header (`PVE_MCP_HTTP_ALLOWED_HOSTS`) and serves the caller's own
//! [`PveServer`]: its policy and allowlists from its token, its name in the audit log. Callers
//! never share sessions: each has its own session manager. OAuth people mapped alike share their
//! mapping's route, but the limits of steps 4 and 5 count per person ([`People`]), and a session id
//! works only for the person who opened it.
//!
//! Longer than most modules because steps 1 to 5 are one request's order in `handle`: each answer
//! depends on what the steps before it found (the route, the person, the slot), and splitting the
//! steps apart would hide that order.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use rmcp::transport::streamable_http_server::SessionId;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::config::oauth::{MapEntry, OAuthConfig};
use crate::config::{HttpConfig, normalize_origin};
use crate::mcp::oauth::{self, Rejected, Verifier};
use crate::mcp::server::PveServer;
use crate::mcp::slot::CallSlot;

/// The endpoint's path.
pub const ENDPOINT: &str = "/mcp";
/// Connections served at once; more wait in the listen queue.
const MAX_CONNECTIONS: usize = 1024;
/// Time a client has to send its request head, and then its body.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

type Body = BoxBody<Bytes, Infallible>;

/// One caller's MCP service and its requests in flight.
pub struct Route {
    /// The caller's token name (`None`: the open loopback endpoint).
    pub name: Option<String>,
    pub server: PveServer,
    pub max_concurrent: usize,
}

struct Served {
    name: Option<String>,
    service: StreamableHttpService<PveServer, LocalSessionManager>,
    sessions: Arc<LocalSessionManager>,
    busy: Arc<Semaphore>,
    max_concurrent: usize,
}

/// The header that names an MCP session.
const SESSION_HEADER: &str = "mcp-session-id";

/// What authenticates a request.
pub enum Access {
    /// No token file: one route, any local caller (loopback binds only).
    Open,
    /// A token file: the route of the matching token (no entries: OAuth tokens only).
    Tokens(crate::config::callers::Callers),
}

/// OAuth access tokens (`PVE_MCP_OAUTH_ISSUER`), beside the token file's.
pub struct OAuthGate {
    pub verifier: Verifier,
    /// The `[[oauth.map]]` entries; entry `i` is served by route `first_route + i`.
    pub map: Vec<MapEntry>,
    pub first_route: usize,
    /// The protected resource metadata document, and where it is published.
    pub metadata: Value,
    pub metadata_url: String,
}

impl OAuthGate {
    pub fn new(config: &OAuthConfig, first_route: usize) -> Result<OAuthGate, String> {
        Ok(OAuthGate {
            verifier: Verifier::new(config)?,
            map: config.map.clone(),
            first_route,
            metadata: oauth::metadata(config),
            metadata_url: oauth::metadata_url(&config.audience),
        })
    }
}

/// An OAuth person: the route of their mapping and the exact key of their token's issuer and
/// subject ([`crate::mcp::oauth::Identity::key`]), never its display form.
type PersonKey = (usize, String);

/// What OAuth people mapped alike do not share although they share a route: each has its own
/// requests in flight (the mapping's `max_concurrent`) and its own sessions
/// (`PVE_MCP_HTTP_MAX_SESSIONS`), and none can use or end another's session.
#[derive(Default)]
struct People(Mutex<HashMap<PersonKey, Person>>);

struct Person {
    busy: Arc<Semaphore>,
    max_concurrent: usize,
    /// Session ids this person opened (some may have ended since).
    sessions: HashSet<String>,
}

impl People {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PersonKey, Person>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The person's requests in flight; people with nothing in flight and no session are forgotten.
    fn busy(&self, who: &PersonKey, max_concurrent: usize) -> Arc<Semaphore> {
        let mut people = self.lock();
        if let Some(p) = people.get(who) {
            return p.busy.clone();
        }
        people.retain(|_, p| !p.sessions.is_empty() || p.busy.available_permits() < p.max_concurrent);
        let busy = Arc::new(Semaphore::new(max_concurrent));
        people.insert(who.clone(), Person { busy: busy.clone(), max_concurrent, sessions: HashSet::new() });
        busy
    }

    fn holds(&self, who: &PersonKey, session: &str) -> bool {
        self.lock().get(who).is_some_and(|p| p.sessions.contains(session))
    }

    /// The person's sessions still open in `sessions` (the ended ones are dropped).
    async fn open(&self, who: &PersonKey, sessions: &LocalSessionManager) -> usize {
        let live = sessions.sessions.read().await;
        let mut people = self.lock();
        let Some(p) = people.get_mut(who) else { return 0 };
        p.sessions.retain(|id| live.contains_key(&SessionId::from(id.as_str())));
        p.sessions.len()
    }

    fn opened(&self, who: &PersonKey, session: &str, max_concurrent: usize) {
        let _ = self.busy(who, max_concurrent);
        if let Some(p) = self.lock().get_mut(who) {
            p.sessions.insert(session.to_owned());
        }
    }
}

struct App {
    access: Access,
    oauth: Option<OAuthGate>,
    people: People,
    routes: Vec<Served>,
    origins: Vec<String>,
    max_body: usize,
    max_sessions: usize,
}

/// Serves MCP over HTTP until `shutdown` is cancelled (or SIGINT/SIGTERM).
pub async fn serve(
    config: &HttpConfig,
    access: Access,
    oauth: Option<OAuthGate>,
    routes: Vec<Route>,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.bind).await?;
    let local = listener.local_addr()?;
    let mut rmcp_config = StreamableHttpServerConfig::default()
        .with_max_request_body_bytes(config.max_body)
        .with_cancellation_token(shutdown.child_token());
    rmcp_config = if config.allowed_hosts.is_empty() {
        rmcp_config.disable_allowed_hosts()
    } else {
        rmcp_config.with_allowed_hosts(config.allowed_hosts.clone())
    };
    let served = routes
        .into_iter()
        .map(|r| {
            let server = r.server;
            let sessions = Arc::new(LocalSessionManager::default());
            Served {
                name: r.name,
                service: StreamableHttpService::new(
                    move || Ok(server.new_session()),
                    sessions.clone(),
                    rmcp_config.clone(),
                ),
                sessions,
                busy: Arc::new(Semaphore::new(r.max_concurrent)),
                max_concurrent: r.max_concurrent,
            }
        })
        .collect();
    let app = Arc::new(App {
        access,
        oauth,
        people: People::default(),
        routes: served,
        origins: config.allowed_origins.clone(),
        max_body: config.max_body,
        max_sessions: config.max_sessions,
    });
    let auth = match (&app.access, &app.oauth) {
        (Access::Open, _) => "none (loopback only)".to_owned(),
        (Access::Tokens(c), None) => format!("{} bearer token(s)", c.list.len()),
        (Access::Tokens(c), Some(o)) => {
            format!("OAuth access tokens ({} mapping(s)) and {} bearer token(s)", o.map.len(), c.list.len())
        }
    };
    tracing::info!(url = %format!("http://{local}{ENDPOINT}"), authentication = %auth, "pve-mcp serving MCP over Streamable HTTP");
    if matches!(app.access, Access::Open) {
        tracing::warn!("PVE_MCP_HTTP_TOKENS is not set: any process on this machine can call the HTTP endpoint");
    }

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let signals = shutdown_signal();
    tokio::pin!(signals);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => p.expect("semaphore never closed"),
            _ = shutdown.cancelled() => break,
            _ = &mut signals => break,
        };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.cancelled() => break,
            _ = &mut signals => break,
        };
        let (stream, peer) = match accepted {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors and the like: wait a little, never stop serving.
                tracing::warn!(error = %e, "accepting an HTTP connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |req| {
            let app = app.clone();
            async move { Ok::<_, Infallible>(handle(&app, req, peer).await) }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "HTTP connection ended with an error");
            }
            drop(permit);
        });
    }
    tracing::info!("shutting down the HTTP endpoint");
    shutdown.cancel();
    if tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await.is_err() {
        tracing::warn!("some HTTP connections did not close within 5 s");
    }
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())).boxed());
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

/// 401 (or 403 with `insufficient_scope`): with OAuth, the challenge names the resource metadata
/// (RFC 9728), and the error when a token was presented.
fn unauthorized(oauth: Option<&OAuthGate>, error: Option<(&str, &str)>) -> Response<Body> {
    let mut challenge = "Bearer".to_owned();
    let mut params = Vec::new();
    if let Some(gate) = oauth {
        params.push(format!("resource_metadata=\"{}\"", gate.metadata_url));
    }
    if let Some((code, description)) = error {
        let description: String = description.chars().filter(|c| *c != '"' && *c != '\\' && !c.is_control()).collect();
        params.push(format!("error=\"{code}\", error_description=\"{description}\""));
    }
    if !params.is_empty() {
        challenge = format!("Bearer {}", params.join(", "));
    }
    let forbidden = error.is_some_and(|(code, _)| code == "insufficient_scope");
    let body = match error {
        Some((_, d)) => Bytes::from(format!("{}: {d}", if forbidden { "Forbidden" } else { "Unauthorized" })),
        None => Bytes::new(),
    };
    let mut r = Response::new(Full::new(body).boxed());
    *r.status_mut() = if forbidden { StatusCode::FORBIDDEN } else { StatusCode::UNAUTHORIZED };
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

/// The protected resource metadata document, for anyone (browsers too).
fn metadata_response(gate: &OAuthGate) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(gate.metadata.to_string())).boxed());
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    r
}

fn jsonrpc_error(status: StatusCode, id: Value, code: i64, message: String) -> Response<Body> {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string();
    let mut r = Response::new(Full::new(Bytes::from(body)).boxed());
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// Whether a browser origin may call: always the localhost ones, plus the configured ones.
fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    let Some(origin) = normalize_origin(origin) else { return false };
    allowed.iter().any(|a| match a.strip_suffix('*') {
        Some(prefix) => {
            origin.strip_prefix(prefix).is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        }
        None => *a == origin,
    })
}

fn bearer(req: &Request<Incoming>) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The protected resource metadata's paths: the plain one and the one for [`ENDPOINT`].
const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

async fn handle(app: &App, mut req: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
    if let Some(gate) = &app.oauth {
        let path = req.uri().path();
        if path == METADATA_PATH || path.strip_prefix(METADATA_PATH) == Some(ENDPOINT) {
            return match *req.method() {
                Method::GET | Method::HEAD => metadata_response(gate),
                _ => plain(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed"),
            };
        }
    }
    if req.uri().path() != ENDPOINT {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    }
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let ok = origin.to_str().is_ok_and(|o| origin_allowed(o, &app.origins));
        if !ok {
            tracing::warn!(%peer, origin = ?origin, "refused a request from a browser origin not in PVE_MCP_HTTP_ALLOWED_ORIGINS");
            return plain(StatusCode::FORBIDDEN, "Forbidden: Origin not allowed");
        }
    }
    // An OAuth person (route and subject), whose limits and sessions are their own.
    let mut person: Option<PersonKey> = None;
    let route = match &app.access {
        Access::Open => &app.routes[0],
        Access::Tokens(callers) => {
            let presented = bearer(&req).map(str::to_owned);
            match presented.as_deref().map(|t| (t, callers.authenticate(t))) {
                Some((_, Some(i))) => &app.routes[i],
                Some((token, None)) if app.oauth.is_some() => {
                    let gate = app.oauth.as_ref().expect("checked");
                    match gate.verifier.verify(token).await {
                        Ok(claims) => {
                            let identity = oauth::identity(&claims);
                            match oauth::first_match(&gate.map, &claims) {
                                Some(i) => {
                                    person = Some((gate.first_route + i, identity.key.clone()));
                                    req.extensions_mut().insert(identity);
                                    &app.routes[gate.first_route + i]
                                }
                                None => {
                                    tracing::info!(%peer, subject = %identity.display, "refused an OAuth token that maps to no access");
                                    return unauthorized(
                                        Some(gate),
                                        Some((
                                            "insufficient_scope",
                                            "the token's scopes and claims match no [[oauth.map]] entry of this server, so it grants no access",
                                        )),
                                    );
                                }
                            }
                        }
                        Err(Rejected::Invalid(why)) => {
                            tracing::info!(%peer, reason = %why, "refused an HTTP request with an invalid access token");
                            return unauthorized(Some(gate), Some(("invalid_token", &why)));
                        }
                        Err(Rejected::Unavailable(why)) => {
                            tracing::warn!(%peer, reason = %why, "cannot check an access token: the issuer's keys are unavailable");
                            let mut r = plain(
                                StatusCode::SERVICE_UNAVAILABLE,
                                "Service Unavailable: the authorization server's keys cannot be fetched; try again later",
                            );
                            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                            return r;
                        }
                    }
                }
                _ => {
                    tracing::info!(%peer, "refused an HTTP request without a valid bearer token");
                    return unauthorized(app.oauth.as_ref(), None);
                }
            }
        }
    };
    let session_id = req.headers().get(SESSION_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if req.method() == Method::DELETE
        && let Some(id) = &session_id
        && !route
            .sessions
            .sessions
            .read()
            .await
            .contains_key(&rmcp::transport::streamable_http_server::SessionId::from(id.as_str()))
    {
        // Another caller's session (or none at all): this caller holds no such session.
        return plain(StatusCode::NOT_FOUND, "Not Found: no such session");
    }
    if let (Some(who), Some(id)) = (&person, &session_id)
        && !app.people.holds(who, id)
    {
        // Another person's session of the same mapping: not theirs to use or end.
        return plain(StatusCode::NOT_FOUND, "Not Found: no such session");
    }
    if req.method() != Method::POST {
        // GET (the server's notification stream) and DELETE (end of session) hold no call.
        return route.service.handle(req).await;
    }
    let too_big = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > app.max_body as u64);
    if too_big {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large");
    }
    let (parts, body) = req.into_parts();
    let bytes = match tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, app.max_body).collect()).await {
        Err(_) => return plain(StatusCode::REQUEST_TIMEOUT, "Request Timeout"),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return plain(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large");
        }
        Ok(Err(_)) => return plain(StatusCode::BAD_REQUEST, "Bad Request"),
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    // Only JSON-RPC requests count as calls in flight; notifications and responses are quick.
    let request_id = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(o)) if o.contains_key("method") => o.get("id").cloned(),
        Ok(Value::Array(_)) => Some(Value::Null),
        _ => None,
    };
    let opens = session_id.is_none() && starts_a_session(&bytes);
    if opens {
        let open = match &person {
            Some(who) => app.people.open(who, &route.sessions).await,
            None => route.sessions.sessions.read().await.len(),
        };
        if open >= app.max_sessions {
            let who = route.name.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default();
            tracing::info!(caller = route.name.as_deref().unwrap_or("-"), open, "refused a new session: too many open");
            let id =
                serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| v.get("id").cloned()).unwrap_or(Value::Null);
            let mut r = jsonrpc_error(
                StatusCode::TOO_MANY_REQUESTS,
                id,
                -32000,
                format!(
                    "too many sessions: caller{who} already has {open} open MCP sessions (PVE_MCP_HTTP_MAX_SESSIONS); \
                     end one with an HTTP DELETE of its Mcp-Session-Id, or wait until an idle one expires (5 minutes)"
                ),
            );
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            return r;
        }
    }
    let permit = match request_id {
        None => None,
        Some(id) => match person
            .as_ref()
            .map_or_else(|| route.busy.clone(), |who| app.people.busy(who, route.max_concurrent))
            .try_acquire_owned()
        {
            Ok(p) => Some(CallSlot::new(p)),
            Err(_) => {
                let who = route.name.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default();
                tracing::info!(caller = route.name.as_deref().unwrap_or("-"), "refused a request: caller busy");
                let mut r = jsonrpc_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    id,
                    -32000,
                    format!(
                        "busy: caller{who} already has {} requests in flight (max_concurrent / PVE_MCP_HTTP_MAX_CONCURRENT); nothing was sent to PVE, try again when one has finished",
                        route.max_concurrent
                    ),
                );
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return r;
            }
        },
    };
    let mut parts = parts;
    if let Some(slot) = &permit {
        parts.extensions.insert(slot.clone());
    }
    let response = route.service.handle(Request::from_parts(parts, Full::new(bytes))).await;
    if opens
        && let Some(who) = &person
        && let Some(id) = response.headers().get(SESSION_HEADER).and_then(|v| v.to_str().ok())
    {
        app.people.opened(who, id, route.max_concurrent);
    }
    match permit {
        None => response,
        // The permit lives as long as the answer's body (an SSE stream until the result is sent).
        Some(permit) => response.map(move |body| {
            body.map_frame(move |frame| {
                let _held = &permit;
                frame
            })
            .boxed()
        }),
    }
}

/// Whether a POST body is an `initialize` request (which opens a session).
fn starts_a_session(body: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => o.get("method").and_then(Value::as_str) == Some("initialize"),
        Ok(Value::Array(a)) => a.iter().any(|m| m.get("method").and_then(Value::as_str) == Some("initialize")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_scheme_host_and_port() {
        let allowed = vec!["http://localhost:*".to_owned(), "https://app.example.com:443".to_owned()];
        assert!(origin_allowed("http://localhost:3000", &allowed));
        assert!(origin_allowed("https://app.example.com", &allowed));
        assert!(!origin_allowed("http://app.example.com", &allowed));
        assert!(!origin_allowed("http://evil.example", &allowed));
        assert!(!origin_allowed("http://localhost.evil.example:80", &allowed));
        assert!(!origin_allowed("null", &allowed));
    }
}
