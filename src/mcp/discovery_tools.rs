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
use crate::tools::params::{self, Describe, Search};
use crate::tools::registry::{self, ToolDef};

/// `pve_search`: the tools `visible` lets this session call that match the query.
pub(super) fn search(
    args: &Map<String, Value>,
    visible: &dyn Fn(&ToolDef) -> bool,
    clusters: &Clusters,
    limit_tokens: usize,
) -> CallToolResult {
    let Search { query, limit, category } = match params::read(args) {
        Ok(s) => s,
        Err(e) => return result::error(format!("pve_search: {e}")),
    };
    let hits = discovery::search(&query, limit, |t| visible(t) && category.is_none_or(|c| t.category == c));
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
    let Describe { names } = match params::read(args) {
        Ok(d) => d,
        Err(e) => return result::error(format!("pve_describe: {e}")),
    };
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
