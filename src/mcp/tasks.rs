//! PVE tasks followed as MCP tasks (the tasks extension): `tasks/get` reports the PVE task's state,
//! and `tasks/cancel` stops it (`DELETE /nodes/{node}/tasks/{upid}`), with an audit line.

use rmcp::model::CallToolResponse;
use rmcp::model::CreateTaskResult;
use std::sync::Arc;

use rmcp::task_manager::{TaskExit, TaskManager, TaskOptions};

use super::result;
use crate::call::{Backend, CallError, Success};
use crate::pve::request::{HttpMethod, PveRequest, path_segment};
use crate::pve::task::{self, TaskOutcome, Upid};
use crate::tools::registry;

/// Follows a started PVE task as an MCP task of `tasks`: `tasks/get` reports its state, and
/// `tasks/cancel` stops the PVE task (`DELETE /nodes/{node}/tasks/{upid}`).
pub(super) fn follow(
    tasks: &TaskManager,
    backend: Arc<Backend>,
    result_limit: usize,
    name: &str,
    upid: Upid,
) -> CallToolResponse {
    let tool = registry::find(name);
    let on = backend.cluster.as_deref().map(|c| format!(" on cluster `{c}`")).unwrap_or_default();
    let message = format!("PVE task {} ({}) running{on}", upid.kind, upid.text);
    let task = tasks.spawn(TaskOptions::new().with_status_message(message), move |ctx| {
        Box::pin(async move {
            let cancel = tokio_util::sync::CancellationToken::new();
            let waiting = task::wait(&backend.client, upid.clone(), backend.task_timeout, None, &cancel);
            let outcome = tokio::select! {
                _ = ctx.cancelled() => {
                    cancel.cancel();
                    let stop = PveRequest::new(
                        HttpMethod::Delete,
                        format!("/nodes/{}/tasks/{}", path_segment(&upid.node), path_segment(&upid.text)),
                    );
                    let stopped = backend.client.send(&stop).await;
                    if let Err(e) = &stopped {
                        tracing::warn!(upid = %upid.text, error = %e, "could not stop the PVE task");
                    }
                    if let Some(log) = &backend.audit {
                        log.record(&crate::audit::Entry {
                            caller: backend.caller.as_deref(),
                            cluster: backend.cluster.as_deref(),
                            tool: tool.map_or("", |t| t.name),
                            method: Some("DELETE"),
                            path: Some(&stop.path),
                            outcome: "cancelled",
                            message: stopped.err().map(|e| format!("could not stop the PVE task: {e}")),
                            upid: Some(&upid.text),
                            ..Default::default()
                        });
                    }
                    return Err(TaskExit::Cancelled);
                }
                outcome = waiting => outcome,
            };
            if let (Some(log), Ok(Some(o))) = (&backend.audit, &outcome) {
                let (what, report) = match o {
                    TaskOutcome::Succeeded(r) => ("ok", r),
                    TaskOutcome::Failed(r) => ("task-failed", r),
                    TaskOutcome::StillRunning(r) => ("still-running", r),
                };
                log.record(&crate::audit::Entry {
                    caller: backend.caller.as_deref(),
                    cluster: backend.cluster.as_deref(),
                    tool: tool.map_or("", |t| t.name),
                    outcome: what,
                    upid: Some(&report.upid.text),
                    exit_status: report.exit_status.as_deref(),
                    ..Default::default()
                });
            }
            Ok(match outcome {
                Ok(Some(TaskOutcome::Succeeded(r))) => result::on_cluster(
                    result::success(Success::Task(r), tool, result_limit),
                    backend.cluster.as_deref(),
                ),
                Ok(Some(TaskOutcome::Failed(r))) => result::error(CallError::TaskFailed(r).to_string()),
                Ok(Some(TaskOutcome::StillRunning(r))) => result::error(CallError::StillRunning(r).to_string()),
                Ok(None) => return Err(TaskExit::Cancelled),
                Err(e) => result::error(CallError::WaitBroken(e).to_string()),
            })
        })
    });
    CreateTaskResult::new(task).into()
}
