//! The audit log (`PVE_AUDIT_LOG=<file>`): one JSON line for every call that is not read-only, and
//! for every refused call: time, tool, method and path, arguments with secrets redacted, outcome,
//! and for tasks the UPID and exit status. Lines are appended and flushed one at a time.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

use serde_json::{Map, Value, json};

/// Argument names whose values never reach the log (any name containing one of these).
const SECRET_WORDS: &[&str] = &["pass", "secret", "token", "key", "bindpw", "ticket", "cookie", "otp", "totp"];

/// An open audit log.
#[derive(Debug)]
pub struct AuditLog {
    file: Mutex<File>,
}

/// One audited call.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub caller: Option<&'a str>,
    /// The cluster called, when several are configured.
    pub cluster: Option<&'a str>,
    pub tool: &'a str,
    pub method: Option<&'a str>,
    pub path: Option<&'a str>,
    pub arguments: Option<&'a Map<String, Value>>,
    /// `ok`, `error`, `refused`, `task-failed`, `still-running`, `cancelled`, `started`, or
    /// `planned` (a dry run's write: nothing was sent).
    pub outcome: &'a str,
    pub message: Option<String>,
    pub upid: Option<&'a str>,
    pub exit_status: Option<&'a str>,
    /// The `pve_run` program this call was made from (its run id), if any.
    pub run: Option<&'a str>,
}

impl AuditLog {
    /// Opens (creating, appending) the log file.
    pub fn open(path: &Path) -> std::io::Result<AuditLog> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditLog { file: Mutex::new(file) })
    }

    /// Appends one line. A failure to write is logged, never fatal to the call.
    pub fn record(&self, e: &Entry<'_>) {
        let mut line = json!({
            "time": humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            "tool": e.tool,
            "outcome": e.outcome,
        });
        let obj = line.as_object_mut().expect("object");
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                obj.insert(k.into(), v);
            }
        };
        put("caller", e.caller.map(|c| json!(c)));
        put("cluster", e.cluster.map(|c| json!(c)));
        put("method", e.method.map(|m| json!(m)));
        put("path", e.path.map(|p| json!(p)));
        put("arguments", e.arguments.map(|a| Value::Object(redact(a))));
        put("message", e.message.clone().map(Value::String));
        put("upid", e.upid.map(|u| json!(u)));
        put("exitstatus", e.exit_status.map(|s| json!(s)));
        put("run", e.run.map(|r| json!(r)));
        let mut text = line.to_string();
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(err) = file.write_all(text.as_bytes()).and_then(|_| file.flush()) {
            tracing::error!(error = %err, "failed to write the audit log");
        }
    }
}

/// A copy of the arguments with secret values replaced.
pub fn redact(args: &Map<String, Value>) -> Map<String, Value> {
    args.iter()
        .map(|(k, v)| {
            let lower = k.to_ascii_lowercase();
            let secret = SECRET_WORDS.iter().any(|w| lower.contains(w));
            (k.clone(), if secret { json!("<redacted>") } else { v.clone() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_by_name() {
        let args =
            json!({"password": "hunter2", "cipassword": "x", "vmid": 100, "sshkeys": "ssh-ed25519 AAA", "token": "t"});
        let r = redact(args.as_object().unwrap());
        assert_eq!(r["vmid"], 100);
        for k in ["password", "cipassword", "sshkeys", "token"] {
            assert_eq!(r[k], "<redacted>", "{k}");
        }
    }

    #[test]
    fn each_record_is_one_json_line() {
        let dir = std::env::temp_dir().join(format!("pve-mcp-audit-{}", std::process::id()));
        let log = AuditLog::open(&dir).unwrap();
        log.record(&Entry { tool: "qemu_vm_start", outcome: "ok", ..Default::default() });
        log.record(&Entry {
            tool: "qemu_vm_delete",
            outcome: "refused",
            message: Some("needs confirmation".into()),
            ..Default::default()
        });
        let text = std::fs::read_to_string(&dir).unwrap();
        let _ = std::fs::remove_file(&dir);
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["outcome"], "refused");
    }
}
