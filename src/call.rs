//! Stage 5, the one path every tool call takes, after the protocol layer: find the tool; apply the
//! policy (tier, categories); read and check the arguments into the typed request; apply the
//! allowlists and the confirmation gate; send; wait for the PVE task if the answer is one; audit.
//! Nothing is sent unless every check before it passed, and every way of calling a tool comes
//! through here. It owns no protocol detail: how a person is asked, or progress is shown, comes in
//! through [`ClientHooks`].
//!
//! Beside it: [`CallError`] and the texts the model reads ([`error`]), and the hooks a call brings
//! from its client or program run ([`hooks`]). What an audit line records of the arguments and
//! path is [`crate::audit`]'s; the checks of `node_execute`'s inner calls are [`crate::consent`]'s.

pub mod error;
pub mod hooks;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::audit::{AuditLog, Entry};
use crate::config::consent::Consent as ConsentSettings;
use crate::consent;
use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::policy::gate::{self, ConfirmMode, Consent, ConsentKind, GateArgs, Verdict};
use crate::pve::client::{PveClient, PveError};
use crate::pve::request::HttpMethod;
use crate::pve::request::PveRequest;
use crate::pve::task::{self, TaskOutcome, TaskReport, Upid};
use crate::tools::arguments::{ArgErrors, Arguments, FieldError};
use crate::tools::registry;
use crate::writes;

pub use self::error::CallError;
use self::error::scrubbed;
pub use self::hooks::{ClientHooks, RunHooks, Write, WriteDecision, WriteHook};

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
    let original = crate::audit::typed_arguments(tool, &args);
    let filled = crate::audit::filled_path(tool, &args);
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
        consent::check_inner_calls(&backend.policy, policy, &backend.allowlist, &args)
            .map_err(|e| refuse(CallError::ExecuteInner(e)))?;
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
            WriteDecision::Approved if backend.consent.confirm == ConfirmMode::Human => gate_args = GateArgs::default(),
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
