//! The server's own tools as listed: `pve_search`, `pve_describe`, `pve_call` and `pve_whoami`
//! (discovery), `pve_run` (code mode) and `pve_toolsets`, their schemas derived from their
//! arguments ([`crate::tools::params`]).

use rmcp::model::{JsonObject, MetaObject, Tool, ToolAnnotations};
use serde_json::json;

use super::entry::add_cluster_argument;
use crate::mcp::whoami;
use crate::tools::discovery;
use crate::tools::params::{self, Params};

fn meta_tool(name: &'static str, title: &str, description: &str, schema: JsonObject, read_only: bool) -> Tool {
    let mut tool = Tool::new(name, description.to_owned(), schema);
    tool.title = Some(title.to_owned());
    tool.annotations = Some(
        ToolAnnotations::new().read_only(read_only).destructive(!read_only).idempotent(read_only).open_world(false),
    );
    let mut meta = MetaObject::new();
    meta.insert("pve-mcp/tier".into(), json!("read-only"));
    meta.insert("pve-mcp/category".into(), json!("discovery"));
    tool.meta = Some(meta);
    tool
}

/// `pve_search`, `pve_describe`, `pve_call` and `pve_whoami` (`pve_call` with the `cluster`
/// argument of these configured names).
pub fn discovery_tools(clusters: &[String]) -> Vec<Tool> {
    let mut call_schema = params::listed(params::Call::TOOL);
    add_cluster_argument(&mut call_schema, clusters);
    vec![
        meta_tool(
            discovery::CALL,
            "Call a Proxmox VE tool",
            "Call any tool found with pve_search by name, with its arguments (see pve_describe). Same checks, confirmations and task waiting as a direct call.",
            call_schema,
            false,
        ),
        meta_tool(
            discovery::DESCRIBE,
            "Describe Proxmox VE tools",
            "Full description and input schema of tools named by pve_search.",
            params::listed(params::Describe::TOOL),
            true,
        ),
        meta_tool(
            whoami::NAME,
            "Who am I in Proxmox VE",
            "Who pve-mcp logs in to PVE as, the tier, categories and allowlists in force, and what PVE lets that login do (effective permissions by path).",
            params::listed(whoami::NAME),
            true,
        ),
        meta_tool(
            discovery::SEARCH,
            "Search Proxmox VE tools",
            "Find the tool for a task among all Proxmox VE API endpoints you may use: give plain words (\"snapshot a VM\", \"firewall rule for a container\"). Returns names, method and path, tier and one line each.",
            params::listed(params::Search::TOOL),
            true,
        ),
    ]
}

/// What `pve_run` tells the model: the whole contract of a program, in few words.
const RUN_DESCRIPTION: &str = "Run JavaScript (the body of an async function) calling Proxmox VE tools; only its return value comes back, \
so filter inside. `await pve.call(name, args)` calls a tool by the signature pve_search gives (pve_describe: every argument); resolves \
to PVE's data; a write starting a task resolves when it ends, to {status, exitstatus: \"OK\", upid}. A refused or failed call \
throws an Error saying why. Calls get the same checks, allowlists and audit as direct calls. console.log() lines come back in \
`log`; `await sleep(ms)`. No require, fetch, process, timers, files. Limits: wall time (default 300 s), 500 calls, 64 MB.\n\
Writes: first run with dry_run: true: reads are sent, writes return placeholders and are listed as `plan` with a `plan_id`. \
Show the plan to the user; once they agree, run the same program with approve: plan_id (gated calls pass only so; it stops \
at any write not in the plan).\n\
Example: const vms = await pve.call(\"cluster_resources_list\", {type: \"vm\"});\n\
return vms.filter(v => v.status === \"running\").map(v => v.name);";

/// What `pve_search` tells the model in code mode, where its best hits carry their declarations.
const CODE_SEARCH_DESCRIPTION: &str = "Find the tools for a task among all Proxmox VE API endpoints you may use, in plain words (\"snapshot a VM\"). The best 3 hits give their TypeScript signature (required arguments and those your words name), the rest a name and one line.";

/// Code mode's tools: `pve_search`, `pve_describe`, `pve_run` (`pve_whoami` stays callable by name,
/// unlisted, to keep the listing small).
pub fn code_tools() -> Vec<Tool> {
    let mut run =
        meta_tool(crate::run::RUN, "Run a Proxmox VE program", RUN_DESCRIPTION, params::listed(crate::run::RUN), false);
    run.annotations = run.annotations.map(|a| a.open_world(true));
    if let Some(meta) = run.meta.as_mut() {
        meta.insert("pve-mcp/category".into(), json!("code"));
    }
    let mut tools: Vec<Tool> =
        discovery_tools(&[]).into_iter().filter(|t| t.name != discovery::CALL && t.name != whoami::NAME).collect();
    if let Some(search) = tools.iter_mut().find(|t| t.name == discovery::SEARCH) {
        search.description = Some(CODE_SEARCH_DESCRIPTION.into());
    }
    tools.push(run);
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    tools
}

/// `pve_toolsets`: enable or disable categories for this session.
pub fn toolsets_tool() -> Tool {
    let mut t = meta_tool(
        discovery::TOOLSETS,
        "Choose tool categories",
        "Enable or disable categories of tools for this session (never beyond the server's tier and categories); the tool list changes accordingly.",
        params::listed(params::Toolsets::TOOL),
        false,
    );
    t.annotations = t.annotations.map(|a| a.destructive(false).idempotent(true));
    t
}
