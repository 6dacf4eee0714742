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
use crate::pve::product::Product;
use crate::tools::discovery;
use crate::tools::params::{self, Describe, Search};
use crate::tools::registry::{self, ToolDef};

/// Code mode's hits that carry their TypeScript declaration (cut to the query), best first.
const TYPED_HITS: usize = 3;

/// `pve_search`: the tools `visible` lets this session call that match the query; in code mode
/// (`typed`), as [`code_hit`] shapes them. When the query
/// asks to act and its best matches are tools only a higher tier offers (`above_tier` says why a
/// tool is refused when its tier is all that stands in the way), a `hint` names them and the
/// setting; the hits themselves are ranked as always.
pub(super) fn search(
    args: &Map<String, Value>,
    visible: &dyn Fn(&ToolDef) -> bool,
    above_tier: &dyn Fn(&ToolDef) -> Option<Refusal>,
    clusters: &Clusters,
    limit_tokens: usize,
    typed: bool,
) -> CallToolResult {
    let Search { query, limit, category } = match params::read(args) {
        Ok(s) => s,
        Err(e) => return result::error(format!("pve_search: {e}")),
    };
    // Once the clusters' release is known, only what it has, its older-only tools too, each as it
    // lists them; with clusters at different releases, the primary table's and the older-only
    // tools a known one has (each hit names its clusters); until any is known, the primary
    // table's, as before.
    let release = clusters.listed_release();
    let known: Vec<_> = clusters.releases().into_iter().flatten().collect();
    let in_release = |t: &ToolDef| match release {
        Some(r) => crate::tools::releases::has(t, r),
        None => {
            !registry::older().as_ptr_range().contains(&std::ptr::from_ref(t))
                || known.iter().any(|r| crate::tools::releases::has(t, *r))
        }
    };
    let in_category = |t: &ToolDef| category.is_none_or(|c| t.category == c) && in_release(t);
    let mut hits = discovery::search_products(&query, limit, |t| visible(t) && in_category(t));
    if let Some(r) = release {
        let pve = hits.iter_mut().filter(|h| registry::product_of(h.tool) == Product::Pve);
        pve.for_each(|h| h.tool = crate::tools::releases::as_in(h.tool, r));
    }
    let tools: Vec<Value> = hits
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let hit = discovery::hit_json(h);
            let hit = if typed { code_hit(hit, i, h.tool, &query) } else { hit };
            on_clusters(hit, h.tool, clusters)
        })
        .collect();
    let mut found = json!({ "data": tools });
    if discovery::asks_to_act(&query) {
        let wider = discovery::search(&query, limit, |t| in_category(t) && (visible(t) || above_tier(t).is_some()));
        if let Some(hint) = tier_hint(&wider, above_tier) {
            found["hint"] = json!(hint);
        }
    }
    result::bounded(found, None, limit_tokens)
}

/// A hit as code mode gives it: what a program needs. The best [`TYPED_HITS`] are their name, gate
/// and declaration (whose doc comment has the summary, and whose types the call); the others their
/// name and summary.
fn code_hit(mut hit: Value, rank: usize, tool: &ToolDef, query: &str) -> Value {
    let typed = rank < TYPED_HITS;
    let keep: &[&str] = if typed { &["name", "gated", "gated_if"] } else { &["name", "summary"] };
    if let Some(o) = hit.as_object_mut() {
        o.retain(|k, _| keep.contains(&k.as_str()));
        if typed {
            o.insert("signature".into(), json!(discovery::typed::for_query(tool.signature, query)));
        }
    }
    hit
}

/// Most tools a tier hint names.
const HINT_TOOLS: usize = 3;

/// The hint when the best of the `wider` hits (searched as if the tier allowed everything) are
/// above this session's tier: the tier the best one needs, the leading tools it offers, and the
/// setting that limits the session.
fn tier_hint(wider: &[discovery::Hit], above_tier: &dyn Fn(&ToolDef) -> Option<Refusal>) -> Option<String> {
    let best: Vec<(&ToolDef, Refusal)> = wider.iter().map_while(|h| above_tier(h.tool).map(|r| (h.tool, r))).collect();
    let (first, refusal) = best.first()?;
    let (limit, servers) = refusal.tier_limit()?;
    let needs = first.tier;
    let names: Vec<&str> = best.iter().filter(|(t, _)| t.tier <= needs).map(|(t, _)| t.name).take(HINT_TOOLS).collect();
    let needs = needs.as_str();
    let raise = if servers { format!("; setting PVE_ACCESS_TIER={needs} offers them") } else { String::new() };
    Some(format!(
        "Not listed: the tools that best match this ({}) need access tier `{needs}`, and {limit}{raise}",
        names.join(", ")
    ))
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
        // Another product's tool is known only where a cluster serves that product.
        let other = || {
            let of = |p| registry::find_for(p, &name);
            Product::ALL.iter().copied().filter_map(of).find(|d| !matches!(check(d), Err(Refusal::Product { .. })))
        };
        // As the clusters' release has it, once known: its parameters, or not there at all.
        let release = clusters.listed_release();
        let found = registry::find(&name)
            .filter(|d| release.is_none_or(|r| crate::tools::releases::has(d, r)))
            .map(|d| release.map_or(d, |r| crate::tools::releases::as_in(d, r)))
            .or_else(other);
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
                let mut entry = json!({
                    "name": def.name,
                    "method": def.method.as_str(),
                    "path": def.path,
                    "tier": def.tier.as_str(),
                    "signature": def.signature,
                });
                registry::gate_json(def, &mut entry);
                tools.push(on_clusters(entry, def, clusters));
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
