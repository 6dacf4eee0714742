//! Reading a tool call's arguments the way real clients send them into the generated request
//! types: the readers the generated `from_arguments` calls, the rules it passes them, and the errors.
//!
//! Clients send numbers and booleans as strings (`"5"`, `"1"`, `"true"`), objects as JSON text,
//! and sometimes `null` for "not given". Each typed reader accepts those forms, checks the value
//! (range, enum, pattern, length, property-string keys) and records a [`FieldError`] that names the
//! field and what was expected. The generated `from_arguments` reads every field, then calls
//! [`Arguments::finish`], so one answer lists every problem and nothing is sent while any remain.
//!
//! How one value is checked against its rule and written in PVE's form is [`wire`]'s.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

mod wire;

pub use wire::{as_boolean, wire};

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

/// A property string as `(key, value)` pairs in PVE's order, with the default key and the key-alias
/// form (`virtio=BC:24:…` is `model=virtio` and `macaddr=BC:24:…`) spelled out. A plain alias
/// stays as written (`freeze-fs-on-backup`, an alias of `freeze-fs` in 9.1+, is a key of its own
/// in 8.x): [`canonical`] tells which key it stands for.
pub fn property_pairs(text: &str, keys: &[SubKey]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, token) in text.split(',').enumerate() {
        if token.is_empty() {
            continue;
        }
        match token.split_once('=') {
            Some((k, v)) => match (keys.iter().find(|s| s.key == k), key_alias_of(keys, k)) {
                // A key alias (`virtio=<mac>`): the key is the value of the default key whose
                // values include it, the value belongs to the alias target.
                (Some(SubKey { alias_of: Some(target), .. }), Some(d)) => {
                    out.push((d.key.to_owned(), k.to_owned()));
                    out.push(((*target).to_owned(), v.to_owned()));
                }
                _ => out.push((k.to_owned(), v.to_owned())),
            },
            None if i == 0 => match keys.iter().find(|s| s.default_key) {
                Some(d) => out.push((d.key.to_owned(), token.to_owned())),
                None => out.push((token.to_owned(), String::new())),
            },
            None => out.push((token.to_owned(), String::new())),
        }
    }
    out
}

/// The key a property-string key stands for: an alias's target, else itself.
pub fn canonical<'a>(keys: &'a [SubKey], key: &'a str) -> &'a str {
    keys.iter().find(|s| s.key == key).and_then(|s| s.alias_of).unwrap_or(key)
}

/// For a key alias (`virtio` of a network device, also a value of `model`): the default key whose
/// value it is. `None` for a plain alias or any other key.
pub fn key_alias_of<'a>(keys: &'a [SubKey], key: &str) -> Option<&'a SubKey> {
    keys.iter().find(|s| s.key == key && s.alias_of.is_some())?;
    keys.iter().find(|s| s.default_key && enum_has(&s.rule, key))
}

fn enum_has(rule: &Rule, value: &str) -> bool {
    matches!(rule, Rule::Enum(values) if values.contains(&value))
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
