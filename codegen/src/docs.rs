//! Step 3c: `docs/TOOLS.md`, the reviewer's view of every tool: name, method and path, tier,
//! category, gate and a one-line description, plus the endpoints left out and why.

use std::fmt::Write;

use crate::Tool;
use crate::names::first_sentence;
use crate::policy::{CATEGORIES, Tier, When};

fn gate_cell(t: &Tool) -> String {
    match &t.gate {
        None => String::new(),
        Some(g) => {
            let echo = match g.target.as_deref() {
                Some("vmid") => " + `confirm_vmid`".to_owned(),
                Some(target) => format!(" + `confirm_name`={target}"),
                None => String::new(),
            };
            format!("`confirm`{echo}{} ({})", when_text(g.only_if), g.reason)
        }
    }
}

/// ` if `force``, ` if `delete` names `unused*``, or nothing for a gate that always applies.
pub fn when_text(when: Option<When>) -> String {
    match when {
        None => String::new(),
        Some(When::True(a)) => format!(" if `{a}`"),
        Some(When::Names(a, prefix)) => format!(" if `{a}` names `{prefix}*`"),
    }
}

/// Renders `docs/TOOLS.md`.
pub fn tools_markdown(tools: &[Tool], excluded: &[(String, &'static str)], fixups: &[String]) -> String {
    let mut out = String::new();
    let count = |t: Tier| tools.iter().filter(|x| x.tier == t).count();
    let _ = writeln!(out, "# Tools\n");
    let _ = writeln!(
        out,
        "Generated from `apidoc/apidoc.json` by the `codegen` crate; do not edit by hand \
         (`cargo run -p pve-mcp-codegen --bin pve-codegen -- docs` rewrites it, and a test fails when it is stale).\n"
    );
    let _ = writeln!(
        out,
        "{} tools: {} `read-only`, {} `read-execute`, {} `full`; {} gated (need confirmation). \
         {} endpoints are left out (see the end).\n",
        tools.len(),
        count(Tier::ReadOnly),
        count(Tier::ReadExecute),
        count(Tier::Full),
        tools.iter().filter(|t| t.gate.is_some()).count(),
        excluded.len()
    );
    for (cat, what) in CATEGORIES {
        let mut in_cat: Vec<&Tool> = tools.iter().filter(|t| t.category == *cat).collect();
        if in_cat.is_empty() {
            continue;
        }
        in_cat.sort_by(|a, b| a.name.cmp(&b.name));
        let _ = writeln!(out, "## {cat} ({})\n\n{what}.\n", in_cat.len());
        let _ = writeln!(out, "| tool | method and path | tier | gate | description |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for t in in_cat {
            let desc = first_sentence(&t.endpoint.description).replace('|', "\\|");
            let _ = writeln!(
                out,
                "| `{}` | `{} {}` | {} | {} | {} |",
                t.name,
                t.endpoint.method.as_str(),
                t.endpoint.path,
                t.tier.as_str(),
                gate_cell(t),
                desc
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Left out\n\n| endpoint | why |\n| --- | --- |");
    for (id, why) in excluded {
        let _ = writeln!(out, "| `{id}` | {why} |");
    }
    if !fixups.is_empty() {
        let _ = writeln!(
            out,
            "\n## Schema fixups\n\nUpstream schema bugs repaired while reading (the vendored schema is not edited):\n"
        );
        for f in fixups {
            let _ = writeln!(out, "- {f}");
        }
    }
    out
}
