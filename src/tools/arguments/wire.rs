//! One JSON value checked against its [`Rule`] and written in the form PVE receives (its wire form):
//! numbers, booleans and objects in the forms clients send them, text limits and patterns,
//! property strings as PVE's text or as an object of their keys.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::{Rule, SubKey, TextRule};

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
