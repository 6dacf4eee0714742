//! Search quality for Proxmox Backup Server's tools, measured like PVE's (`tests/search_quality.rs`;
//! the scoring is shared with PDM's in `tests/common/product_search.rs`):
//! for each operator question in `tests/search_tasks_pbs.json`, one of the PBS endpoints that answers
//! it should come first, or at least be among the top 3 results of `pve_search` on a server with a
//! PVE and a PBS (the question competes with every tool of both).
//!
//! Its endpoints are PBS's own `METHOD /path` (the file is the product's: a path PVE shares, such as
//! `GET /version`, means the PBS tool here). The splits:
//! - `pbs-heldout1`: 36 questions written only from docs/TOOLS.md's Backup Server part and the
//!   schema, committed before any PBS phrasing or vocabulary existed, never read while tuning. Its
//!   misses are never printed: reading them is tuning on them;
//! - `pbs-heldout2`: 40 fresh questions written the same blind way, committed before the products
//!   shared one ranker and before the second round of PBS phrasings, never read while tuning; its
//!   misses are never printed;
//! - `pbs-tune`: questions the PBS phrasings (`codegen/search/pbs/phrasings.toml`) may be tuned on;
//!   its misses are printed with `--nocapture`.
//!
//! No gate yet: the first held-out figure is recorded in BENCHMARKS.md; a gate needs a fresh split.

mod common;

use common::product_search::{check_questions, score};
use pve_mcp::pve::product::Product;

const FILE: &str = "search_tasks_pbs.json";

#[test]
fn held_out_pbs_questions_are_scored() {
    // Printed with --nocapture; figures only, never the misses.
    assert!(score(FILE, Product::Pbs, "pbs-heldout1").tasks >= 25);
    assert!(score(FILE, Product::Pbs, "pbs-heldout2").tasks >= 30);
}

#[test]
fn pbs_tuning_questions_are_scored() {
    // Printed with --nocapture, with the misses to read while tuning.
    assert!(score(FILE, Product::Pbs, "pbs-tune").tasks >= 25);
}

#[test]
fn every_pbs_question_names_a_known_split_and_a_pbs_endpoint() {
    check_questions(FILE, Product::Pbs, &["pbs-tune", "pbs-heldout1", "pbs-heldout2"]);
}
