//! PVE tasks followed as MCP tasks (the tasks extension), with PVE as the store of their state: the
//! task id is a sealed handle ([`super::state`]) holding the UPID (and so the node), the cluster,
//! the tool and the caller, so any replica with the same state key answers `tasks/get` (it reads the
//! PVE task's status) and `tasks/cancel` (it stops the PVE task, `DELETE /nodes/{node}/tasks/{upid}`,
//! with an audit line). The replica that started the task also waits for it, to audit its outcome.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResponse, CreateTaskResult, DetailedTask, GetTaskResult, Task, TaskPayload, TaskStatus};
use serde_json::{Map, Value};

use super::{result, state};
use crate::call::audit::Ending;
use crate::call::line::Line;
use crate::call::{Backend, CallError, Outcome};
use crate::pve::request::{HttpMethod, PveRequest, path_segment};
use crate::pve::task::{self, TaskOutcome, Upid};
use crate::tools::registry;

/// The task ids' kind.
const KIND: &str = "pvt1";
/// How long a task id stays valid.
const TASK_TTL: Duration = Duration::from_secs(24 * 3600);
/// Suggested polling interval.
const POLL_MS: u64 = 1000;

/// Tasks this replica was asked to cancel (UPID → expiry): reported `cancelled` from then on.
static CANCELLED: LazyLock<Mutex<HashMap<String, u64>>> = LazyLock::new(Default::default);

/// What a task id carries.
pub(super) struct Handle {
    pub(super) upid: Upid,
    pub(super) cluster: Option<String>,
    tool: String,
    created: u64,
}

impl Handle {
    /// The tool whose call started the task.
    pub(super) fn tool(&self) -> &str {
        &self.tool
    }
}

fn rfc3339(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// Follows a started PVE task as an MCP task of `caller`: answers with its id, sealed by `sealer`,
/// at once.
pub(super) fn follow(
    sealer: &state::Sealer,
    backend: Arc<Backend>,
    name: &str,
    upid: Upid,
    caller: &str,
) -> CallToolResponse {
    let created = state::now();
    let mut payload = Map::new();
    payload.insert("upid".into(), Value::String(upid.text.clone()));
    if let Some(c) = &backend.cluster {
        payload.insert("cluster".into(), Value::String(c.clone()));
    }
    payload.insert("tool".into(), Value::String(name.to_owned()));
    payload.insert("caller".into(), Value::String(caller.to_owned()));
    payload.insert("created".into(), Value::from(created));
    payload.insert("exp".into(), Value::from(created + TASK_TTL.as_secs()));
    let id = sealer.seal(KIND, &payload);
    let on = backend.cluster.as_deref().map(|c| format!(" on cluster `{c}`")).unwrap_or_default();
    let message = format!("PVE task {} ({}) running{on}", upid.kind, upid.text);
    audit_outcome(backend, name, upid);
    let task = Task::new(id, TaskStatus::Working, rfc3339(created), rfc3339(created))
        .with_status_message(message)
        .with_ttl_ms(TASK_TTL.as_millis() as u64)
        .with_poll_interval_ms(POLL_MS);
    CreateTaskResult::new(task).into()
}

/// Waits for the PVE task in the background and writes its outcome to the audit log.
fn audit_outcome(backend: Arc<Backend>, name: &str, upid: Upid) {
    if backend.audit.is_none() {
        return;
    }
    let name = name.to_owned();
    tokio::spawn(async move {
        let never = tokio_util::sync::CancellationToken::new();
        let outcome = task::wait(backend.client.as_ref(), upid, backend.task_timeout, None, &never).await;
        if let Ok(Some(o)) = &outcome {
            let (ending, report) = match o {
                TaskOutcome::Succeeded(r) => (Ending::Ok, r),
                TaskOutcome::Failed(r) => (Ending::TaskFailed, r),
                TaskOutcome::StillRunning(r) => (Ending::StillRunning, r),
            };
            Line::follow_up(&backend, &name).task_ended(ending, report);
        }
    });
}

/// The handle of task id `id`, if `sealer` sealed it for `caller` and it has not expired.
pub(super) fn open(sealer: &state::Sealer, id: &str, caller: &str) -> Result<Handle, McpError> {
    let refused = |why: String| McpError::invalid_params(format!("unknown task: the task id is refused: {why}"), None);
    let payload = sealer.open(KIND, id).map_err(|e| refused(e.to_string()))?;
    let text = |k: &str| payload.get(k).and_then(Value::as_str).map(str::to_owned);
    if text("caller").as_deref() != Some(caller) {
        return Err(refused(state::Refused::OtherCaller.to_string()));
    }
    let upid = text("upid").as_deref().and_then(Upid::parse).ok_or_else(|| refused("it names no UPID".into()))?;
    Ok(Handle {
        upid,
        cluster: text("cluster"),
        tool: text("tool").unwrap_or_default(),
        created: payload.get("created").and_then(Value::as_u64).unwrap_or(0),
    })
}

fn was_cancelled(upid: &str) -> bool {
    let mut c = CANCELLED.lock().unwrap_or_else(|p| p.into_inner());
    let now = state::now();
    c.retain(|_, e| *e >= now);
    c.contains_key(upid)
}

/// `tasks/get`: the PVE task's state now, and its result once it has stopped.
pub(super) async fn get(
    backend: &Backend,
    handle: &Handle,
    id: &str,
    result_limit: usize,
) -> Result<GetTaskResult, McpError> {
    let now = state::now();
    let mut task = Task::new(id, TaskStatus::Working, rfc3339(handle.created), rfc3339(now))
        .with_ttl_ms(TASK_TTL.as_millis() as u64)
        .with_poll_interval_ms(POLL_MS);
    if was_cancelled(&handle.upid.text) {
        return Ok(GetTaskResult::new(DetailedTask::new(task, TaskPayload::Cancelled)));
    }
    let elapsed = Duration::from_secs(now.saturating_sub(handle.created));
    let checked = task::check(backend.client.as_ref(), &handle.upid, elapsed)
        .await
        .map_err(|e| McpError::internal_error(format!("cannot read the PVE task {}: {e}", handle.upid.text), None))?;
    let tool = registry::find_any(&handle.tool);
    let product = tool.map(registry::product_of).unwrap_or_default();
    let result = match checked {
        None => {
            task.status_message = Some(format!("PVE task {} ({}) running", handle.upid.kind, handle.upid.text));
            return Ok(GetTaskResult::new(DetailedTask::new(task, TaskPayload::Working)));
        }
        Some(TaskOutcome::Failed(r))
            if r.exit_status.as_deref().is_some_and(|e| e.contains("interrupted by signal")) =>
        {
            return Ok(GetTaskResult::new(DetailedTask::new(task, TaskPayload::Cancelled)));
        }
        Some(TaskOutcome::Succeeded(r)) => {
            result::on_cluster(result::success(Outcome::Task(r), tool, result_limit), backend.cluster.as_deref())
        }
        Some(TaskOutcome::Failed(r)) => result::error(CallError::TaskFailed(Box::new(r), product).to_string()),
        Some(TaskOutcome::StillRunning(r)) => result::error(CallError::StillRunning(Box::new(r), product).to_string()),
    };
    let Ok(Value::Object(result)) = serde_json::to_value(&result) else {
        return Err(McpError::internal_error("task result", None));
    };
    Ok(GetTaskResult::new(DetailedTask::new(task, TaskPayload::Completed { result })))
}

/// `tasks/cancel`: stops the PVE task (`DELETE /nodes/{node}/tasks/{upid}`), with an audit line.
pub(super) async fn cancel(backend: &Backend, handle: &Handle) -> Result<(), McpError> {
    let upid = &handle.upid;
    let stop = PveRequest::new(
        HttpMethod::Delete,
        format!("/nodes/{}/tasks/{}", path_segment(&upid.node), path_segment(&upid.text)),
    );
    let stopped = backend.client.send(&stop).await;
    if let Err(e) = &stopped {
        tracing::warn!(upid = %upid.text, error = %e, "could not stop the PVE task");
    }
    CANCELLED.lock().unwrap_or_else(|p| p.into_inner()).insert(upid.text.clone(), state::now() + TASK_TTL.as_secs());
    let message = stopped.err().map(|e| format!("could not stop the PVE task: {e}"));
    Line::follow_up(backend, &handle.tool).cancelled(&stop.path, &upid.text, message);
    Ok(())
}
