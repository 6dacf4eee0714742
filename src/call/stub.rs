//! A stub of the wire for the call path's tests: it answers each request from a table keyed by
//! method and path (PVE's `data`, an API error, or a connection that broke after sending), finishes
//! every task it is asked about with the exit status set for it, and records what it was sent.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::BoxFuture;
use crate::pve::client::PveError;
use crate::pve::product::Product;
use crate::pve::release::ReleaseState;
use crate::pve::request::{HttpMethod, PveRequest};
use crate::pve::wire::Wire;

/// What the stub answers to one request.
#[derive(Debug, Clone)]
pub enum Answer {
    Data(Value),
    /// An API error with PVE's message.
    Api(u16, &'static str),
    /// The connection broke after sending began: PVE may or may not have applied it.
    Broke,
}

/// A PVE that answers from a table.
#[derive(Debug)]
pub struct Stub {
    answers: Mutex<HashMap<(HttpMethod, String), Answer>>,
    /// Exit status of tasks by UPID (`OK` when not set).
    exits: Mutex<HashMap<String, String>>,
    sent: Mutex<Vec<PveRequest>>,
    product: Product,
    release: ReleaseState,
}

impl Default for Stub {
    fn default() -> Stub {
        // No `/version` read mixes into what a test counts: the release is set by [`Stub::runs`].
        Stub {
            answers: Mutex::default(),
            exits: Mutex::default(),
            sent: Mutex::default(),
            release: ReleaseState::never_read(),
            product: Product::Pve,
        }
    }
}

impl Stub {
    pub fn new() -> Stub {
        Stub::default()
    }

    /// A cluster known to run this PVE release.
    pub fn runs(self, version: &str) -> Stub {
        self.release.learned(version);
        self
    }

    /// A Backup Server rather than a PVE.
    pub fn pbs(self) -> Stub {
        Stub { product: Product::Pbs, ..self }
    }

    /// A Datacenter Manager rather than a PVE.
    pub fn pdm(self) -> Stub {
        Stub { product: Product::Pdm, ..self }
    }

    /// Answers `method path` (the path as sent, below `/api2/json`) with `answer`.
    pub fn on(self, method: HttpMethod, path: &str, answer: Answer) -> Stub {
        self.answers.lock().unwrap().insert((method, path.to_owned()), answer);
        self
    }

    /// A task that ends with this exit status.
    pub fn task_ends(self, upid: &str, exit: &str) -> Stub {
        self.exits.lock().unwrap().insert(upid.to_owned(), exit.to_owned());
        self
    }

    /// Every request it was sent, in order.
    pub fn sent(&self) -> Vec<PveRequest> {
        self.sent.lock().unwrap().clone()
    }

    /// The requests other than reads, as `METHOD path`.
    pub fn writes(&self) -> Vec<String> {
        self.sent()
            .iter()
            .filter(|r| r.method != HttpMethod::Get)
            .map(|r| format!("{} {}", r.method.as_str(), r.path))
            .collect()
    }

    fn answer(&self, request: &PveRequest) -> Result<Value, PveError> {
        // A node's task, or (through a Datacenter Manager) a remote's.
        let task_tree = ["/nodes/", "/pve/remotes/", "/pbs/remotes/"].iter().find_map(|t| request.path.strip_prefix(t));
        if let Some(rest) = task_tree.and_then(|r| r.split_once("/tasks/")).map(|(_, t)| t) {
            let upid = percent_encoding::percent_decode_str(rest.split('/').next().unwrap_or(""))
                .decode_utf8_lossy()
                .into_owned();
            let exit = self.exits.lock().unwrap().get(&upid).cloned().unwrap_or_else(|| "OK".into());
            if request.path.ends_with("/status") {
                return Ok(json!({ "status": "stopped", "exitstatus": exit, "upid": upid }));
            }
            if request.path.ends_with("/log") {
                return Ok(json!([{ "n": 1, "t": format!("TASK {exit}") }]));
            }
        }
        let answer = self.answers.lock().unwrap().get(&(request.method, request.path.clone())).cloned();
        match answer.unwrap_or(Answer::Data(Value::Null)) {
            Answer::Data(v) => Ok(v),
            Answer::Api(status, message) => {
                Err(PveError::Api { status, message: message.into(), errors: BTreeMap::new(), hint: None })
            }
            Answer::Broke => Err(PveError::WriteFateUnknown {
                method: request.method.as_str(),
                url: format!("https://pve.invalid:8006/api2/json{}", request.path),
                detail: "connection reset".into(),
                timed_out: false,
                secs: 30.0,
            }),
        }
    }
}

impl Wire for Stub {
    fn send<'a>(&'a self, request: &'a PveRequest) -> BoxFuture<'a, Result<Value, PveError>> {
        self.sent.lock().unwrap().push(request.clone());
        let answer = self.answer(request);
        Box::pin(async move { answer })
    }

    fn identity(&self) -> &str {
        "mcp@pve!stub"
    }

    fn uses_token(&self) -> bool {
        true
    }

    fn release(&self) -> &ReleaseState {
        &self.release
    }

    fn product(&self) -> Product {
        self.product
    }
}
