//! Reading a tool call's arguments the way real clients send them, and checking them against the
//! generated request types.
//!
//! Clients send numbers and booleans as strings (`"5"`, `"1"`, `"true"`), objects as JSON text,
//! and sometimes `null` for "not given". Each typed reader accepts those forms, checks the value
//! (range, enum, pattern, length, property-string keys) and records a [`FieldError`] that names the
//! field and what was expected. The generated `from_arguments` reads every field, then calls
//! [`Arguments::finish`], so one answer lists every problem and nothing is sent while any remain.
//!
//! Longer than most modules because it is one vocabulary: the generated code calls these readers
//! and rules by name, and splitting them would only scatter that contract.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

/// Whether an argument must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}

/// Limits on a string value.
#[derive(Debug, Clone, Copy)]
pub struct TextRule {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Anchored pattern in Rust regex syntax (translated from PVE's Perl).
    pub pattern: Option<&'static str>,
}

/// The rule for a nested value: an array item or a property-string key.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    Boolean,
    Text(TextRule),
    Enum(&'static [&'static str]),
    PropertyString(&'static [SubKey]),
    /// Arrays nested in arrays or property strings (no current schema has one).
    #[allow(dead_code)]
    Array(&'static Rule),
    Any,
}

/// One key of a PVE property string (`model=virtio,bridge=vmbr0`).
#[derive(Debug, Clone, Copy)]
pub struct SubKey {
    pub key: &'static str,
    pub rule: Rule,
    pub optional: bool,
    /// This key's `key=` may be left out when it comes first.
    pub default_key: bool,
    /// For alias keys: the key this one stands for.
    pub alias_of: Option<&'static str>,
}

/// A property-string argument of a tool (`net` for `net0`, `net1`, ... when indexed) and its keys.
#[derive(Debug, Clone, Copy)]
pub struct PropertyArg {
    pub name: &'static str,
    pub indexed: bool,
    pub keys: &'static [SubKey],
}

impl PropertyArg {
    /// Whether an argument name is this one (`net3` for the indexed `net`).
    pub fn matches(&self, arg: &str) -> bool {
        if self.indexed { indexed_key(arg, self.name) } else { arg == self.name }
    }
}

/// A generated enum of allowed string values.
pub trait PveEnum: Sized {
    const VALUES: &'static [&'static str];
    fn from_index(i: usize) -> Option<Self>;
    fn as_str(&self) -> &'static str;
}

/// One problem with one argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The argument (`vmid`, `net0`, `net0.bridge`, `vmids[2]`).
    pub field: String,
    /// What was wrong and what was expected.
    pub message: String,
}

/// Every problem found in one call's arguments.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ArgErrors(pub Vec<FieldError>);

impl fmt::Display for ArgErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("`{}`: {}", e.field, e.message)).collect();
        write!(f, "invalid arguments: {}", parts.join("; "))
    }
}

/// A tool call's arguments, being read.
#[derive(Debug)]
pub struct Arguments {
    values: Map<String, Value>,
    errors: Vec<FieldError>,
}

impl Arguments {
    /// Wraps the arguments of a call. `null` values count as not given.
    pub fn new(mut values: Map<String, Value>) -> Self {
        values.retain(|_, v| !v.is_null());
        Self { values, errors: Vec::new() }
    }

    /// Records an error for every argument that is neither a known name nor `<stem><digits>` of an
    /// indexed stem.
    pub fn expect_only(&mut self, known: &[&str], indexed: &[&str]) {
        let unknown: Vec<String> = self
            .values
            .keys()
            .filter(|k| !known.contains(&k.as_str()) && !indexed.iter().any(|stem| indexed_key(k, stem)))
            .cloned()
            .collect();
        for key in unknown {
            let mut accepted: Vec<String> = known.iter().map(|s| s.to_string()).collect();
            accepted.extend(indexed.iter().map(|s| format!("{s}N")));
            self.error(&key, format!("unknown argument; this tool accepts: {}", accepted.join(", ")));
        }
    }

    /// Records an error for a path parameter that is empty or a relative step (`.`, `..`): a path
    /// segment must name something.
    pub fn check_path_segments(&mut self, names: &[&str]) {
        for name in names {
            let bad = match self.values.get(*name) {
                Some(Value::String(s)) => matches!(s.trim(), "" | "." | ".."),
                _ => false,
            };
            if bad {
                self.error(name, "must name something: empty, `.` and `..` are not allowed in a path");
            }
        }
    }

    /// Ends reading: all recorded problems, or nothing.
    pub fn finish(&mut self) -> Result<(), ArgErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(ArgErrors(std::mem::take(&mut self.errors))) }
    }

    /// A required value that was read without error (always `Some` after a successful `finish`).
    pub fn present<T>(&self, field: &str, value: Option<T>) -> Result<T, ArgErrors> {
        value.ok_or_else(|| ArgErrors(vec![FieldError { field: field.into(), message: "is required".into() }]))
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.into(), message: message.into() });
    }

    fn take(&mut self, name: &str, need: Need) -> Option<Value> {
        let v = self.values.get(name).cloned();
        if v.is_none() && need == Need::Required {
            self.error(name, "is required");
        }
        v
    }

    fn read(&mut self, name: &str, need: Need, rule: &Rule) -> Option<String> {
        let v = self.take(name, need)?;
        match wire(&v, rule) {
            Ok(s) => Some(s),
            Err(e) => {
                self.errors.extend(
                    e.into_iter().map(|(path, message)| FieldError { field: format!("{name}{path}"), message }),
                );
                None
            }
        }
    }

    pub fn integer(&mut self, name: &str, need: Need, min: Option<i64>, max: Option<i64>) -> Option<i64> {
        self.read(name, need, &Rule::Integer { min, max }).and_then(|s| s.parse().ok())
    }

    pub fn number(&mut self, name: &str, need: Need, min: Option<f64>, max: Option<f64>) -> Option<f64> {
        self.read(name, need, &Rule::Number { min, max }).and_then(|s| s.parse().ok())
    }

    pub fn boolean(&mut self, name: &str, need: Need) -> Option<bool> {
        self.read(name, need, &Rule::Boolean).map(|s| s == "1")
    }

    pub fn text(&mut self, name: &str, need: Need, rule: &TextRule) -> Option<String> {
        self.read(name, need, &Rule::Text(*rule))
    }

    pub fn enumeration<E: PveEnum>(&mut self, name: &str, need: Need) -> Option<E> {
        let s = self.read(name, need, &Rule::Enum(E::VALUES))?;
        E::VALUES.iter().position(|v| *v == s).and_then(E::from_index)
    }

    pub fn property_string(&mut self, name: &str, need: Need, keys: &'static [SubKey]) -> Option<String> {
        self.read(name, need, &Rule::PropertyString(keys))
    }

    pub fn array(&mut self, name: &str, need: Need, item: &'static Rule) -> Option<Vec<String>> {
        let v = self.take(name, need)?;
        let items = match v {
            Value::Array(items) => items,
            Value::String(s) if s.trim_start().starts_with('[') => match serde_json::from_str(&s) {
                Ok(Value::Array(items)) => items,
                _ => {
                    self.error(name, "expected an array (a JSON array, or a string holding one)");
                    return None;
                }
            },
            single => vec![single],
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item_value) in items.iter().enumerate() {
            match wire(item_value, item) {
                Ok(s) => out.push(s),
                Err(errs) => {
                    ok = false;
                    for (path, message) in errs {
                        self.error(&format!("{name}[{i}]{path}"), message);
                    }
                }
            }
        }
        ok.then_some(out)
    }

    pub fn any(&mut self, name: &str, need: Need) -> Option<String> {
        self.read(name, need, &Rule::Any)
    }

    /// Collects `<stem>0`, `<stem>1`, ... with `read` for each, checking the index range.
    pub fn indexed<T>(
        &mut self,
        stem: &str,
        max: Option<u32>,
        mut read: impl FnMut(&mut Self, &str) -> Option<T>,
    ) -> BTreeMap<u32, T> {
        let keys: Vec<String> = self.values.keys().filter(|k| indexed_key(k, stem)).cloned().collect();
        let mut out = BTreeMap::new();
        for key in keys {
            let index: Option<u32> = key[stem.len()..].parse().ok();
            match (index, max) {
                (Some(i), Some(m)) if i > m => {
                    self.error(&key, format!("index out of range: `{stem}` goes from 0 to {m}"))
                }
                (Some(i), _) => {
                    if let Some(v) = read(self, &key) {
                        out.insert(i, v);
                    }
                }
                (None, _) => self.error(&key, "index is not a number"),
            }
        }
        out
    }
}

fn indexed_key(key: &str, stem: &str) -> bool {
    key.strip_prefix(stem).is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

type Problems = Vec<(String, String)>;

fn problem(message: impl Into<String>) -> Problems {
    vec![(String::new(), message.into())]
}

/// Checks one JSON value against a rule and gives its wire form (what PVE receives).
/// Errors carry a path suffix (`.bridge`) relative to the argument.
pub fn wire(v: &Value, rule: &Rule) -> Result<String, Problems> {
    match rule {
        Rule::Integer { min, max } => {
            let n = as_integer(v)
                .ok_or_else(|| problem(format!("expected an integer{}, got {}", range_text(min, max), shown(v))))?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(problem(format!("{n} is out of range: expected an integer{}", range_text(min, max))));
            }
            Ok(n.to_string())
        }
        Rule::Number { min, max } => {
            let n = as_number(v).ok_or_else(|| problem(format!("expected a number, got {}", shown(v))))?;
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(problem(format!("{n} is out of range: expected a number{}", range_text(min, max))));
            }
            Ok(n.to_string())
        }
        Rule::Boolean => match as_boolean(v) {
            Some(true) => Ok("1".into()),
            Some(false) => Ok("0".into()),
            None => Err(problem(format!("expected a boolean (true/false or 1/0), got {}", shown(v)))),
        },
        Rule::Text(t) => {
            let s = as_text(v).ok_or_else(|| problem(format!("expected a string, got {}", shown(v))))?;
            check_text(&s, t).map_err(problem)?;
            Ok(s)
        }
        Rule::Enum(values) => {
            let s = as_text(v)
                .ok_or_else(|| problem(format!("expected one of {}, got {}", values.join(", "), shown(v))))?;
            if values.contains(&s.as_str()) {
                Ok(s)
            } else {
                Err(problem(format!("`{}` is not allowed: expected one of {}", clip(&s), values.join(", "))))
            }
        }
        Rule::PropertyString(keys) => property_string(v, keys),
        Rule::Array(item) => {
            let Value::Array(items) = v else {
                return Err(problem(format!("expected an array, got {}", shown(v))));
            };
            let mut out = Vec::new();
            for (i, it) in items.iter().enumerate() {
                out.push(
                    wire(it, item)
                        .map_err(|e| e.into_iter().map(|(p, m)| (format!("[{i}]{p}"), m)).collect::<Problems>())?,
                );
            }
            Ok(out.join(","))
        }
        Rule::Any => Ok(match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }),
    }
}

/// A property string is accepted as PVE writes it (`virtio,bridge=vmbr0`), passed through for PVE
/// to check, or as an object of its keys (or JSON text of one), checked here and written in PVE's
/// form with the default key first.
fn property_string(v: &Value, keys: &[SubKey]) -> Result<String, Problems> {
    let obj = match v {
        Value::Object(o) => o.clone(),
        Value::String(s) if s.trim_start().starts_with('{') => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(o)) => o,
            _ => return Err(problem("expected a property string (`key=value,...`) or an object of its keys")),
        },
        Value::String(s) => {
            if s.chars().any(|c| c.is_control()) {
                return Err(problem("control characters are not allowed"));
            }
            return Ok(s.clone());
        }
        // A bare number or boolean is the value of the default key (`memory: 512`).
        Value::Number(n) if keys.iter().any(|k| k.default_key) => return Ok(n.to_string()),
        Value::Bool(b) if keys.iter().any(|k| k.default_key) => return Ok(if *b { "1" } else { "0" }.into()),
        other => {
            return Err(problem(format!(
                "expected a property string (`key=value,...`) or an object, got {}",
                shown(other)
            )));
        }
    };
    let mut problems = Problems::new();
    let mut parts: Vec<(bool, String)> = Vec::new();
    for (k, val) in &obj {
        let Some(key) = keys.iter().find(|s| s.key == k) else {
            let names: Vec<&str> = keys.iter().filter(|s| s.alias_of.is_none()).map(|s| s.key).collect();
            problems.push((format!(".{k}"), format!("unknown key; expected one of {}", names.join(", "))));
            continue;
        };
        if val.is_null() {
            continue;
        }
        match wire(val, &key.rule) {
            Ok(s) if s.contains(',') && !matches!(key.rule, Rule::Array(_)) => {
                problems.push((format!(".{k}"), "must not contain `,` (it separates keys)".into()))
            }
            Ok(s) => parts.push((key.default_key, format!("{k}={s}"))),
            Err(e) => problems.extend(e.into_iter().map(|(p, m)| (format!(".{k}{p}"), m))),
        }
    }
    for key in keys.iter().filter(|k| !k.optional && k.alias_of.is_none()) {
        if !obj.contains_key(key.key) {
            problems.push((format!(".{}", key.key), "is required".into()));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    parts.sort_by_key(|(default_key, _)| !default_key);
    Ok(parts.into_iter().map(|(_, s)| s).collect::<Vec<_>>().join(","))
}

fn check_text(s: &str, t: &TextRule) -> Result<(), String> {
    let len = s.chars().count() as u64;
    if let Some(max) = t.max_length.filter(|m| len > *m) {
        return Err(format!("is {len} characters long; at most {max} allowed"));
    }
    if let Some(min) = t.min_length.filter(|m| len < *m) {
        return Err(format!("is {len} characters long; at least {min} required"));
    }
    if let Some(p) = t.pattern {
        match compiled(p) {
            Some(re) if !re.is_match(s).unwrap_or(false) => {
                return Err(format!("`{}` does not match the pattern {}", clip(s), strip_anchors(p)));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Compiled patterns, built on first use and kept (the set is finite: the schema's).
fn compiled(pattern: &'static str) -> Option<Arc<fancy_regex::Regex>> {
    type Cache = Mutex<BTreeMap<&'static str, Option<Arc<fancy_regex::Regex>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern)
        .or_insert_with(|| {
            fancy_regex::RegexBuilder::new(pattern)
                .backtrack_limit(100_000)
                .delegate_size_limit(1 << 26)
                .build()
                .ok()
                .map(Arc::new)
        })
        .clone()
}

fn strip_anchors(p: &str) -> &str {
    p.strip_prefix("^(?:").and_then(|p| p.strip_suffix(")$")).unwrap_or(p)
}

fn range_text(min: &Option<impl fmt::Display>, max: &Option<impl fmt::Display>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        (Some(a), None) => format!(" of at least {a}"),
        (None, Some(b)) => format!(" of at most {b}"),
        (None, None) => String::new(),
    }
}

fn as_integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// A boolean as clients send it: `true`, `1`, `"1"`, `"true"`, `"yes"`, `"on"` (and the opposites).
pub fn as_boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Some(true),
            "0" | "false" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.into()),
        _ => None,
    }
}

/// A value as shown in an error: its JSON type and a short copy.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string `{}`", clip(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        other => format!("`{}`", clip(&other.to_string())),
    }
}

fn clip(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if clean.chars().count() > 60 { format!("{}…", clean.chars().take(60).collect::<String>()) } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> Arguments {
        Arguments::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn integers_arrive_as_numbers_or_strings() {
        let mut a = args(json!({"a": 101, "b": "102", "c": 103.0}));
        assert_eq!(a.integer("a", Need::Required, Some(100), None), Some(101));
        assert_eq!(a.integer("b", Need::Required, Some(100), None), Some(102));
        assert_eq!(a.integer("c", Need::Required, Some(100), None), Some(103));
        assert!(a.finish().is_ok());
    }

    #[test]
    fn out_of_range_integer_names_field_and_range() {
        let mut a = args(json!({"vmid": 5}));
        a.integer("vmid", Need::Required, Some(100), Some(999999999));
        let e = a.finish().unwrap_err();
        assert_eq!(e.0[0].field, "vmid");
        assert!(e.0[0].message.contains("from 100 to 999999999"), "{}", e);
    }

    #[test]
    fn booleans_accept_the_forms_clients_send() {
        let mut a = args(json!({"a": "true", "b": "0", "c": 1, "d": false, "e": "yes"}));
        let got: Vec<_> = ["a", "b", "c", "d", "e"].iter().map(|k| a.boolean(k, Need::Required)).collect();
        assert_eq!(got, [Some(true), Some(false), Some(true), Some(false), Some(true)]);
        assert!(a.finish().is_ok());
    }

    #[test]
    fn missing_required_and_unknown_arguments_are_all_reported() {
        let mut a = args(json!({"bogus": 1}));
        a.expect_only(&["node"], &["net"]);
        a.text("node", Need::Required, &TextRule { min_length: None, max_length: None, pattern: None });
        let e = a.finish().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["bogus", "node"]);
        assert!(e.to_string().contains("accepts: node, netN"), "{e}");
    }

    #[test]
    fn path_segments_cannot_be_relative_steps() {
        let mut a = args(json!({"node": "..", "vmid": "100"}));
        a.check_path_segments(&["node", "vmid"]);
        assert_eq!(a.finish().unwrap_err().0[0].field, "node");
    }

    #[test]
    fn null_counts_as_not_given() {
        let mut a = args(json!({"x": null}));
        assert_eq!(a.integer("x", Need::Optional, None, None), None);
        assert!(a.finish().is_ok());
    }

    #[test]
    fn patterns_are_whole_value_matches() {
        let rule = TextRule { min_length: None, max_length: None, pattern: Some("^(?:[a-z]+)$") };
        let mut a = args(json!({"ok": "abc", "bad": "abc1"}));
        assert!(a.text("ok", Need::Required, &rule).is_some());
        assert!(a.text("bad", Need::Required, &rule).is_none());
        let e = a.finish().unwrap_err();
        assert!(e.0[0].message.contains("does not match the pattern [a-z]+"), "{e}");
    }

    const NET: &[SubKey] = &[
        SubKey {
            key: "model",
            rule: Rule::Enum(&["virtio", "e1000"]),
            optional: false,
            default_key: true,
            alias_of: None,
        },
        SubKey {
            key: "bridge",
            rule: Rule::Text(TextRule { min_length: None, max_length: None, pattern: None }),
            optional: true,
            default_key: false,
            alias_of: None,
        },
        SubKey { key: "firewall", rule: Rule::Boolean, optional: true, default_key: false, alias_of: None },
    ];

    #[test]
    fn property_strings_pass_through_as_text() {
        let mut a = args(json!({"net0": "virtio,bridge=vmbr0"}));
        assert_eq!(a.property_string("net0", Need::Required, NET).as_deref(), Some("virtio,bridge=vmbr0"));
    }

    #[test]
    fn property_string_objects_are_checked_and_written_default_key_first() {
        let mut a = args(
            json!({"net0": {"bridge": "vmbr0", "firewall": true, "model": "virtio"}, "net1": "{\"model\":\"e1000\"}"}),
        );
        assert_eq!(
            a.property_string("net0", Need::Required, NET).as_deref(),
            Some("model=virtio,bridge=vmbr0,firewall=1")
        );
        assert_eq!(a.property_string("net1", Need::Required, NET).as_deref(), Some("model=e1000"));
        let mut a = args(json!({"net0": {"model": "rtl", "colour": "red"}}));
        a.property_string("net0", Need::Required, NET);
        let e = a.finish().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["net0.model", "net0.colour"]);
    }

    #[test]
    fn a_bare_number_is_the_default_key() {
        let mut a = args(json!({"memory": 512}));
        const MEMORY: &[SubKey] = &[SubKey {
            key: "current",
            rule: Rule::Integer { min: Some(16), max: None },
            optional: false,
            default_key: true,
            alias_of: None,
        }];
        assert_eq!(a.property_string("memory", Need::Required, MEMORY).as_deref(), Some("512"));
    }

    #[test]
    fn indexed_arguments_collect_by_index_and_check_the_range() {
        let mut a = args(json!({"net0": "virtio", "net3": "e1000", "net40": "x", "network": "y"}));
        a.expect_only(&[], &["net"]);
        let got = a.indexed("net", Some(31), |a, k| a.property_string(k, Need::Optional, NET));
        assert_eq!(got.keys().copied().collect::<Vec<_>>(), [0, 3]);
        let e = a.finish().unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["network", "net40"]);
    }

    #[test]
    fn arrays_accept_json_arrays_json_text_and_single_values() {
        static ITEM: Rule = Rule::Integer { min: Some(100), max: None };
        let mut a = args(json!({"a": [100, "101"], "b": "[102]", "c": 103, "d": [100, 5]}));
        assert_eq!(a.array("a", Need::Required, &ITEM), Some(vec!["100".into(), "101".into()]));
        assert_eq!(a.array("b", Need::Required, &ITEM), Some(vec!["102".into()]));
        assert_eq!(a.array("c", Need::Required, &ITEM), Some(vec!["103".into()]));
        assert_eq!(a.array("d", Need::Required, &ITEM), None);
        assert_eq!(a.finish().unwrap_err().0[0].field, "d[1]");
    }
}
