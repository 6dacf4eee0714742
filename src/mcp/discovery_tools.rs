//! The discovery tools' handlers: `pve_search` (search the tools this session may call),
//! `pve_describe` (their full schemas). Both see only what the session's `visible` predicate allows
//! (with several clusters: what any of them allows), and then say on which clusters each tool may
//! be called.

use rmcp::model::CallToolResult;
use serde_json::{Map, Value, json};

use super::catalog::{self, Detail};
use super::result;
use crate::call::cluster::Clusters;
use crate::policy::Refusal;
use crate::tools::discovery;
use crate::tools::generated::Category;
use crate::tools::registry::{self, ToolDef};

/// Arguments of a discovery tool, or an error result naming the field.
pub(super) fn field<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    args.get(name).filter(|v| !v.is_null())
}

/// `pve_search`: the tools `visible` lets this session call that match the query.
pub(super) fn search(
    args: &Map<String, Value>,
    visible: &dyn Fn(&ToolDef) -> bool,
    clusters: &Clusters,
    limit_tokens: usize,
) -> CallToolResult {
    let Some(query) = field(args, "query").and_then(Value::as_str).filter(|q| !q.trim().is_empty()) else {
        return result::error("pve_search: `query`: is required: what you want to do, in plain words");
    };
    let limit = match field(args, "limit") {
        None => 8,
        Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())) {
            Some(n @ 1..=25) => n as usize,
            _ => return result::error("pve_search: `limit`: expected an integer from 1 to 25"),
        },
    };
    let category = match field(args, "category").and_then(Value::as_str) {
        None => None,
        Some(c) => match Category::parse(c) {
            Some(c) => Some(c),
            None => return result::error(format!("pve_search: `category`: unknown category `{c}`")),
        },
    };
    let hits = discovery::search(query, limit, |t| visible(t) && category.is_none_or(|c| t.category == c));
    let tools: Vec<Value> = hits.iter().map(|h| on_clusters(discovery::hit_json(h), h.tool, clusters)).collect();
    result::bounded(json!({ "data": tools }), None, limit_tokens)
}

/// With several configured clusters, a found tool says on which of them it may be called.
fn on_clusters(mut hit: Value, tool: &ToolDef, clusters: &Clusters) -> Value {
    if !clusters.names().is_empty() {
        hit["clusters"] = json!(clusters.allowing(tool));
    }
    hit
}

/// `pve_describe`: the full schemas of the named tools that `check` lets this session call; in
/// code mode (`typed`), their TypeScript signatures instead (smaller, and what a program needs). A
/// tool that exists but that the session may not call (above its tier, say) is named under
/// `unavailable` with the reason and without its schema; a name that is no tool, under `unknown`.
pub(super) fn describe(
    args: &Map<String, Value>,
    check: &dyn Fn(&ToolDef) -> Result<(), Refusal>,
    clusters: &Clusters,
    cluster_names: &[String],
    limit_tokens: usize,
    typed: bool,
) -> CallToolResult {
    let names: Vec<String> = match field(args, "names") {
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) => s.split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect(),
        _ => return result::error("pve_describe: `names`: is required: an array of tool names from pve_search"),
    };
    if names.is_empty() || names.len() > 10 {
        return result::error("pve_describe: `names`: expected 1 to 10 tool names");
    }
    let mut tools = Vec::new();
    let mut unknown = Vec::new();
    let mut unavailable = Vec::new();
    for name in names {
        let found = registry::find(&name);
        if let Some(Err(refusal)) = found.map(check) {
            let reason = match refusal {
                Refusal::Tier { needs, has, .. } => {
                    format!("exists, but needs access tier `{needs}`, above this server's `{has}` (PVE_ACCESS_TIER)")
                }
                other => other.to_string(),
            };
            unavailable.push(json!({ "name": name, "reason": reason }));
            continue;
        }
        match found {
            Some(def) if typed => {
                tools.push(on_clusters(
                    json!({
                        "name": def.name,
                        "method": def.method.as_str(),
                        "path": def.path,
                        "tier": def.tier.as_str(),
                        "gated": def.gate.is_some(),
                        "signature": def.signature,
                    }),
                    def,
                    clusters,
                ));
            }
            Some(def) => {
                let tool = catalog::mcp_tool(def, Detail::Full, cluster_names);
                tools.push(on_clusters(
                    json!({
                        "name": def.name,
                        "title": def.title,
                        "method": def.method.as_str(),
                        "path": def.path,
                        "tier": def.tier.as_str(),
                        "category": def.category.as_str(),
                        "description": tool.description,
                        "inputSchema": tool.input_schema.as_ref(),
                        "annotations": tool.annotations,
                    }),
                    def,
                    clusters,
                ));
            }
            None => unknown.push(name),
        }
    }
    let mut answer = json!({ "data": tools, "unknown": unknown });
    if !unavailable.is_empty() {
        answer["unavailable"] = Value::Array(unavailable);
    }
    result::bounded(answer, None, limit_tokens)
}
