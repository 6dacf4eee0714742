//! The audit log (`PVE_AUDIT_LOG=<file>`): one JSON line for every call that is not read-only, and
//! for every refused call: time, caller, tool, method and path, arguments with secrets redacted,
//! outcome, message, and for tasks the UPID and exit status. Every line has the same keys whatever
//! the outcome (`null` where a key does not apply): the filled-in path and the arguments as their
//! schema types them. Control characters are escaped. Lines are appended and flushed one at a time.
//!
//! Tamper evidence: each line ends with `"chain"`, an HMAC-SHA256 over the previous line's chain
//! and this line's text, keyed with a secret from a key file (`PVE_AUDIT_KEY_FILE`, created with
//! mode 0600 if missing) that nothing the assistant can call reads. Editing, inserting or removing
//! a line breaks the chain from there on; `pve-mcp audit verify <file>` names the first bad line.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use ring::hmac;

use serde_json::{Map, Value, json};

use crate::tools::registry::ToolDef;

/// Argument names whose values never reach the log (any name containing one of these), besides
/// each tool's reviewed `secret_arguments`. Kept in step with `codegen/src/policy.rs`.
const SECRET_WORDS: &[&str] = &["pass", "secret", "token", "key", "bindpw", "ticket", "cookie", "otp", "totp"];

/// Whether an argument's value is a secret: a tool's reviewed secret argument, or a secret-sounding name.
pub fn is_secret(secret_arguments: &[&str], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    secret_arguments.contains(&name) || SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// An open audit log.
pub struct AuditLog {
    file: Mutex<Chained>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditLog")
    }
}

/// The file and the chain value of its last line.
struct Chained {
    file: File,
    key: hmac::Key,
    last: String,
}

/// The field each line's chain value is kept in (always last on the line).
const CHAIN_FIELD: &str = ",\"chain\":\"";

/// The key file of an audit log when none is configured: `<log>.key`.
pub fn default_key_file(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Reads the chain key, creating a random one (mode 0600) if the file does not exist.
pub fn load_or_create_key(path: &Path) -> std::io::Result<hmac::Key> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 32];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
                .map_err(|_| std::io::Error::other("no system randomness for the audit key"))?;
            let text = hex(&bytes);
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(path)?.write_all(format!("{text}\n").as_bytes())?;
            text
        }
        Err(e) => return Err(e),
    };
    let text = text.trim();
    if text.len() < 32 {
        return Err(std::io::Error::other("the key file holds fewer than 32 characters"));
    }
    Ok(hmac::Key::new(hmac::HMAC_SHA256, text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The chain value of a line whose text (without its chain) is `body`.
fn link(key: &hmac::Key, previous: &str, body: &str) -> String {
    let mut ctx = hmac::Context::with_key(key);
    ctx.update(previous.as_bytes());
    ctx.update(b"\n");
    ctx.update(body.as_bytes());
    hex(ctx.sign().as_ref())
}

/// A line split into its text without the chain, and its chain value.
fn split_chain(line: &str) -> Option<(String, &str)> {
    let at = line.rfind(CHAIN_FIELD)?;
    let rest = &line[at + CHAIN_FIELD.len()..];
    let value = rest.strip_suffix("\"}")?;
    Some((format!("{}}}", &line[..at]), value))
}

/// Why an audit log does not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read the log: {0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}: {why}")]
    BadLine { line: usize, why: &'static str },
}

/// Checks a whole log against its key; the number of good lines, or the first bad one.
pub fn verify(log: &Path, key: &hmac::Key) -> Result<usize, VerifyError> {
    let mut previous = String::new();
    let mut count = 0;
    for (i, line) in BufReader::new(File::open(log)?).lines().enumerate() {
        let line = line?;
        let Some((body, chain)) = split_chain(&line) else {
            return Err(VerifyError::BadLine { line: i + 1, why: "has no chain value (inserted or edited)" });
        };
        if link(key, &previous, &body) != chain {
            return Err(VerifyError::BadLine {
                line: i + 1,
                why: "does not match the chain (this line was edited, or one before it was removed or inserted)",
            });
        }
        previous = chain.to_owned();
        count += 1;
    }
    Ok(count)
}

/// How an audited call ended: the line's `outcome`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Ending {
    /// PVE answered, or its task finished OK.
    #[default]
    Ok,
    /// Sent, and PVE (or the link to it) failed, or the wait for its task broke.
    Error,
    /// Nothing was sent: a check refused it.
    Refused,
    TaskFailed,
    StillRunning,
    /// An MCP task's PVE task was stopped on the caller's request.
    Cancelled,
    /// A task started with `wait: false` (or followed as an MCP task).
    Started,
    /// A dry run's write: nothing was sent.
    Planned,
}

impl Ending {
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Ok => "ok",
            Ending::Error => "error",
            Ending::Refused => "refused",
            Ending::TaskFailed => "task-failed",
            Ending::StillRunning => "still-running",
            Ending::Cancelled => "cancelled",
            Ending::Started => "started",
            Ending::Planned => "planned",
        }
    }
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
    pub outcome: Ending,
    pub message: Option<String>,
    pub upid: Option<&'a str>,
    pub exit_status: Option<&'a str>,
    /// For a gated call: `echo`, `elicitation`, `app`, `plan` (an approved `pve_run` plan) or `none`.
    pub consent: Option<&'a str>,
    /// The `pve_run` program this call was made from (its run id), if any.
    pub run: Option<&'a str>,
    /// The plan id that program's run was approved with, if any.
    pub plan: Option<&'a str>,
}

impl AuditLog {
    /// Opens (creating, appending) the log file, chaining its lines with `key`.
    pub fn open(path: &Path, key: hmac::Key) -> std::io::Result<AuditLog> {
        let last = match File::open(path) {
            Ok(f) => BufReader::new(f)
                .lines()
                .map_while(Result::ok)
                .filter(|l| !l.trim().is_empty())
                .last()
                .and_then(|l| split_chain(&l).map(|(_, c)| c.to_owned()))
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditLog { file: Mutex::new(Chained { file, key, last }) })
    }

    /// Appends one line. A failure to write is logged, never fatal to the call.
    pub fn record(&self, e: &Entry<'_>) {
        let mut line = json!({
            "time": humantime::format_rfc3339_millis(SystemTime::now()).to_string(),
            "tool": e.tool,
            "outcome": e.outcome.as_str(),
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
        put("run", e.run.map(|r| json!(r)));
        put("plan", e.plan.map(|p| json!(p)));
        put("consent", e.consent.map(|s| json!(s)));
        let body = crate::logging::escape_controls(&line.to_string()).into_owned();
        let mut chained = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let chain = link(&chained.key, &chained.last, &body);
        let text = format!("{}{CHAIN_FIELD}{chain}\"}}\n", &body[..body.len() - 1]);
        let file = &mut chained.file;
        match file.write_all(text.as_bytes()).and_then(|_| file.flush()) {
            Ok(()) => chained.last = chain,
            Err(err) => tracing::error!(error = %err, "failed to write the audit log"),
        }
    }
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

    fn key() -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, b"0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn an_edited_line_breaks_the_chain_from_there() {
        let path = std::env::temp_dir().join(format!("pve-mcp-audit-chain-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let log = AuditLog::open(&path, key()).unwrap();
        for tool in ["a", "b", "c"] {
            log.record(&Entry { tool, outcome: Ending::Ok, ..Default::default() });
        }
        drop(log);
        // Reopening continues the chain.
        AuditLog::open(&path, key()).unwrap().record(&Entry { tool: "d", outcome: Ending::Ok, ..Default::default() });
        assert_eq!(verify(&path, &key()).unwrap(), 4);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("\"tool\":\"b\"", "\"tool\":\"x\"", 1)).unwrap();
        let e = verify(&path, &key()).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(matches!(e, VerifyError::BadLine { line: 2, .. }), "{e}");
    }

    #[test]
    fn each_record_is_one_json_line() {
        let dir = std::env::temp_dir().join(format!("pve-mcp-audit-{}", std::process::id()));
        let log = AuditLog::open(&dir, key()).unwrap();
        log.record(&Entry { tool: "qemu_vm_start", outcome: Ending::Ok, ..Default::default() });
        log.record(&Entry {
            tool: "qemu_vm_delete",
            outcome: Ending::Refused,
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
