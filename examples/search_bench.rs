//! Times `pve_search` queries: every task of `tests/search_tasks.json`, many rounds, and prints the
//! mean time per query, over PVE's primary table (a PVE alone, its release not known yet) and over
//! every product's tools (a PVE, a PBS and a PDM). Run: `cargo run --release --example search_bench`.

use std::time::Instant;

use pve_mcp::tools::discovery::{Hit, search, search_products};
use pve_mcp::tools::registry::{self, ToolDef};

fn primary(t: &ToolDef) -> bool {
    registry::all().as_ptr_range().contains(&std::ptr::from_ref(t))
}

/// PVE's search over its primary table.
fn pve(query: &str) -> Vec<Hit> {
    search(query, 8, primary)
}

/// Search over every product's tools.
fn every(query: &str) -> Vec<Hit> {
    search_products(query, 8, |_| true)
}

fn main() {
    for (what, run) in [("PVE alone", pve as fn(&str) -> Vec<Hit>), ("PVE, PBS and PDM", every)] {
        time(what, run);
    }
}

fn time(what: &str, search: fn(&str) -> Vec<Hit>) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_tasks.json")).unwrap();
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let queries: Vec<&str> = tasks.iter().map(|t| t["task"].as_str().unwrap()).collect();
    // The first query builds the phrasings' word lookup and the names' words (once per process).
    let first = Instant::now();
    std::hint::black_box(search(queries[0]));
    println!("first query (builds the lookups): {:.0} µs", first.elapsed().as_secs_f64() * 1e6);
    // Warm up (touches the index's pages).
    for q in &queries {
        std::hint::black_box(search(q));
    }
    let rounds = 200;
    let start = Instant::now();
    for _ in 0..rounds {
        for q in &queries {
            std::hint::black_box(search(q));
        }
    }
    let per_query = start.elapsed().as_secs_f64() / (rounds * queries.len()) as f64;
    println!(
        "pve_search, {what}: {} queries × {rounds} rounds, {:.1} µs per query (top 8)",
        queries.len(),
        per_query * 1e6,
    );
}
