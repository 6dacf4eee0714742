//! A generated tool as MCP clients see it: its compact or full description and schema, with the
//! arguments the overlays add (confirmation gate, task waiting, and `cluster` when a configuration
//! file names clusters), as an rmcp value or written straight as its listing entry's JSON text.

use std::sync::Arc;

use rmcp::model::{JsonObject, MetaObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use crate::policy::gate;
use crate::tools::registry::ToolDef;

/// How much schema text a tool carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// First sentences and compact schemas (for `tools/list`).
    Compact,
    /// Everything the schema says (for `pve_describe`).
    Full,
}

/// The tool with its output schema, where PVE declares returned properties. Only the explicit
/// `direct` mode lists them: they would crowd the `auto` and `discover` budgets out.
pub fn with_output_schema(mut tool: Tool, def: &ToolDef) -> Tool {
    tool.output_schema = def.output_schema.and_then(|s| serde_json::from_str::<JsonObject>(s).ok()).map(Arc::new);
    tool
}

/// The arguments the overlays add to a generated tool's input schema (confirmation gate, task
/// waiting), listed before the tool's own.
fn overlay_properties(def: &ToolDef, detail: Detail) -> Vec<(&'static str, Value)> {
    let mut additions = gate::schema_additions(def, detail == Detail::Full);
    if def.task {
        // The product that runs the task: PVE's text is what its tools have always listed.
        let wait = format!(
            "Wait for the {} task's end (default true); false returns its UPID.",
            crate::tools::registry::product_of(def).short()
        );
        additions.push(("wait", json!({"type": "boolean", "description": wait})));
        additions.push((
            "task_timeout",
            json!({"type": "number", "minimum": 1, "maximum": 86400, "description": "Seconds to wait (default 600)."}),
        ));
    }
    additions
}

/// The `cluster` argument of a tool's schema, for these configured names.
pub fn cluster_property(names: &[String]) -> Value {
    let description = if names.len() > 1 {
        "The cluster to call (required)."
    } else {
        "The cluster to call (optional: there is one)."
    };
    json!({"type": "string", "enum": names, "description": description})
}

/// Adds the `cluster` argument to a tool's input schema (required with more than one name).
/// `names` are the configuration file's `[[cluster]]` names, all of them (what a caller may call
/// is checked when it calls); without any (the environment's one cluster) the schema is unchanged.
pub fn add_cluster_argument(schema: &mut JsonObject, names: &[String]) {
    if names.is_empty() {
        return;
    }
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.insert(crate::call::cluster::ARG.into(), cluster_property(names));
    } else {
        schema.insert("properties".into(), json!({ crate::call::cluster::ARG: cluster_property(names) }));
    }
    if names.len() > 1 {
        match schema.get_mut("required") {
            Some(Value::Array(r)) => r.push(json!(crate::call::cluster::ARG)),
            _ => {
                schema.insert("required".into(), json!([crate::call::cluster::ARG]));
            }
        }
    }
}

/// A generated tool as MCP clients see it, with the overlay arguments (gate, task waiting, and
/// `cluster` when a configuration file names clusters) added.
pub fn mcp_tool(def: &ToolDef, detail: Detail, clusters: &[String]) -> Tool {
    let mut tool = mcp_tool_alone(def, detail);
    if !clusters.is_empty() && !crate::call::cluster::owns_cluster_argument(def) {
        add_cluster_argument(std::sync::Arc::make_mut(&mut tool.input_schema), clusters);
    }
    tool
}

fn mcp_tool_alone(def: &ToolDef, detail: Detail) -> Tool {
    let text = match detail {
        Detail::Compact => def.compact_schema,
        Detail::Full => def.input_schema,
    };
    let mut schema: JsonObject = serde_json::from_str(text).unwrap_or_default();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        let own = std::mem::take(props);
        props.extend(overlay_properties(def, detail).into_iter().map(|(k, v)| (k.to_owned(), v)));
        props.extend(own);
    }
    let mut tool = shell(def, detail);
    tool.input_schema = Arc::new(schema);
    tool
}

/// A generated tool's compact listing entry as JSON text, the same bytes as serializing
/// [`mcp_tool`]'s value, without parsing its schema: the overlay arguments are written into the
/// generated schema text, whose `properties` member always comes second.
pub(super) fn listed_text(def: &ToolDef, with_output: bool, clusters: &[String]) -> String {
    const PROPERTIES: &str = r#"{"type":"object","properties":{"#;
    const EMPTY_SCHEMA: &str = r#""inputSchema":{}"#;
    const EMPTY_OUTPUT: &str = r#""outputSchema":{}"#;
    let output = def.output_schema.filter(|_| with_output);
    let fallback = || {
        let tool = mcp_tool(def, Detail::Compact, clusters);
        let tool = if with_output { with_output_schema(tool, def) } else { tool };
        serde_json::to_string(&tool).unwrap_or_default()
    };
    let Some(own) = def.compact_schema.strip_prefix(PROPERTIES) else { return fallback() };
    let mut schema = String::with_capacity(def.compact_schema.len() + 200);
    schema.push_str(PROPERTIES);
    let overlays = overlay_properties(def, Detail::Compact);
    for (i, (name, value)) in overlays.iter().enumerate() {
        if i > 0 {
            schema.push(',');
        }
        schema.push_str(&Value::String((*name).to_owned()).to_string());
        schema.push(':');
        schema.push_str(&value.to_string());
    }
    if !overlays.is_empty() && !own.starts_with('}') {
        schema.push(',');
    }
    schema.push_str(own);
    // With configured clusters the schema also gets its `cluster` argument, as
    // [`add_cluster_argument`] adds it: last of `properties`, and last of `required` with several.
    if !clusters.is_empty() && !crate::call::cluster::owns_cluster_argument(def) {
        let Some(schema_with) = with_cluster_text(&schema, clusters) else { return fallback() };
        schema = schema_with;
    }
    let mut tool = shell(def, Detail::Compact);
    if output.is_some() {
        tool.output_schema = Some(Arc::new(JsonObject::new()));
    }
    let shell = serde_json::to_string(&tool).unwrap_or_default();
    let Some(at) = shell.find(EMPTY_SCHEMA) else { return fallback() };
    let mut text = format!("{}\"inputSchema\":{schema}{}", &shell[..at], &shell[at + EMPTY_SCHEMA.len()..]);
    if let Some(output) = output {
        let Some(at) = text.find(EMPTY_OUTPUT) else { return fallback() };
        text.replace_range(at..at + EMPTY_OUTPUT.len(), &format!("\"outputSchema\":{output}"));
    }
    text
}

/// A schema's text with the `cluster` argument added as [`add_cluster_argument`] adds it; `None`
/// when the text is not the object it expects.
fn with_cluster_text(schema: &str, names: &[String]) -> Option<String> {
    let members = super::object_text::members(schema)?;
    let range = |key: &str| members.iter().find(|(k, _)| k == key).map(|(_, r)| r.clone());
    let properties = range("properties").filter(|r| schema.as_bytes()[r.start] == b'{')?;
    let arg = Value::String(crate::call::cluster::ARG.to_owned()).to_string();
    // Insertions from the end, so the earlier ranges stay right.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let separated = |r: &std::ops::Range<usize>, item: String| if r.len() > 2 { format!(",{item}") } else { item };
    inserts.push((properties.end - 1, separated(&properties, format!("{arg}:{}", cluster_property(names)))));
    if names.len() > 1 {
        match range("required") {
            Some(r) if schema.as_bytes()[r.start] == b'[' => inserts.push((r.end - 1, separated(&r, arg.clone()))),
            Some(_) => return None,
            None => inserts.push((schema.len() - 1, format!(r#","required":[{arg}]"#))),
        }
    }
    inserts.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut text = schema.to_owned();
    for (at, item) in inserts {
        text.insert_str(at, &item);
    }
    Some(text)
}

/// Everything of a generated tool's MCP form but its input schema (left empty).
fn shell(def: &ToolDef, detail: Detail) -> Tool {
    let mut description = match detail {
        Detail::Compact => def.summary.to_owned(),
        Detail::Full => def.description.to_owned(),
    };
    if let Some(g) = def.gate {
        let echo = g.target.map(|t| format!(" and `{}`=`{t}`", gate::echo_arg(t))).unwrap_or_default();
        let when = match g.only_if {
            Some(crate::tools::registry::When::True(f)) => format!(" if `{f}`"),
            Some(crate::tools::registry::When::Names(f, prefix)) => format!(" if `{f}` names `{prefix}…`"),
            None => String::new(),
        };
        let why = if g.reason == "destructive" { "Destructive".to_owned() } else { format!("Gated ({})", g.reason) };
        description.push_str(&format!(". {why}{when}: ask the user, then pass `confirm: true`{echo}."));
    }
    let mut tool = Tool::new(def.name, description, JsonObject::new());
    tool.title = Some(def.title.to_owned());
    tool.annotations = Some(
        ToolAnnotations::new()
            .read_only(def.read_only)
            .destructive(def.destructive)
            .idempotent(def.idempotent)
            .open_world(def.open_world),
    );
    let mut meta = MetaObject::new();
    meta.insert("pve-mcp/method".into(), json!(def.method.as_str()));
    meta.insert("pve-mcp/path".into(), json!(def.path));
    meta.insert("pve-mcp/tier".into(), json!(def.tier.as_str()));
    meta.insert("pve-mcp/category".into(), json!(def.category.as_str()));
    tool.meta = Some(meta);
    tool
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::registry;
    #[test]
    fn compact_tools_are_smaller_than_full_ones() {
        let size = |t: &Tool| serde_json::to_string(t).unwrap().len();
        let compact: usize = registry::all().iter().map(|d| size(&mcp_tool(d, Detail::Compact, &[]))).sum();
        let full: usize = registry::all().iter().map(|d| size(&mcp_tool(d, Detail::Full, &[]))).sum();
        assert!(compact * 5 < full * 4, "compact {compact} bytes, full {full} bytes");
    }

    #[test]
    fn listed_text_is_the_serialized_tool_for_every_tool() {
        for def in registry::all() {
            let typed = serde_json::to_string(&mcp_tool(def, Detail::Compact, &[])).unwrap();
            assert_eq!(listed_text(def, false, &[]), typed, "{}", def.name);
            let with_output =
                serde_json::to_string(&with_output_schema(mcp_tool(def, Detail::Compact, &[]), def)).unwrap();
            assert_eq!(listed_text(def, true, &[]), with_output, "{}", def.name);
        }
    }

    #[test]
    fn every_generated_schema_takes_the_cluster_argument_as_text() {
        let names = ["home".to_owned(), "lab".to_owned()];
        for def in registry::all().iter().chain(registry::all_of(crate::pve::product::Product::Pbs)) {
            assert!(with_cluster_text(def.compact_schema, &names).is_some(), "{}", def.name);
        }
    }

    #[test]
    fn listed_text_is_the_serialized_tool_with_one_or_several_clusters() {
        let others = [crate::pve::product::Product::Pbs, crate::pve::product::Product::Pdm];
        let tools = registry::all().iter().chain(others.iter().flat_map(|p| registry::all_of(*p)));
        for clusters in [vec!["home".to_owned()], vec!["home".to_owned(), "lab \"x\"".to_owned()]] {
            for def in tools.clone() {
                let typed = serde_json::to_string(&mcp_tool(def, Detail::Compact, &clusters)).unwrap();
                assert_eq!(listed_text(def, false, &clusters), typed, "{}", def.name);
                let with_output =
                    serde_json::to_string(&with_output_schema(mcp_tool(def, Detail::Compact, &clusters), def)).unwrap();
                assert_eq!(listed_text(def, true, &clusters), with_output, "{}", def.name);
            }
        }
    }

    #[test]
    fn several_clusters_make_the_cluster_argument_a_required_enum() {
        let mut t = mcp_tool_alone(registry::find("qemu_vm_list").unwrap(), Detail::Compact);
        let names = vec!["home".to_owned(), "lab".to_owned()];
        add_cluster_argument(std::sync::Arc::make_mut(&mut t.input_schema), &names);
        assert_eq!(t.input_schema["properties"]["cluster"]["enum"], json!(["home", "lab"]));
        assert!(t.input_schema["required"].as_array().unwrap().contains(&json!("cluster")));
        assert!(t.input_schema["required"].as_array().unwrap().contains(&json!("node")));
    }

    #[test]
    fn a_tool_with_its_own_cluster_argument_lists_it_as_its_own() {
        let def = registry::find_any("pdm_ceph_clusters_get").unwrap();
        let t = mcp_tool(def, Detail::Compact, &["home".to_owned(), "manager".to_owned()]);
        assert!(t.input_schema["properties"]["cluster"].get("enum").is_none(), "the Ceph cluster, not ours");
    }

    #[test]
    fn one_cluster_makes_the_cluster_argument_optional() {
        let mut t = mcp_tool_alone(registry::find("nodes_list").unwrap(), Detail::Compact);
        let required_before = t.input_schema.get("required").cloned();
        add_cluster_argument(std::sync::Arc::make_mut(&mut t.input_schema), &["home".to_owned()]);
        assert_eq!(t.input_schema["properties"]["cluster"]["enum"], json!(["home"]));
        assert_eq!(t.input_schema.get("required").cloned(), required_before);
    }

    #[test]
    fn gated_tools_carry_the_gate_arguments() {
        let t = mcp_tool(registry::find("qemu_vm_delete").unwrap(), Detail::Compact, &[]);
        let props = t.input_schema.get("properties").unwrap();
        assert!(props.get("confirm").is_some() && props.get("confirm_vmid").is_some());
    }
}
