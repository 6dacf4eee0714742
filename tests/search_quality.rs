//! Search quality, measured: for each plain-language task in `tests/search_tasks.json`, one of the
//! endpoints that does it must be among the top 3 results of `pve_search`, for at least 90% of them.

use pve_mcp::tools::discovery::search;

#[test]
fn the_expected_endpoint_is_in_the_top_three_for_nine_tasks_in_ten() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_tasks.json")).unwrap();
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(tasks.len() >= 60, "at least 60 tasks");
    let mut misses = Vec::new();
    for t in &tasks {
        let query = t["task"].as_str().unwrap();
        let expected: Vec<&str> = t["endpoints"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
        let hits = search(query, 3, |_| true);
        let found: Vec<String> = hits.iter().map(|h| format!("{} {}", h.tool.method.as_str(), h.tool.path)).collect();
        if !found.iter().any(|f| expected.contains(&f.as_str())) {
            let names: Vec<&str> = hits.iter().map(|h| h.tool.name).collect();
            misses.push(format!("{query:?}: expected {expected:?}, got {names:?}"));
        }
    }
    let rate = 1.0 - misses.len() as f64 / tasks.len() as f64;
    println!("top-3 hit rate: {:.1}% ({} of {})", rate * 100.0, tasks.len() - misses.len(), tasks.len());
    for m in &misses {
        println!("miss: {m}");
    }
    assert!(rate >= 0.9, "top-3 hit rate {:.1}% is below 90%:\n{}", rate * 100.0, misses.join("\n"));
}
