//! Prints, per profile (tier × categories × mode), the number of tools, the bytes of the
//! `tools/list` result and its tokens (cl100k, the tokenizer of GPT-4-class models; Claude's
//! differs but lands close), and the largest tools.
//!
//! Run: `cargo run --release --example tools_stats` (add `-- --markdown` for BENCHMARKS.md).

use std::collections::BTreeSet;

use pve_mcp::config::{DEFAULT_TOOL_BUDGET, ToolMode};
use pve_mcp::mcp::catalog::{self, Detail};
use pve_mcp::policy::Policy;
use pve_mcp::tools::generated::Category;
use pve_mcp::tools::registry::Tier;
use rmcp::model::Tool;
use serde_json::json;

fn main() {
    let bpe = tiktoken_rs::cl100k_base().expect("cl100k ships inside tiktoken-rs");
    let tokens = |text: &str| bpe.encode_with_special_tokens(text).len();
    let list_text = |tools: &[Tool]| serde_json::to_string(&json!({ "tools": tools })).unwrap();

    let everything: BTreeSet<Category> = Category::ALL.iter().copied().collect();
    let guests: BTreeSet<Category> = [Category::Qemu, Category::Lxc].into_iter().collect();
    println!("| tier | categories | mode | tools listed | reachable | bytes | tokens (cl100k) | estimate (bytes/4) |");
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for tier in Tier::ALL {
        for (cats_name, cats) in [("all", &everything), ("qemu,lxc", &guests)] {
            let policy = Policy::new(tier, cats.clone(), false);
            let reachable = policy.visible_tools().count();
            for (mode_name, mode) in [
                ("direct", ToolMode::Direct),
                ("discover", ToolMode::Discover),
                ("code", ToolMode::Code),
                ("auto", ToolMode::Auto),
            ] {
                let (resolved, tools) = catalog::session_tools(&policy, mode, DEFAULT_TOOL_BUDGET, false, &[]);
                let text = list_text(&tools);
                let label = if mode == ToolMode::Auto {
                    format!("auto → {resolved:?}").to_lowercase()
                } else {
                    mode_name.into()
                };
                println!(
                    "| {} | {cats_name} | {label} | {} | {reachable} | {} | {} | {} |",
                    tier.as_str(),
                    tools.len(),
                    text.len(),
                    tokens(&text),
                    catalog::estimate_tokens(&tools)
                );
            }
        }
    }

    let full = Policy::new(Tier::Full, everything, false);
    let mut sizes: Vec<(usize, usize, &str)> = full
        .visible_tools()
        .map(|d| {
            let compact = tokens(&serde_json::to_string(&catalog::mcp_tool(d, Detail::Compact, &[])).unwrap());
            let whole = tokens(&serde_json::to_string(&catalog::mcp_tool(d, Detail::Full, &[])).unwrap());
            (compact, whole, d.name)
        })
        .collect();
    sizes.sort_by(|a, b| b.cmp(a));
    println!("\nLargest tools (tokens, compact as listed / full as pve_describe shows):\n");
    println!("| tool | compact | full |");
    println!("| --- | ---: | ---: |");
    for (compact, whole, name) in sizes.iter().take(8) {
        println!("| `{name}` | {compact} | {whole} |");
    }
    // Code mode's pve_describe: TypeScript signatures instead of full descriptions and schemas.
    let signatures: usize = full.visible_tools().map(|d| tokens(d.signature)).sum();
    let qemu_start = pve_mcp::tools::registry::find("qemu_vm_start").expect("qemu_vm_start exists");
    println!(
        "\nqemu_vm_start: {} tokens as a TypeScript signature, {} as full description and JSON schema.",
        tokens(qemu_start.signature),
        tokens(&serde_json::to_string(&catalog::mcp_tool(qemu_start, Detail::Full, &[])).unwrap())
    );
    println!("All signatures (code mode's pve_describe): {signatures} tokens.");
    let schemas: usize = full.visible_tools().map(|d| tokens(d.input_schema)).sum();
    println!(
        "All input schemas alone (JSON, no descriptions of the tools): {schemas} tokens; signatures are {}% of them.",
        signatures * 100 / schemas.max(1)
    );
    let compact: usize = sizes.iter().map(|s| s.0).sum();
    let whole: usize = sizes.iter().map(|s| s.1).sum();
    println!(
        "\nAll {} tools: {compact} tokens compact, {whole} tokens with full descriptions and schemas.",
        sizes.len()
    );
}
