//! With only PVE configured, search across products ranks exactly as PVE's search did before the
//! products shared one ranker: the top 5 of every task of `tests/search_tasks.json` (every split)
//! are pinned by a digest of their names, computed on the ranking before the change. Only the
//! digest is printed, never a task's hits (held-out splits must stay unread).
//!
//! A deliberate change to PVE's ranking changes the digest: say so in its commit and put the new
//! one here.

use pve_mcp::tools::discovery::search_products;
use pve_mcp::tools::registry;

/// FNV-1a over every task's top 5 names, one line per task, in the file's order.
fn digest() -> u64 {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search_tasks.json")).unwrap();
    let tasks: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    // A PVE whose release is not known yet: the primary table's tools.
    let pve_only = |t: &registry::ToolDef| registry::all().as_ptr_range().contains(&std::ptr::from_ref(t));
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for t in &tasks {
        let hits = search_products(t["task"].as_str().unwrap(), 5, pve_only);
        let line: Vec<&str> = hits.iter().map(|h| h.tool.name).collect();
        for b in line.join(",").bytes().chain(std::iter::once(b'\n')) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[test]
fn with_only_pve_every_task_finds_what_it_found_before_the_products_shared_a_ranker() {
    let now = digest();
    println!("PVE-only search digest: {now:#018x}");
    assert_eq!(now, PINNED, "PVE-only search results changed");
}

/// The digest at the ranking before the products shared one ranker.
const PINNED: u64 = 0xb500_8297_eb2a_07e6;
