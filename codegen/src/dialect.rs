//! Reading the Rust products' schema dialect (Backup Server, Datacenter Manager) as PVE's.
//!
//! PBS and PDM generate their apidoc from Rust API schemas, which differ from PVE's Perl ones in a
//! few ways; [`to_pve_dialect`] rewrites a parsed tree so the one model ([`crate::model`]) reads it:
//!
//! - a property string's `format` is a whole object schema (`{"type": "object", "properties":
//!   {...}}`) instead of the map of its keys: the map is taken from `properties`;
//! - a list string's `format` is an array schema (`{"type": "array", "items": ...}`): the value is
//!   read as the plain string it is on the wire (the description and `typetext` say its form);
//! - patterns are written with delimiters (`/^…$/`) and POSIX classes (`[:cntrl:]`), which neither
//!   the server's regex engine's anchoring nor JavaScript reads: the delimiters are dropped and the
//!   classes spelled out; a multi-line pattern (`(?m)`, matched per line by the product) is not
//!   checked here at all, the product still checks it;
//! - there are no handler names: the description's first word stands in (`Create`, `Add`…), which
//!   is what the naming rule reads of a handler name ([`crate::names::CREATING`]);
//! - streaming methods say `"method": "DOWNLOAD"`/`"UPLOAD"` under their HTTP method's key; they
//!   stay in the tree (the product's policy leaves them out, with a reason) and are listed by
//!   [`streaming`].
//!
//! `additionalProperties` as a JSON boolean needs no rewriting; `unstable` methods are listed by
//! [`unstable`] (their tools say so in their description).

use serde_json::{Map, Value};

/// The control characters, as the inside of a character class (`[:cntrl:]`).
const CNTRL: &str = "\\x00-\\x1f\\x7f";

/// Rewrites a parsed apidoc tree of the Rust dialect in place, into PVE's.
pub fn to_pve_dialect(tree: &mut Value) {
    match tree {
        Value::Array(nodes) => nodes.iter_mut().for_each(to_pve_dialect),
        Value::Object(node) => {
            if let Some(Value::Object(info)) = node.get_mut("info") {
                for method in info.values_mut().filter_map(Value::as_object_mut) {
                    name_from_description(method);
                    for key in ["parameters", "returns"] {
                        if let Some(schema) = method.get_mut(key) {
                            schema_to_pve(schema);
                        }
                    }
                }
            }
            if let Some(children) = node.get_mut("children") {
                to_pve_dialect(children);
            }
        }
        _ => {}
    }
}

/// `METHOD path` of every streaming method (`DOWNLOAD`, `UPLOAD`) in a tree.
pub fn streaming(tree: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![tree];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(node) => {
                let path = node.get("path").and_then(Value::as_str).unwrap_or_default();
                for (key, m) in node.get("info").and_then(Value::as_object).into_iter().flatten() {
                    if matches!(m.get("method").and_then(Value::as_str), Some("DOWNLOAD" | "UPLOAD")) {
                        out.push(format!("{key} {path}"));
                    }
                }
                stack.extend(node.get("children"));
            }
            _ => {}
        }
    }
    out.sort();
    out
}

/// `METHOD path` of every method a tree marks `"unstable": true` (the product may still change
/// it); sorted.
pub fn unstable(tree: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![tree];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(node) => {
                let path = node.get("path").and_then(Value::as_str).unwrap_or_default();
                for (key, m) in node.get("info").and_then(Value::as_object).into_iter().flatten() {
                    if m.get("unstable").and_then(Value::as_bool) == Some(true) {
                        out.push(format!("{key} {path}"));
                    }
                }
                stack.extend(node.get("children"));
            }
            _ => {}
        }
    }
    out.sort();
    out
}

/// Takes the methods of `table` ((method, path, why)) out of a tree before it is read, for those
/// the model cannot read as a tool's arguments at all; returns them as left out, with the reason.
pub fn remove_methods(tree: &mut Value, table: &[(&str, &str, &'static str)]) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut stack = vec![tree];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(node) => {
                let path = node.get("path").and_then(Value::as_str).unwrap_or_default().to_owned();
                if let Some(Value::Object(info)) = node.get_mut("info") {
                    for (method, _, why) in table.iter().filter(|(_, p, _)| *p == path) {
                        if info.remove(*method).is_some() {
                            out.push((format!("{method} {path}"), *why));
                        }
                    }
                }
                stack.extend(node.get_mut("children"));
            }
            _ => {}
        }
    }
    out.sort();
    out
}

fn name_from_description(method: &mut Map<String, Value>) {
    if method.contains_key("name") {
        return;
    }
    let description = method.get("description").and_then(Value::as_str).unwrap_or_default();
    let first: String = description.chars().take_while(char::is_ascii_alphabetic).collect();
    method.insert("name".into(), Value::String(first.to_ascii_lowercase()));
}

/// Rewrites one schema (and every schema inside it).
fn schema_to_pve(schema: &mut Value) {
    let Value::Object(obj) = schema else { return };
    if let Some(Value::String(p)) = obj.get("pattern") {
        match pattern_to_pve(p) {
            Some(p) => obj.insert("pattern".into(), Value::String(p)),
            None => obj.remove("pattern"),
        };
    }
    if let Some(Value::Object(format)) = obj.get_mut("format") {
        match format.get_mut("properties").map(Value::take) {
            Some(Value::Object(keys)) => {
                let mut keys = Value::Object(keys);
                for key in keys.as_object_mut().into_iter().flat_map(|k| k.values_mut()) {
                    schema_to_pve(key);
                }
                obj.insert("format".into(), keys);
            }
            _ => {
                obj.remove("format");
            }
        }
    }
    for key in ["items", "properties", "additionalProperties"] {
        match obj.get_mut(key) {
            Some(Value::Object(inner)) if key == "properties" => inner.values_mut().for_each(schema_to_pve),
            Some(inner @ Value::Object(_)) => schema_to_pve(inner),
            _ => {}
        }
    }
}

/// `/^(?:[[:^cntrl:]]*)$/` → `^(?:[^\x00-\x1f\x7f]*)$`; `None` for a multi-line pattern.
pub fn pattern_to_pve(pattern: &str) -> Option<String> {
    let inner = pattern.strip_prefix('/').and_then(|p| p.strip_suffix('/')).unwrap_or(pattern);
    if inner.contains("(?m") {
        return None;
    }
    let spelled = inner.replace("[[:^cntrl:]]", &format!("[^{CNTRL}]")).replace("[:cntrl:]", CNTRL);
    Some(spelled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_property_string_format_becomes_the_map_of_its_keys() {
        let mut tree = json!([{"path": "/x", "info": {"PUT": {"description": "Update x.", "parameters": {
            "properties": {"opts": {"type": "string", "format": {"type": "object", "additionalProperties": false,
                "properties": {"a": {"type": "boolean", "optional": 1}}}}}}}}}]);
        to_pve_dialect(&mut tree);
        let opts = &tree[0]["info"]["PUT"]["parameters"]["properties"]["opts"];
        assert_eq!(opts["format"], json!({"a": {"type": "boolean", "optional": 1}}));
    }

    #[test]
    fn a_list_string_format_is_read_as_a_plain_string() {
        let mut tree = json!([{"path": "/x", "info": {"POST": {"description": "Sync.", "parameters": {
            "properties": {"rv": {"type": "string", "format": {"type": "array", "items": {"type": "string"}}}}}}}}]);
        to_pve_dialect(&mut tree);
        assert_eq!(tree[0]["info"]["POST"]["parameters"]["properties"]["rv"], json!({"type": "string"}));
    }

    #[test]
    fn patterns_lose_their_delimiters_and_posix_classes() {
        assert_eq!(pattern_to_pve("/^(?:[^\\s:/[:cntrl:]]+)$/").unwrap(), "^(?:[^\\s:/\\x00-\\x1f\\x7f]+)$");
        assert_eq!(pattern_to_pve("/^[[:^cntrl:]]*$/").unwrap(), "^[^\\x00-\\x1f\\x7f]*$");
    }

    #[test]
    fn a_multi_line_pattern_is_left_to_the_product() {
        assert_eq!(pattern_to_pve("/(?m)^([[:^cntrl:]]*)$/"), None);
    }

    #[test]
    fn the_description_stands_in_for_a_missing_handler_name() {
        let mut tree = json!([{"path": "/x", "info": {"POST": {"description": "Create a thing.", "parameters": {}}}}]);
        to_pve_dialect(&mut tree);
        assert_eq!(tree[0]["info"]["POST"]["name"], "create");
    }

    #[test]
    fn streaming_methods_are_listed() {
        let tree = json!([{"path": "/", "children": [{"path": "/d", "info": {"GET": {"method": "DOWNLOAD"}}},
            {"path": "/j", "info": {"GET": {"method": "GET"}}}]}]);
        assert_eq!(streaming(&tree), ["GET /d"]);
    }
}
