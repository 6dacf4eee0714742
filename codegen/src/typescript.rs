//! Step 3d: each tool's signature as a compact TypeScript declaration, for code mode's programs
//! (`pve_describe` gives it when `pve_run` is listed): the arguments with their types and enums,
//! each with the first sentence of its description, one line of doc for the tool, and what the
//! call resolves to where PVE says.
//!
//! ```ts
//! /** Start virtual machine. Resolves to the finished task's report. */
//! qemu_vm_start(args: {
//!   node: string; // The cluster node name.
//!   vmid: number; // The (unique) ID of the VM. Integer 100..999999999.
//!   timeout?: number; // Wait maximal timeout seconds. Integer 0..86400.
//!   wait?: boolean; task_timeout?: number; // Task waiting (wait: false resolves to the UPID).
//! }): Promise<TaskReport>
//! ```

use crate::model::{Endpoint, Kind, Param, SubProperty};
use crate::names::first_sentence;

/// Longest argument comment, in characters.
const COMMENT_CHARS: usize = 90;

/// The declaration of one tool.
pub fn declaration(name: &str, summary: &str, ep: &Endpoint, task: bool) -> String {
    let returns = if task {
        "TaskReport".to_owned()
    } else {
        match ep.returns.kind.as_deref() {
            Some("array") => "object[]".into(),
            Some("object") => "object".into(),
            Some("string") => "string".into(),
            Some("integer" | "number") => "number".into(),
            Some("boolean") => "boolean".into(),
            Some("null") | None => "null".into(),
            Some(_) => "unknown".into(),
        }
    };
    let doc = if task { format!("{summary}. Resolves to the finished task's report.") } else { format!("{summary}.") };
    let mut out = format!("/** {} */\n{name}(args: {{", doc.replace("*/", "* /"));
    let mut any = false;
    for p in &ep.params {
        any = true;
        out.push_str("\n  ");
        out.push_str(&param_line(p));
    }
    if task {
        any = true;
        out.push_str("\n  wait?: boolean; task_timeout?: number; // Task waiting (wait: false resolves to the UPID).");
    }
    out.push_str(if any { "\n}" } else { "}" });
    out.push_str(&format!("): Promise<{returns}>"));
    out
}

fn param_line(p: &Param) -> String {
    let ty = ts_type(&p.kind);
    let opt = if p.optional { "?" } else { "" };
    let key = match p.indexed {
        // `net0`, `net1`, ...: an index signature over the stem.
        Some(_) => {
            let c = comment(p.description.as_deref(), &p.kind);
            return format!("[{0}: `{0}${{number}}`]: {ty}; // {0}0, {0}1, …: {c}", p.name).trim_end().to_owned();
        }
        None => ident(&p.name),
    };
    let c = comment(p.description.as_deref(), &p.kind);
    if c.is_empty() { format!("{key}{opt}: {ty};") } else { format!("{key}{opt}: {ty}; // {c}") }
}

/// A property name as TypeScript accepts it unquoted, or quoted.
fn ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain { name.to_owned() } else { format!("{name:?}") }
}

fn ts_type(kind: &Kind) -> String {
    match kind {
        Kind::Integer { .. } | Kind::Number { .. } => "number".into(),
        Kind::Boolean => "boolean".into(),
        Kind::String(_) | Kind::Any => "string".into(),
        Kind::Enum(values) => values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" | "),
        Kind::Array(item) => match item.as_ref() {
            Kind::Enum(_) => format!("({})[]", ts_type(item)),
            other => format!("{}[]", ts_type(other)),
        },
        Kind::PropertyString(keys) => {
            format!("string | {{ {} }}", keys.iter().map(sub_key).collect::<Vec<_>>().join(" "))
        }
    }
}

fn sub_key(k: &SubProperty) -> String {
    let opt = if k.optional || k.default_key || k.alias_of.is_some() { "?" } else { "" };
    format!("{}{opt}: {};", ident(&k.key), ts_type(&k.kind))
}

/// The first sentence of a description and the kind's range, within [`COMMENT_CHARS`].
fn comment(description: Option<&str>, kind: &Kind) -> String {
    let mut c = description.map(first_sentence).unwrap_or_default().replace('\n', " ");
    let range = match kind {
        Kind::Integer { minimum, maximum } => range(minimum.map(|m| m.to_string()), maximum.map(|m| m.to_string())),
        Kind::Number { minimum, maximum } => range(minimum.map(|m| m.to_string()), maximum.map(|m| m.to_string())),
        _ => None,
    };
    if c.chars().count() > COMMENT_CHARS {
        c = c.chars().take(COMMENT_CHARS - 1).collect::<String>().trim_end().to_owned() + "…";
    }
    match range {
        Some(r) if c.is_empty() => r,
        Some(r) => format!("{c}. {r}"),
        None => c,
    }
}

fn range(min: Option<String>, max: Option<String>) -> Option<String> {
    match (min, max) {
        (None, None) => None,
        (Some(a), Some(b)) => Some(format!("{a}..{b}")),
        (Some(a), None) => Some(format!(">= {a}")),
        (None, Some(b)) => Some(format!("<= {b}")),
    }
}
