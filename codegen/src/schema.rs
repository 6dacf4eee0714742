//! Step 3a: the MCP input JSON Schema of a tool, from its parameters.
//!
//! Keeps what a caller needs to call right: types, required, enum, pattern (where a JavaScript
//! client can compile it), minimum/maximum, length limits, default and description. Indexed
//! parameters (`net[n]`) become one `patternProperties` entry, described once.

use serde_json::{Map, Value, json};

use crate::model::{Endpoint, Kind, Param};
use crate::pattern;

/// How much of the schema's text a tool's input schema carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything: full descriptions, formats, patterns (for `pve_describe`).
    Full,
    /// What a caller needs to call right, in few tokens (for `tools/list`): first sentences, the
    /// keys of property strings instead of their whole format, short patterns only.
    Compact,
}

/// The full input schema of an endpoint's tool.
pub fn input_schema(ep: &Endpoint) -> Value {
    schema_with(ep, Detail::Full)
}

/// The compact input schema of an endpoint's tool.
pub fn compact_input_schema(ep: &Endpoint) -> Value {
    schema_with(ep, Detail::Compact)
}

fn schema_with(ep: &Endpoint, detail: Detail) -> Value {
    let mut properties = Map::new();
    let mut pattern_properties = Map::new();
    let mut required = Vec::new();
    for p in &ep.params {
        let schema = param_schema(p, detail);
        match p.indexed {
            Some(_) => {
                pattern_properties.insert(format!("^{}[0-9]+$", regex_escape(&p.name)), schema);
            }
            None => {
                if !p.optional {
                    required.push(Value::String(p.name.clone()));
                }
                properties.insert(p.name.clone(), schema);
            }
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Value::Object(properties));
    if !pattern_properties.is_empty() {
        out.insert("patternProperties".into(), Value::Object(pattern_properties));
    }
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
    out.insert("additionalProperties".into(), json!(false));
    Value::Object(out)
}

/// Longest pattern kept in a compact schema (longer ones are still checked by the server).
const COMPACT_PATTERN: usize = 40;
/// Most enum values listed in a compact schema; longer enums are summarized (still checked).
const COMPACT_ENUM: usize = 16;
/// Longest parameter description in a compact schema.
const COMPACT_DESCRIPTION: usize = 90;
/// Parameters every caller knows (the server's instructions explain them): no description.
const SELF_EXPLANATORY: &[&str] = &["node", "vmid"];

fn param_schema(p: &Param, detail: Detail) -> Value {
    let mut s = kind_schema(&p.kind);
    let obj = s.as_object_mut().expect("kind schemas are objects");
    if detail == Detail::Compact {
        if obj.get("pattern").and_then(Value::as_str).is_some_and(|pat| pat.len() > COMPACT_PATTERN) {
            obj.remove("pattern");
        }
        let mut description = if SELF_EXPLANATORY.contains(&p.name.as_str()) {
            String::new()
        } else {
            crate::names::first_sentence(p.description.as_deref().unwrap_or(""))
        };
        if description.len() > COMPACT_DESCRIPTION {
            let cut = description
                .char_indices()
                .filter(|(i, c)| *i <= COMPACT_DESCRIPTION && *c == ' ')
                .map(|(i, _)| i)
                .next_back()
                .unwrap_or(COMPACT_DESCRIPTION.min(description.len()));
            let cut = (0..=cut).rev().find(|i| description.is_char_boundary(*i)).unwrap_or(0);
            description = format!("{}…", description[..cut].trim_end());
        }
        let long_enum = obj.get("enum").and_then(Value::as_array).filter(|v| v.len() > COMPACT_ENUM).cloned();
        if let Some(values) = long_enum {
            obj.remove("enum");
            let first: Vec<String> = values.iter().take(6).map(|v| v.as_str().unwrap_or("").to_owned()).collect();
            description =
                format!("{description} One of {} values: {}, ….", values.len(), first.join(", ")).trim().to_owned();
        }
        if let Kind::PropertyString(keys) = &p.kind {
            let names: Vec<&str> = keys.iter().filter(|k| k.alias_of.is_none()).map(|k| k.key.as_str()).collect();
            description = format!(
                "{description}. Property string `key=value,...` (or an object) with keys: {}",
                names.join(", ")
            );
        }
        if let Some(range) = p.indexed {
            let range = match range {
                Some(max) => format!("0-{max}"),
                None => "0+".into(),
            };
            description = format!("{}. As `{}N`, N {range}.", description.trim_end_matches('.'), p.name);
        }
        let description = description.trim().trim_start_matches(". ").to_owned();
        if !description.is_empty() {
            obj.insert("description".into(), Value::String(description));
        }
        if let Some(default) = p.default.as_ref().filter(|d| !d.is_null()) {
            obj.insert("default".into(), default_value(&p.kind, default));
        }
        return s;
    }
    let mut description = p.description.clone().unwrap_or_default();
    if let Some(range) = p.indexed {
        let range = match range {
            Some(max) => format!("0 to {max}"),
            None => "0 and up".into(),
        };
        description = format!("{description} Pass as `{}N` with N {range}.", p.name).trim().to_owned();
    }
    if let (Kind::PropertyString(_) | Kind::Any, Some(tt)) = (&p.kind, &p.typetext) {
        description = format!("{description} Format: {tt}").trim().to_owned();
    }
    if !description.is_empty() {
        obj.insert("description".into(), Value::String(description));
    }
    if let Some(default) = p.default.as_ref().filter(|d| !d.is_null()) {
        obj.insert("default".into(), default_value(&p.kind, default));
    }
    s
}

fn kind_schema(kind: &Kind) -> Value {
    match kind {
        Kind::Integer { minimum, maximum } => {
            let mut o = Map::new();
            o.insert("type".into(), json!("integer"));
            if let Some(m) = minimum {
                o.insert("minimum".into(), json!(m));
            }
            if let Some(m) = maximum {
                o.insert("maximum".into(), json!(m));
            }
            Value::Object(o)
        }
        Kind::Number { minimum, maximum } => {
            let mut o = Map::new();
            o.insert("type".into(), json!("number"));
            if let Some(m) = minimum {
                o.insert("minimum".into(), json!(m));
            }
            if let Some(m) = maximum {
                o.insert("maximum".into(), json!(m));
            }
            Value::Object(o)
        }
        Kind::Boolean => json!({"type": "boolean"}),
        Kind::Enum(values) => json!({"type": "string", "enum": values}),
        Kind::String(rules) => {
            let mut o = Map::new();
            o.insert("type".into(), json!("string"));
            if let Some(m) = rules.min_length {
                o.insert("minLength".into(), json!(m));
            }
            if let Some(m) = rules.max_length {
                o.insert("maxLength".into(), json!(m));
            }
            if let Some(p) = rules.pattern.as_deref().and_then(pattern::ecma_anchored) {
                o.insert("pattern".into(), json!(p));
            }
            Value::Object(o)
        }
        Kind::PropertyString(_) => json!({"type": "string"}),
        Kind::Array(item) => json!({"type": "array", "items": kind_schema(item)}),
        Kind::Any => json!({"type": "string"}),
    }
}

/// PVE writes boolean defaults as 0/1 and numbers sometimes as strings: give the JSON type.
fn default_value(kind: &Kind, v: &Value) -> Value {
    match (kind, v) {
        (Kind::Boolean, Value::Number(n)) => json!(n.as_f64() != Some(0.0)),
        (Kind::Boolean, Value::String(s)) => json!(!matches!(s.as_str(), "0" | "" | "false")),
        (Kind::Integer { .. }, Value::String(s)) => s.parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| v.clone()),
        (Kind::Number { .. }, Value::String(s)) => s.parse::<f64>().map(|n| json!(n)).unwrap_or_else(|_| v.clone()),
        (Kind::String(_) | Kind::Enum(_) | Kind::PropertyString(_) | Kind::Any, Value::Number(n)) => {
            json!(n.to_string())
        }
        _ => v.clone(),
    }
}

fn regex_escape(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_ascii_alphanumeric() || c == '_' { vec![c] } else { vec!['\\', c] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse;

    #[test]
    fn schema_keeps_types_ranges_enums_and_required() {
        let doc = parse(crate::model::tests::FIXTURE).unwrap();
        let ep = doc.endpoints.iter().find(|e| e.path.ends_with("/config")).unwrap();
        let s = input_schema(ep);
        assert_eq!(s["required"], json!(["node", "vmid"]));
        assert_eq!(s["properties"]["vmid"]["minimum"], json!(100));
        assert_eq!(s["properties"]["ostype"]["enum"], json!(["l26", "other"]));
        assert_eq!(s["properties"]["onboot"]["default"], json!(false));
        assert!(s["patternProperties"]["^net[0-9]+$"]["description"].as_str().unwrap().contains("0 to 31"));
    }
}
