//! Step 3c: `docs/TOOLS.md`, the reviewer's view of every tool: name, method and path, tier,
//! category, gate and a one-line description, plus the endpoints left out and why.

use std::fmt::Write;

use crate::Tool;
use crate::names::first_sentence;
use crate::policy::{CATEGORIES, Tier, When};

pub fn gate_cell(t: &Tool) -> String {
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
    tools_markdown_with(tools, excluded, fixups, None)
}

/// Renders `docs/TOOLS.md` with a "since / until" column over the vendored releases (and what it means).
pub fn tools_markdown_with(
    tools: &[Tool],
    excluded: &[(String, &'static str)],
    fixups: &[String],
    releases: Option<&crate::releases::Union>,
) -> String {
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
    if let Some(u) = releases {
        out.push_str(&crate::releases::docs_preamble(u));
    }
    for (cat, what) in CATEGORIES {
        let mut in_cat: Vec<&Tool> = tools.iter().filter(|t| t.category == *cat).collect();
        if in_cat.is_empty() {
            continue;
        }
        in_cat.sort_by(|a, b| a.name.cmp(&b.name));
        let _ = writeln!(out, "## {cat} ({})\n\n{what}.\n", in_cat.len());
        let (head, rule) = if releases.is_some() { (" since / until |", " --- |") } else { ("", "") };
        let _ = writeln!(out, "| tool | method and path | tier | gate |{head} description |");
        let _ = writeln!(out, "| --- | --- | --- | --- |{rule} --- |");
        for t in in_cat {
            let desc = first_sentence(&t.endpoint.description).replace('|', "\\|");
            let span = releases.map(|u| format!(" {} |", crate::releases::span(u, &t.endpoint))).unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{}` | `{} {}` | {} | {} |{span} {} |",
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
    guests_and_nodes(&mut out, tools);
    index_ranges(&mut out, tools);
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

/// The allowlists' view: which arguments of which tools name guests or nodes
/// (`codegen/src/references.rs`).
fn guests_and_nodes(out: &mut String, tools: &[Tool]) {
    let mut named: Vec<&Tool> = tools.iter().filter(|t| !t.references.is_empty() || t.scope.is_some()).collect();
    named.sort_by(|a, b| a.name.cmp(&b.name));
    let _ = writeln!(
        out,
        "## Guests and nodes named by arguments\n\n\
         With `PVE_VMID_ALLOWLIST` or `PVE_NODE_ALLOWLIST` set, every guest and node these arguments name must \
         be allowed (from the schema's formats and the reviewed tables in `codegen/src/references.rs`). A volume \
         names the guests in its name (`vm-100-disk-0`, `base-100-…`, `subvol-100-…`, `100/…`, `vzdump-qemu-100-…`, \
         `backup/vm/100/…`); a task id names its node and guest. \"All guests if\" lists what would make the \
         call act on every guest: refused under a VMID allowlist.\n"
    );
    let _ = writeln!(out, "| tool | names |\n| --- | --- |");
    for t in named {
        let _ = writeln!(
            out,
            "| `{}` | {} |",
            t.name,
            crate::references::describe(&t.references, t.scope.as_ref()).replace('|', "\\|")
        );
    }
    let _ = writeln!(out);
}

/// The index range of each indexed argument stem (`net0` to `net31`).
fn index_ranges(out: &mut String, tools: &[Tool]) {
    let mut ranges: std::collections::BTreeMap<&str, Option<u32>> = std::collections::BTreeMap::new();
    for p in tools.iter().flat_map(|t| &t.endpoint.params) {
        if let Some(max) = p.indexed {
            ranges.insert(p.name.as_str(), max);
        }
    }
    let _ = writeln!(
        out,
        "## Index ranges\n\nIndexed arguments (`net0`, `net1`, ...) outside their range are refused. Ranges come \
         from the schema's text, or from the reviewed table in `codegen/src/indexes.rs` where the schema says \
         nothing or gives two answers.\n"
    );
    let _ = writeln!(out, "| argument | indexes | source |\n| --- | --- | --- |");
    for (stem, max) in ranges {
        let range = max.map(|m| format!("0 to {m}")).unwrap_or_else(|| "0 and up (unknown)".into());
        let source = crate::indexes::INDEX_RANGES
            .iter()
            .find(|(s, _, _)| *s == stem)
            .map(|(_, _, why)| format!("table: {why}"))
            .unwrap_or_else(|| "schema".into());
        let _ = writeln!(out, "| `{stem}N` | {range} | {source} |");
    }
    let _ = writeln!(out);
}
