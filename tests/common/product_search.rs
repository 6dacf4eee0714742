//! Scoring shared by the search-quality tests of the products other than PVE
//! (`tests/search_quality_pbs.rs`, `tests/search_quality_pdm.rs`): each question of a product's
//! task file is searched as a server with every product configured searches it (every tool of
//! every product competes), and counts only if one of the product's own tools of an expected
//! endpoint is first, or at least among the top 3. Held-out splits' misses are never printed:
//! reading them is tuning on them.

use pve_mcp::pve::product::Product;
use pve_mcp::tools::discovery::search_products;
use pve_mcp::tools::registry;

pub struct Score {
    pub tasks: usize,
    pub first: usize,
    pub top3: usize,
}

/// The questions of a task file of `tests/` (`search_tasks_pbs.json`).
pub fn tasks(file: &str) -> Vec<serde_json::Value> {
    let path = format!("{}/tests/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A hit's endpoint, another product's tools marked: only the product's own answer a question.
fn endpoint(product: Product, tool: &registry::ToolDef) -> String {
    let own = registry::all_of(product).iter().any(|t| std::ptr::eq(t, tool));
    format!("{}{} {}", if own { "" } else { "other: " }, tool.method.as_str(), tool.path)
}

/// Scores one split of a product's task file, printing its figures (and, for a split that is not
/// held out, its misses).
pub fn score(file: &str, product: Product, split: &str) -> Score {
    let mut s = Score { tasks: 0, first: 0, top3: 0 };
    let mut misses = Vec::new();
    for t in tasks(file).iter().filter(|t| t["split"] == split) {
        s.tasks += 1;
        let query = t["task"].as_str().unwrap();
        let expected: Vec<&str> = t["endpoints"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
        let hits = search_products(query, 3, |_| true);
        let found: Vec<String> = hits.iter().map(|h| endpoint(product, h.tool)).collect();
        let rank = found.iter().position(|f| expected.contains(&f.as_str()));
        s.first += usize::from(rank == Some(0));
        s.top3 += usize::from(rank.is_some());
        if rank != Some(0) && !split.contains("heldout") {
            let names: Vec<&str> = hits.iter().map(|h| h.tool.name).collect();
            let what = if rank.is_some() { "not first" } else { "miss" };
            misses.push(format!("{what}: {query:?}: expected {expected:?}, got {names:?}"));
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
    for m in &misses {
        println!("  {m}");
    }
    s
}

/// Every question of a product's task file names one of `splits` and only the product's
/// endpoints; a failure names the split and the endpoint, never a held-out question.
pub fn check_questions(file: &str, product: Product, splits: &[&str]) {
    let known: Vec<String> =
        registry::all_of(product).iter().map(|t| format!("{} {}", t.method.as_str(), t.path)).collect();
    for t in &tasks(file) {
        let split = t["split"].as_str().unwrap_or("");
        assert!(splits.contains(&split), "unknown split {split:?} in {file}");
        for e in t["endpoints"].as_array().unwrap() {
            assert!(known.iter().any(|k| k == e.as_str().unwrap()), "no {product:?} endpoint {e} in {split} of {file}");
        }
    }
}
