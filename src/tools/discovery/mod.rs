//! Discovery mode: every endpoint within reach through three small tools instead of hundreds.
//!
//! - `pve_search`: plain words → the best matching tools (BM25 over an index built at compile
//!   time from the schema, with synonyms: VM/guest/qemu, container/CT/lxc, disk/volume, ...);
//! - `pve_describe`: the full input schema and description of named tools;
//! - `pve_call`: call any permitted tool by name, through the same checks as a direct call.
//!
//! Search and describe only ever show tools the caller may use.

use serde_json::{Value, json};

use crate::tools::generated::{Category, SEARCH_LENGTHS, SEARCH_TERMS};
use crate::tools::registry::{self, ToolDef};

use pve_mcp_text as text;

/// The discovery tools' names.
pub const SEARCH: &str = "pve_search";
pub const DESCRIBE: &str = "pve_describe";
pub const CALL: &str = "pve_call";
pub const TOOLSETS: &str = "pve_toolsets";

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub tool: &'static ToolDef,
    pub score: f32,
}

const K1: f32 = 1.2;
const B: f32 = 0.6;
/// Weight of how much of a tool's name the query covers.
const COVERAGE: f32 = 3.0;

/// The best `limit` tools for a query among those `visible` says the caller may use.
pub fn search(query: &str, limit: usize, visible: impl Fn(&ToolDef) -> bool) -> Vec<Hit> {
    let tools = registry::all();
    let mut words = text::words(query);
    words.sort();
    words.dedup();
    let n = tools.len() as f32;
    let avg = SEARCH_LENGTHS.iter().sum::<f32>() / n.max(1.0);
    let mut scores = vec![0f32; tools.len()];
    for word in &words {
        let Ok(i) = SEARCH_TERMS.binary_search_by(|(w, _)| (*w).cmp(word.as_str())) else { continue };
        let postings = SEARCH_TERMS[i].1;
        let df = postings.len() as f32;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        for &(doc, tf) in postings {
            let len = SEARCH_LENGTHS[doc as usize];
            scores[doc as usize] += idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
        }
    }
    // Prefer the tool whose name the query covers best: "list VMs" is `qemu_vm_list`, not
    // `qemu_vm_snapshot_list`.
    let names = name_words();
    for (i, name_words) in names.iter().enumerate() {
        if scores[i] > 0.0 {
            let covered = name_words.iter().filter(|w| words.binary_search(w).is_ok()).count();
            let coverage = covered as f32 / name_words.len().max(1) as f32;
            scores[i] += COVERAGE * coverage * coverage;
        }
    }
    // A query naming a tool exactly finds it first.
    let exact = query.trim();
    let mut hits: Vec<Hit> = tools
        .iter()
        .zip(scores)
        .filter(|(t, s)| (*s > 0.0 || t.name == exact) && visible(t))
        .map(|(t, s)| Hit { tool: t, score: if t.name == exact { s + 1000.0 } else { s } })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.tool.name.cmp(b.tool.name)));
    hits.truncate(limit);
    hits
}

/// Each tool's name as search words, in table order (made once).
fn name_words() -> &'static [Vec<String>] {
    static WORDS: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| registry::all().iter().map(|t| text::words(&t.name.replace('_', " "))).collect())
}

/// A search hit as the tool returns it.
pub fn hit_json(hit: &Hit) -> Value {
    json!({
        "name": hit.tool.name,
        "method": hit.tool.method.as_str(),
        "path": hit.tool.path,
        "tier": hit.tool.tier.as_str(),
        "category": hit.tool.category.as_str(),
        "summary": hit.tool.summary,
        "gated": hit.tool.gate.is_some(),
    })
}

/// The input schemas of the discovery tools.
pub fn search_schema() -> Value {
    let cats: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What you want to do, in plain words (e.g. \"take a snapshot of a VM\")."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 25, "default": 8},
            "category": {"type": "string", "enum": cats, "description": "Only tools of this category."}
        },
        "required": ["query"],
        "additionalProperties": false
    })
}

pub fn describe_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "names": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 10, "description": "Tool names from pve_search."}
        },
        "required": ["names"],
        "additionalProperties": false
    })
}

pub fn call_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "Tool name from pve_search."},
            "arguments": {"type": "object", "description": "The tool's arguments, as pve_describe shows them."}
        },
        "required": ["name"],
        "additionalProperties": false
    })
}

pub fn toolsets_schema() -> Value {
    let cats: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    json!({
        "type": "object",
        "properties": {
            "enable": {"type": "array", "items": {"type": "string", "enum": cats}, "description": "Categories to add to this session's tools."},
            "disable": {"type": "array", "items": {"type": "string", "enum": cats}, "description": "Categories to remove."}
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(query: &str) -> Vec<&'static str> {
        search(query, 3, |_| true).iter().map(|h| h.tool.name).collect()
    }

    #[test]
    fn finds_snapshot_creation() {
        let hits = search("take a snapshot of VM 100", 3, |_| true);
        assert!(
            hits.iter()
                .any(|h| h.tool.path == "/nodes/{node}/qemu/{vmid}/snapshot" && h.tool.method.as_str() == "POST")
        );
    }

    #[test]
    fn an_exact_name_comes_first() {
        assert_eq!(top("qemu_vm_start")[0], "qemu_vm_start");
    }

    #[test]
    fn hidden_tools_are_never_shown() {
        let hits = search("delete a VM", 25, |t| t.method == crate::pve::request::HttpMethod::Get);
        assert!(hits.iter().all(|h| h.tool.method == crate::pve::request::HttpMethod::Get));
    }
}
