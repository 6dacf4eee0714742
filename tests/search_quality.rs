//! Search quality, measured: for each plain-language task in `tests/search_tasks.json`, one of the
//! endpoints that does it should come first, or at least be among the top 3 results of `pve_search`.
//!
//! The tasks come in four splits (the `split` field of each task):
//! - `original`: the first 80 tasks, which earlier weights were tuned on;
//! - `tune`: 795 tasks written as operators ask (admin guide chapters, forum-style questions, chat,
//!   an assistant's own queries, a team's day-2 requests, a homelab owner's how-do-I questions, a
//!   company cluster's operator); weights, rules, the operator vocabulary and the operator phrasings
//!   (`codegen/search/phrasings/`) are tuned on these and only these. 694 of them were once held out
//!   (splits `heldout` to `heldout6`), but were scored and then read while tuning, so they no
//!   longer measure anything honest and joined this split;
//! - `heldout7` and `heldout8`: two held-out splits of 120 tasks each (see BENCHMARKS.md for who
//!   wrote them and how), committed before the tuning they measure and never read while tuning.
//!   Their misses are never printed: reading them is tuning on them. A change to search that is
//!   tuned while looking at these figures wears them down; a new claim about search quality needs
//!   a fresh split, written and committed before the tuning, and these move to `tune`.
//!
//! The goal (issue 12): each held-out split and the original 80 have the expected endpoint in the
//! top 3 for ≥ 95% of tasks and first for ≥ 80%. The gates below keep it.

use pve_mcp::tools::discovery::search;
use pve_mcp::tools::registry;

struct Score {
    tasks: usize,
    first: usize,
    top3: usize,
    misses: Vec<String>,
}

fn score(split: &str) -> Score {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_tasks.json")).unwrap();
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut s = Score { tasks: 0, first: 0, top3: 0, misses: Vec::new() };
    for t in tasks.iter().filter(|t| t["split"] == split) {
        s.tasks += 1;
        let query = t["task"].as_str().unwrap();
        let expected: Vec<&str> = t["endpoints"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
        // The primary table's tools: a session whose cluster's release is unknown searches those.
        let hits = search(query, 3, |t| registry::all().as_ptr_range().contains(&std::ptr::from_ref(t)));
        let found: Vec<String> = hits.iter().map(|h| format!("{} {}", h.tool.method.as_str(), h.tool.path)).collect();
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
        if rank != Some(0) && !split.starts_with("heldout") {
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

fn assert_quality(split: &str, min_tasks: usize) {
    let s = score(split);
    assert!(s.tasks >= min_tasks, "at least {min_tasks} {split} tasks, found {}", s.tasks);
    // Whole numbers: 114 of 120 is 95% exactly.
    assert!(
        s.top3 * 100 >= 95 * s.tasks && s.first * 100 >= 80 * s.tasks,
        "{split}: top 3 {:.1}%, first {:.1}% (need 95% and 80%){}{}",
        100.0 * s.top3 as f64 / s.tasks as f64,
        100.0 * s.first as f64 / s.tasks as f64,
        if s.misses.is_empty() { "" } else { ":\n" },
        s.misses.join("\n")
    );
}

#[test]
fn held_out_tasks_find_the_endpoint_first_for_four_in_five_and_in_the_top_three_for_nineteen_in_twenty() {
    // Scored once each when first run, at cadf7ae: heldout7 97.5% / 86.7%, heldout8 95.0% / 82.5%.
    // After the review's fixes (1363538, not tuned on these): heldout7 96.7% / 85.0%, heldout8 unchanged.
    assert_quality("heldout7", 120);
    assert_quality("heldout8", 120);
}

#[test]
fn original_tasks_find_the_endpoint_first_for_four_in_five_and_in_the_top_three_for_nineteen_in_twenty() {
    assert_quality("original", 80);
}

#[test]
fn tuning_tasks_are_scored() {
    // Printed with --nocapture, with the misses to read while tuning.
    assert!(score("tune").tasks >= 60);
}

#[test]
fn every_task_names_a_known_split_and_a_real_endpoint() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_tasks.json")).unwrap();
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let known: Vec<String> =
        pve_mcp::tools::registry::all().iter().map(|t| format!("{} {}", t.method.as_str(), t.path)).collect();
    for t in &tasks {
        assert!(["original", "tune", "heldout7", "heldout8"].contains(&t["split"].as_str().unwrap_or("")), "{t}");
        for e in t["endpoints"].as_array().unwrap() {
            assert!(known.iter().any(|k| k == e.as_str().unwrap()), "unknown endpoint {e} in {t}");
        }
    }
}
