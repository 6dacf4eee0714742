//! Stage 5, the one path every tool call takes, after the protocol layer: find the tool; apply the
//! policy (tier, categories); read and check the arguments into the typed request; apply the
//! allowlists and the confirmation gate; send; wait for the PVE task if the answer is one; audit.
//! Nothing is sent unless every check before it passed, and every way of calling a tool comes
//! through here. It owns no protocol detail: how a person is asked, or progress is shown, comes in
//! through [`ClientHooks`].

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::audit::{AuditLog, Entry};
use crate::policy::allowlist::{Allowlist, NotAllowed};
use crate::policy::gate::{self, Confirmer, Consent, GateArgs, Verdict};
use crate::policy::{Policy, Refusal};
use crate::pve::client::{PveClient, PveError};
use crate::pve::request::HttpMethod;
use crate::pve::request::PveRequest;
use crate::pve::task::{self, ProgressSink, TaskOutcome, TaskReport, Upid};
use crate::tools::arguments::{ArgErrors, Arguments, FieldError};
use crate::tools::registry;

/// The PVE side a call runs against and the limits around it, for as long as the server (or one
/// HTTP caller) lives: the client, the policy ceiling, the allowlists, the audit log.
#[derive(Debug)]
pub struct Backend {
    /// The ceiling: what this server (or HTTP caller) may ever use.
    pub policy: Policy,
    pub client: PveClient,
    pub allowlist: Allowlist,
    /// Shared by every caller: lines are appended whole.
    pub audit: Option<Arc<AuditLog>>,
    /// Default for how long to wait on a PVE task (`PVE_TASK_TIMEOUT`).
    pub task_timeout: Duration,
    /// Who is calling (an HTTP token's name), for the audit log.
    pub caller: Option<String>,
    /// Which cluster this is, when several are configured (`[[cluster]]` tables): named in
    /// results, errors, progress and audit lines. `None` for the one cluster of the environment.
    pub cluster: Option<String>,
}

/// How this particular call may reach back to its client: progress, a person's confirmation,
/// cancellation.
#[derive(Default)]
pub struct ClientHooks<'a> {
    pub progress: Option<&'a dyn ProgressSink>,
    pub confirmer: Option<&'a dyn Confirmer>,
    /// The person already confirmed this exact call (a validated input-required round trip).
    pub pre_confirmed: bool,
    pub cancel: CancellationToken,
    /// The `pve_run` program making this call: its run id (named in audit lines) and its say over
    /// writes (dry runs, approved plans; see [`crate::run`]).
    pub run: Option<RunHooks<'a>>,
}

/// What a program run adds to each of its calls.
#[derive(Clone, Copy)]
pub struct RunHooks<'a> {
    pub id: &'a str,
    pub writes: &'a dyn WriteHook,
}

/// A write a program is about to make, after every check passed and before its gate.
#[derive(Debug, Clone)]
pub struct Write<'a> {
    pub tool: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    /// The arguments as the program gave them (without `cluster`).
    pub arguments: &'a Map<String, Value>,
    pub cluster: Option<&'a str>,
    /// Whether the tool's confirmation gate applies to these arguments.
    pub gated: bool,
}

/// What a program run decides for one of its writes.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteDecision {
    /// Send it; a gated write still needs a person's answer (elicitation).
    Send,
    /// Send it: it is the next write of a plan a person approved (its gate is passed).
    Approved,
    /// Do not send it (a dry run): the call gives back this placeholder.
    Hold(Value),
    /// Do not send it, nor anything after it: why.
    Stop(String),
}

/// Decides each write of a program run (implemented by [`crate::run`]).
pub trait WriteHook: Send + Sync {
    fn decide(&self, write: &Write<'_>) -> WriteDecision;
}

/// What a successful call gives back.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// PVE's `data`.
    Data(Value),
    /// A PVE task that finished OK (or with warnings).
    Task(TaskReport),
    /// A task started with `wait: false`.
    Started(Upid),
}

/// Why a call did not succeed. Every variant before `Pve` means nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    #[error("{0}; nothing was sent to PVE")]
    Refused(#[from] Refusal),
    #[error("{0}; nothing was sent to PVE")]
    InvalidArguments(ArgErrors),
    #[error("{0}; nothing was sent to PVE")]
    NotAllowed(#[from] NotAllowed),
    #[error("{reason}. Nothing was sent to PVE. Ask the user, then call again with {pass}")]
    NeedsConfirmation { reason: String, pass: String, prompt: String },
    #[error("the user did not confirm; nothing was sent to PVE")]
    Declined,
    #[error("{0}")]
    Pve(#[from] PveError),
    #[error("{}", task_failed(.0))]
    TaskFailed(TaskReport),
    #[error("{}", still_running(.0))]
    StillRunning(TaskReport),
    #[error("cancelled by the client; a PVE task already started keeps running")]
    Cancelled,
    /// The chosen cluster does not allow the tool (see [`crate::cluster`]).
    #[error("{0}; nothing was sent to PVE")]
    Cluster(String),
    /// A program run stopped this write (it is not the approved plan's next one, or the run is
    /// over its limits).
    #[error("{0}")]
    Stopped(String),
}

fn task_failed(r: &TaskReport) -> String {
    format!(
        "PVE task {} failed: {} (UPID {}){}",
        r.upid.kind,
        r.exit_status.as_deref().unwrap_or("unknown exit status"),
        r.upid.text,
        log_text(&r.log_tail)
    )
}

fn still_running(r: &TaskReport) -> String {
    format!(
        "PVE task {} is still running after {:.0} s; it was neither failed nor finished. Follow it with \
         node_tasks_status_get (node `{}`, upid `{}`) or wait longer with `task_timeout`{}",
        r.upid.kind,
        r.duration.as_secs_f64(),
        r.upid.node,
        r.upid.text,
        log_text(&r.log_tail)
    )
}

fn log_text(lines: &[String]) -> String {
    if lines.is_empty() { String::new() } else { format!("\nLast log lines:\n{}", lines.join("\n")) }
}

/// The task-waiting arguments a call may carry.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WaitArgs {
    wait: bool,
    timeout: Option<Duration>,
}

fn take_wait_args(args: &mut Map<String, Value>) -> Result<WaitArgs, FieldError> {
    let mut out = WaitArgs { wait: true, timeout: None };
    if let Some(v) = args.remove("wait").filter(|v| !v.is_null()) {
        out.wait = crate::tools::arguments::as_boolean(&v)
            .ok_or_else(|| FieldError { field: "wait".into(), message: "expected true or false".into() })?;
    }
    if let Some(v) = args.remove("task_timeout").filter(|v| !v.is_null()) {
        let secs = crate::tools::arguments::wire(
            &v,
            &crate::tools::arguments::Rule::Number { min: Some(1.0), max: Some(86_400.0) },
        )
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .ok_or_else(|| FieldError {
            field: "task_timeout".into(),
            message: "expected seconds from 1 to 86400".into(),
        })?;
        out.timeout = Some(Duration::from_secs_f64(secs));
    }
    Ok(out)
}

/// Runs one tool call under `policy` (the session's; never wider than `backend.policy`).
pub async fn call(
    backend: &Backend,
    policy: &Policy,
    name: &str,
    mut args: Map<String, Value>,
    io: ClientHooks<'_>,
) -> Result<Success, CallError> {
    let Some(tool) = registry::find(name) else {
        if let Some(log) = &backend.audit {
            log.record(&Entry {
                caller: backend.caller.as_deref(),
                cluster: backend.cluster.as_deref(),
                tool: name,
                outcome: "refused",
                message: Some("unknown tool".into()),
                ..Default::default()
            });
        }
        return Err(CallError::UnknownTool(name.to_owned()));
    };
    let audited = tool.method != HttpMethod::Get;
    let original = args.clone();
    // One audit line: what was called (the concrete path once known), how it ended, its task.
    let audit = |request: Option<&PveRequest>,
                 outcome: &str,
                 message: Option<String>,
                 upid: Option<&str>,
                 exit: Option<&str>| {
        if let Some(log) = &backend.audit {
            log.record(&Entry {
                caller: backend.caller.as_deref(),
                cluster: backend.cluster.as_deref(),
                tool: tool.name,
                method: Some(tool.method.as_str()),
                path: Some(request.map(|r| r.path.as_str()).unwrap_or(tool.path)),
                arguments: Some(&original),
                outcome,
                message,
                upid,
                exit_status: exit,
                run: io.run.map(|r| r.id),
            });
        }
    };
    let refuse = |e: CallError| -> CallError {
        if audited || matches!(e, CallError::Refused(_) | CallError::NotAllowed(_)) {
            audit(None, "refused", Some(e.to_string()), None, None);
        }
        e
    };

    backend.policy.check(tool).and_then(|_| policy.check(tool)).map_err(|e| refuse(e.into()))?;

    // Overlay arguments come out before the typed request reads the rest.
    let mut overlay_errors = Vec::new();
    let gate_args = if tool.gate.is_some() {
        GateArgs::take(&mut args).unwrap_or_else(|(field, message)| {
            overlay_errors.push(FieldError { field, message });
            GateArgs::default()
        })
    } else {
        GateArgs::default()
    };
    let wait = if tool.method != HttpMethod::Get {
        take_wait_args(&mut args).unwrap_or_else(|e| {
            overlay_errors.push(e);
            WaitArgs { wait: true, timeout: None }
        })
    } else {
        WaitArgs { wait: true, timeout: None }
    };
    let request = match (tool.build)(&mut Arguments::new(args.clone())) {
        Ok(r) if overlay_errors.is_empty() => r,
        Ok(_) => return Err(refuse(CallError::InvalidArguments(ArgErrors(overlay_errors)))),
        Err(mut e) => {
            e.0.extend(overlay_errors);
            return Err(refuse(CallError::InvalidArguments(e)));
        }
    };

    backend.allowlist.check(tool, &args).map_err(|e| refuse(e.into()))?;

    // A program's writes: its run decides (dry run, approved plan). Inside a run, the gate opens
    // only for an approved plan or a person's answer, never for the program's own `confirm`.
    let mut approved = false;
    let mut gate_args = gate_args;
    if let Some(run) = io.run
        && tool.method != HttpMethod::Get
    {
        let gated = !matches!(gate::check(tool, &args, &GateArgs::default()), Verdict::Open);
        let write = Write {
            tool: tool.name,
            method: tool.method.as_str(),
            path: &request.path,
            arguments: &original,
            cluster: backend.cluster.as_deref(),
            gated,
        };
        match run.writes.decide(&write) {
            WriteDecision::Send => gate_args = GateArgs::default(),
            WriteDecision::Approved => approved = true,
            WriteDecision::Hold(placeholder) => {
                audit(Some(&request), "planned", None, None, None);
                return Ok(Success::Data(placeholder));
            }
            WriteDecision::Stop(why) => return Err(refuse(CallError::Stopped(why))),
        }
    }

    if !io.pre_confirmed
        && !approved
        && let Verdict::Closed { reason, pass, prompt } = gate::check(tool, &args, &gate_args)
    {
        let asked = match io.confirmer {
            Some(c) if gate_args.confirm.is_none() => c.confirm(prompt.clone()).await,
            _ => Consent::Unavailable,
        };
        match asked {
            Consent::Accepted => {}
            Consent::Declined => return Err(refuse(CallError::Declined)),
            Consent::Unavailable => return Err(refuse(CallError::NeedsConfirmation { reason, pass, prompt })),
        }
    }

    tracing::info!(tool = tool.name, method = request.method.as_str(), path = %request.path, "calling PVE");
    let sent = tokio::select! {
        _ = io.cancel.cancelled() => Err(CallError::Cancelled),
        r = backend.client.send(&request) => r.map_err(CallError::from),
    };
    let mut data = match sent {
        Ok(d) => d,
        Err(e) => {
            if audited {
                audit(Some(&request), "error", Some(e.to_string()), None, None);
            }
            return Err(e);
        }
    };

    let upid = data.as_str().and_then(Upid::parse);
    let Some(upid) = upid else {
        backend.allowlist.filter(&mut data);
        if audited {
            audit(Some(&request), "ok", None, None, None);
        }
        return Ok(Success::Data(data));
    };
    if !wait.wait {
        if audited {
            audit(Some(&request), "started", None, Some(&upid.text), None);
        }
        return Ok(Success::Started(upid));
    }
    let timeout = wait.timeout.unwrap_or(backend.task_timeout);
    let outcome = task::wait(&backend.client, upid.clone(), timeout, io.progress, &io.cancel).await;
    let result = match outcome {
        Ok(Some(TaskOutcome::Succeeded(r))) => Ok(Success::Task(r)),
        Ok(Some(TaskOutcome::Failed(r))) => Err(CallError::TaskFailed(r)),
        Ok(Some(TaskOutcome::StillRunning(r))) => Err(CallError::StillRunning(r)),
        Ok(None) => Err(CallError::Cancelled),
        Err(e) => Err(CallError::Pve(e)),
    };
    if audited {
        let (outcome, report) = match &result {
            Ok(Success::Task(r)) => ("ok", Some(r)),
            Err(CallError::TaskFailed(r)) => ("task-failed", Some(r)),
            Err(CallError::StillRunning(r)) => ("still-running", Some(r)),
            _ => ("error", None),
        };
        let message = result.as_ref().err().filter(|_| report.is_none()).map(|e| e.to_string());
        let exit = report.and_then(|r| r.exit_status.as_deref());
        audit(Some(&request), outcome, message, Some(&upid.text), exit);
    }
    result
}
