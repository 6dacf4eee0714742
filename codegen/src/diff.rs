//! `pve-codegen diff`: what changes for pve-mcp's users between two schemas.
//!
//! Both schemas go through the same reading and classification as the build ([`crate::classify`]),
//! so the report is about *tools*: which appear and disappear, and for each tool in both, its
//! parameters (added, removed, type, required, enum values, ranges, property-string keys), tier,
//! category and confirmation gate. Everything is sorted by tool name, then parameter name, so the
//! report is stable and reviewable.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::{Kind, Param, SubProperty};
use crate::policy::Gate;
use crate::{Error, Tool};

/// One tool as listed in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolRow {
    pub name: String,
    pub method: String,
    pub path: String,
    pub tier: String,
    pub category: String,
    /// The confirmation gate in words (`confirm`, `confirm when force`), empty if none.
    pub gate: String,
}

impl ToolRow {
    fn of(t: &Tool) -> Self {
        ToolRow {
            name: t.name.clone(),
            method: t.endpoint.method.as_str().to_owned(),
            path: t.endpoint.path.clone(),
            tier: t.tier.as_str().to_owned(),
            category: t.category.to_owned(),
            gate: gate_text(t.gate.as_ref()),
        }
    }
}

/// The differences between two classified schemas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub old_tools: usize,
    pub new_tools: usize,
    pub added: Vec<ToolRow>,
    pub removed: Vec<ToolRow>,
    /// Tools in both, with one line per change (in the new schema's terms).
    pub changed: Vec<(ToolRow, Vec<String>)>,
    /// Endpoints newly left out / no longer left out, with the reason.
    pub newly_left_out: Vec<(String, String)>,
    pub no_longer_left_out: Vec<(String, String)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.newly_left_out.is_empty()
            && self.no_longer_left_out.is_empty()
    }
}

/// Reads and classifies two apidoc JSON texts and compares them.
pub fn diff_schemas(old_json: &str, new_json: &str) -> Result<Diff, Error> {
    let old = crate::classify(&crate::model::parse(old_json)?)?;
    let new = crate::classify(&crate::model::parse(new_json)?)?;
    Ok(diff_tools(&old.0, &old.1, &new.0, &new.1))
}

/// Compares two tool tables (and their left-out lists).
pub fn diff_tools(
    old: &[Tool],
    old_excluded: &[(String, &'static str)],
    new: &[Tool],
    new_excluded: &[(String, &'static str)],
) -> Diff {
    let old_by: BTreeMap<&str, &Tool> = old.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_by: BTreeMap<&str, &Tool> = new.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut diff = Diff { old_tools: old.len(), new_tools: new.len(), ..Diff::default() };
    for (name, t) in &new_by {
        match old_by.get(name) {
            None => diff.added.push(ToolRow::of(t)),
            Some(o) => {
                let lines = tool_changes(o, t);
                if !lines.is_empty() {
                    diff.changed.push((ToolRow::of(t), lines));
                }
            }
        }
    }
    for (name, t) in &old_by {
        if !new_by.contains_key(name) {
            diff.removed.push(ToolRow::of(t));
        }
    }
    let old_ex: BTreeMap<&str, &str> = old_excluded.iter().map(|(id, why)| (id.as_str(), *why)).collect();
    let new_ex: BTreeMap<&str, &str> = new_excluded.iter().map(|(id, why)| (id.as_str(), *why)).collect();
    for (id, why) in &new_ex {
        if !old_ex.contains_key(id) {
            diff.newly_left_out.push(((*id).to_owned(), (*why).to_owned()));
        }
    }
    for (id, why) in &old_ex {
        if !new_ex.contains_key(id) {
            diff.no_longer_left_out.push(((*id).to_owned(), (*why).to_owned()));
        }
    }
    diff
}

fn tool_changes(old: &Tool, new: &Tool) -> Vec<String> {
    let mut out = Vec::new();
    if old.endpoint.id() != new.endpoint.id() {
        out.push(format!("endpoint: `{}` → `{}`", old.endpoint.id(), new.endpoint.id()));
    }
    if old.tier != new.tier {
        out.push(format!("tier: `{}` → `{}`", old.tier.as_str(), new.tier.as_str()));
    }
    if old.category != new.category {
        out.push(format!("category: `{}` → `{}`", old.category, new.category));
    }
    if old.gate != new.gate {
        let show = |g: Option<&Gate>| match gate_text(g) {
            t if t.is_empty() => "none".to_owned(),
            t => t,
        };
        out.push(format!("gate: {} → {}", show(old.gate.as_ref()), show(new.gate.as_ref())));
    }
    let old_params: BTreeMap<&str, &Param> = old.endpoint.params.iter().map(|p| (p.name.as_str(), p)).collect();
    let new_params: BTreeMap<&str, &Param> = new.endpoint.params.iter().map(|p| (p.name.as_str(), p)).collect();
    let names: BTreeSet<&str> = old_params.keys().chain(new_params.keys()).copied().collect();
    for name in names {
        match (old_params.get(name), new_params.get(name)) {
            (None, Some(p)) => out.push(format!("parameter `{}` added: {}", shown(p), summary(p))),
            (Some(p), None) => out.push(format!("parameter `{}` removed (was {})", shown(p), summary(p))),
            (Some(o), Some(n)) => {
                let changes = param_changes(o, n);
                if !changes.is_empty() {
                    out.push(format!("parameter `{}`: {}", shown(n), changes.join("; ")));
                }
            }
            (None, None) => unreachable!("name comes from one of the maps"),
        }
    }
    out
}

/// `confirm` (naming what must be echoed) and the condition, if any; empty without a gate.
fn gate_text(gate: Option<&Gate>) -> String {
    let Some(g) = gate else { return String::new() };
    let mut s = "confirm".to_owned();
    if let Some(target) = &g.target {
        let _ = write!(s, " `{target}`");
    }
    if let Some(when) = g.only_if {
        let _ = write!(s, " when{}", crate::docs::when_text(Some(when)).trim_start_matches(" if"));
    }
    if g.reason != crate::policy::DESTRUCTIVE {
        let _ = write!(s, " ({})", g.reason);
    }
    s
}

/// `net[n]` for indexed parameters, the name otherwise.
fn shown(p: &Param) -> String {
    if p.indexed.is_some() { format!("{}[n]", p.name) } else { p.name.clone() }
}

fn required(optional: bool) -> &'static str {
    if optional { "optional" } else { "required" }
}

/// `required integer 100..999999999`.
fn summary(p: &Param) -> String {
    let mut s = format!("{} {}", required(p.optional), kind_summary(&p.kind));
    if let Some(Some(max)) = p.indexed {
        let _ = write!(s, ", indexes 0..{max}");
    }
    s
}

fn type_name(kind: &Kind) -> String {
    match kind {
        Kind::Integer { .. } => "integer".into(),
        Kind::Number { .. } => "number".into(),
        Kind::Boolean => "boolean".into(),
        Kind::String(_) => "string".into(),
        Kind::Enum(_) => "enum".into(),
        Kind::PropertyString(_) => "property string".into(),
        Kind::Array(items) => format!("array of {}", type_name(items)),
        Kind::Any => "any".into(),
    }
}

fn kind_summary(kind: &Kind) -> String {
    match kind {
        Kind::Integer { minimum, maximum } => with_range("integer", &range(minimum, maximum)),
        Kind::Number { minimum, maximum } => with_range("number", &range(minimum, maximum)),
        Kind::String(rules) => {
            let mut s = "string".to_owned();
            if let Some(f) = &rules.format {
                let _ = write!(s, " ({f})");
            }
            let len = range(&rules.min_length, &rules.max_length);
            if !len.is_empty() {
                let _ = write!(s, ", length {len}");
            }
            s
        }
        Kind::Enum(values) => format!("enum {}", list(values)),
        Kind::PropertyString(keys) => {
            format!("property string with keys {}", list(&keys.iter().map(|k| k.key.clone()).collect::<Vec<_>>()))
        }
        Kind::Array(items) => format!("array of {}", kind_summary(items)),
        other => type_name(other),
    }
}

fn with_range(name: &str, range: &str) -> String {
    if range.is_empty() { name.to_owned() } else { format!("{name} {range}") }
}

/// `1..10`, `1..`, `..10`, or empty when unbounded.
fn range<T: std::fmt::Display>(min: &Option<T>, max: &Option<T>) -> String {
    match (min, max) {
        (None, None) => String::new(),
        (min, max) => format!(
            "{}..{}",
            min.as_ref().map(ToString::to_string).unwrap_or_default(),
            max.as_ref().map(ToString::to_string).unwrap_or_default()
        ),
    }
}

fn list(values: &[String]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

fn param_changes(old: &Param, new: &Param) -> Vec<String> {
    let mut out = Vec::new();
    if old.location != new.location {
        out.push(format!("location {:?} → {:?}", old.location, new.location).to_lowercase());
    }
    if old.optional != new.optional {
        out.push(format!("{} → {}", required(old.optional), required(new.optional)));
    }
    match (old.indexed, new.indexed) {
        (a, b) if a == b => {}
        (None, Some(_)) => out.push("now indexed (`[n]`)".into()),
        (Some(_), None) => out.push("no longer indexed".into()),
        (Some(a), Some(b)) => out.push(format!("indexes {} → {}", index_range(a), index_range(b))),
        _ => {}
    }
    kind_changes(&old.kind, &new.kind, "", &mut out);
    if old.default != new.default {
        let show = |d: &Option<serde_json::Value>| d.as_ref().map_or("none".to_owned(), |v| format!("`{v}`"));
        out.push(format!("default {} → {}", show(&old.default), show(&new.default)));
    }
    out
}

fn index_range(max: Option<u32>) -> String {
    max.map_or("0..?".to_owned(), |m| format!("0..{m}"))
}

/// Changes between two kinds; `at` names a property-string key or array items (`model: `).
fn kind_changes(old: &Kind, new: &Kind, at: &str, out: &mut Vec<String>) {
    match (old, new) {
        (a, b) if a == b => {}
        (Kind::Integer { minimum: a0, maximum: a1 }, Kind::Integer { minimum: b0, maximum: b1 }) => {
            out.push(format!("{at}range {} → {}", or_any(range(a0, a1)), or_any(range(b0, b1))));
        }
        (Kind::Number { minimum: a0, maximum: a1 }, Kind::Number { minimum: b0, maximum: b1 }) => {
            out.push(format!("{at}range {} → {}", or_any(range(a0, a1)), or_any(range(b0, b1))));
        }
        (Kind::String(a), Kind::String(b)) => {
            let (al, bl) = (range(&a.min_length, &a.max_length), range(&b.min_length, &b.max_length));
            if al != bl {
                out.push(format!("{at}length {} → {}", or_any(al), or_any(bl)));
            }
            if a.format != b.format {
                let show = |f: &Option<String>| f.as_ref().map_or("none".to_owned(), |f| format!("`{f}`"));
                out.push(format!("{at}format {} → {}", show(&a.format), show(&b.format)));
            }
            if a.pattern != b.pattern {
                out.push(format!("{at}pattern changed"));
            }
        }
        (Kind::Enum(a), Kind::Enum(b)) => {
            let added: Vec<String> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
            let removed: Vec<String> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("values added {}", list(&added)));
            }
            if !removed.is_empty() {
                parts.push(format!("values removed {}", list(&removed)));
            }
            if parts.is_empty() {
                parts.push("values reordered".into());
            }
            out.push(format!("{at}enum {}", parts.join(", ")));
        }
        (Kind::PropertyString(a), Kind::PropertyString(b)) => sub_property_changes(a, b, at, out),
        (Kind::Array(a), Kind::Array(b)) => kind_changes(a, b, &format!("{at}items: "), out),
        (a, b) => out.push(format!("{at}type {} → {}", kind_summary(a), kind_summary(b))),
    }
}

fn or_any(range: String) -> String {
    if range.is_empty() { "unbounded".into() } else { range }
}

fn sub_property_changes(old: &[SubProperty], new: &[SubProperty], at: &str, out: &mut Vec<String>) {
    let old_by: BTreeMap<&str, &SubProperty> = old.iter().map(|k| (k.key.as_str(), k)).collect();
    let new_by: BTreeMap<&str, &SubProperty> = new.iter().map(|k| (k.key.as_str(), k)).collect();
    let added: Vec<String> = new_by.keys().filter(|k| !old_by.contains_key(*k)).map(|k| (*k).to_owned()).collect();
    let removed: Vec<String> = old_by.keys().filter(|k| !new_by.contains_key(*k)).map(|k| (*k).to_owned()).collect();
    if !added.is_empty() {
        out.push(format!("{at}keys added {}", list(&added)));
    }
    if !removed.is_empty() {
        out.push(format!("{at}keys removed {}", list(&removed)));
    }
    for (key, o) in &old_by {
        let Some(n) = new_by.get(key) else { continue };
        let inner = format!("{at}key `{key}` ");
        if o.optional != n.optional {
            out.push(format!("{inner}{} → {}", required(o.optional), required(n.optional)));
        }
        if o.alias_of != n.alias_of {
            out.push(format!("{inner}alias changed"));
        }
        kind_changes(&o.kind, &n.kind, &inner, out);
    }
}

/// Renders a [`Diff`] as Markdown.
pub fn to_markdown(diff: &Diff, old_label: &str, new_label: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Tool changes: `{old_label}` → `{new_label}`\n");
    let _ = writeln!(
        out,
        "{} tools → {} tools: {} added, {} removed, {} changed.\n",
        diff.old_tools,
        diff.new_tools,
        diff.added.len(),
        diff.removed.len(),
        diff.changed.len()
    );
    if diff.is_empty() {
        let _ = writeln!(out, "No differences in tools, parameters, tiers, categories or gates.");
        return out;
    }
    let table = |out: &mut String, title: &str, rows: &[ToolRow]| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "## {title} ({})\n", rows.len());
        let _ = writeln!(out, "| tool | method and path | tier | category | gate |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for r in rows {
            let _ = writeln!(
                out,
                "| `{}` | `{} {}` | {} | {} | {} |",
                r.name, r.method, r.path, r.tier, r.category, r.gate
            );
        }
        let _ = writeln!(out);
    };
    table(&mut out, "Added tools", &diff.added);
    table(&mut out, "Removed tools", &diff.removed);
    if !diff.changed.is_empty() {
        let _ = writeln!(out, "## Changed tools ({})\n", diff.changed.len());
        for (row, lines) in &diff.changed {
            let _ = writeln!(out, "### `{}` (`{} {}`)\n", row.name, row.method, row.path);
            for line in lines {
                let _ = writeln!(out, "- {line}");
            }
            let _ = writeln!(out);
        }
    }
    let left_out = |out: &mut String, title: &str, rows: &[(String, String)]| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "## {title} ({})\n", rows.len());
        let _ = writeln!(out, "| endpoint | why |\n| --- | --- |");
        for (id, why) in rows {
            let _ = writeln!(out, "| `{id}` | {why} |");
        }
        let _ = writeln!(out);
    };
    left_out(&mut out, "Newly left out", &diff.newly_left_out);
    left_out(&mut out, "No longer left out", &diff.no_longer_left_out);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(params: &str, extra_path: &str) -> String {
        format!(
            r#"[{{"path":"/nodes","info":{{"GET":{{"name":"index","description":"Nodes.","parameters":{{}},"returns":{{"type":"array"}}}}}},
              "children":[{{"path":"/nodes/{{node}}/qemu/{{vmid}}/config","info":{{"PUT":{{"name":"update_vm","description":"Set.",
                "parameters":{{"properties":{{"node":{{"type":"string"}},"vmid":{{"type":"integer"}},{params}}}}}}}}}}}{extra_path}]}}]"#
        )
    }

    #[test]
    fn identical_schemas_have_no_differences() {
        let s = schema(r#""a":{"type":"boolean","optional":1}"#, "");
        let d = diff_schemas(&s, &s).unwrap();
        assert!(d.is_empty());
        assert!(to_markdown(&d, "a", "b").contains("No differences"));
    }

    #[test]
    fn parameter_changes_are_described() {
        let old = schema(
            r#""a":{"type":"boolean","optional":1},"b":{"type":"integer","minimum":1,"maximum":10},
               "c":{"type":"string","enum":["x","y"],"optional":1},"d":{"type":"string","optional":1}"#,
            "",
        );
        let new = schema(
            r#""b":{"type":"integer","minimum":1,"maximum":20,"optional":1},
               "c":{"type":"string","enum":["x","z"],"optional":1},"d":{"type":"integer","optional":1},
               "e[n]":{"type":"string","optional":1,"description":"(n is 0 to 7)"}"#,
            r#",{"path":"/nodes/{node}/qemu/{vmid}/status/stop","info":{"POST":{"name":"vm_stop","description":"Stop.","parameters":{}}}}"#,
        );
        let d = diff_schemas(&old, &new).unwrap();
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].name, "qemu_vm_stop");
        assert!(d.added[0].gate.starts_with("confirm"), "{:?}", d.added[0]);
        let (row, lines) = &d.changed[0];
        assert_eq!(row.name, "qemu_vm_config_update");
        assert_eq!(
            lines,
            &[
                "parameter `a` removed (was optional boolean)",
                "parameter `b`: required → optional; range 1..10 → 1..20",
                "parameter `c`: enum values added `z`, values removed `y`",
                "parameter `d`: type string → integer",
                "parameter `e[n]` added: optional string, indexes 0..7",
            ]
        );
    }
}
