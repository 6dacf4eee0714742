//! Search quality for Proxmox Backup Server's tools, measured like PVE's (`tests/search_quality.rs`):
//! for each operator question in `tests/search_tasks_pbs.json`, one of the PBS endpoints that answers
//! it should come first, or at least be among the top 3 results of `pve_search` on a server with a
//! PVE and a PBS (the question competes with every tool of both).
//!
//! Its endpoints are PBS's own `METHOD /path` (the file is the product's: a path PVE shares, such as
//! `GET /version`, means the PBS tool here). The splits:
//! - `pbs-heldout1`: 36 questions written only from docs/TOOLS.md's Backup Server part and the
//!   schema, committed before any PBS phrasing or vocabulary existed, never read while tuning. Its
//!   misses are never printed: reading them is tuning on them;
//! - `pbs-heldout2`: 40 fresh questions written the same blind way for the next round of tuning,
//!   never read while tuning; not scored yet;
//! - `pbs-tune`: questions the PBS phrasings (`codegen/search/pbs/phrasings.toml`) may be tuned on;
//!   its misses are printed with `--nocapture`.
//!
//! No gate yet: the first held-out figure is recorded in BENCHMARKS.md; a gate needs a fresh split.

use pve_mcp::pve::product::Product;
use pve_mcp::tools::discovery::search_products;
use pve_mcp::tools::registry;

struct Score {
    tasks: usize,
    first: usize,
    top3: usize,
    misses: Vec<String>,
}

fn tasks() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_tasks_pbs.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A hit's endpoint, with PBS's tools marked: only those answer a question here.
fn endpoint(tool: &registry::ToolDef) -> String {
    let pbs = registry::all_of(Product::Pbs).iter().any(|t| std::ptr::eq(t, tool));
    format!("{}{} {}", if pbs { "" } else { "pve: " }, tool.method.as_str(), tool.path)
}

fn score(split: &str) -> Score {
    let mut s = Score { tasks: 0, first: 0, top3: 0, misses: Vec::new() };
    for t in tasks().iter().filter(|t| t["split"] == split) {
        s.tasks += 1;
        let query = t["task"].as_str().unwrap();
        let expected: Vec<&str> = t["endpoints"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
        let hits = search_products(query, 3, |_| true);
        let found: Vec<String> = hits.iter().map(|h| endpoint(h.tool)).collect();
        let rank = found.iter().position(|f| expected.contains(&f.as_str()));
        match rank {
            Some(0) => {
                s.first += 1;
                s.top3 += 1;
            }
            Some(_) => s.top3 += 1,
            None => {}
        }
        // The held-out split's misses are never shown: reading them is tuning on them.
        if rank != Some(0) && !split.contains("heldout") {
            let names: Vec<&str> = hits.iter().map(|h| h.tool.name).collect();
            let what = if rank.is_some() { "not first" } else { "miss" };
            s.misses.push(format!("{what}: {query:?}: expected {expected:?}, got {names:?}"));
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / s.tasks.max(1) as f64;
    println!(
        "{split}: {} tasks, top 3 {:.1}% ({}), first {:.1}% ({})",
        s.tasks,
        pct(s.top3),
        s.top3,
        pct(s.first),
        s.first
    );
    for m in &s.misses {
        println!("  {m}");
    }
    s
}

#[test]
fn held_out_pbs_questions_are_scored() {
    // Printed with --nocapture; figures only, never the misses.
    assert!(score("pbs-heldout1").tasks >= 25);
}

#[test]
fn pbs_tuning_questions_are_scored() {
    // Printed with --nocapture, with the misses to read while tuning.
    assert!(score("pbs-tune").tasks >= 25);
}

#[test]
fn every_pbs_question_names_a_known_split_and_a_pbs_endpoint() {
    let known: Vec<String> =
        registry::all_of(Product::Pbs).iter().map(|t| format!("{} {}", t.method.as_str(), t.path)).collect();
    for t in &tasks() {
        assert!(["pbs-tune", "pbs-heldout1", "pbs-heldout2"].contains(&t["split"].as_str().unwrap_or("")), "{t}");
        for e in t["endpoints"].as_array().unwrap() {
            assert!(known.iter().any(|k| k == e.as_str().unwrap()), "no PBS endpoint {e} in {t}");
        }
    }
}
