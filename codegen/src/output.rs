//! Output JSON Schemas: what a tool's `structuredContent` holds, from the `returns` PVE declares.
//!
//! PVE's return schemas are loose: numbers arrive as strings, booleans as 0/1, optional fields are
//! missing, arrays come as `null`. The schema must not promise more than PVE delivers, so it is
//! lenient on purpose: no `required`, numbers and booleans accept their string forms, every value
//! may be `null`, objects stay open, enums and patterns are dropped. Descriptions are left out to
//! keep the listing small (the input schema and `pve_describe` carry the words).
//!
//! The schema describes the server's result shape, not PVE's bare answer: PVE's data sits under
//! `data`, beside the overlay keys the server may add (`task`, `truncated`, `property_strings`,
//! `changed`).

use serde_json::{Map, Value, json};

use crate::model::Endpoint;

/// The output schema of an endpoint, or `None` when PVE declares no returned properties.
pub fn output_schema(ep: &Endpoint) -> Option<Value> {
    let returns = ep.returns.schema.as_ref()?;
    if !declares_properties(returns) {
        return None;
    }
    Some(json!({
        "type": "object",
        "properties": {
            "data": lenient(returns),
            "task": {"type": "object"},
            "truncated": {"type": "object"},
            "property_strings": {"type": "object"},
        },
    }))
}

/// Returns an object with properties, or an array of them.
fn declares_properties(returns: &Value) -> bool {
    let has = |v: &Value| v.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    has(returns) || returns.get("items").is_some_and(has)
}

/// One PVE schema node, translated leniently.
fn lenient(s: &Value) -> Value {
    let Some(obj) = s.as_object() else { return json!({}) };
    match obj.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => json!({"type": ["number", "string", "null"]}),
        Some("boolean") => json!({"type": ["boolean", "number", "string", "null"]}),
        // A formatted string (a property string above all) may come parsed, as an object.
        Some("string") if obj.contains_key("format") => json!({}),
        Some("string") => json!({"type": ["string", "number", "null"]}),
        Some("array") => {
            let mut out = Map::new();
            out.insert("type".into(), json!(["array", "null"]));
            if let Some(items) = obj.get("items").map(lenient).filter(|i| i.as_object().is_some_and(|o| !o.is_empty()))
            {
                out.insert("items".into(), items);
            }
            Value::Object(out)
        }
        Some("object") => {
            let mut out = Map::new();
            out.insert("type".into(), json!(["object", "null"]));
            let mut props = Map::new();
            let mut patterns = Map::new();
            for (name, sub) in obj.get("properties").and_then(Value::as_object).into_iter().flatten() {
                match name.strip_suffix("[n]") {
                    Some(stem) => {
                        patterns.insert(format!("^{}[0-9]+$", regex_escape(stem)), lenient(sub));
                    }
                    None => {
                        props.insert(name.clone(), lenient(sub));
                    }
                }
            }
            if !props.is_empty() {
                out.insert("properties".into(), Value::Object(props));
            }
            if !patterns.is_empty() {
                out.insert("patternProperties".into(), Value::Object(patterns));
            }
            Value::Object(out)
        }
        // `any`, `null`, no type, `oneOf`: anything.
        _ => json!({}),
    }
}

fn regex_escape(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_ascii_alphanumeric() || c == '_' { vec![c] } else { vec!['\\', c] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Method, Returns};

    fn ep(returns: Value) -> Endpoint {
        Endpoint {
            path: "/nodes/{node}/qemu".into(),
            method: Method::Get,
            pve_name: "vmlist".into(),
            description: String::new(),
            permissions: None,
            permissions_rule: None,
            allowtoken: true,
            protected: false,
            params: vec![],
            children: vec![],
            sibling_methods: vec![],
            returns: Returns { kind: None, description: None, schema: Some(returns), properties: Vec::new() },
        }
    }

    #[test]
    fn no_declared_properties_means_no_output_schema() {
        assert!(output_schema(&ep(json!({"type": "null"}))).is_none());
        assert!(output_schema(&ep(json!({"type": "array", "items": {"type": "object"}}))).is_none());
    }

    #[test]
    fn lists_become_lenient_arrays_of_open_objects_under_data() {
        let s = output_schema(&ep(json!({"type": "array", "items": {"type": "object", "properties": {
            "vmid": {"type": "integer"}, "status": {"type": "string", "enum": ["running", "stopped"]},
            "net[n]": {"type": "string", "optional": 1}
        }}})))
        .unwrap();
        let items = &s["properties"]["data"]["items"];
        assert_eq!(s["type"], "object");
        assert_eq!(items["properties"]["vmid"]["type"], json!(["number", "string", "null"]));
        assert!(items["properties"]["status"].get("enum").is_none());
        assert!(items["patternProperties"]["^net[0-9]+$"].is_object());
        assert!(items.get("required").is_none() && items.get("additionalProperties").is_none());
    }
}
