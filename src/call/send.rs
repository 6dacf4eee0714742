//! A prepared call's sending: a configuration update reads what it changes (to merge, to carry the
//! digest, to report; the merged request is checked again), then the request goes out; an answer
//! that is a task is waited for, with its real exit status; the result is shaped (what changed,
//! property strings as objects, secrets hidden, listings filtered by the allowlists).

use super::check::Checked;
use super::hooks::ClientHooks;
use super::line::Trace;
use super::{Backend, CallError, Outcome, Shaped, consent, writes};
use crate::pve::client::PveError;
use crate::pve::request::PveRequest;
use crate::pve::task::{self, TaskOutcome, Upid};
use crate::tools::arguments::Arguments;
use crate::tools::registry::{self, ToolDef};

/// Sends the call and waits for its task; `trace` learns the path as sent, that it was sent, and
/// the task's UPID.
pub(super) async fn send(
    backend: &Backend,
    tool: &'static ToolDef,
    checked: Checked,
    io: &ClientHooks<'_>,
    trace: &mut Trace,
) -> Result<Outcome, CallError> {
    let Checked { request, mut args, wait, plan, .. } = checked;
    let client = backend.client.as_ref();
    let (request, before) = match writes::resolve(client, tool, plan, &mut args).await? {
        None => (request, None),
        Some(before) => {
            // The merged values are checked like any other: a merge must not name another guest.
            let merged = (tool.build)(&mut Arguments::new(args.clone()))
                .map_err(|e| CallError::InvalidArguments(e, registry::product_of(tool)))?;
            backend.allowlist.check(tool, &args, &merged)?;
            (merged, Some(before))
        }
    };
    trace.path = Some(request.path.clone());

    tracing::info!(tool = tool.name, method = request.method.as_str(), path = %request.path, "calling PVE");
    trace.sent = true;
    // A program's write, once sending began, is not cut off by the run's end: it finishes its send
    // (not its task wait), so that its fate is known, audited and reported.
    let cancellable = io.run.is_none() || request.method == crate::pve::request::HttpMethod::Get;
    if !cancellable && let Some(run) = io.run {
        run.writes.sending();
    }
    let mut data = tokio::select! {
        _ = io.cancel.cancelled(), if cancellable => Err(CallError::Cancelled),
        r = client.send(&request) => r.map_err(|e| match e {
            e @ PveError::WriteFateUnknown { .. } => {
                CallError::FateUnknown { error: e, checks: crate::tools::checks::after_unknown_write(tool, &args) }
            }
            e => stale_digest(tool, &request, e),
        }),
    }?;

    let Some(upid) = data.as_str().and_then(Upid::parse) else {
        backend.allowlist.filter(tool, &mut data);
        if !backend.consent.reveal_secrets {
            consent::hide_secrets(tool, &mut data);
        }
        if let Some(before) = &before {
            let data = writes::changes(client, before, &request).await;
            return Ok(Outcome::Shaped(Shaped { data, ..Shaped::default() }));
        }
        if request.method != crate::pve::request::HttpMethod::Get && data.is_null() {
            return Ok(Outcome::Data(writes::confirmation(request.method, &request.path)));
        }
        if let Some(objects) = writes::property_objects(tool, &data) {
            return Ok(Outcome::Shaped(Shaped { data, property_strings: Some(objects), task: None }));
        }
        return Ok(Outcome::Data(data));
    };
    trace.upid = Some(upid.clone());
    if !wait.wait {
        return Ok(Outcome::Started(upid));
    }
    let timeout = wait.timeout.unwrap_or(backend.task_timeout);
    let product = crate::tools::registry::product_of(tool);
    let report = match task::wait(client, upid, timeout, io.progress, &io.cancel).await {
        Ok(Some(TaskOutcome::Succeeded(r))) => r,
        Ok(Some(TaskOutcome::Failed(r))) => {
            return Err(match r.exit_status.as_deref().and_then(|m| writes::config_changed(tool, &request.path, m)) {
                Some(e) if before.is_some() => CallError::Write(e),
                _ => CallError::TaskFailed(Box::new(r), product),
            });
        }
        Ok(Some(TaskOutcome::StillRunning(r))) => return Err(CallError::StillRunning(Box::new(r), product)),
        // A program's run ended during the wait: the task was started, and is reported so.
        Ok(None) if io.run.is_some() => return trace.upid.clone().map(Outcome::Started).ok_or(CallError::Cancelled),
        Ok(None) => return Err(CallError::Cancelled),
        Err(e) => return Err(CallError::WaitBroken(Box::new(e), product)),
    };
    match &before {
        Some(before) => {
            let data = writes::changes(client, before, &request).await;
            Ok(Outcome::Shaped(Shaped { data, property_strings: None, task: Some(report) }))
        }
        None => Ok(Outcome::Task(report)),
    }
}

/// PVE's refusal of a stale `digest` on a configuration update, as the clear error.
fn stale_digest(tool: &ToolDef, request: &PveRequest, e: PveError) -> CallError {
    match &e {
        PveError::Api { message, .. }
            if tool.config_read.is_some() || request.params.iter().any(|(k, _)| k == "digest") =>
        {
            writes::config_changed(tool, &request.path, message).map(CallError::Write).unwrap_or(CallError::Pve(e))
        }
        _ => CallError::Pve(e),
    }
}
