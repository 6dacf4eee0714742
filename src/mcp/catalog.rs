//! What a session's `tools/list` holds, at a small context cost.
//!
//! - `direct`: one tool per permitted endpoint, with compact descriptions and schemas (full
//!   details stay available through `pve_describe`);
//! - `discover`: `pve_search`, `pve_describe`, `pve_call`, plus a small core of the most used
//!   direct tools;
//! - `code`: `pve_search`, `pve_describe`, `pve_run` (programs; see [`crate::run`]);
//! - `auto` (default): direct when the direct list fits the token budget, otherwise discover, with
//!   as many core tools as fit. It never picks code mode.
//!
//! Tokens are estimated at 4 bytes each for the budget; `cargo run --example tools_stats` counts
//! them with the cl100k tokenizer.
//!
//! Longer than most modules because it is one contract: how a tool looks in a listing (compact
//! descriptions, schemas with the overlay arguments, the server's own tools) and the token estimate
//! that picks the mode must agree, so they are kept side by side.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

use rmcp::model::{JsonObject, MetaObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use crate::config::ToolMode;
use crate::policy::Policy;
use crate::policy::gate;
use crate::tools::discovery;
use crate::tools::generated::Category;
use crate::tools::params;
use crate::tools::registry::{self, Tier, ToolDef};

/// How much schema text a tool carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// First sentences and compact schemas (for `tools/list`).
    Compact,
    /// Everything the schema says (for `pve_describe`).
    Full,
}

/// The mode a session runs in, once `auto` is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Direct,
    Discover,
    /// `pve_search`, `pve_describe`, `pve_run`.
    Code,
}

/// The most used tools, offered directly next to discovery, in order of priority.
pub const CORE: &[&str] = &[
    "cluster_resources_list",
    "nodes_list",
    "qemu_vm_list",
    "lxc_ct_list",
    "qemu_vm_status_get",
    "lxc_ct_status_get",
    "qemu_vm_config_get",
    "lxc_ct_config_get",
    "node_tasks_status_get",
    "qemu_vm_start",
    "qemu_vm_shutdown",
    "lxc_ct_start",
    "lxc_ct_shutdown",
];

/// Estimated tokens of a `tools/list` result with these tools.
pub fn estimate_tokens(tools: &[Tool]) -> usize {
    let bytes = serde_json::to_vec(&json!({ "tools": tools })).map(|v| v.len()).unwrap_or(0);
    bytes.div_ceil(4)
}

/// Bytes a listed tool adds besides its name, title, summary and compact schema: `_meta`,
/// annotations, overlay arguments and JSON punctuation (measured: 200 to 330).
const LISTING_OVERHEAD: usize = 330;

/// An upper estimate of the tokens a direct listing of these tools costs, without building it.
fn estimate_direct_tokens<'a>(defs: impl Iterator<Item = &'a ToolDef>) -> usize {
    let bytes: usize =
        defs.map(|d| d.name.len() + d.title.len() + d.summary.len() + d.compact_schema.len() + LISTING_OVERHEAD).sum();
    bytes.div_ceil(4)
}

/// A session's `tools/list`, serialized once per profile (tier, categories, mode, budget,
/// toolsets: they decide it entirely) and shared by every session with that profile. Transports
/// that can write it as it is (stdio) never hold it parsed; the others parse it once, on first use.
#[derive(Debug)]
pub struct Listing {
    /// Its place in the process's profile cache, for [`Listing::by_id`].
    pub id: usize,
    pub mode: Mode,
    /// The profile it was built for.
    key: Profile,
    /// Listed names, in listing order.
    names: Vec<String>,
    /// The `tools` array, as JSON text.
    json: String,
    typed: OnceLock<Vec<Tool>>,
}

impl Listing {
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The `tools` array of the `tools/list` result, as JSON text.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The listed tools as rmcp values (parsed once, then cloned; schemas are shared).
    pub fn tools(&self) -> Vec<Tool> {
        self.typed.get_or_init(|| serde_json::from_str(&self.json).unwrap_or_default()).clone()
    }

    /// A listing built earlier in this process.
    pub fn by_id(id: usize) -> Option<Arc<Listing>> {
        profiles().lock().unwrap_or_else(|p| p.into_inner()).get(id).map(|(_, l)| l.clone())
    }
}

type Profile = (Tier, BTreeSet<Category>, ToolMode, usize, bool, BTreeSet<&'static str>);

/// The listings built in this process, with the profile each was built for.
type Profiles = Mutex<Vec<(Profile, Arc<Listing>)>>;

fn profiles() -> &'static Profiles {
    static PROFILES: OnceLock<Profiles> = OnceLock::new();
    PROFILES.get_or_init(Default::default)
}

/// The listing of a profile: built on first use, then shared.
pub fn listing(policy: &Policy, mode: ToolMode, budget: usize, toolsets: bool) -> Arc<Listing> {
    listing_without(policy, mode, budget, toolsets, &BTreeSet::new())
}

/// The listing of a profile with some tools left out (`PVE_HIDE_UNPERMITTED`).
pub fn listing_without(
    policy: &Policy,
    mode: ToolMode,
    budget: usize,
    toolsets: bool,
    hidden: &BTreeSet<&'static str>,
) -> Arc<Listing> {
    let key: Profile = (policy.tier, policy.categories.clone(), mode, budget, toolsets, hidden.clone());
    let mut cache = profiles().lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, l)) = cache.iter().find(|(k, _)| *k == key) {
        return l.clone();
    }
    let (mode, items) = build(policy, mode, budget, toolsets, hidden);
    let (names, json) = joined(items);
    let listing = Arc::new(Listing { id: cache.len(), mode, key: key.clone(), names, json, typed: OnceLock::new() });
    cache.push((key, listing.clone()));
    listing
}

/// A listing changed by `adjust` (gated tools pointing to a confirmation view, say), built once
/// per listing and `variant`, and shared like the listing itself.
pub fn listing_adjusted(base: &Listing, variant: &'static str, adjust: impl FnOnce(&mut Vec<Tool>)) -> Arc<Listing> {
    let mut key = base.key.clone();
    key.5.insert(variant);
    if let Some((_, l)) = profiles().lock().unwrap_or_else(|p| p.into_inner()).iter().find(|(k, _)| *k == key) {
        return l.clone();
    }
    let mut tools = base.tools();
    adjust(&mut tools);
    let names = tools.iter().map(|t| t.name.to_string()).collect();
    let json = serde_json::to_string(&tools).unwrap_or_else(|_| "[]".into());
    let mut cache = profiles().lock().unwrap_or_else(|p| p.into_inner());
    let listing =
        Arc::new(Listing { id: cache.len(), mode: base.mode, key: key.clone(), names, json, typed: OnceLock::new() });
    cache.push((key, listing.clone()));
    listing
}

/// The tools a session lists, and the mode it ended up in (as rmcp values; see [`listing`]).
pub fn session_tools(policy: &Policy, mode: ToolMode, budget: usize, toolsets: bool) -> (Mode, Vec<Tool>) {
    let l = listing(policy, mode, budget, toolsets);
    (l.mode, l.tools())
}

/// A listed item: its name and its JSON text.
type Item = (String, Cow<'static, str>);

fn item(tool: &Tool) -> Item {
    (tool.name.to_string(), Cow::Owned(serde_json::to_string(tool).unwrap_or_default()))
}

/// Tokens of a `tools/list` result holding these items (4 bytes each, as [`estimate_tokens`]).
fn items_tokens(items: &[Item]) -> usize {
    let bytes: usize = items.iter().map(|(_, j)| j.len() + 1).sum::<usize>() + r#"{"tools":[]}"#.len();
    bytes.saturating_sub(usize::from(!items.is_empty())).div_ceil(4)
}

/// A generated tool's compact listing entry: with its output schema for the explicit `direct` mode,
/// without for the budgeted modes. Not kept: a listing is built once per profile, and the entries
/// of a whole tier would double its memory.
fn listed(def: &'static ToolDef, with_output: bool) -> Item {
    (def.name.to_owned(), Cow::Owned(listed_text(def, with_output)))
}

/// The listed names and the `tools` array as JSON text, each item's text dropped once copied.
fn joined(items: impl IntoIterator<Item = Item>) -> (Vec<String>, String) {
    let mut names = Vec::new();
    let mut json = String::from("[");
    for (name, text) in items {
        if !names.is_empty() {
            json.push(',');
        }
        json.push_str(&text);
        names.push(name);
    }
    json.push(']');
    json.shrink_to_fit();
    (names, json)
}

/// The tool with its output schema, where PVE declares returned properties. Only the explicit
/// `direct` mode lists them: they would crowd the `auto` and `discover` budgets out.
pub fn with_output_schema(mut tool: Tool, def: &ToolDef) -> Tool {
    tool.output_schema = def.output_schema.and_then(|s| serde_json::from_str::<JsonObject>(s).ok()).map(Arc::new);
    tool
}

/// The items of a profile's listing, in order; the direct mode's are made one at a time, as the
/// listing is written (see [`joined`]).
fn build<'a>(
    policy: &'a Policy,
    mode: ToolMode,
    budget: usize,
    toolsets: bool,
    hidden: &'a BTreeSet<&'static str>,
) -> (Mode, Box<dyn Iterator<Item = Item> + 'a>) {
    let visible = move || policy.visible_tools().filter(move |d| !hidden.contains(d.name));
    let mut extra = Vec::new();
    if toolsets {
        extra.push(item(&toolsets_tool()));
    }
    let discovery = || -> Vec<Item> { discovery_tools().iter().map(item).collect() };
    let listed_all = |items: Vec<Item>| -> Box<dyn Iterator<Item = Item> + 'a> { Box::new(items.into_iter()) };
    match mode {
        ToolMode::Direct => (Mode::Direct, Box::new(visible().map(|d| listed(d, true)).chain(extra))),
        ToolMode::Discover => (Mode::Discover, listed_all([discovery(), extra].concat())),
        ToolMode::Code => (Mode::Code, listed_all([code_tools().iter().map(item).collect(), extra].concat())),
        ToolMode::Auto => {
            // Only build the direct list when it can fit.
            if estimate_direct_tokens(visible()) <= budget * 2 {
                let direct: Vec<Item> = visible().map(|d| listed(d, false)).collect();
                let all = [direct, extra.clone()].concat();
                if items_tokens(&all) <= budget {
                    return (Mode::Direct, listed_all(all));
                }
            }
            let mut items = [discovery(), extra].concat();
            for name in CORE {
                let Some(def) = registry::find(name).filter(|d| policy.check(d).is_ok() && !hidden.contains(d.name))
                else {
                    continue;
                };
                items.push(listed(def, false));
                if items_tokens(&items) > budget {
                    items.pop();
                    break;
                }
            }
            items.sort_by(|a, b| a.0.cmp(&b.0));
            (Mode::Discover, listed_all(items))
        }
    }
}

/// The arguments the overlays add to a generated tool's input schema (confirmation gate, task
/// waiting), listed before the tool's own.
fn overlay_properties(def: &ToolDef, detail: Detail) -> Vec<(&'static str, Value)> {
    let mut additions = gate::schema_additions(def, detail == Detail::Full);
    if def.task {
        additions.push(("wait", json!({"type": "boolean", "description": "Wait for the PVE task's end (default true); false returns its UPID."})));
        additions.push((
            "task_timeout",
            json!({"type": "number", "minimum": 1, "maximum": 86400, "description": "Seconds to wait (default 600)."}),
        ));
    }
    additions
}

/// The cluster names of the configuration file's `[[cluster]]` tables, set once at start-up.
static CLUSTER_NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// Declares the configured clusters: from then on every tool's schema has a `cluster` argument
/// (an enum of these names; required with more than one). Without it (the environment's one
/// cluster) schemas are unchanged.
pub fn set_cluster_names(names: Vec<String>) {
    let _ = CLUSTER_NAMES.set(names);
}

/// The `cluster` argument of a tool's schema, for these configured names.
pub fn cluster_property(names: &[String]) -> Value {
    let description = if names.len() > 1 {
        "The cluster to call (required)."
    } else {
        "The cluster to call (optional: there is one)."
    };
    json!({"type": "string", "enum": names, "description": description})
}

/// Adds the `cluster` argument to a tool's input schema (required with more than one name).
pub fn add_cluster_argument(schema: &mut JsonObject, names: &[String]) {
    if names.is_empty() {
        return;
    }
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.insert(crate::cluster::ARG.into(), cluster_property(names));
    } else {
        schema.insert("properties".into(), json!({ crate::cluster::ARG: cluster_property(names) }));
    }
    if names.len() > 1 {
        match schema.get_mut("required") {
            Some(Value::Array(r)) => r.push(json!(crate::cluster::ARG)),
            _ => {
                schema.insert("required".into(), json!([crate::cluster::ARG]));
            }
        }
    }
}

/// A generated tool as MCP clients see it, with the overlay arguments (gate, task waiting, and
/// `cluster` when a configuration file names clusters) added.
pub fn mcp_tool(def: &ToolDef, detail: Detail) -> Tool {
    let mut tool = mcp_tool_alone(def, detail);
    if let Some(names) = CLUSTER_NAMES.get() {
        add_cluster_argument(std::sync::Arc::make_mut(&mut tool.input_schema), names);
    }
    tool
}

fn mcp_tool_alone(def: &ToolDef, detail: Detail) -> Tool {
    let text = match detail {
        Detail::Compact => def.compact_schema,
        Detail::Full => def.input_schema,
    };
    let mut schema: JsonObject = serde_json::from_str(text).unwrap_or_default();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        let own = std::mem::take(props);
        props.extend(overlay_properties(def, detail).into_iter().map(|(k, v)| (k.to_owned(), v)));
        props.extend(own);
    }
    let mut tool = shell(def, detail);
    tool.input_schema = Arc::new(schema);
    tool
}

/// A generated tool's compact listing entry as JSON text, the same bytes as serializing
/// [`mcp_tool`]'s value, without parsing its schema: the overlay arguments are written into the
/// generated schema text, whose `properties` member always comes second.
fn listed_text(def: &ToolDef, with_output: bool) -> String {
    const PROPERTIES: &str = r#"{"type":"object","properties":{"#;
    const EMPTY_SCHEMA: &str = r#""inputSchema":{}"#;
    const EMPTY_OUTPUT: &str = r#""outputSchema":{}"#;
    let output = def.output_schema.filter(|_| with_output);
    let fallback = || {
        let tool = mcp_tool(def, Detail::Compact);
        let tool = if with_output { with_output_schema(tool, def) } else { tool };
        serde_json::to_string(&tool).unwrap_or_default()
    };
    // With configured clusters the schema also gets its `cluster` argument: the parsed way.
    if CLUSTER_NAMES.get().is_some() {
        return fallback();
    }
    let Some(own) = def.compact_schema.strip_prefix(PROPERTIES) else { return fallback() };
    let mut schema = String::with_capacity(def.compact_schema.len() + 200);
    schema.push_str(PROPERTIES);
    let overlays = overlay_properties(def, Detail::Compact);
    for (i, (name, value)) in overlays.iter().enumerate() {
        if i > 0 {
            schema.push(',');
        }
        schema.push_str(&Value::String((*name).to_owned()).to_string());
        schema.push(':');
        schema.push_str(&value.to_string());
    }
    if !overlays.is_empty() && !own.starts_with('}') {
        schema.push(',');
    }
    schema.push_str(own);
    let mut tool = shell(def, Detail::Compact);
    if output.is_some() {
        tool.output_schema = Some(Arc::new(JsonObject::new()));
    }
    let shell = serde_json::to_string(&tool).unwrap_or_default();
    let Some(at) = shell.find(EMPTY_SCHEMA) else { return fallback() };
    let mut text = format!("{}\"inputSchema\":{schema}{}", &shell[..at], &shell[at + EMPTY_SCHEMA.len()..]);
    if let Some(output) = output {
        let Some(at) = text.find(EMPTY_OUTPUT) else { return fallback() };
        text.replace_range(at..at + EMPTY_OUTPUT.len(), &format!("\"outputSchema\":{output}"));
    }
    text
}

/// Everything of a generated tool's MCP form but its input schema (left empty).
fn shell(def: &ToolDef, detail: Detail) -> Tool {
    let mut description = match detail {
        Detail::Compact => def.summary.to_owned(),
        Detail::Full => def.description.to_owned(),
    };
    if let Some(g) = def.gate {
        let echo = g.target.map(|t| format!(" and `{}`=`{t}`", gate::echo_arg(t))).unwrap_or_default();
        let when = match g.only_if {
            Some(crate::tools::registry::When::True(f)) => format!(" if `{f}`"),
            Some(crate::tools::registry::When::Names(f, prefix)) => format!(" if `{f}` names `{prefix}…`"),
            None => String::new(),
        };
        let why = if g.reason == "destructive" { "Destructive".to_owned() } else { format!("Gated ({})", g.reason) };
        description.push_str(&format!(". {why}{when}: ask the user, then pass `confirm: true`{echo}."));
    }
    let mut tool = Tool::new(def.name, description, JsonObject::new());
    tool.title = Some(def.title.to_owned());
    tool.annotations = Some(
        ToolAnnotations::new()
            .read_only(def.read_only)
            .destructive(def.destructive)
            .idempotent(def.idempotent)
            .open_world(def.open_world),
    );
    let mut meta = MetaObject::new();
    meta.insert("pve-mcp/method".into(), json!(def.method.as_str()));
    meta.insert("pve-mcp/path".into(), json!(def.path));
    meta.insert("pve-mcp/tier".into(), json!(def.tier.as_str()));
    meta.insert("pve-mcp/category".into(), json!(def.category.as_str()));
    tool.meta = Some(meta);
    tool
}

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

/// `pve_search`, `pve_describe`, `pve_call` and `pve_whoami`.
pub fn discovery_tools() -> Vec<Tool> {
    let mut call_schema = params::schema::<params::Call>();
    if let Some(names) = CLUSTER_NAMES.get() {
        add_cluster_argument(&mut call_schema, names);
    }
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
            params::schema::<params::Describe>(),
            true,
        ),
        meta_tool(
            super::whoami::NAME,
            "Who am I in Proxmox VE",
            "Who pve-mcp logs in to PVE as, the tier, categories and allowlists in force, and what PVE lets that login do (effective permissions by path).",
            params::schema::<params::Whoami>(),
            true,
        ),
        meta_tool(
            discovery::SEARCH,
            "Search Proxmox VE tools",
            "Find the tool for a task among all Proxmox VE API endpoints you may use: give plain words (\"snapshot a VM\", \"firewall rule for a container\"). Returns names, method and path, tier and one line each.",
            params::schema::<params::Search>(),
            true,
        ),
    ]
}

/// What `pve_run` tells the model: the whole contract of a program, in few words.
const RUN_DESCRIPTION: &str = "Run JavaScript (the body of an async function) calling Proxmox VE tools; only its return value comes back, \
so filter inside. `await pve.call(name, args)` calls a tool from pve_search with the arguments pve_describe shows and resolves \
to PVE's data; a write starting a task resolves when it ends, to {status, exitstatus: \"OK\", upid}. A refused or failed call \
throws an Error saying why. Calls get the same checks, allowlists and audit as direct calls. console.log() lines come back in \
`log`; `await sleep(ms)`. No require, fetch, process, timers, files. Limits: wall time (default 300 s), 500 calls, 64 MB.\n\
Writes: first run with dry_run: true: reads are sent, writes return placeholders and are listed as `plan` with a `plan_id`. \
Show the plan to the user; once they agree, run the same program with approve: plan_id (gated calls pass only so; it stops \
at any write not in the plan).\n\
Example: const vms = await pve.call(\"cluster_resources_list\", {type: \"vm\"});\n\
return vms.filter(v => v.status === \"running\").map(v => v.name);";

/// Code mode's tools: `pve_search`, `pve_describe`, `pve_run` (`pve_whoami` stays callable by name,
/// unlisted, to keep the listing small).
pub fn code_tools() -> Vec<Tool> {
    let mut run = meta_tool(
        crate::run::RUN,
        "Run a Proxmox VE program",
        RUN_DESCRIPTION,
        params::schema::<crate::run::Request>(),
        false,
    );
    run.annotations = run.annotations.map(|a| a.open_world(true));
    if let Some(meta) = run.meta.as_mut() {
        meta.insert("pve-mcp/category".into(), json!("code"));
    }
    let mut tools: Vec<Tool> =
        discovery_tools().into_iter().filter(|t| t.name != discovery::CALL && t.name != super::whoami::NAME).collect();
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
        params::schema::<params::Toolsets>(),
        false,
    );
    t.annotations = t.annotations.map(|a| a.destructive(false).idempotent(true));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(tier: Tier) -> Policy {
        Policy { tier, categories: Category::ALL.iter().copied().collect(), token_login: false }
    }

    #[test]
    fn auto_falls_back_to_discovery_when_direct_is_over_budget() {
        let (mode, tools) = session_tools(&policy(Tier::ReadOnly), ToolMode::Auto, 4000, false);
        assert_eq!(mode, Mode::Discover);
        assert!(estimate_tokens(&tools) <= 4000);
        assert!(tools.iter().any(|t| t.name == "pve_search"));
        assert!(tools.iter().any(|t| t.name == "qemu_vm_list"), "core tools fill the budget");
    }

    #[test]
    fn every_core_tool_exists() {
        for name in CORE {
            assert!(registry::find(name).is_some(), "{name} is not a tool of the vendored schema");
        }
    }

    #[test]
    fn auto_is_direct_when_it_fits() {
        let small =
            Policy { tier: Tier::ReadOnly, categories: [Category::Pools].into_iter().collect(), token_login: false };
        let (mode, tools) = session_tools(&small, ToolMode::Auto, 4000, false);
        assert_eq!(mode, Mode::Direct);
        assert!(tools.iter().all(|t| t.name.starts_with("pools_")));
    }

    #[test]
    fn compact_tools_are_smaller_than_full_ones() {
        let size = |t: &Tool| serde_json::to_string(t).unwrap().len();
        let compact: usize = registry::all().iter().map(|d| size(&mcp_tool(d, Detail::Compact))).sum();
        let full: usize = registry::all().iter().map(|d| size(&mcp_tool(d, Detail::Full))).sum();
        assert!(compact * 5 < full * 4, "compact {compact} bytes, full {full} bytes");
    }

    #[test]
    fn listed_text_is_the_serialized_tool_for_every_tool() {
        for def in registry::all() {
            let typed = serde_json::to_string(&mcp_tool(def, Detail::Compact)).unwrap();
            assert_eq!(listed_text(def, false), typed, "{}", def.name);
            let with_output = serde_json::to_string(&with_output_schema(mcp_tool(def, Detail::Compact), def)).unwrap();
            assert_eq!(listed_text(def, true), with_output, "{}", def.name);
        }
    }

    #[test]
    fn a_profile_is_built_once_and_shared() {
        let a = listing(&policy(Tier::Full), ToolMode::Direct, 4000, false);
        let b = listing(&policy(Tier::Full), ToolMode::Direct, 4000, false);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.len(), policy(Tier::Full).visible_tools().count());
    }

    #[test]
    fn several_clusters_make_the_cluster_argument_a_required_enum() {
        let mut t = mcp_tool_alone(registry::find("qemu_vm_list").unwrap(), Detail::Compact);
        let names = vec!["home".to_owned(), "lab".to_owned()];
        add_cluster_argument(std::sync::Arc::make_mut(&mut t.input_schema), &names);
        assert_eq!(t.input_schema["properties"]["cluster"]["enum"], json!(["home", "lab"]));
        assert!(t.input_schema["required"].as_array().unwrap().contains(&json!("cluster")));
        assert!(t.input_schema["required"].as_array().unwrap().contains(&json!("node")));
    }

    #[test]
    fn one_cluster_makes_the_cluster_argument_optional() {
        let mut t = mcp_tool_alone(registry::find("nodes_list").unwrap(), Detail::Compact);
        let required_before = t.input_schema.get("required").cloned();
        add_cluster_argument(std::sync::Arc::make_mut(&mut t.input_schema), &["home".to_owned()]);
        assert_eq!(t.input_schema["properties"]["cluster"]["enum"], json!(["home"]));
        assert_eq!(t.input_schema.get("required").cloned(), required_before);
    }

    #[test]
    fn gated_tools_carry_the_gate_arguments() {
        let t = mcp_tool(registry::find("qemu_vm_delete").unwrap(), Detail::Compact);
        let props = t.input_schema.get("properties").unwrap();
        assert!(props.get("confirm").is_some() && props.get("confirm_vmid").is_some());
    }
}
