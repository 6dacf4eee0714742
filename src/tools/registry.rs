//! The tool registry: the generated table of every tool, and the types it is made of.

use crate::pve::product::Product;
use crate::pve::request::{HttpMethod, PveRequest};
use crate::tools::arguments::{ArgErrors, Arguments};
use crate::tools::generated::{Category, TOOLS};

/// Access tiers, lowest first: a server started at a tier offers that tier and those below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Reads only.
    ReadOnly,
    /// Also runs, stops or moves existing things (power actions, migrate, backup run, ...).
    ReadExecute,
    /// Everything, including create, reconfigure and delete.
    Full,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::ReadOnly, Tier::ReadExecute, Tier::Full];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::ReadOnly => "read-only",
            Tier::ReadExecute => "read-execute",
            Tier::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A confirmation gate (see `codegen/src/policy.rs` for which tools have one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// The argument the caller echoes: `vmid` → `confirm_vmid`, any other → `confirm_name`.
    pub target: Option<&'static str>,
    /// The gate applies only when this holds (restore with `force`, config `delete` of `unusedN`).
    pub only_if: Option<When>,
    /// Why the call is gated: `destructive`, or what else it does (changes permissions, mints a
    /// credential, opens a shell...).
    pub reason: &'static str,
}

/// When a conditional gate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The argument is true.
    True(&'static str),
    /// The argument (a list of names) names one that starts with the prefix.
    Names(&'static str, &'static str),
}

impl When {
    /// When the gate applies, in words: `` `forceStop` is true ``.
    pub fn text(&self) -> String {
        match self {
            When::True(f) => format!("`{f}` is true"),
            When::Names(f, prefix) => format!("`{f}` names `{prefix}…`"),
        }
    }
}

/// A tool's gate as search and describe give it: `gated`, and `gated_if` when the gate depends on
/// the arguments (`qemu_vm_shutdown` only with `forceStop`).
pub fn gate_json(tool: &ToolDef, into: &mut serde_json::Value) {
    into["gated"] = serde_json::Value::Bool(tool.gate.is_some());
    if let Some(when) = tool.gate.and_then(|g| g.only_if) {
        into["gated_if"] = serde_json::Value::String(when.text());
    }
}

/// One generated tool: its descriptor and its typed request builder.
#[derive(Debug)]
pub struct ToolDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// One sentence, for compact listings and search results.
    pub summary: &'static str,
    pub method: HttpMethod,
    /// PVE path template (`/nodes/{node}/qemu/{vmid}/status/start`).
    pub path: &'static str,
    pub tier: Tier,
    pub category: Category,
    /// Destructive: needs an explicit confirmation.
    pub gate: Option<Gate>,
    /// May answer with a PVE task id (UPID), which the server waits for.
    pub task: bool,
    /// PVE lets an API token call this method (the schema's `allowtoken`); hidden from a token login if not.
    pub allow_token: bool,
    /// Arguments whose values are secrets (reviewed in `codegen/src/policy.rs`): never logged or echoed.
    pub secret_arguments: &'static [&'static str],
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
    /// The input JSON Schema, as JSON text.
    pub input_schema: &'static str,
    /// The compact input JSON Schema (first sentences, property-string keys), as JSON text.
    pub compact_schema: &'static str,
    /// PVE's permission rule for the endpoint (the schema's `permissions` object: its `check` or
    /// `user`), as JSON text; empty when the schema gives none (root only).
    pub permissions: &'static str,
    /// The output JSON Schema of `structuredContent` (lenient), as JSON text, when PVE declares
    /// returned properties.
    pub output_schema: Option<&'static str>,
    /// For a configuration update: the tool that reads the configuration it writes.
    pub config_read: Option<&'static str>,
    /// The property-string arguments and their keys.
    pub property_strings: &'static [crate::tools::arguments::PropertyArg],
    /// The signature as a compact TypeScript declaration, for code mode (`pve_describe`).
    pub signature: &'static str,
    /// Reads and checks arguments into the typed request, then gives its wire form.
    pub build: fn(&mut Arguments) -> Result<PveRequest, ArgErrors>,
}

/// Every tool of the primary schema, sorted by name.
pub fn all() -> &'static [ToolDef] {
    &TOOLS
}

/// The tool with that name.
pub fn find(name: &str) -> Option<&'static ToolDef> {
    #[cfg(test)]
    tests::count_lookup();
    let find = |table: &'static [ToolDef]| table.binary_search_by(|t| t.name.cmp(name)).ok().map(|i| &table[i]);
    find(&TOOLS).or_else(|| find(&crate::tools::generated::older::TOOLS))
}

/// The tools only older PVE releases have (their endpoints were dropped since), sorted by name:
/// listed only for a cluster that runs such a release ([`crate::tools::releases`]).
pub fn older() -> &'static [ToolDef] {
    &crate::tools::generated::older::TOOLS
}

/// The tools of a product's table (PVE's is [`all`]).
pub fn all_of(product: Product) -> &'static [ToolDef] {
    match product {
        Product::Pve => &TOOLS,
        Product::Pbs => &crate::tools::generated_pbs::TOOLS,
        Product::Pdm => &crate::tools::generated_pdm::TOOLS,
    }
}

/// The tool with that name in a product's table: what a call on a cluster of that product may run.
pub fn find_for(product: Product, name: &str) -> Option<&'static ToolDef> {
    if product == Product::Pve {
        return find(name);
    }
    #[cfg(test)]
    tests::count_lookup();
    let table = all_of(product);
    table.binary_search_by(|t| t.name.cmp(name)).ok().map(|i| &table[i])
}

/// The tool with that name in any product's table (PVE's first): for what names a tool already
/// listed or called (the MCP Apps view, a followed task's audit line), never to choose what a
/// cluster may run ([`find_for`] does that).
pub fn find_any(name: &str) -> Option<&'static ToolDef> {
    find(name).or_else(|| Product::ALL.iter().copied().filter(|p| *p != Product::Pve).find_map(|p| find_for(p, name)))
}

/// The product a tool belongs to: its table's, or for a copy its name's prefix (PVE's tools have none).
pub fn product_of(tool: &ToolDef) -> Product {
    // By the table the entry is in, first: reading every listed tool's name would touch a page of
    // read-only data per tool at start-up (the names lie among their schemas).
    let within = |table: &[ToolDef]| table.as_ptr_range().contains(&std::ptr::from_ref(tool));
    if within(&TOOLS) || within(older()) {
        return Product::Pve;
    }
    if let Some(p) = Product::ALL.iter().copied().find(|p| *p != Product::Pve && within(all_of(*p))) {
        return p;
    }
    // A copy made for a release's listing: by its name.
    Product::ALL.iter().copied().rev().find(|p| tool.name.starts_with(p.tool_prefix())).unwrap_or_default()
}

/// The tool of an endpoint, by its method and path template (`GET /nodes/{node}/qemu/{vmid}/config`):
/// how the overlays name the tools they read, so a rename of a tool cannot silently drop them.
pub fn route(method: HttpMethod, path: &str) -> Option<&'static ToolDef> {
    TOOLS.iter().find(|t| t.method == method && t.path == path)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    thread_local! {
        static LOOKUPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    pub(super) fn count_lookup() {
        LOOKUPS.with(|c| c.set(c.get() + 1));
    }

    /// How many lookups by name this thread has made (read by the call path's tests).
    pub(crate) fn lookups() -> usize {
        LOOKUPS.with(|c| c.get())
    }

    #[test]
    fn a_route_names_the_tool_of_its_endpoint() {
        let t = route(HttpMethod::Get, "/nodes/{node}/qemu/{vmid}/status/current").unwrap();
        assert_eq!(t.name, "qemu_vm_status_get");
        assert!(route(HttpMethod::Post, "/nodes/{node}/qemu/{vmid}/status/current").is_none());
    }

    #[test]
    fn the_table_is_sorted_and_unique() {
        assert!(TOOLS.windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn find_uses_the_exact_name() {
        assert_eq!(find("qemu_vm_start").map(|t| t.path), Some("/nodes/{node}/qemu/{vmid}/status/start"));
        assert!(find("qemu_vm_sta").is_none());
    }

    #[test]
    fn no_pve_tool_carries_another_product_s_prefix() {
        assert!(all().iter().all(|t| product_of(t) == Product::Pve));
        assert!(all_of(Product::Pbs).iter().all(|t| product_of(t) == Product::Pbs));
        assert!(all_of(Product::Pdm).iter().all(|t| product_of(t) == Product::Pdm));
    }

    #[test]
    fn a_pdm_tool_is_found_only_in_pdm_s_table() {
        assert!(find_for(Product::Pdm, "pdm_pve_qemu_vm_list").is_some());
        assert!(find_for(Product::Pve, "pdm_pve_qemu_vm_list").is_none());
        assert!(find_for(Product::Pdm, "pbs_datastore_list").is_none());
        assert!(all_of(Product::Pdm).windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn a_product_s_tools_are_found_only_in_its_table() {
        assert!(find_for(Product::Pbs, "pbs_datastore_snapshots_list").is_some());
        assert!(find_for(Product::Pve, "pbs_datastore_snapshots_list").is_none());
        assert!(find_for(Product::Pbs, "qemu_vm_start").is_none());
        assert!(all_of(Product::Pbs).windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn find_any_names_a_tool_of_any_product() {
        assert_eq!(find_any("pbs_datastore_prune").map(product_of), Some(Product::Pbs));
        assert_eq!(find_any("qemu_vm_start").map(product_of), Some(Product::Pve));
        assert!(find_any("pbs_datastore_pru").is_none());
    }

    #[test]
    fn every_input_schema_is_a_json_object() {
        for t in all() {
            let v: serde_json::Value = serde_json::from_str(t.input_schema).unwrap();
            assert_eq!(v["type"], "object", "{}", t.name);
        }
    }
}
