//! Code mode's context cost, measured with the cl100k tokenizer: `pve_search`, `pve_describe` and
//! `pve_run` as `tools/list` gives them, at tier full with every category, stay within 800 tokens.

use std::collections::BTreeSet;

use pve_mcp::config::{DEFAULT_TOOL_BUDGET, ToolMode};
use pve_mcp::mcp::catalog::{self, Mode};
use pve_mcp::policy::Policy;
use pve_mcp::tools::generated::Category;
use pve_mcp::tools::registry::Tier;

#[test]
fn code_mode_tools_cost_at_most_800_tokens_at_tier_full() {
    let policy = Policy::new(Tier::Full, Category::ALL.iter().copied().collect::<BTreeSet<_>>(), false);
    let (mode, tools) = catalog::session_tools(&policy, ToolMode::Code, DEFAULT_TOOL_BUDGET, false, &[]);
    assert_eq!(mode, Mode::Code);
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["pve_describe", "pve_run", "pve_search"]);
    let text = serde_json::to_string(&serde_json::json!({ "tools": tools })).unwrap();
    let tokens = tiktoken_rs::cl100k_base().unwrap().encode_with_special_tokens(&text).len();
    println!("code mode tools/list: {tokens} tokens (cl100k), {} bytes", text.len());
    assert!(tokens <= 800, "code mode's tools/list costs {tokens} tokens, over 800");
}
