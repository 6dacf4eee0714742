//! The audit log (`PVE_AUDIT_LOG=<file>`): one JSON line for every call that is not read-only, and
//! for every refused call: time, caller, tool, method and path, arguments with secrets redacted,
//! outcome, message, and for tasks the UPID and exit status. Every line has the same keys whatever
//! the outcome (`null` where a key does not apply): the filled-in path and the arguments as their
//! schema types them. Control characters are escaped. Lines are appended and flushed one at a time.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

use serde_json::{Map, Value, json};

/// Argument names whose values never reach the log (any name containing one of these), besides
/// each tool's reviewed `secret_arguments`. Kept in step with `codegen/src/policy.rs`.
const SECRET_WORDS: &[&str] = &["pass", "secret", "token", "key", "bindpw", "ticket", "cookie", "otp", "totp"];

/// Whether an argument's value is a secret: a tool's reviewed secret argument, or a secret-sounding name.
pub fn is_secret(secret_arguments: &[&str], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    secret_arguments.contains(&name) || SECRET_WORDS.iter().any(|w| lower.contains(w))
}

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
    /// The tool's secret arguments (redacted besides the secret-sounding names).
    pub secrets: &'a [&'static str],
    /// `ok`, `error`, `refused`, `task-failed`, `still-running`, `cancelled`, `started`.
    pub outcome: &'a str,
    pub message: Option<String>,
    pub upid: Option<&'a str>,
    pub exit_status: Option<&'a str>,
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
        // One shape for every line: each key is there, `null` where it does not apply.
        let mut put = |k: &str, v: Option<Value>| {
            obj.insert(k.into(), v.unwrap_or(Value::Null));
        };
        put("caller", e.caller.map(|c| json!(c)));
        put("cluster", e.cluster.map(|c| json!(c)));
        put("method", e.method.map(|m| json!(m)));
        put("path", e.path.map(|p| json!(p)));
        put("arguments", e.arguments.map(|a| Value::Object(redact_with(e.secrets, a))));
        put("message", e.message.clone().map(Value::String));
        put("upid", e.upid.map(|u| json!(u)));
        put("exitstatus", e.exit_status.map(|s| json!(s)));
        let mut text = crate::logging::escape_controls(&line.to_string()).into_owned();
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(err) = file.write_all(text.as_bytes()).and_then(|_| file.flush()) {
            tracing::error!(error = %err, "failed to write the audit log");
        }
    }
}

/// A copy of the arguments with secret values replaced (by name only).
pub fn redact(args: &Map<String, Value>) -> Map<String, Value> {
    redact_with(&[], args)
}

/// A copy of the arguments with the values of `secrets` and of secret-sounding names replaced.
pub fn redact_with(secrets: &[&str], args: &Map<String, Value>) -> Map<String, Value> {
    args.iter().map(|(k, v)| (k.clone(), if is_secret(secrets, k) { json!("<redacted>") } else { v.clone() })).collect()
}

/// The secret values among a call's arguments (string leaves of at least 4 characters), to be
/// scrubbed from any text that might echo them.
pub fn secret_values(secrets: &[&str], args: &Map<String, Value>) -> Vec<String> {
    fn leaves(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Number(n) => out.push(n.to_string()),
            Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
            Value::Object(o) => o.values().for_each(|x| leaves(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in args {
        if is_secret(secrets, k) {
            leaves(v, &mut out);
        }
    }
    out.retain(|s| s.chars().count() >= 4);
    // Longest first, so a secret containing another is replaced whole.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// `text` with each of `values` replaced by `<redacted>`.
pub fn scrub(text: &str, values: &[String]) -> String {
    values.iter().fold(text.to_owned(), |t, v| t.replace(v.as_str(), "<redacted>"))
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
        // One shape: the same keys on every line.
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&lines[0]), keys(&lines[1]));
    }

    #[test]
    fn reviewed_secret_arguments_and_their_echoes_are_scrubbed() {
        let args = json!({"data": "CF_Token=abcd1234", "id": "cf", "key": "pve2c-0123456789"});
        let args = args.as_object().unwrap();
        let r = redact_with(&["data"], args);
        assert_eq!(
            (r["data"].as_str(), r["key"].as_str(), r["id"].as_str()),
            (Some("<redacted>"), Some("<redacted>"), Some("cf"))
        );
        let values = secret_values(&["data"], args);
        let msg = scrub("value 'pve2c-0123456789' invalid; data CF_Token=abcd1234", &values);
        assert!(!msg.contains("pve2c-0123456789") && !msg.contains("abcd1234"), "{msg}");
    }
}
