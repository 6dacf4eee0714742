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
//! further, at the first that differs. A plan is used once: its first write sent spends it. The
//! approved run sees the dry run's clock readings and random values. Without a plan, a gated write
//! needs a person's answer (elicitation) or throws the gate's message with nothing sent.
//!
//! Every refused call is listed in the result (`refused`), even one the program caught; a write in
//! flight when the wall time runs out finishes its send (not its task wait) and is reported.
//!
//! In a dry run, a read PVE answers with an error once a write was planned (the clone's status,
//! read after the clone) may read what that write would make: it gives back a placeholder
//! (`dry_run: "NOT READ: …"`) instead of throwing, and is listed in the result (`unread`).

pub mod engine;
pub mod plan;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::call::cluster::Clusters;
use crate::call::{self, CallError, Caller, ClientHooks, Outcome, RunHooks, Write, WriteDecision, WriteHook};
use crate::config::state_key::StateKey;
use crate::policy::Policy;
use crate::policy::gate::Confirmer;
use crate::pve::error::PveError;
use crate::pve::task::ProgressSink;
use crate::tools::params::Params;
use engine::{CallRequest, Limits, Replay, STOP_CANCELLED, STOP_WALL, ScriptError, Stop};
use plan::{Nonces, Plan, PlanError, PlannedWrite};

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
    /// The replica's spent nonces: a plan runs once.
    pub nonces: &'a dyn Nonces,
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
    /// Calls refused with nothing sent (tool and reason), caught by the program or not.
    pub refused: Vec<Value>,
    /// A dry run's reads that failed after a planned write, given back as placeholders.
    pub unread: Vec<Value>,
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
        if !self.refused.is_empty() {
            o["refused"] = Value::Array(self.refused.clone());
        }
        if !self.unread.is_empty() {
            o["unread"] = Value::Array(self.unread.clone());
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
    #[error("{error}{}{}", refused_text(.refused), log_text(.log, .calls))]
    Script { error: String, log: Vec<String>, calls: usize, refused: Vec<Value> },
}

fn refused_text(refused: &[Value]) -> String {
    if refused.is_empty() {
        return String::new();
    }
    let list: Vec<String> = refused
        .iter()
        .map(|r| format!("{}: {}", r["tool"].as_str().unwrap_or(""), r["reason"].as_str().unwrap_or("")))
        .collect();
    format!("\nrefused calls (nothing sent):\n{}", list.join("\n"))
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
struct Writes<'a> {
    mode: WriteMode,
    state: Mutex<WriteState>,
    nonces: &'a dyn Nonces,
    /// The call in flight is a write whose sending began.
    sending: AtomicBool,
}

enum WriteMode {
    Live,
    Dry,
    Approved(Plan),
}

#[derive(Default)]
struct WriteState {
    planned: Vec<PlannedWrite>,
    /// Writes let through (an approved run).
    sent: usize,
    stopped: Option<String>,
}

impl WriteHook for Writes<'_> {
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
                let plan_len = plan.digests.len();
                let why = match plan.digests.get(n) {
                    None => format!(
                        "write {} {what} is not in the approved plan, which has {} writes; nothing further was sent",
                        n + 1,
                        plan_len
                    ),
                    Some(d) if *d != PlannedWrite::of(w).digest() => format!(
                        "write {} {what} differs from write {} of the approved plan (tool, path or arguments changed); \
                         nothing further was sent. Dry-run the program again for a new plan",
                        n + 1,
                        n + 1
                    ),
                    // The plan's first write spends it: a person agreed to one run.
                    Some(_) if n == 0 && !self.nonces.spend(&plan.nonce_text(), plan.expires) => {
                        PlanError::Spent.to_string()
                    }
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

    fn sending(&self) {
        self.sending.store(true, Ordering::Relaxed);
    }
}

impl Writes<'_> {
    /// Why the run was stopped at a write, if it was: then nothing further is sent, reads included.
    fn stopped(&self) -> Option<String> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).stopped.clone()
    }

    /// In a dry run, how many writes were planned so far.
    fn planned(&self) -> Option<usize> {
        match self.mode {
            WriteMode::Dry => Some(self.state.lock().unwrap_or_else(|p| p.into_inner()).planned.len()),
            _ => None,
        }
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
        Some(id) => {
            let plan = plan::verify(key, &caller, id)?;
            if env.nonces.is_spent(&plan.nonce_text()) {
                return Err(PlanError::Spent.into());
            }
            WriteMode::Approved(plan)
        }
        None if request.dry_run => WriteMode::Dry,
        None => WriteMode::Live,
    };
    let replay = match &mode {
        WriteMode::Approved(plan) => Replay { seed: plan.nonce, clock: plan.clock.clone() },
        _ => Replay { seed: plan::new_nonce(), clock: vec![] },
    };
    let seed = replay.seed;
    let writes =
        Writes { mode, state: Mutex::new(WriteState::default()), nonces: env.nonces, sending: AtomicBool::new(false) };
    let refused = Mutex::new(Vec::new());
    let unread = Mutex::new(Vec::new());
    let mut cut_off: Vec<String> = Vec::new();
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    tracing::info!(run = %id, dry_run = request.dry_run, approve = request.approve.is_some(), "pve_run starts");

    let stop: Stop = Arc::new(std::sync::atomic::AtomicU8::new(engine::STOP_NONE));
    let _guard = StopOnDrop(stop.clone());
    let (tx, mut rx) = mpsc::channel::<CallRequest>(1);
    let mut finished = engine::start(request.code, env.limits, replay, tx, stop.clone());
    let deadline = tokio::time::sleep(env.limits.wall);
    tokio::pin!(deadline);
    // Calls in flight end (cancelled) with the run.
    let calls_cancel = env.cancel.child_token();
    let mut over = false;
    let hooks = RunHooks { id: &id, writes: &writes };
    let plan_id = request.approve.as_deref().map(str::trim);
    let outcome = loop {
        tokio::select! {
            done = &mut finished => break done.ok(),
            Some(req) = rx.recv() => {
                let answer = if over {
                    Err(format!("{}: not called: the run is over", req.tool))
                } else if calls_cancel.is_cancelled() {
                    // The client cancelled during an earlier call: nothing further is sent.
                    Err(format!("{}: not called: the run was cancelled", req.tool))
                } else if let Some(why) = writes.stopped() {
                    Err(format!("{}: not called: the run was stopped ({why})", req.tool))
                } else {
                    let tool = req.tool.clone();
                    writes.sending.store(false, Ordering::Relaxed);
                    let seen = Seen { refused: &refused, unread: &unread, planned: writes.planned() };
                    let call = one_call(&env, hooks, plan_id, seen, &calls_cancel, req.tool, req.args);
                    tokio::pin!(call);
                    tokio::select! {
                        a = &mut call => a.answer,
                        _ = &mut deadline, if !over => {
                            over = true;
                            stop.store(STOP_WALL, Ordering::Relaxed);
                            calls_cancel.cancel();
                            // A write whose sending began finishes its send (not its task wait) and is
                            // audited; any other call ends here, with nothing sent.
                            if writes.sending.load(Ordering::Relaxed)
                                && let Some(fate) = call.await.fate
                            {
                                cut_off.push(format!("{tool}: {fate}"));
                            }
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
    let refused = refused.into_inner().unwrap_or_else(|p| p.into_inner());
    let unread = unread.into_inner().unwrap_or_else(|p| p.into_inner());
    let Some(finished) = outcome else {
        return Err(RunError::Script {
            error: ScriptError::Engine("the engine thread ended".into()).to_string(),
            log: vec![],
            calls: 0,
            refused,
        });
    };
    let state = writes.state.into_inner().unwrap_or_else(|p| p.into_inner());
    let planned = match &writes.mode {
        WriteMode::Approved(p) => Some(p.digests.len()),
        _ => None,
    };
    let script = |error: String| RunError::Script {
        error: format!("{error}{}{}", cut_off_text(&cut_off), remaining_text(planned, state.sent)),
        log: finished.log.clone(),
        calls: finished.calls,
        refused: refused.clone(),
    };
    if let Some(why) = &state.stopped {
        let sent = if state.sent == 0 {
            "no write was sent".to_owned()
        } else {
            format!("{} approved writes were sent before it", state.sent)
        };
        return Err(script(format!("stopped: {why}; {sent}")));
    }
    let data = match finished.result {
        Ok(data) => data,
        Err(e) => return Err(script(e.to_string())),
    };
    let plan = match &writes.mode {
        WriteMode::Dry => {
            let id = plan::issue(key, &caller, seed, &finished.clock, &state.planned);
            Some((state.planned, id))
        }
        _ => None,
    };
    let approved = planned.map(|p| (state.sent, p));
    tracing::info!(run = %id, calls = finished.calls, "pve_run ends");
    Ok(Report { id, data, calls: finished.calls, log: finished.log, plan, approved, refused, unread })
}

/// What a run cut off by its wall time says of the writes that were in flight.
fn cut_off_text(cut_off: &[String]) -> String {
    if cut_off.is_empty() {
        return String::new();
    }
    format!("\nin flight when the time ran out (audited):\n{}", cut_off.join("\n"))
}

/// What an approved run stopped part-way says of the plan's writes it did not send.
fn remaining_text(planned: Option<usize>, sent: usize) -> String {
    match planned {
        Some(p) if sent < p => {
            let left = if sent + 1 == p { format!("write {p}") } else { format!("writes {}-{p}", sent + 1) };
            let spent = if sent > 0 { "; the plan is used up: dry-run again for the rest" } else { "" };
            format!("\napproved plan: {sent} of its {p} writes sent; {left} not sent{spent}")
        }
        _ => String::new(),
    }
}

/// How one `pve.call` ended: the program's answer and, for a write that reached PVE, what became of it.
struct Called {
    answer: Result<Value, String>,
    /// A write sent: accepted (and its task's UPID), or PVE's answer.
    fate: Option<String>,
}

/// What a run keeps of its calls besides their answers.
struct Seen<'a> {
    refused: &'a Mutex<Vec<Value>>,
    unread: &'a Mutex<Vec<Value>>,
    /// In a dry run, the writes planned before this call.
    planned: Option<usize>,
}

/// One `pve.call`: the same path as a direct call, on the cluster it names. A call refused with
/// nothing sent is added to `refused`; in a dry run, a read PVE fails after a planned write gives
/// back a placeholder and is added to `unread`.
async fn one_call(
    env: &Env<'_>,
    hooks: RunHooks<'_>,
    plan: Option<&str>,
    seen: Seen<'_>,
    cancel: &CancellationToken,
    tool: String,
    args: Map<String, Value>,
) -> Called {
    let caller = Caller {
        policy: env.policy,
        person: env.person.as_ref().map(|(_, who)| who.as_str()),
        run: Some(hooks.id),
        plan,
    };
    let io = ClientHooks {
        progress: env.progress,
        confirmer: env.confirmer,
        pre_confirmed: None,
        // A program's call cannot be paused for an input-required round trip.
        can_ask_later: false,
        cancel: cancel.clone(),
        run: Some(hooks),
    };
    let path = |template: &str| filled(template, &args);
    let (outcome, write, path) = match call::prepare(env.clusters, caller, &tool, args.clone()) {
        Ok(prepared) => {
            let write = prepared.tool.method != crate::pve::request::HttpMethod::Get;
            let path = path(prepared.tool.path);
            (prepared.run(io).await, write, path)
        }
        Err(e) => (Err(e), false, String::new()),
    };
    let fate = match &outcome {
        Ok(Outcome::Planned(_)) => None,
        Ok(Outcome::Started(upid)) if write => {
            Some(format!("sent and accepted by PVE, task {} (its end was not waited for)", upid.text))
        }
        Ok(o) if write => Some(match o.task() {
            Some(r) => format!("sent, task {} ended: {}", r.upid.text, r.exit_status.as_deref().unwrap_or("?")),
            None => "sent, PVE answered".to_owned(),
        }),
        Err(e) if write && !nothing_sent(e) => Some(format!("sent: {e}")),
        _ => None,
    };
    let answer = match outcome {
        // What the signature promises: PVE's data (a merged write's data says what changed).
        Ok(o) => Ok(o.into_data()),
        Err(CallError::Pve(PveError::Api { status, message, .. }))
            if !write && !matches!(status, 401 | 403) && seen.planned.is_some_and(|n| n > 0) =>
        {
            let after = seen.planned.unwrap_or(0);
            let reason = format!("PVE answered HTTP {status}: {message}");
            let mut list = seen.unread.lock().unwrap_or_else(|p| p.into_inner());
            list.push(json!({ "tool": tool, "path": path, "after_write": after, "reason": reason }));
            Ok(unread_placeholder(&path, after, &reason))
        }
        Err(e) => {
            let text = refusal_text(&tool, &e);
            if nothing_sent(&e) {
                let mut list = seen.refused.lock().unwrap_or_else(|p| p.into_inner());
                list.push(json!({ "tool": tool, "reason": text }));
            }
            Err(text)
        }
    };
    Called { answer, fate }
}

/// What a dry run's read gives back when PVE failed it after a planned write: it may read what
/// that write would make.
fn unread_placeholder(path: &str, after_write: usize, reason: &str) -> Value {
    json!({
        "dry_run": "NOT READ: PVE failed this read, which may depend on a planned write (not made in a dry run)",
        "after_write": after_write,
        "method": "GET",
        "path": path,
        "reason": reason,
    })
}

/// A tool's path with the call's arguments in its `{name}` places.
fn filled(template: &str, args: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..open + close];
        match args.get(name) {
            Some(Value::String(s)) => out.push_str(s),
            Some(v) => out.push_str(&v.to_string()),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether the call ended with nothing sent to PVE (a refusal, not a failure).
fn nothing_sent(e: &CallError) -> bool {
    matches!(
        e,
        CallError::UnknownTool(_)
            | CallError::Refused(_)
            | CallError::InvalidArguments(..)
            | CallError::NotAllowed(_)
            | CallError::NeedsConfirmation { .. }
            | CallError::Declined(_)
            | CallError::NoWayToAsk { .. }
            | CallError::Forbidden(_)
            | CallError::ExecuteDisabled
            | CallError::ExecuteInner(_)
            | CallError::Cluster(..)
            | CallError::Stopped(_)
    )
}

/// The text a program's failed call throws: a direct call's advice (`confirm: true`) is replaced by
/// what a program can do.
fn refusal_text(tool: &str, e: &CallError) -> String {
    match e {
        CallError::UnknownTool(t) => format!("unknown tool `{t}`; find tools with pve_search"),
        CallError::NeedsConfirmation { reason, .. } => call::error::needs_approval_in_run(tool, reason),
        CallError::Stopped(why) => why.clone(),
        e => format!("{tool}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_filled_with_the_calls_arguments_and_keeps_places_it_has_none_for() {
        let args: Map<String, Value> = serde_json::from_value(json!({"node": "pve1", "vmid": 150})).unwrap();
        assert_eq!(filled("/nodes/{node}/qemu/{vmid}/status/current", &args), "/nodes/pve1/qemu/150/status/current");
        assert_eq!(filled("/nodes/{node}/lxc/{ct}", &args), "/nodes/pve1/lxc/{ct}");
    }
}
