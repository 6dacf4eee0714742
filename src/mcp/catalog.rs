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
//! How a generated tool looks in a listing (compact descriptions, schemas with the overlay
//! arguments) is [`entry`]; the server's own tools are [`own_tools`]. The token estimate here that
//! picks the mode must agree with them: `LISTING_OVERHEAD` is measured on [`entry`]'s output.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

use rmcp::model::Tool;
use serde_json::json;

use crate::config::ToolMode;
use crate::policy::Policy;
use crate::pve::product::Product;
use crate::tools::generated::Category;
use crate::tools::registry::{self, Tier, ToolDef};
use crate::tools::releases::{Listed, Release};

mod entry;
mod object_text;
mod own_tools;

pub use entry::{Detail, add_cluster_argument, cluster_property, mcp_tool, with_output_schema};
pub use own_tools::{code_tools, discovery_tools, toolsets_tool};

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

/// Everything a listing depends on: the policy's limits (tier, categories, token login, products),
/// the mode and budget, the tools left out (and an adjusted listing's variants), the cluster names
/// and the releases.
#[derive(Debug, Clone, PartialEq)]
struct Profile {
    tier: Tier,
    categories: BTreeSet<Category>,
    token_login: bool,
    products: Option<BTreeSet<Product>>,
    mode: ToolMode,
    budget: usize,
    toolsets: bool,
    hidden: BTreeSet<&'static str>,
    clusters: Vec<String>,
    release: Option<Listed>,
}

/// The listings built in this process, with the profile each was built for.
type Profiles = Mutex<Vec<(Profile, Arc<Listing>)>>;

fn profiles() -> &'static Profiles {
    static PROFILES: OnceLock<Profiles> = OnceLock::new();
    PROFILES.get_or_init(Default::default)
}

/// The listing of a profile: built on first use, then shared. `release`: the PVE releases whose
/// tools it lists (`None`: the primary schema's, the tool table as generated).
pub fn listing(
    policy: &Policy,
    mode: ToolMode,
    budget: usize,
    toolsets: bool,
    clusters: &[String],
    release: Option<Listed>,
) -> Arc<Listing> {
    listing_without(policy, mode, budget, toolsets, &BTreeSet::new(), clusters, release)
}

/// The listing of a profile with some tools left out (`PVE_HIDE_UNPERMITTED`).
pub fn listing_without(
    policy: &Policy,
    mode: ToolMode,
    budget: usize,
    toolsets: bool,
    hidden: &BTreeSet<&'static str>,
    clusters: &[String],
    release: Option<Listed>,
) -> Arc<Listing> {
    // The primary release lists the tool table as generated, as before any release is known: one
    // listing for both, not a second copy kept once the release is learned.
    let release = release.filter(|r| *r != Listed::One(Release::primary()));
    let key = Profile {
        tier: policy.tier,
        categories: policy.categories.clone(),
        token_login: policy.token_login,
        products: policy.products.clone(),
        mode,
        budget,
        toolsets,
        hidden: hidden.clone(),
        clusters: clusters.to_vec(),
        release: release.clone(),
    };
    let mut cache = profiles().lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, l)) = cache.iter().find(|(k, _)| *k == key) {
        return l.clone();
    }
    let (mode, items) = build(policy, mode, budget, toolsets, hidden, clusters, release);
    let (names, json) = joined(items);
    let listing = Arc::new(Listing { id: cache.len(), mode, key: key.clone(), names, json, typed: OnceLock::new() });
    cache.push((key, listing.clone()));
    listing
}

/// A listing changed by `adjust` (gated tools pointing to a confirmation view, say), built once
/// per listing and `variant`, and shared like the listing itself.
pub fn listing_adjusted(base: &Listing, variant: &'static str, adjust: impl FnOnce(&mut Vec<Tool>)) -> Arc<Listing> {
    let mut key = base.key.clone();
    key.hidden.insert(variant);
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
pub fn session_tools(
    policy: &Policy,
    mode: ToolMode,
    budget: usize,
    toolsets: bool,
    clusters: &[String],
) -> (Mode, Vec<Tool>) {
    let l = listing(policy, mode, budget, toolsets, clusters, None);
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
fn listed(def: &'static ToolDef, with_output: bool, clusters: &[String]) -> Item {
    (def.name.to_owned(), Cow::Owned(entry::listed_text(def, with_output, clusters)))
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

/// The items of a profile's listing, in order; the direct mode's are made one at a time, as the
/// listing is written (see [`joined`]).
fn build<'a>(
    policy: &'a Policy,
    mode: ToolMode,
    budget: usize,
    toolsets: bool,
    hidden: &'a BTreeSet<&'static str>,
    clusters: &'a [String],
    release: Option<Listed>,
) -> (Mode, Box<dyn Iterator<Item = Item> + 'a>) {
    // Known PVE releases list their own tools (older-only ones too), each as those releases have
    // it, in place of PVE's table; the other products' tools are listed as they are.
    let of_release: Vec<&'static ToolDef> = release.as_ref().map(Listed::tools).unwrap_or_default();
    let of_release = Arc::new(of_release);
    let known = release.is_some();
    let visible = move || -> Box<dyn Iterator<Item = &'static ToolDef> + 'a> {
        let table = policy.visible_tools().filter(move |d| !hidden.contains(d.name));
        match known {
            false => Box::new(table),
            true => {
                let tools = of_release.clone();
                let pve = (0..tools.len())
                    .map(move |i| tools[i])
                    .filter(move |d| policy.check(d).is_ok() && !hidden.contains(d.name));
                Box::new(pve.chain(table.filter(|d| registry::product_of(d) != Product::Pve)))
            }
        }
    };
    let mut extra = Vec::new();
    if toolsets {
        extra.push(item(&toolsets_tool()));
    }
    let discovery = || -> Vec<Item> { discovery_tools(clusters).iter().map(item).collect() };
    let listed_all = |items: Vec<Item>| -> Box<dyn Iterator<Item = Item> + 'a> { Box::new(items.into_iter()) };
    match mode {
        ToolMode::Direct => (Mode::Direct, Box::new(visible().map(|d| listed(d, true, clusters)).chain(extra))),
        ToolMode::Discover => (Mode::Discover, listed_all([discovery(), extra].concat())),
        ToolMode::Code => (Mode::Code, listed_all([code_tools().iter().map(item).collect(), extra].concat())),
        ToolMode::Auto => {
            // Only build the direct list when it can fit.
            if estimate_direct_tokens(visible()) <= budget * 2 {
                let direct: Vec<Item> = visible().map(|d| listed(d, false, clusters)).collect();
                let all = [direct, extra.clone()].concat();
                if items_tokens(&all) <= budget {
                    return (Mode::Direct, listed_all(all));
                }
            }
            let mut items = [discovery(), extra].concat();
            for name in CORE {
                let Some(def) = registry::find(name)
                    .filter(|d| release.as_ref().is_none_or(|r| r.has(d)))
                    .map(|d| release.as_ref().map_or(d, |r| r.entry(d)))
                    .filter(|d| policy.check(d).is_ok() && !hidden.contains(d.name))
                else {
                    continue;
                };
                items.push(listed(def, false, clusters));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::releases::{self, Release};

    fn policy(tier: Tier) -> Policy {
        Policy::new(tier, Category::ALL.iter().copied().collect(), false)
    }

    #[test]
    fn auto_falls_back_to_discovery_when_direct_is_over_budget() {
        let (mode, tools) = session_tools(&policy(Tier::ReadOnly), ToolMode::Auto, 4000, false, &[]);
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
        let small = Policy::new(Tier::ReadOnly, [Category::Pools].into_iter().collect(), false);
        let (mode, tools) = session_tools(&small, ToolMode::Auto, 4000, false, &[]);
        assert_eq!(mode, Mode::Direct);
        assert!(tools.iter().all(|t| t.name.starts_with("pools_")));
    }

    #[test]
    fn a_known_release_lists_its_own_tools() {
        let eight = Release::named("8").unwrap();
        let l = listing(&policy(Tier::Full), ToolMode::Direct, 4000, false, &[], Some(Listed::One(eight)));
        assert_eq!(l.len(), releases::tools_of(eight).len());
        assert!(!l.contains("qemu_vm_dbus_vmstate"));
        assert!(l.json().contains("\"notification-policy\""));
    }

    #[test]
    fn clusters_at_different_releases_list_every_tool_any_has_saying_where_it_is_not() {
        let eight = Release::named("8").unwrap();
        let mixed = Listed::Mixed(vec![("old".to_owned(), eight), ("new".to_owned(), Release::primary())].into());
        let names = ["old".to_owned(), "new".to_owned()];
        let l = listing(&policy(Tier::Full), ToolMode::Direct, 4000, false, &names, Some(mixed.clone()));
        assert_eq!(l.len(), mixed.tools().len());
        assert!(l.contains("qemu_vm_dbus_vmstate"), "a tool only the newer cluster has is listed");
        assert!(l.json().contains("Not on cluster `old` (PVE 8.x)."));
        assert!(l.json().contains("Not on cluster `new` (PVE 9.2)."), "8.x's own tools and parameters too");
    }

    #[test]
    fn a_known_release_keeps_the_other_products_tools_beside_it() {
        let both = Policy { products: Some([Product::Pve, Product::Pbs].into()), ..policy(Tier::Full) };
        let unknown = listing(&both, ToolMode::Direct, 4000, false, &[], None);
        let known = listing(&both, ToolMode::Direct, 4000, false, &[], Some(Listed::One(Release::primary())));
        assert!(unknown.contains("pbs_version_get"), "the Backup Server's tools are listed");
        assert!(Arc::ptr_eq(&known, &unknown), "one copy for both");
        let hidden = BTreeSet::new();
        let (_, items) =
            build(&both, ToolMode::Direct, 4000, false, &hidden, &[], Some(Listed::One(Release::primary())));
        assert_eq!(joined(items).1, unknown.json(), "the primary release lists as before it was known");
        let eight = listing(&both, ToolMode::Direct, 4000, false, &[], Some(Listed::One(Release::named("8").unwrap())));
        assert!(eight.contains("pbs_version_get") && !eight.contains("qemu_vm_dbus_vmstate"));
    }

    #[test]
    fn a_profile_is_built_once_and_shared() {
        let a = listing(&policy(Tier::Full), ToolMode::Direct, 4000, false, &[], None);
        let b = listing(&policy(Tier::Full), ToolMode::Direct, 4000, false, &[], None);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.len(), policy(Tier::Full).visible_tools().count());
    }
}
