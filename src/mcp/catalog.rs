//! What a session's `tools/list` holds, at a small context cost.
//!
//! - `direct`: one tool per permitted endpoint, with compact descriptions and schemas (full
//!   details stay available through `pve_describe`);
//! - `discover`: `pve_search`, `pve_describe`, `pve_call`, plus a small core of the most used
//!   direct tools;
//! - `auto` (default): direct when the direct list fits the token budget, otherwise discover, with
//!   as many core tools as fit.
//!
//! Tokens are estimated at 4 bytes each for the budget; `cargo run --example tools_stats` counts
//! them with the cl100k tokenizer.

use rmcp::model::{JsonObject, MetaObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use crate::config::ToolMode;
use crate::policy::Policy;
use crate::policy::gate;
use crate::tools::discovery;
use crate::tools::registry::{self, ToolDef};

/// How much schema text a tool carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// First sentences and compact schemas (for `tools/list`).
    Compact,
    /// Everything the schema says (for `pve_describe`).
    Full,
}

/// The mode a session runs in, once `auto` is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Direct,
    Discover,
}

/// The most used tools, offered directly next to discovery, in order of priority.
pub const CORE: &[&str] = &[
    "cluster_resources_list",
    "nodes_list",
    "qemu_vm_list",
    "lxc_ct_list",
    "qemu_vm_status_get",
    "lxc_ct_status_get",
    "qemu_vm_config_get",
    "lxc_ct_config_get",
    "node_tasks_status_get",
    "qemu_vm_start",
    "qemu_vm_shutdown",
    "lxc_ct_start",
    "lxc_ct_shutdown",
];

/// Estimated tokens of a `tools/list` result with these tools.
pub fn estimate_tokens(tools: &[Tool]) -> usize {
    let bytes = serde_json::to_vec(&json!({ "tools": tools })).map(|v| v.len()).unwrap_or(0);
    bytes.div_ceil(4)
}

/// Bytes a listed tool adds besides its name, title, summary and compact schema: `_meta`,
/// annotations, overlay arguments and JSON punctuation (measured: 200 to 330).
const LISTING_OVERHEAD: usize = 330;

/// An upper estimate of the tokens a direct listing of these tools costs, without building it.
fn estimate_direct_tokens<'a>(defs: impl Iterator<Item = &'a ToolDef>) -> usize {
    let bytes: usize =
        defs.map(|d| d.name.len() + d.title.len() + d.summary.len() + d.compact_schema.len() + LISTING_OVERHEAD).sum();
    bytes.div_ceil(4)
}

/// The tools a session lists, and the mode it ended up in.
pub fn session_tools(policy: &Policy, mode: ToolMode, budget: usize, toolsets: bool) -> (Mode, Vec<Tool>) {
    let direct = || -> Vec<Tool> { policy.visible_tools().map(|d| mcp_tool(d, Detail::Compact)).collect() };
    let mut extra = Vec::new();
    if toolsets {
        extra.push(toolsets_tool());
    }
    match mode {
        ToolMode::Direct => (Mode::Direct, [direct(), extra].concat()),
        ToolMode::Discover => (Mode::Discover, [discovery_tools(), extra].concat()),
        ToolMode::Auto => {
            // Only build the direct list when it can fit: building all of it costs memory.
            if estimate_direct_tokens(policy.visible_tools()) <= budget * 2 {
                let all = [direct(), extra.clone()].concat();
                if estimate_tokens(&all) <= budget {
                    return (Mode::Direct, all);
                }
            }
            let mut tools = [discovery_tools(), extra].concat();
            for name in CORE {
                let Some(def) = registry::find(name).filter(|d| policy.check(d).is_ok()) else { continue };
                tools.push(mcp_tool(def, Detail::Compact));
                if estimate_tokens(&tools) > budget {
                    tools.pop();
                    break;
                }
            }
            tools.sort_by(|a, b| a.name.cmp(&b.name));
            (Mode::Discover, tools)
        }
    }
}

/// A generated tool as MCP clients see it, with the overlay arguments (gate, task waiting) added.
pub fn mcp_tool(def: &ToolDef, detail: Detail) -> Tool {
    let text = match detail {
        Detail::Compact => def.compact_schema,
        Detail::Full => def.input_schema,
    };
    let mut schema: JsonObject = serde_json::from_str(text).unwrap_or_default();
    let mut additions = gate::schema_additions(def, detail == Detail::Full);
    if def.task {
        additions.push(("wait", json!({"type": "boolean", "description": "Wait for the PVE task's end (default true); false returns its UPID."})));
        additions.push((
            "task_timeout",
            json!({"type": "number", "minimum": 1, "maximum": 86400, "description": "Seconds to wait (default 600)."}),
        ));
    }
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for (name, s) in additions {
            props.insert(name.into(), s);
        }
    }
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
    let mut tool = Tool::new(def.name, description, schema);
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

fn meta_tool(name: &'static str, title: &str, description: &str, schema: Value, read_only: bool) -> Tool {
    let schema: JsonObject = match schema {
        Value::Object(o) => o,
        _ => JsonObject::new(),
    };
    let mut tool = Tool::new(name, description.to_owned(), schema);
    tool.title = Some(title.to_owned());
    tool.annotations = Some(
        ToolAnnotations::new().read_only(read_only).destructive(!read_only).idempotent(read_only).open_world(false),
    );
    let mut meta = MetaObject::new();
    meta.insert("pve-mcp/tier".into(), json!("read-only"));
    meta.insert("pve-mcp/category".into(), json!("discovery"));
    tool.meta = Some(meta);
    tool
}

/// `pve_search`, `pve_describe` and `pve_call`.
pub fn discovery_tools() -> Vec<Tool> {
    vec![
        meta_tool(
            discovery::CALL,
            "Call a Proxmox VE tool",
            "Call any tool found with pve_search by name, with its arguments (see pve_describe). Same checks, confirmations and task waiting as a direct call.",
            discovery::call_schema(),
            false,
        ),
        meta_tool(
            discovery::DESCRIBE,
            "Describe Proxmox VE tools",
            "Full description and input schema of tools named by pve_search.",
            discovery::describe_schema(),
            true,
        ),
        meta_tool(
            discovery::SEARCH,
            "Search Proxmox VE tools",
            "Find the tool for a task among all Proxmox VE API endpoints you may use: give plain words (\"snapshot a VM\", \"firewall rule for a container\"). Returns names, method and path, tier and one line each.",
            discovery::search_schema(),
            true,
        ),
    ]
}

/// `pve_toolsets`: enable or disable categories for this session.
pub fn toolsets_tool() -> Tool {
    let mut t = meta_tool(
        discovery::TOOLSETS,
        "Choose tool categories",
        "Enable or disable categories of tools for this session (never beyond the server's tier and categories); the tool list changes accordingly.",
        discovery::toolsets_schema(),
        false,
    );
    t.annotations = t.annotations.map(|a| a.destructive(false).idempotent(true));
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::generated::Category;
    use crate::tools::registry::Tier;

    fn policy(tier: Tier) -> Policy {
        Policy { tier, categories: Category::ALL.iter().copied().collect() }
    }

    #[test]
    fn auto_falls_back_to_discovery_when_direct_is_over_budget() {
        let (mode, tools) = session_tools(&policy(Tier::ReadOnly), ToolMode::Auto, 4000, false);
        assert_eq!(mode, Mode::Discover);
        assert!(estimate_tokens(&tools) <= 4000);
        assert!(tools.iter().any(|t| t.name == "pve_search"));
        assert!(tools.iter().any(|t| t.name == "qemu_vm_list"), "core tools fill the budget");
    }

    #[test]
    fn every_core_tool_exists() {
        for name in CORE {
            assert!(registry::find(name).is_some(), "{name} is not a tool of the vendored schema");
        }
    }

    #[test]
    fn auto_is_direct_when_it_fits() {
        let small = Policy { tier: Tier::ReadOnly, categories: [Category::Pools].into_iter().collect() };
        let (mode, tools) = session_tools(&small, ToolMode::Auto, 4000, false);
        assert_eq!(mode, Mode::Direct);
        assert!(tools.iter().all(|t| t.name.starts_with("pools_")));
    }

    #[test]
    fn compact_tools_are_smaller_than_full_ones() {
        let size = |t: &Tool| serde_json::to_string(t).unwrap().len();
        let compact: usize = registry::all().iter().map(|d| size(&mcp_tool(d, Detail::Compact))).sum();
        let full: usize = registry::all().iter().map(|d| size(&mcp_tool(d, Detail::Full))).sum();
        assert!(compact * 5 < full * 4, "compact {compact} bytes, full {full} bytes");
    }

    #[test]
    fn gated_tools_carry_the_gate_arguments() {
        let t = mcp_tool(registry::find("qemu_vm_delete").unwrap(), Detail::Compact);
        let props = t.input_schema.get("properties").unwrap();
        assert!(props.get("confirm").is_some() && props.get("confirm_vmid").is_some());
    }
}
