//! Code mode: `pve_run` runs a short JavaScript program that calls tools, and gives back only what
//! it returns. Every call of the program takes the one call path ([`crate::call::prepare`], then
//! [`crate::call::Prepared::run`]) under the caller's policy, allowlists and gates, and is audited with the
//! run's id: a program can do nothing its caller could not do call by call.
//!
//! - [`engine`]: the JavaScript engine (QuickJS-ng), its sandbox and limits;
//! - [`plan`]: dry runs' plans and the self-contained plan ids that approve them.
//!
//! A dry run sends reads and holds writes (each gives back a placeholder); its result lists the
//! writes and a plan id bound to exactly them. A run with `approve` sends writes while each is the
//! plan's next one (a gated write then needs no other confirmation) and stops, sending nothing
//! further, at the first that differs. Without a plan, a gated write needs a person's answer
//! (elicitation) or throws the gate's message with nothing sent.

pub mod engine;
pub mod plan;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::call::cluster::Clusters;
use crate::call::{self, CallError, Caller, ClientHooks, RunHooks, Write, WriteDecision, WriteHook};
use crate::config::state_key::StateKey;
use crate::policy::Policy;
use crate::policy::gate::Confirmer;
use crate::pve::task::ProgressSink;
use crate::tools::params::Params;
use engine::{CallRequest, Limits, STOP_CANCELLED, STOP_WALL, ScriptError, Stop};
use plan::{PlanError, PlannedWrite, WriteDigest};

/// The tool's name.
pub const RUN: &str = <Request as Params>::TOOL;

/// What a `pve_run` call asks: its arguments, read by [`crate::tools::params::read`].
pub use crate::tools::params::Run as Request;

/// Where a run's calls go and how they may reach the client.
pub struct Env<'a> {
    pub clusters: &'a Clusters,
    /// The session's policy (never wider than the clusters').
    pub policy: &'a Policy,
    pub progress: Option<&'a dyn ProgressSink>,
    pub confirmer: Option<&'a dyn Confirmer>,
    pub cancel: CancellationToken,
    pub limits: Limits,
    /// Who runs it, when the request names a person (an OAuth token's subject): plan ids are bound
    /// to `.0` and audit lines name `.1`. Otherwise the clusters' caller (a token file's name).
    pub person: Option<(String, String)>,
    /// The server's state key, which plan ids are signed under.
    pub state_key: &'a StateKey,
}

/// A finished run.
#[derive(Debug)]
pub struct Report {
    pub id: String,
    pub data: Value,
    pub calls: usize,
    pub log: Vec<String>,
    /// A dry run's writes and their plan id.
    pub plan: Option<(Vec<PlannedWrite>, String)>,
    /// An approved run: writes sent, of the plan's.
    pub approved: Option<(usize, usize)>,
}

impl Report {
    /// The result's structured content.
    pub fn to_json(&self) -> Value {
        let mut o = json!({ "data": self.data, "calls": self.calls, "log": self.log });
        if let Some((writes, id)) = &self.plan {
            o["plan"] = Value::Array(writes.iter().map(PlannedWrite::to_json).collect());
            o["plan_id"] = json!(id);
        }
        if let Some((sent, planned)) = self.approved {
            o["approved"] = json!({ "writes_sent": sent, "writes_planned": planned });
        }
        o
    }
}

/// Why a run gave no result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Arguments(String),
    #[error("{0}; nothing was sent to PVE")]
    Plan(#[from] PlanError),
    #[error("{error}{}", log_text(.log, .calls))]
    Script { error: String, log: Vec<String>, calls: usize },
}

fn log_text(log: &[String], calls: &usize) -> String {
    let mut s = format!(" ({calls} calls made)");
    if !log.is_empty() {
        s.push_str("\nconsole.log:\n");
        s.push_str(&log.join("\n"));
    }
    s
}

/// What the run decides for its writes.
struct Writes {
    mode: WriteMode,
    state: Mutex<WriteState>,
}

enum WriteMode {
    Live,
    Dry,
    Approved(Vec<WriteDigest>),
}

#[derive(Default)]
struct WriteState {
    planned: Vec<PlannedWrite>,
    /// Writes let through (an approved run).
    sent: usize,
    stopped: Option<String>,
}

impl WriteHook for Writes {
    fn decide(&self, w: &Write<'_>) -> WriteDecision {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(why) = &state.stopped {
            return WriteDecision::Stop(format!(
                "{}: not sent: the run was stopped at an earlier write ({why})",
                w.tool
            ));
        }
        match &self.mode {
            WriteMode::Live => WriteDecision::Send,
            WriteMode::Dry => {
                let write = PlannedWrite::of(w);
                state.planned.push(write);
                WriteDecision::Hold(json!({
                    "dry_run": "NOT SENT: a planned write",
                    "write": state.planned.len(),
                    "method": w.method,
                    "path": w.path,
                }))
            }
            WriteMode::Approved(plan) => {
                let n = state.sent;
                let what = format!("{} ({} {})", w.tool, w.method, w.path);
                let why = match plan.get(n) {
                    None => format!(
                        "write {} {what} is not in the approved plan, which has {} writes; nothing further was sent",
                        n + 1,
                        plan.len()
                    ),
                    Some(d) if *d != PlannedWrite::of(w).digest() => format!(
                        "write {} {what} differs from write {} of the approved plan (tool, path or arguments changed); \
                         nothing further was sent. Dry-run the program again for a new plan",
                        n + 1,
                        n + 1
                    ),
                    Some(_) => {
                        state.sent += 1;
                        return WriteDecision::Approved;
                    }
                };
                state.stopped = Some(why.clone());
                WriteDecision::Stop(why)
            }
        }
    }
}

impl Writes {
    /// Why the run was stopped at a write, if it was: then nothing further is sent, reads included.
    fn stopped(&self) -> Option<String> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).stopped.clone()
    }
}

/// Stops the script when the run's future ends early (dropped).
struct StopOnDrop(Stop);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.compare_exchange(engine::STOP_NONE, STOP_CANCELLED, Ordering::Relaxed, Ordering::Relaxed);
    }
}

/// Runs a program.
pub async fn run(request: Request, env: Env<'_>) -> Result<Report, RunError> {
    let caller = match &env.person {
        Some((key, _)) => key.clone(),
        None => env.clusters.first().caller.clone().unwrap_or_default(),
    };
    let key = env.state_key;
    let mode = match &request.approve {
        Some(id) => WriteMode::Approved(plan::verify(key, &caller, id)?),
        None if request.dry_run => WriteMode::Dry,
        None => WriteMode::Live,
    };
    let writes = Writes { mode, state: Mutex::new(WriteState::default()) };
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    tracing::info!(run = %id, dry_run = request.dry_run, approve = request.approve.is_some(), "pve_run starts");

    let stop: Stop = Arc::new(std::sync::atomic::AtomicU8::new(engine::STOP_NONE));
    let _guard = StopOnDrop(stop.clone());
    let (tx, mut rx) = mpsc::channel::<CallRequest>(1);
    let mut finished = engine::start(request.code, env.limits, tx, stop.clone());
    let deadline = tokio::time::sleep(env.limits.wall);
    tokio::pin!(deadline);
    // Calls in flight end (cancelled) with the run.
    let calls_cancel = env.cancel.child_token();
    let mut over = false;
    let hooks = RunHooks { id: &id, writes: &writes };
    let outcome = loop {
        tokio::select! {
            done = &mut finished => break done.ok(),
            Some(req) = rx.recv() => {
                let answer = if over {
                    Err(format!("{}: not called: the run is over", req.tool))
                } else if let Some(why) = writes.stopped() {
                    Err(format!("{}: not called: the run was stopped ({why})", req.tool))
                } else {
                    let call = one_call(&env, hooks, &calls_cancel, req.tool, req.args);
                    tokio::select! {
                        a = call => a,
                        _ = &mut deadline, if !over => {
                            over = true;
                            stop.store(STOP_WALL, Ordering::Relaxed);
                            calls_cancel.cancel();
                            Err("the run is over its wall time limit".into())
                        }
                    }
                };
                let _ = req.reply.send(answer);
            }
            _ = &mut deadline, if !over => {
                over = true;
                stop.store(STOP_WALL, Ordering::Relaxed);
                calls_cancel.cancel();
            }
            _ = env.cancel.cancelled(), if !over => {
                over = true;
                stop.store(STOP_CANCELLED, Ordering::Relaxed);
            }
        }
    };
    let Some(finished) = outcome else {
        return Err(RunError::Script {
            error: ScriptError::Engine("the engine thread ended".into()).to_string(),
            log: vec![],
            calls: 0,
        });
    };
    let state = writes.state.into_inner().unwrap_or_else(|p| p.into_inner());
    let script = |error: String| RunError::Script { error, log: finished.log.clone(), calls: finished.calls };
    if let Some(why) = state.stopped {
        let sent = if state.sent == 0 {
            "no write was sent".to_owned()
        } else {
            format!("{} approved writes were sent before it", state.sent)
        };
        return Err(script(format!("stopped: {why}; {sent}")));
    }
    let data = finished.result.map_err(|e| script(e.to_string()))?;
    let plan = match &writes.mode {
        WriteMode::Dry => {
            let id = plan::issue(key, &caller, &state.planned);
            Some((state.planned, id))
        }
        _ => None,
    };
    let approved = match &writes.mode {
        WriteMode::Approved(p) => Some((state.sent, p.len())),
        _ => None,
    };
    tracing::info!(run = %id, calls = finished.calls, "pve_run ends");
    Ok(Report { id, data, calls: finished.calls, log: finished.log, plan, approved })
}

/// One `pve.call`: the same path as a direct call, on the cluster it names.
async fn one_call(
    env: &Env<'_>,
    hooks: RunHooks<'_>,
    cancel: &CancellationToken,
    tool: String,
    args: Map<String, Value>,
) -> Result<Value, String> {
    let caller =
        Caller { policy: env.policy, person: env.person.as_ref().map(|(_, who)| who.as_str()), run: Some(hooks.id) };
    let io = ClientHooks {
        progress: env.progress,
        confirmer: env.confirmer,
        pre_confirmed: None,
        // A program's call cannot be paused for an input-required round trip.
        can_ask_later: false,
        cancel: cancel.clone(),
        run: Some(hooks),
    };
    let outcome = match call::prepare(env.clusters, caller, &tool, args) {
        Ok(prepared) => prepared.run(io).await,
        Err(e) => Err(e),
    };
    match outcome {
        // What the signature promises: PVE's data (a merged write's data says what changed).
        Ok(o) => Ok(o.into_data()),
        Err(CallError::UnknownTool(t)) => Err(format!("unknown tool `{t}`; find tools with pve_search")),
        Err(CallError::NeedsConfirmation { reason, .. }) => Err(format!(
            "{tool}: {reason}. Nothing was sent to PVE. In pve_run a gated call needs the user's approval: \
             run the program with dry_run: true, show the user its plan, then run it with approve: <plan_id>"
        )),
        Err(CallError::Stopped(why)) => Err(why),
        Err(e) => Err(format!("{tool}: {e}")),
    }
}
