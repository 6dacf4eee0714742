//! Times `pve_search` queries: every task of `tests/search_tasks.json`, many rounds, and prints the
//! mean time per query. Run: `cargo run --release --example search_bench`.

use std::time::Instant;

use pve_mcp::tools::discovery::search;

fn main() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_tasks.json")).unwrap();
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let queries: Vec<&str> = tasks.iter().map(|t| t["task"].as_str().unwrap()).collect();
    // The first query builds the phrasings' word lookup and the names' words (once per process).
    let first = Instant::now();
    std::hint::black_box(search(queries[0], 8, |_| true));
    println!("first query (builds the lookups): {:.0} µs", first.elapsed().as_secs_f64() * 1e6);
    // Warm up (touches the index's pages).
    for q in &queries {
        std::hint::black_box(search(q, 8, |_| true));
    }
    let rounds = 200;
    let start = Instant::now();
    for _ in 0..rounds {
        for q in &queries {
            std::hint::black_box(search(q, 8, |_| true));
        }
    }
    let per_query = start.elapsed().as_secs_f64() / (rounds * queries.len()) as f64;
    println!(
        "pve_search: {} queries × {rounds} rounds, {:.1} µs per query (top 8 of {} tools)",
        queries.len(),
        per_query * 1e6,
        pve_mcp::tools::registry::all().len()
    );
}
