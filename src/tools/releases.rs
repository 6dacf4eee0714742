//! Which vendored PVE release has each tool, parameter, property-string key and enum value (the
//! generated masks), what a call needs that a release lacks, and a tool's listing as a release has
//! it.
//!
//! The tool table lists the primary schema's tools (PVE [`SCHEMA_RELEASE`]); a release's listing is
//! the table entry with the parameters it lacks taken out and the ones it has otherwise put in
//! ([`Fragment`]), made once per tool and release and kept ([`as_in`]).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value};

use crate::tools::arguments::{PropertyArg, property_pairs};
use crate::tools::generated::{
    ALL_RELEASES, KEY_RELEASES, PARAM_RELEASES, RELEASE_FRAGMENTS, RELEASE_TEXT, RELEASES, SCHEMA_RELEASE,
    TOOL_RELEASES, VALUE_RELEASES,
};
use crate::tools::registry::ToolDef;
use crate::tools::strings::Span;

mod mixed;
pub use mixed::Listed;

/// A tool not every release has. The release tables' strings are spans of [`RELEASE_TEXT`],
/// read through the methods named as the fields (a span compares with no string).
#[derive(Debug)]
pub struct ToolRow {
    pub tool: Span,
    /// The releases (bit `i` is [`RELEASES`]`[i]`).
    pub releases: u8,
}

/// A parameter (an indexed one by its stem) not every release of its tool has.
#[derive(Debug)]
pub struct ParamRow {
    pub tool: Span,
    pub param: Span,
    pub releases: u8,
}

/// An enum value not every release of its parameter has.
#[derive(Debug)]
pub struct ValueRow {
    pub tool: Span,
    pub param: Span,
    pub value: Span,
    pub releases: u8,
}

/// A property-string key not every release of its parameter has (`value` empty), or an enum value
/// of one not every release of the key has.
#[derive(Debug)]
pub struct KeyRow {
    pub tool: Span,
    /// The parameter (an indexed one by its stem).
    pub param: Span,
    pub key: Span,
    pub value: Span,
    pub releases: u8,
}

/// One parameter as some releases list it where that differs from the tool's table entry.
#[derive(Debug)]
pub struct Fragment {
    pub tool: Span,
    pub param: Span,
    /// The releases (bit `i` is [`RELEASES`]`[i]`).
    pub releases: u8,
    /// Its key in `properties`, or in `patternProperties` when indexed.
    pub key: Span,
    pub indexed: bool,
    pub required: bool,
    pub full: Span,
    pub compact: Span,
    /// Its line of the TypeScript signature (without indent).
    pub line: Span,
}

/// Each named field's string: the methods named as the fields, reading their spans of
/// [`RELEASE_TEXT`] (the tool's name, the parameter's, the enum value; a fragment's key, schemas
/// and signature line).
macro_rules! texts {
    ($($row:ty: $($field:ident),+;)+) => {
        $(impl $row {
            $(#[doc = concat!("The `", stringify!($field), "` span's text.")]
            pub fn $field(&self) -> &'static str {
                self.$field.of(RELEASE_TEXT)
            })+
        })+
    };
}

texts! {
    ToolRow: tool;
    ParamRow: tool, param;
    ValueRow: tool, param, value;
    Fragment: tool, param, key, full, compact, line;
    KeyRow: tool, param, key, value;
}

/// One vendored PVE release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Release(u8);

impl Release {
    /// The release of the primary schema: what the tool table lists, and what a cluster whose
    /// release is not known yet is served as.
    pub fn primary() -> Release {
        let i = RELEASES.iter().position(|r| *r == SCHEMA_RELEASE).unwrap_or(RELEASES.len() - 1);
        Release(i as u8)
    }

    /// Every vendored release, oldest first.
    pub fn all() -> impl Iterator<Item = Release> {
        (0..RELEASES.len() as u8).map(Release)
    }

    /// The vendored release of that name (`9.1`, `8`; `8.x` too).
    pub fn named(name: &str) -> Option<Release> {
        let name = name.trim().trim_end_matches(".x");
        RELEASES.iter().position(|r| *r == name).map(|i| Release(i as u8))
    }

    /// Its name as a person reads it: `9.1`, `8.x` for the schema of any 8.y.
    pub fn label(self) -> String {
        label_of(RELEASES[self.0 as usize])
    }

    fn bit(self) -> u8 {
        1 << self.0
    }

    fn version(self) -> (u32, u32) {
        version(RELEASES[self.0 as usize]).unwrap_or((0, 0))
    }

    /// The vendored release a cluster running `running` (`8.4.1`, `9.2`) is served as: the newest
    /// vendored one not newer than it with the same major version; else the oldest of that major
    /// (9.0 is served as 9.1); a major no vendored release has is served as the newest release
    /// older than it, or, older than every one, as the oldest. `None` if `running` is no version.
    pub fn serving(running: &str) -> Option<Release> {
        let v = version(running)?;
        let all: Vec<Release> = Release::all().collect();
        let same: Vec<Release> = all.iter().copied().filter(|r| r.version().0 == v.0).collect();
        let pick = same
            .iter()
            .rev()
            .find(|r| r.version() <= v)
            .or(same.first())
            .or_else(|| all.iter().rev().find(|r| r.version() <= v))
            .or(all.first());
        pick.copied()
    }
}

/// What a cluster running `version` is served as, for the log: `served as the PVE 8.x schema`.
pub fn served_as(version: &str) -> String {
    match Release::serving(version) {
        Some(r) if r.label() == version => format!("served as PVE {version}"),
        Some(r) => format!("served as PVE {} (the vendored schema closest to it)", r.label()),
        None => format!("`{version}` is no release; served as PVE {}", Release::primary().label()),
    }
}

fn label_of(name: &str) -> String {
    if name.contains('.') { name.to_owned() } else { format!("{name}.x") }
}

/// `8.4.1` → (8, 4); `8` → (8, 0).
fn version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().split(['.', '-', '~']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

/// Something a call names that the cluster's release lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lacks {
    /// What it is, as the message names it: ``qemu_vm_dbus_vmstate``, `parameter `x``, ...
    pub what: String,
    /// The releases that have it.
    pub releases: u8,
}

impl Lacks {
    /// Which releases have it: `needs PVE 9.1 or newer`, `was removed after PVE 8.x`, `exists in
    /// PVE 6.4 and 8.x only`.
    pub fn needs(&self) -> String {
        let have: Vec<Release> = Release::all().filter(|r| self.releases & r.bit() != 0).collect();
        let (Some(first), Some(last)) = (have.first(), have.last()) else {
            return "is in no vendored PVE release".into();
        };
        let contiguous = have.len() == (last.0 - first.0 + 1) as usize;
        let newest = Release(RELEASES.len() as u8 - 1);
        match (contiguous, *last == newest) {
            (true, true) => format!("needs PVE {} or newer", first.label()),
            (true, false) if first.0 == 0 => format!("was removed after PVE {}", last.label()),
            _ => format!("exists in PVE {} only", have.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")),
        }
    }
}

/// The releases that have a tool.
pub fn tool_releases(tool: &str) -> u8 {
    TOOL_RELEASES.binary_search_by(|r| r.tool().cmp(tool)).map_or(ALL_RELEASES, |i| TOOL_RELEASES[i].releases)
}

/// Whether a release has a tool.
pub fn has(tool: &ToolDef, release: Release) -> bool {
    tool_releases(tool.name) & release.bit() != 0
}

/// The release a tool's table entry lists: the primary, or for a tool only older releases have,
/// the newest of them.
fn listed_as(tool: &ToolDef) -> Release {
    let have = tool_releases(tool.name);
    if have & Release::primary().bit() != 0 {
        return Release::primary();
    }
    Release::all().filter(|r| have & r.bit() != 0).last().unwrap_or(Release::primary())
}

/// The rows of a sorted table that belong to one tool.
fn rows<T>(table: &'static [T], tool: &str, name: impl Fn(&T) -> &'static str) -> &'static [T] {
    let start = table.partition_point(|r| name(r) < tool);
    let end = start + table[start..].partition_point(|r| name(r) == tool);
    &table[start..end]
}

/// Whether `key` is the argument `param` (or one of its indexes, `net0` for `net`).
fn names(key: &str, param: &str) -> bool {
    key == param
        || key.strip_prefix(param).is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// The releases that have a parameter of a tool.
pub fn param_releases(tool: &str, param: &str) -> u8 {
    rows(PARAM_RELEASES, tool, ParamRow::tool)
        .iter()
        .find(|r| r.param() == param)
        .map_or(tool_releases(tool), |r| r.releases)
}

/// What of this call `release` lacks, first the tool, then each argument, its enum value and its
/// property-string keys and their values, in argument order; nothing when it has it all.
pub fn check(tool: &ToolDef, args: &Map<String, Value>, release: Release) -> Result<(), Lacks> {
    let have = tool_releases(tool.name);
    if have & release.bit() == 0 {
        return Err(Lacks { what: format!("`{}`", tool.name), releases: have });
    }
    let params = rows(PARAM_RELEASES, tool.name, ParamRow::tool);
    let values = rows(VALUE_RELEASES, tool.name, ValueRow::tool);
    for (key, value) in args {
        if let Some(row) = params.iter().find(|r| names(key, r.param()))
            && row.releases & release.bit() == 0
        {
            let what = format!("parameter `{}` of `{}`", row.param(), tool.name);
            return Err(Lacks { what, releases: row.releases });
        }
        let given: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for row in values.iter().filter(|r| r.param() == key) {
            if row.releases & release.bit() == 0 && given.contains(&row.value()) {
                return Err(Lacks {
                    what: format!("value `{}` of parameter `{}` of `{}`", row.value(), row.param(), tool.name),
                    releases: row.releases,
                });
            }
        }
        check_keys(tool, key, value, release)?;
    }
    Ok(())
}

/// What of one property-string argument `release` lacks: a key, then an enum value of a key, in
/// the order given. The argument is read as the call path reads it: an object of keys (or JSON
/// text of one), PVE's `key=value,...` form, or a bare value of the default key.
fn check_keys(tool: &ToolDef, arg: &str, value: &Value, release: Release) -> Result<(), Lacks> {
    let Some(prop) = tool.property_strings.iter().find(|p| p.matches(arg)) else { return Ok(()) };
    let rows: Vec<&KeyRow> =
        rows(KEY_RELEASES, tool.name, KeyRow::tool).iter().filter(|r| r.param() == prop.name).collect();
    if rows.is_empty() {
        return Ok(());
    }
    for (key, given) in given_keys(prop, value) {
        let lacking = rows.iter().filter(|r| r.key() == key && r.releases & release.bit() == 0);
        for row in lacking {
            let what = match row.value() {
                "" => format!("key `{key}` of parameter `{arg}` of `{}`", tool.name),
                v if v == given => format!("value `{given}` of key `{key}` of parameter `{arg}` of `{}`", tool.name),
                _ => continue,
            };
            return Err(Lacks { what, releases: row.releases });
        }
    }
    Ok(())
}

/// The (key, value) pairs a property-string argument gives, values as text.
fn given_keys(prop: &PropertyArg, value: &Value) -> Vec<(String, String)> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        other => other.to_string(),
    };
    let object = match value {
        Value::Object(o) => Some(std::borrow::Cow::Borrowed(o)),
        Value::String(s) if s.trim_start().starts_with('{') => match serde_json::from_str(s) {
            Ok(Value::Object(o)) => Some(std::borrow::Cow::Owned(o)),
            _ => None,
        },
        _ => None,
    };
    match (object, value) {
        (Some(o), _) => o.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), text(v))).collect(),
        (None, Value::String(s)) => property_pairs(s, prop.keys),
        (None, Value::Number(_) | Value::Bool(_)) => {
            prop.keys.iter().filter(|k| k.default_key).map(|k| (k.key.to_owned(), text(value))).collect()
        }
        _ => Vec::new(),
    }
}

/// The tool as `release` lists it: the table entry itself where that is the same (the common case),
/// else a copy with the release's input schemas and signature, made once per tool and release and
/// kept for the life of the process (a few hundred at most).
pub fn as_in(tool: &'static ToolDef, release: Release) -> &'static ToolDef {
    if release == listed_as(tool) {
        return tool;
    }
    let fragments: Vec<&Fragment> =
        rows(RELEASE_FRAGMENTS, tool.name, Fragment::tool).iter().filter(|f| f.releases & release.bit() != 0).collect();
    let dropped: Vec<&str> = rows(PARAM_RELEASES, tool.name, ParamRow::tool)
        .iter()
        .filter(|r| r.releases & release.bit() == 0)
        .map(ParamRow::param)
        .collect();
    if fragments.is_empty() && dropped.is_empty() {
        return tool;
    }
    static MADE: OnceLock<Mutex<HashMap<(&'static str, Release), &'static ToolDef>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
    made.entry((tool.name, release)).or_insert_with(|| {
        let text = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        Box::leak(Box::new(ToolDef {
            input_schema: text(patch_schema(tool, tool.input_schema, &fragments, &dropped, Fragment::full)),
            compact_schema: text(patch_schema(tool, tool.compact_schema, &fragments, &dropped, Fragment::compact)),
            signature: text(patch_signature(tool, &fragments, &dropped)),
            ..*tool
        }))
    })
}

/// Every tool `release` has, as it lists them, sorted by name: the table's and the older-only ones.
pub fn tools_of(release: Release) -> Vec<&'static ToolDef> {
    let mut all: Vec<&'static ToolDef> = crate::tools::registry::all()
        .iter()
        .chain(crate::tools::registry::older())
        .filter(|t| has(t, release))
        .map(|t| as_in(t, release))
        .collect();
    all.sort_by(|a, b| a.name.cmp(b.name));
    all
}

/// The names of a path template's placeholders.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect()
}

/// Sorts entries as the generator does: path placeholders in path order, then the others by name.
fn generator_order<T>(entries: &mut [(String, T)], path: &[&str]) {
    entries.sort_by_key(|(name, _)| match path.iter().position(|p| p == name) {
        Some(i) => (0, i, String::new()),
        None => (1, 0, name.clone()),
    });
}

fn patch_schema(
    tool: &ToolDef,
    schema: &str,
    fragments: &[&Fragment],
    dropped: &[&str],
    text: impl Fn(&Fragment) -> &'static str,
) -> String {
    let Ok(Value::Object(mut top)) = serde_json::from_str::<Value>(schema) else { return schema.to_owned() };
    let take = |top: &mut Map<String, Value>, key: &str| match top.remove(key) {
        Some(Value::Object(m)) => m.into_iter().collect::<Vec<(String, Value)>>(),
        _ => Vec::new(),
    };
    let mut properties = take(&mut top, "properties");
    let mut patterns = take(&mut top, "patternProperties");
    let mut required: Vec<String> = match top.remove("required") {
        Some(Value::Array(r)) => r.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let stem = |key: &str| key.trim_start_matches('^').trim_end_matches("[0-9]+$").replace('\\', "");
    properties.retain(|(k, _)| !dropped.contains(&k.as_str()));
    patterns.retain(|(k, _)| !dropped.contains(&stem(k).as_str()));
    required.retain(|k| !dropped.contains(&k.as_str()));
    for f in fragments {
        let value: Value = serde_json::from_str(text(f)).unwrap_or(Value::Null);
        let list = if f.indexed { &mut patterns } else { &mut properties };
        match list.iter_mut().find(|(k, _)| k == f.key()) {
            Some(entry) => entry.1 = value,
            None => list.push((f.key().to_owned(), value)),
        }
        if !f.indexed {
            required.retain(|k| k != f.param());
            if f.required {
                required.push(f.param().to_owned());
            }
        }
    }
    let path = path_params(tool.path);
    generator_order(&mut properties, &path);
    patterns.sort_by_key(|(k, _)| stem(k));
    let order: Vec<&String> = properties.iter().map(|(k, _)| k).collect();
    required.sort_by_key(|r| order.iter().position(|k| *k == r));
    let mut out = Map::new();
    out.insert("type".into(), Value::String("object".into()));
    out.insert("properties".into(), Value::Object(properties.into_iter().collect()));
    if !patterns.is_empty() {
        out.insert("patternProperties".into(), Value::Object(patterns.into_iter().collect()));
    }
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required.into_iter().map(Value::String).collect()));
    }
    for (k, v) in top.into_iter().filter(|(k, _)| k != "type") {
        out.insert(k, v);
    }
    serde_json::to_string(&Value::Object(out)).unwrap_or_else(|_| schema.to_owned())
}

/// The parameter a signature line declares: `name?: …`, `"a-b": …`, `[net: …`.
fn line_param(line: &str) -> String {
    if let Some(rest) = line.strip_prefix('[') {
        return rest.split(':').next().unwrap_or_default().to_owned();
    }
    if line.starts_with('"') {
        return serde_json::Deserializer::from_str(line)
            .into_iter::<String>()
            .next()
            .and_then(Result::ok)
            .unwrap_or_default();
    }
    line.split([':', '?']).next().unwrap_or_default().to_owned()
}

/// The line of task waiting the generator ends a task's arguments with.
const TASK_LINE: &str = "wait?: boolean; task_timeout?: number;";

fn patch_signature(tool: &ToolDef, fragments: &[&Fragment], dropped: &[&str]) -> String {
    let sig = tool.signature;
    let Some(open) = sig.find("(args: {") else { return sig.to_owned() };
    let Some(close) = sig.rfind("}): ") else { return sig.to_owned() };
    let head = &sig[..open + "(args: {".len()];
    let tail = &sig[close..];
    let body = &sig[open + "(args: {".len()..close];
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut task = None;
    for line in body.split("\n  ").map(str::trim_end).filter(|l| !l.is_empty()) {
        if line.starts_with(TASK_LINE) {
            task = Some(line.to_owned());
        } else {
            lines.push((line_param(line), line.to_owned()));
        }
    }
    lines.retain(|(p, _)| !dropped.contains(&p.as_str()));
    for f in fragments {
        match lines.iter_mut().find(|(p, _)| p == f.param()) {
            Some(entry) => entry.1 = f.line().to_owned(),
            None => lines.push((f.param().to_owned(), f.line().to_owned())),
        }
    }
    generator_order(&mut lines, &path_params(tool.path));
    let mut out = head.to_owned();
    for line in lines.iter().map(|(_, l)| l).chain(task.iter()) {
        out.push_str("\n  ");
        out.push_str(line);
    }
    out.push_str(if out.len() > head.len() { "\n" } else { "" });
    out.push_str(tail);
    out
}

#[cfg(test)]
mod tests;
