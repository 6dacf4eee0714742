//! Stage 5, the one path every tool call takes, after the protocol layer: find the tool; apply the
//! policy (tier, categories); read and check the arguments into the typed request; apply the
//! allowlists and the confirmation gate; send; wait for the PVE task if the answer is one; audit.
//! Nothing is sent unless every check before it passed, and every way of calling a tool comes
//! through here. It owns no protocol detail: how a person is asked, or progress is shown, comes in
//! through [`ClientHooks`].

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio_util::sync::CancellationToken;

use crate::audit::{AuditLog, Entry};
use crate::config::consent::Consent as ConsentSettings;
use crate::consent;
use crate::policy::allowlist::{Allowlist, NotAllowed};
use crate::policy::gate::{self, ConfirmMode, Confirmer, Consent, ConsentKind, GateArgs, Verdict};
use crate::policy::{Policy, Refusal};
use crate::pve::client::{PveClient, PveError};
use crate::pve::request::HttpMethod;
use crate::pve::request::PveRequest;
use crate::pve::task::{self, ProgressSink, TaskOutcome, TaskReport, Upid, WaitError};
use crate::tools::arguments::{ArgErrors, Arguments, FieldError};
use crate::tools::registry::{self, ToolDef};
use crate::writes::{self, WriteError};

/// The PVE side a call runs against and the limits around it, for as long as the server (or one
/// HTTP caller) lives: the client, the policy ceiling, the allowlists, the audit log.
#[derive(Debug, Clone)]
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
    /// Whose answer opens a gate, whether secrets are shown, whether `node_execute` may run.
    pub consent: ConsentSettings,
}

/// How this particular call may reach back to its client: progress, a person's confirmation,
/// cancellation.
#[derive(Default)]
pub struct ClientHooks<'a> {
    pub progress: Option<&'a dyn ProgressSink>,
    pub confirmer: Option<&'a dyn Confirmer>,
    /// A person already confirmed this exact call, and how (a validated input-required round
    /// trip, or the MCP Apps confirmation view).
    pub pre_confirmed: Option<ConsentKind>,
    /// The client can ask a person after this call returns (an input-required result, or the MCP
    /// Apps view): a gated call is refused with the live target in its prompt, for the asking.
    pub can_ask_later: bool,
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
    /// The whole structured result, shaped by an overlay ([`crate::writes`]): PVE's data under
    /// `data` beside what the overlay adds (what changed, property strings as objects, the task).
    Shaped(Value),
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
    #[error(
        "{reason}. Nothing was sent to PVE. This server takes only a person's answer (PVE_CONFIRM=human) and \
         ignores `confirm` arguments, but this client can neither ask through elicitation nor show the MCP \
         Apps confirmation view: use a client that can, or ask the operator"
    )]
    NoWayToAsk { reason: String },
    #[error("{0}; refused before asking, nothing was sent to PVE")]
    Forbidden(String),
    #[error(
        "node_execute runs a batch of API calls as root and is refused unless this server is started with \
         PVE_ALLOW_EXECUTE=true; call the tools one by one instead. Nothing was sent to PVE"
    )]
    ExecuteDisabled,
    #[error("node_execute: {0}; nothing was sent to PVE")]
    ExecuteInner(String),
    #[error("{0}")]
    Pve(#[from] PveError),
    /// A write whose connection broke after sending began: PVE may or may not have applied it.
    #[error("{error}. Do not simply call again: first check whether it took effect with {}", .checks.join(" or "))]
    FateUnknown { error: PveError, checks: Vec<String> },
    /// The task was accepted, but the wait did not see its end.
    #[error("{}", wait_broken(.0))]
    WaitBroken(WaitError),
    #[error("{}", task_failed(.0))]
    TaskFailed(TaskReport),
    #[error("{}", still_running(.0))]
    StillRunning(TaskReport),
    #[error("cancelled by the client; a PVE task already started keeps running")]
    Cancelled,
    /// The chosen cluster does not allow the tool (see [`crate::cluster`]).
    #[error("{0}; nothing was sent to PVE")]
    Cluster(String),
    #[error("{0}")]
    Write(#[from] WriteError),
    /// Any of the above whose text echoed a secret argument's value, with that value replaced.
    #[error("{0}")]
    Redacted(String),
    /// A program run stopped this write (it is not the approved plan's next one, or the run is
    /// over its limits).
    #[error("{0}")]
    Stopped(String),
}

fn wait_broken(e: &WaitError) -> String {
    let upid = e.upid();
    format!(
        "{e}. The task was accepted; its end was not seen: it may still be running, or have ended well or \
         badly. Follow it with {} (node `{}`, upid `{}`)",
        crate::tools::checks::task_status_tool(),
        upid.node,
        upid.text
    )
}

/// `err`, or its text with the call's secret values replaced if it echoed any of them.
fn scrubbed(err: CallError, secrets: &[String]) -> CallError {
    if secrets.is_empty()
        || matches!(err, CallError::UnknownTool(_) | CallError::NeedsConfirmation { .. } | CallError::Cancelled)
    {
        return err;
    }
    let text = err.to_string();
    let clean = crate::audit::scrub(&text, secrets);
    if clean == text { err } else { CallError::Redacted(clean) }
}

/// The call's arguments as the tool's schema types them (`"101"` for an integer reads as `101`,
/// `"1"` for a boolean as `true`); a value that does not read as its type is kept as sent.
pub fn typed_arguments(tool: &ToolDef, args: &Map<String, Value>) -> Map<String, Value> {
    let schema: Value = serde_json::from_str(tool.input_schema).unwrap_or(Value::Null);
    let props = schema.get("properties");
    args.iter()
        .map(|(k, v)| {
            let ty = props.and_then(|p| p.get(k)).and_then(|p| p.get("type")).and_then(Value::as_str);
            let typed = match (ty, v) {
                (Some("integer"), Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
                (Some("number"), Value::String(s)) => {
                    s.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)
                }
                (Some("boolean"), Value::String(_) | Value::Number(_)) => {
                    crate::tools::arguments::as_boolean(v).map(Value::Bool)
                }
                _ => None,
            };
            (k.clone(), typed.unwrap_or_else(|| v.clone()))
        })
        .collect()
}

/// The tool's path with the path arguments filled in as they would be sent (a missing one stays
/// a `{placeholder}`).
pub fn filled_path(tool: &ToolDef, args: &Map<String, Value>) -> String {
    let mut out = String::new();
    for (i, seg) in tool.path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let value = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')).and_then(|name| match args.get(name) {
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        });
        match value {
            Some(v) => out.push_str(&crate::pve::request::path_segment(&v)),
            None => out.push_str(seg),
        }
    }
    out
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
         {} (node `{}`, upid `{}`) or wait longer with `task_timeout`{}",
        r.upid.kind,
        r.duration.as_secs_f64(),
        crate::tools::checks::task_status_tool(),
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

/// Runs one tool call under `policy` (the session's; never wider than `backend.policy`). An error
/// that would echo the value of a secret argument has it replaced.
pub async fn call(
    backend: &Backend,
    policy: &Policy,
    name: &str,
    args: Map<String, Value>,
    io: ClientHooks<'_>,
) -> Result<Success, CallError> {
    let secrets = crate::audit::secret_values(registry::find(name).map_or(&[][..], |t| t.secret_arguments), &args);
    run(backend, policy, name, args, io, &secrets).await.map_err(|e| scrubbed(e, &secrets))
}

async fn run(
    backend: &Backend,
    policy: &Policy,
    name: &str,
    mut args: Map<String, Value>,
    io: ClientHooks<'_>,
    secrets: &[String],
) -> Result<Success, CallError> {
    let Some(tool) = registry::find(name) else {
        if let Some(log) = &backend.audit {
            log.record(&Entry {
                caller: backend.caller.as_deref(),
                cluster: backend.cluster.as_deref(),
                tool: name,
                arguments: Some(&args),
                outcome: "refused",
                message: Some("unknown tool".into()),
                ..Default::default()
            });
        }
        return Err(CallError::UnknownTool(name.to_owned()));
    };
    let audited = tool.method != HttpMethod::Get;
    // The audit line's arguments and path, the same for every outcome.
    let original = typed_arguments(tool, &args);
    let filled = filled_path(tool, &args);
    // How a gated call was consented to (`none` once it is refused at the gate).
    let consent_kind = std::sync::Mutex::new(None::<ConsentKind>);
    let set_consent = |k: Option<ConsentKind>| *consent_kind.lock().unwrap_or_else(|p| p.into_inner()) = k;
    // One audit line: what was called (the path as sent), how it ended, its task.
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
                path: Some(request.map(|r| r.path.as_str()).unwrap_or(&filled)),
                arguments: Some(&original),
                secrets: tool.secret_arguments,
                outcome,
                message: message.map(|m| crate::audit::scrub(&m, secrets)),
                upid,
                exit_status: exit,
                consent: consent_kind.lock().unwrap_or_else(|p| p.into_inner()).map(ConsentKind::as_str),
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
    if tool.path == consent::EXECUTE_PATH && !backend.consent.allow_execute {
        return Err(refuse(CallError::ExecuteDisabled));
    }

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
    let plan = writes::prepare(tool, &mut args).unwrap_or_else(|e| {
        overlay_errors.extend(e);
        writes::Plan::default()
    });
    let request = match (tool.build)(&mut Arguments::new(args.clone())) {
        Ok(r) if overlay_errors.is_empty() => r,
        Ok(_) => return Err(refuse(CallError::InvalidArguments(ArgErrors(overlay_errors)))),
        Err(mut e) => {
            e.0.extend(overlay_errors);
            return Err(refuse(CallError::InvalidArguments(e)));
        }
    };

    backend.allowlist.check(tool, &args, &request).map_err(|e| refuse(e.into()))?;
    backend.allowlist.check(tool, &args, &plan.probe(&request)).map_err(|e| refuse(e.into()))?;

    if tool.path == consent::EXECUTE_PATH {
        check_inner_calls(backend, policy, &args).map_err(|e| refuse(CallError::ExecuteInner(e)))?;
    }

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
            // With PVE_CONFIRM=human a plan id is the model's word, not a person's: the gate still asks.
            WriteDecision::Approved if backend.consent.confirm == ConfirmMode::Human => {
                gate_args = GateArgs::default()
            }
            WriteDecision::Approved => approved = true,
            WriteDecision::Hold(placeholder) => {
                audit(Some(&request), "planned", None, None, None);
                return Ok(Success::Data(placeholder));
            }
            WriteDecision::Stop(why) => return Err(refuse(CallError::Stopped(why))),
        }
    }

    if approved {
        set_consent(tool.gate.map(|_| ConsentKind::Plan));
    } else if let Some(kind) = io.pre_confirmed {
        set_consent(tool.gate.map(|_| kind));
    } else {
        match gate::check_in(backend.consent.confirm, tool, &args, &gate_args) {
            Verdict::Open => {}
            Verdict::Confirmed => set_consent(Some(ConsentKind::Echo)),
            Verdict::Closed { reason, pass, prompt } => {
                let human = backend.consent.confirm == ConfirmMode::Human;
                let confirmer = io.confirmer.filter(|_| human || gate_args.confirm.is_none());
                set_consent(Some(ConsentKind::None));
                if confirmer.is_none() && !io.can_ask_later {
                    if human {
                        return Err(refuse(CallError::NoWayToAsk { reason }));
                    }
                    return Err(refuse(CallError::NeedsConfirmation { reason, pass, prompt }));
                }
                // A person is about to be asked: name the target as PVE has it now.
                let live = consent::live_target(&backend.client, tool, &args).await;
                if let Some(why) = live.forbidden {
                    return Err(refuse(CallError::Forbidden(why)));
                }
                let prompt =
                    if live.facts.is_empty() { prompt } else { format!("{prompt}\nTarget now: {}.", live.facts) };
                let Some(confirmer) = confirmer else {
                    return Err(refuse(CallError::NeedsConfirmation { reason, pass, prompt }));
                };
                match confirmer.confirm(prompt.clone()).await {
                    Consent::Accepted => set_consent(Some(ConsentKind::Elicitation)),
                    Consent::Declined => return Err(refuse(CallError::Declined)),
                    Consent::Unavailable => {
                        return Err(refuse(CallError::NeedsConfirmation { reason, pass, prompt }));
                    }
                }
            }
        }
    }

    // A configuration update reads what it changes: to merge, to carry the digest, to report.
    let (request, before) = match writes::resolve(&backend.client, tool, plan, &mut args).await {
        Ok(None) => (request, None),
        Ok(Some(before)) => match (tool.build)(&mut Arguments::new(args.clone())) {
            // The merged values are checked like any other: a merge must not name another guest.
            Ok(r) => {
                backend.allowlist.check(tool, &args, &r).map_err(|e| refuse(e.into()))?;
                (r, Some(before))
            }
            Err(e) => return Err(refuse(CallError::InvalidArguments(e))),
        },
        Err(e) => return Err(refuse(e.into())),
    };

    tracing::info!(tool = tool.name, method = request.method.as_str(), path = %request.path, "calling PVE");
    let sent = tokio::select! {
        _ = io.cancel.cancelled() => Err(CallError::Cancelled),
        r = backend.client.send(&request) => r.map_err(|e| match e {
            e @ PveError::WriteFateUnknown { .. } => {
                CallError::FateUnknown { error: e, checks: crate::tools::checks::after_unknown_write(tool, &args) }
            }
            e => stale_digest(tool, &request, e),
        }),
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
        backend.allowlist.filter(tool, &mut data);
        if !backend.consent.reveal_secrets {
            consent::hide_secrets(tool, &mut data);
        }
        if audited {
            audit(Some(&request), "ok", None, None, None);
        }
        if let Some(before) = &before {
            return Ok(Success::Shaped(json!({ "data": writes::changes(&backend.client, before, &request).await })));
        }
        if audited && data.is_null() {
            return Ok(Success::Data(writes::confirmation(request.method, &request.path)));
        }
        if let Some(objects) = writes::property_objects(tool, &data) {
            return Ok(Success::Shaped(json!({ "data": data, "property_strings": objects })));
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
        Ok(Some(TaskOutcome::Failed(r))) => {
            Err(match r.exit_status.as_deref().and_then(|m| writes::config_changed(tool, &request.path, m)) {
                Some(e) if before.is_some() => CallError::Write(e),
                _ => CallError::TaskFailed(r),
            })
        }
        Ok(Some(TaskOutcome::StillRunning(r))) => Err(CallError::StillRunning(r)),
        Ok(None) => Err(CallError::Cancelled),
        Err(e) => Err(CallError::WaitBroken(e)),
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
    match (result, &before) {
        (Ok(Success::Task(r)), Some(before)) => Ok(Success::Shaped(
            json!({ "data": writes::changes(&backend.client, before, &request).await, "task": r.to_json() }),
        )),
        (result, _) => result,
    }
}

/// PVE's refusal of a stale `digest` on a configuration update, as the clear error.
fn stale_digest(tool: &registry::ToolDef, request: &PveRequest, e: PveError) -> CallError {
    match &e {
        PveError::Api { message, .. }
            if tool.config_read.is_some() || request.params.iter().any(|(k, _)| k == "digest") =>
        {
            writes::config_changed(tool, &request.path, message).map(CallError::Write).unwrap_or(CallError::Pve(e))
        }
        _ => CallError::Pve(e),
    }
}

/// Checks each inner call of a `node_execute` batch through the same rules as a direct call: the
/// tool exists, the tier and categories allow it, its arguments are valid, the allowlists pass, and
/// it is not gated (a gated call is made directly, where its gate asks).
fn check_inner_calls(backend: &Backend, policy: &Policy, args: &Map<String, Value>) -> Result<(), String> {
    let calls = consent::inner_calls(args)?;
    for (i, inner) in calls.iter().enumerate() {
        let t = inner.tool;
        let at = |e: String| format!("`commands[{i}]` ({}): {e}", t.name);
        backend.policy.check(t).and_then(|_| policy.check(t)).map_err(|e| at(e.to_string()))?;
        if t.path == consent::EXECUTE_PATH {
            return Err(at("a batch may not run another batch".into()));
        }
        let request = (t.build)(&mut Arguments::new(inner.args.clone())).map_err(|e| at(e.to_string()))?;
        backend.allowlist.check(t, &inner.args, &request).map_err(|e| at(e.to_string()))?;
        if let Some(g) = t.gate
            && g.only_if.is_none_or(|w| gate::applies(w, &inner.args))
        {
            return Err(at(format!("gated ({}); call it directly, where its gate asks for confirmation", g.reason)));
        }
    }
    Ok(())
}
