//! Waiting on PVE tasks. A call whose answer is a task id (UPID) is followed until the task
//! stops, and its real exit status decides the result: `OK` (and `WARNINGS: n`) is success,
//! anything else is an error with PVE's message and the log tail. The waiter imposes no hidden
//! timeout: the caller passes one, and on timeout the task is reported as still running.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::BoxFuture;
use crate::pve::client::PveError;
use crate::pve::request::HttpMethod;
use crate::pve::request::{PveRequest, path_segment};
use crate::pve::wire::Wire;

/// Hears about a long wait's progress (in MCP, a progress token's notifications).
pub trait ProgressSink: Send + Sync {
    fn progress(&self, elapsed: Duration, message: String) -> BoxFuture<'_, ()>;
}

/// A parsed task id: PVE's `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:`, or
/// PBS's (proxmox-rest-server's), which has a task number before the start time and eight-digit
/// hex fields: `UPID:<node>:<pid>:<pstart>:<task_id>:<starttime>:<type>:<id>:<auth_id>:`.
///
/// Datacenter Manager hands out a remote's task id with the remote before it,
/// `pve:<remote>!UPID:…` or `pbs:<remote>!UPID:…` (the product may be left out): [`Upid::remote`]
/// holds it, `text` the whole id and the other fields the remote's own UPID's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upid {
    pub text: String,
    pub node: String,
    pub kind: String,
    pub id: String,
    pub user: String,
    /// The Datacenter Manager remote the task runs on, for a remote's task id (boxed: most task
    /// ids have none, and a UPID travels inside every task report and error).
    pub remote: Option<Box<TaskRemote>>,
}

/// The remote of a task id Datacenter Manager handed out: its product and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRemote {
    /// `pve` or `pbs`: the tree PDM serves the remote's tasks under (`/pve/remotes/…`).
    pub product: &'static str,
    pub remote: String,
}

impl Upid {
    /// Parses a UPID, or a Datacenter Manager remote's task id; `None` for anything else.
    pub fn parse(s: &str) -> Option<Upid> {
        if let Some((head, native)) = s
            .split_once("!UPID:")
            .filter(|(head, _)| !head.contains(':') || head.starts_with("pve:") || head.starts_with("pbs:"))
        {
            let native = format!("UPID:{native}");
            let (upid, rust_form) = Upid::parse_native(&native)?;
            let (product, remote) = match head.split_once(':') {
                Some(("pve", r)) => ("pve", r),
                Some(("pbs", r)) => ("pbs", r),
                Some(_) => return None,
                // Without the product, the UPID's form tells: PBS's has a task number.
                None => (if rust_form { "pbs" } else { "pve" }, head),
            };
            if remote.is_empty() {
                return None;
            }
            let remote = Some(Box::new(TaskRemote { product, remote: remote.to_owned() }));
            return Some(Upid { text: s.to_owned(), remote, ..upid });
        }
        Upid::parse_native(s).map(|(upid, _)| upid)
    }

    /// A product's own UPID, and whether it has the Rust products' form (a task number).
    fn parse_native(s: &str) -> Option<(Upid, bool)> {
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
        // PBS's form: an eight-digit hex start time where PVE has the task type (after PBS's task
        // number, where PVE has its start time).
        if parts.len() >= 8 && parts[4].len() == 8 && hex(parts[4]) {
            let upid = Upid {
                text: s.to_owned(),
                node: parts[0].to_owned(),
                kind: parts[5].to_owned(),
                id: parts[6].to_owned(),
                user: parts[7].to_owned(),
                remote: None,
            };
            return Some((upid, true));
        }
        let upid = Upid {
            text: s.to_owned(),
            node: parts[0].to_owned(),
            kind: parts[4].to_owned(),
            id: parts[5].to_owned(),
            user: parts[6].to_owned(),
            remote: None,
        };
        Some((upid, false))
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

/// Pauses between polls while PVE is not answering: a short first pause, doubling to a ceiling.
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_CEILING: Duration = Duration::from_secs(2);

/// Why a wait ended without seeing the task's end. The task was accepted by PVE (it has a UPID);
/// whether it is still running or has ended is not known.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// PVE did not answer the polls (connection failures, timeouts, 5xx) until the deadline.
    #[error(
        "PVE task {kind} was accepted (UPID {upid}); its end was not seen: PVE did not answer for the last {silent:.0} s \
         of the {waited:.0} s wait (last error: {last})",
        kind = .upid.kind, upid = .upid.text, silent = .silent.as_secs_f64(), waited = .waited.as_secs_f64()
    )]
    NotAnswering { upid: Upid, waited: Duration, silent: Duration, last: String },
    /// PVE refused a poll in a way that does not heal (401 after logging in again, 403, 404).
    #[error(
        "PVE task {kind} was accepted (UPID {upid}); its end was not seen: reading its status failed: {error}",
        kind = .upid.kind, upid = .upid.text
    )]
    Refused { upid: Upid, error: PveError },
}

impl WaitError {
    pub fn upid(&self) -> &Upid {
        match self {
            WaitError::NotAnswering { upid, .. } | WaitError::Refused { upid, .. } => upid,
        }
    }
}

/// Follows a task until it stops, `timeout` passes, or `cancel` fires (then `None`: the caller
/// stopped waiting; the PVE task goes on). Polls that fail in a way that may heal (the link drops,
/// PVE times out or answers 502/503/596) are tried again, with growing pauses, for as long as the
/// deadline allows; only an answer that settles the task, or a refusal that stays one, ends the wait
/// early.
pub async fn wait(
    client: &dyn Wire,
    upid: Upid,
    timeout: Duration,
    progress: Option<&dyn ProgressSink>,
    cancel: &CancellationToken,
) -> Result<Option<TaskOutcome>, WaitError> {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut interval = FIRST_INTERVAL;
    let mut retry = RETRY_FIRST;
    let mut last_line = String::new();
    // Since when PVE has not answered, and its last error.
    let mut failing: Option<(Instant, PveError)> = None;
    let mut state = String::new();
    loop {
        let polled = tokio::select! {
            _ = cancel.cancelled() => return Ok(None),
            r = tokio::time::timeout_at(deadline, get(client, &upid, "status", &[])) => r,
        };
        let elapsed = started.elapsed();
        let poll_hung = polled.is_err();
        let pause = match polled {
            Ok(Ok(status)) => {
                failing = None;
                retry = RETRY_FIRST;
                state = status.get("status").and_then(Value::as_str).unwrap_or("").to_owned();
                if state == "stopped" {
                    let exit = status.get("exitstatus").and_then(Value::as_str).map(str::to_owned);
                    let report = TaskReport {
                        log_tail: final_log_tail(client, &upid).await,
                        upid,
                        status: state,
                        exit_status: exit.clone(),
                        duration: started.elapsed(),
                    };
                    let ok = matches!(exit.as_deref(), Some("OK")) || report.warnings().is_some();
                    return Ok(Some(if ok { TaskOutcome::Succeeded(report) } else { TaskOutcome::Failed(report) }));
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
                let pause = interval;
                interval = next_interval(interval);
                pause
            }
            Ok(Err(error)) if !error.heals() => return Err(WaitError::Refused { upid, error }),
            Ok(Err(error)) => {
                tracing::info!(upid = %upid.text, error = %error, "PVE did not answer a task poll; trying again");
                let since = failing.as_ref().map_or_else(Instant::now, |(since, _)| *since);
                if let Some(sink) = progress {
                    let left = timeout.saturating_sub(elapsed).as_secs_f64();
                    let msg = format!(
                        "{} running for {:.0} s; PVE is not answering ({}), trying again for up to {left:.0} s more",
                        upid.kind,
                        elapsed.as_secs_f64(),
                        short(&error)
                    );
                    sink.progress(elapsed, msg).await;
                }
                failing = Some((since, error));
                let pause = retry;
                retry = (retry * 2).min(RETRY_CEILING);
                pause
            }
            // The deadline came during a poll.
            Err(_) => Duration::ZERO,
        };
        if tokio::time::Instant::now() >= deadline {
            let waited = started.elapsed();
            if let Some((since, last)) = failing {
                return Err(WaitError::NotAnswering { upid, waited, silent: since.elapsed(), last: last.to_string() });
            }
            if poll_hung && state.is_empty() {
                // The only poll hung until the deadline: nothing was heard.
                let last = "a poll of its status got no answer before the deadline".to_owned();
                return Err(WaitError::NotAnswering { upid, waited, silent: waited, last });
            }
            let report = TaskReport {
                log_tail: log_tail(client, &upid).await.unwrap_or_default(),
                upid,
                status: if state.is_empty() { "running".into() } else { state },
                exit_status: None,
                duration: waited,
            };
            return Ok(Some(TaskOutcome::StillRunning(report)));
        }
        let sleep =
            pause.min(deadline.saturating_duration_since(tokio::time::Instant::now())).max(Duration::from_millis(10));
        tokio::select! {
            _ = cancel.cancelled() => return Ok(None),
            _ = tokio::time::sleep(sleep) => {}
        }
    }
}

/// An error in a few words for a progress line (the URL left out).
fn short(error: &PveError) -> String {
    match error {
        PveError::Api { status, .. } => format!("HTTP {status}"),
        PveError::Timeout { secs, .. } => format!("no answer within {secs} s"),
        PveError::Connect { .. } => "cannot connect".into(),
        _ => "connection broken".into(),
    }
}

/// The log tail of a stopped task, tried a few times: the link may be bad.
async fn final_log_tail(client: &dyn Wire, upid: &Upid) -> Vec<String> {
    for attempt in 0..3 {
        if attempt > 0 {
            tokio::time::sleep(RETRY_FIRST).await;
        }
        if let Ok(lines) = log_tail(client, upid).await {
            return lines;
        }
    }
    Vec::new()
}

/// A task's state now, read once from PVE: `None` while it runs, else how it ended (`elapsed`: the
/// time since it started, for the report).
pub async fn check(client: &dyn Wire, upid: &Upid, elapsed: Duration) -> Result<Option<TaskOutcome>, PveError> {
    let status = get(client, upid, "status", &[]).await?;
    let state = status.get("status").and_then(Value::as_str).unwrap_or("").to_owned();
    if state != "stopped" {
        return Ok(None);
    }
    let exit = status.get("exitstatus").and_then(Value::as_str).map(str::to_owned);
    let report = TaskReport {
        log_tail: final_log_tail(client, upid).await,
        upid: upid.clone(),
        status: state,
        exit_status: exit.clone(),
        duration: elapsed,
    };
    let ok = matches!(exit.as_deref(), Some("OK")) || report.warnings().is_some();
    Ok(Some(if ok { TaskOutcome::Succeeded(report) } else { TaskOutcome::Failed(report) }))
}

/// Reads a task's `status` or `log`: from its node, or, for a Datacenter Manager remote's task,
/// through PDM from the remote (`/pve/remotes/<remote>/tasks/<id>/status`).
async fn get(client: &dyn Wire, upid: &Upid, leaf: &str, params: &[(&str, &str)]) -> Result<Value, PveError> {
    let path = match &upid.remote {
        Some(r) => {
            format!("/{}/remotes/{}/tasks/{}/{leaf}", r.product, path_segment(&r.remote), path_segment(&upid.text))
        }
        None => format!("/nodes/{}/tasks/{}/{leaf}", path_segment(&upid.node), path_segment(&upid.text)),
    };
    let mut req = PveRequest::new(HttpMethod::Get, path);
    for (k, v) in params {
        req.params.push(((*k).into(), (*v).into()));
    }
    client.send(&req).await
}

/// The last lines of a task's log.
async fn log_tail(client: &dyn Wire, upid: &Upid) -> Result<Vec<String>, PveError> {
    let data = get(client, upid, "log", &[("start", "0"), ("limit", "5000")]).await?;
    let lines: Vec<String> = data
        .as_array()
        .map(|a| a.iter().filter_map(|l| l.get("t").and_then(Value::as_str).map(str::to_owned)).collect())
        .unwrap_or_default();
    let skip = lines.len().saturating_sub(LOG_TAIL_LINES);
    Ok(lines.into_iter().skip(skip).collect())
}

/// The task type PVE gives the task a write starts (its UPID's `type`, the task list's
/// `typefilter`), for the guest writes whose type is known.
pub fn task_type(method: HttpMethod, template: &str) -> Option<&'static str> {
    let (kind, rest) = if let Some(rest) = template.strip_prefix("/nodes/{node}/qemu") {
        ("qemu", rest)
    } else if let Some(rest) = template.strip_prefix("/nodes/{node}/lxc") {
        ("lxc", rest)
    } else {
        return None;
    };
    let qemu = kind == "qemu";
    let pick = |q: &'static str, l: &'static str| Some(if qemu { q } else { l });
    match (method, rest) {
        (HttpMethod::Post, "") => pick("qmcreate", "vzcreate"),
        (HttpMethod::Delete, "/{vmid}") => pick("qmdestroy", "vzdestroy"),
        (HttpMethod::Post, "/{vmid}/status/start") => pick("qmstart", "vzstart"),
        (HttpMethod::Post, "/{vmid}/status/stop") => pick("qmstop", "vzstop"),
        (HttpMethod::Post, "/{vmid}/status/shutdown") => pick("qmshutdown", "vzshutdown"),
        (HttpMethod::Post, "/{vmid}/status/reboot") => pick("qmreboot", "vzreboot"),
        (HttpMethod::Post, "/{vmid}/status/reset") => pick("qmreset", "vzreset"),
        (HttpMethod::Post, "/{vmid}/status/suspend") => pick("qmsuspend", "vzsuspend"),
        (HttpMethod::Post, "/{vmid}/status/resume") => pick("qmresume", "vzresume"),
        (HttpMethod::Post, "/{vmid}/snapshot") => pick("qmsnapshot", "vzsnapshot"),
        (HttpMethod::Delete, "/{vmid}/snapshot/{snapname}") => pick("qmdelsnapshot", "vzdelsnapshot"),
        (HttpMethod::Post, "/{vmid}/snapshot/{snapname}/rollback") => pick("qmrollback", "vzrollback"),
        (HttpMethod::Post, "/{vmid}/clone") => pick("qmclone", "vzclone"),
        (HttpMethod::Post, "/{vmid}/migrate") => pick("qmigrate", "vzmigrate"),
        (HttpMethod::Post, "/{vmid}/template") => pick("qmtemplate", "vztemplate"),
        (HttpMethod::Post, "/{vmid}/config") if qemu => Some("qmconfig"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_pbs_upid_with_its_task_number() {
        let text = "UPID:pbs1:000004D2:0000162E:00000003:65A0B1C2:verify:store1\\x3avm-100:root@pam!mcp:";
        let u = Upid::parse(text).unwrap();
        assert_eq!((u.node.as_str(), u.kind.as_str(), u.user.as_str()), ("pbs1", "verify", "root@pam!mcp"));
        assert_eq!(u.id, "store1\\x3avm-100");
    }

    #[test]
    fn a_pbs_upid_without_a_worker_id_parses() {
        let u = Upid::parse("UPID:pbs1:000004D2:0000162E:00000000:65A0B1C2:garbage_collection::root@pam:").unwrap();
        assert_eq!((u.kind.as_str(), u.id.as_str(), u.user.as_str()), ("garbage_collection", "", "root@pam"));
    }

    #[test]
    fn parses_a_pdm_remote_s_pve_task_id() {
        let text = "pve:east!UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmigrate:100:root@pam!mcp:";
        let u = Upid::parse(text).unwrap();
        assert_eq!((u.node.as_str(), u.kind.as_str(), u.id.as_str()), ("pve1", "qmigrate", "100"));
        assert_eq!(u.remote.as_deref(), Some(&TaskRemote { product: "pve", remote: "east".into() }));
        assert_eq!(u.text, text);
    }

    #[test]
    fn a_pdm_remote_task_id_without_its_product_takes_it_from_the_upid_s_form() {
        let pbs = Upid::parse("backup1!UPID:pbs1:000004D2:0000162E:00000003:65A0B1C2:verify:store1:root@pam:").unwrap();
        assert_eq!(pbs.remote.as_deref(), Some(&TaskRemote { product: "pbs", remote: "backup1".into() }));
        let pve = Upid::parse("east!UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmstart:100:root@pam:").unwrap();
        assert_eq!(pve.remote.map(|r| r.product), Some("pve"));
    }

    #[test]
    fn a_remote_task_id_of_an_unknown_product_or_no_remote_is_no_task_id() {
        assert!(Upid::parse("pmg:mail!UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmstart:100:root@pam:").is_none());
        assert!(Upid::parse("!UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmstart:100:root@pam:").is_none());
        assert!(Upid::parse("pve:east!hello").is_none());
    }

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
    fn guest_power_writes_name_their_task_type() {
        assert_eq!(task_type(HttpMethod::Post, "/nodes/{node}/qemu/{vmid}/status/start"), Some("qmstart"));
        assert_eq!(task_type(HttpMethod::Post, "/nodes/{node}/lxc/{vmid}/status/stop"), Some("vzstop"));
        assert_eq!(task_type(HttpMethod::Put, "/nodes/{node}/qemu/{vmid}/config"), None);
    }

    #[test]
    fn only_lasting_refusals_end_a_wait_early() {
        let api = |status| PveError::Api { status, message: String::new(), errors: Default::default(), hint: None };
        for status in [500, 502, 503, 595, 596] {
            assert!(api(status).heals(), "{status}");
        }
        for status in [400, 401, 403, 404] {
            assert!(!api(status).heals(), "{status}");
        }
        assert!(PveError::Connect { url: String::new(), detail: String::new() }.heals());
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
