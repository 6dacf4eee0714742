//! Waiting on PVE tasks. A call whose answer is a task id (UPID) is followed until the task
//! stops, and its real exit status decides the result: `OK` (and `WARNINGS: n`) is success,
//! anything else is an error with PVE's message and the log tail. The waiter imposes no hidden
//! timeout: the caller passes one, and on timeout the task is reported as still running.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::BoxFuture;
use crate::pve::client::{PveClient, PveError};
use crate::pve::request::HttpMethod;
use crate::pve::request::{PveRequest, path_segment};

/// Hears about a long wait's progress (in MCP, a progress token's notifications).
pub trait ProgressSink: Send + Sync {
    fn progress(&self, elapsed: Duration, message: String) -> BoxFuture<'_, ()>;
}

/// A parsed PVE task id: `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upid {
    pub text: String,
    pub node: String,
    pub kind: String,
    pub id: String,
    pub user: String,
}

impl Upid {
    /// Parses a UPID; `None` for anything else.
    pub fn parse(s: &str) -> Option<Upid> {
        let rest = s.strip_prefix("UPID:")?;
        let parts: Vec<&str> = rest.split(':').collect();
        // node, pid, pstart, starttime, type, id, user (and the user may hold `!token` but no `:`).
        if parts.len() < 7 || parts[0].is_empty() {
            return None;
        }
        let hex = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_hexdigit());
        if !(hex(parts[1]) && hex(parts[2]) && hex(parts[3])) {
            return None;
        }
        Some(Upid {
            text: s.to_owned(),
            node: parts[0].to_owned(),
            kind: parts[4].to_owned(),
            id: parts[5].to_owned(),
            user: parts[6].to_owned(),
        })
    }
}

/// How a waited-for task ended, or that it did not end in time.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOutcome {
    /// Stopped with `OK` or `WARNINGS: n`.
    Succeeded(TaskReport),
    /// Stopped with any other exit status.
    Failed(TaskReport),
    /// Still running when the timeout came.
    StillRunning(TaskReport),
}

/// What the result says about a task.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskReport {
    pub upid: Upid,
    pub status: String,
    pub exit_status: Option<String>,
    pub duration: Duration,
    pub log_tail: Vec<String>,
}

impl TaskReport {
    /// The report as structured data.
    pub fn to_json(&self) -> Value {
        json!({
            "upid": self.upid.text,
            "node": self.upid.node,
            "type": self.upid.kind,
            "id": self.upid.id,
            "user": self.upid.user,
            "status": self.status,
            "exitstatus": self.exit_status,
            "duration_s": (self.duration.as_secs_f64() * 10.0).round() / 10.0,
            "log_tail": self.log_tail,
        })
    }

    /// Warnings count from `WARNINGS: n`, if the task ended with warnings.
    pub fn warnings(&self) -> Option<&str> {
        self.exit_status.as_deref().and_then(|s| s.strip_prefix("WARNINGS:")).map(str::trim)
    }
}

/// Lines of the task log kept in a result.
pub const LOG_TAIL_LINES: usize = 20;

/// Polling intervals: a short first wait, then growing to a ceiling, so a finished task is noticed
/// within a second at most.
fn next_interval(current: Duration) -> Duration {
    (current.mul_f64(1.5)).min(POLL_CEILING)
}

const POLL_CEILING: Duration = Duration::from_secs(1);

const FIRST_INTERVAL: Duration = Duration::from_millis(100);

/// Follows a task until it stops, `timeout` passes, or `cancel` fires (then `None`: the caller
/// stopped waiting; the PVE task goes on).
pub async fn wait(
    client: &PveClient,
    upid: Upid,
    timeout: Duration,
    progress: Option<&dyn ProgressSink>,
    cancel: &CancellationToken,
) -> Result<Option<TaskOutcome>, PveError> {
    let started = Instant::now();
    let mut interval = FIRST_INTERVAL;
    let mut last_line = String::new();
    loop {
        let status = get(client, &upid, "status", &[]).await?;
        let state = status.get("status").and_then(Value::as_str).unwrap_or("").to_owned();
        if state == "stopped" {
            let exit = status.get("exitstatus").and_then(Value::as_str).map(str::to_owned);
            let report = TaskReport {
                log_tail: log_tail(client, &upid).await.unwrap_or_default(),
                upid,
                status: state,
                exit_status: exit.clone(),
                duration: started.elapsed(),
            };
            let ok = matches!(exit.as_deref(), Some("OK")) || report.warnings().is_some();
            return Ok(Some(if ok { TaskOutcome::Succeeded(report) } else { TaskOutcome::Failed(report) }));
        }
        let elapsed = started.elapsed();
        if elapsed >= timeout {
            let report = TaskReport {
                log_tail: log_tail(client, &upid).await.unwrap_or_default(),
                upid,
                status: if state.is_empty() { "running".into() } else { state },
                exit_status: None,
                duration: elapsed,
            };
            return Ok(Some(TaskOutcome::StillRunning(report)));
        }
        if let Some(sink) = progress {
            if let Some(line) = log_tail(client, &upid).await.ok().and_then(|l| l.last().cloned()) {
                last_line = line;
            }
            let msg = if last_line.is_empty() {
                format!("{} running for {:.0} s", upid.kind, elapsed.as_secs_f64())
            } else {
                format!("{} running for {:.0} s: {}", upid.kind, elapsed.as_secs_f64(), last_line)
            };
            sink.progress(elapsed, msg).await;
        }
        let sleep = interval.min(timeout.saturating_sub(elapsed)).max(Duration::from_millis(10));
        tokio::select! {
            _ = cancel.cancelled() => return Ok(None),
            _ = tokio::time::sleep(sleep) => {}
        }
        interval = next_interval(interval);
    }
}

async fn get(client: &PveClient, upid: &Upid, leaf: &str, params: &[(&str, &str)]) -> Result<Value, PveError> {
    let mut req = PveRequest::new(
        HttpMethod::Get,
        format!("/nodes/{}/tasks/{}/{leaf}", path_segment(&upid.node), path_segment(&upid.text)),
    );
    for (k, v) in params {
        req.params.push(((*k).into(), (*v).into()));
    }
    client.send(&req).await
}

/// The last lines of a task's log.
async fn log_tail(client: &PveClient, upid: &Upid) -> Result<Vec<String>, PveError> {
    let data = get(client, upid, "log", &[("start", "0"), ("limit", "5000")]).await?;
    let lines: Vec<String> = data
        .as_array()
        .map(|a| a.iter().filter_map(|l| l.get("t").and_then(Value::as_str).map(str::to_owned)).collect())
        .unwrap_or_default();
    let skip = lines.len().saturating_sub(LOG_TAIL_LINES);
    Ok(lines.into_iter().skip(skip).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_upid_with_a_token_user() {
        let u = Upid::parse("UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmstart:100:root@pam!mcp:").unwrap();
        assert_eq!(
            (u.node.as_str(), u.kind.as_str(), u.id.as_str(), u.user.as_str()),
            ("pve1", "qmstart", "100", "root@pam!mcp")
        );
    }

    #[test]
    fn refuses_what_is_not_a_upid() {
        assert!(Upid::parse("UPID:pve1:zz:0:0:qmstart:100:root@pam:").is_none());
        assert!(Upid::parse("hello").is_none());
        assert!(Upid::parse("UPID::1:1:1:a:b:c:").is_none());
    }

    #[test]
    fn polling_backs_off_to_a_ceiling() {
        let mut i = FIRST_INTERVAL;
        for _ in 0..20 {
            i = next_interval(i);
        }
        assert_eq!(i, POLL_CEILING);
    }
}
