//! Allowlists: `PVE_NODE_ALLOWLIST` and `PVE_VMID_ALLOWLIST` (comma lists; VMIDs also as ranges like
//! `100-199`). A call that names a node or guest outside them anywhere PVE encodes one (its path, a
//! guest or node argument, a volume id such as `local-lvm:vm-101-disk-0` or a backup archive, a
//! disk's `file` or `import-from`, a replication job id, a task id, ...) is refused before anything
//! is sent, and so is a call that would act on every guest (an empty or missing guest list, `all`,
//! `pool`). Which arguments name what is generated from the schema ([`crate::tools::references`]);
//! how each form is read is here. Listings leave out the entries that name what is not allowed.
//!
//! An allowlist is a stack of layers, one per setting that limits a caller (the server's variables,
//! a caller's token entry or OAuth mapping, a `[[cluster]]` table): a call must pass every layer,
//! and a refusal names the setting of the layer that refused it ([`Source`]). How each form a node
//! or guest hides in is read is [`forms`]'s.
//!
//! A Backup Server adds `PBS_DATASTORES` and `PBS_NAMESPACES`, and the VMID allowlist reaches its
//! backup groups (`vm/100`, `ct/100`); how its forms are read is [`pbs`]'s. A Datacenter Manager
//! adds `PDM_REMOTE_ALLOWLIST`, and every other list reaches what it addresses on its remotes; its
//! remotes, calls on the whole estate and listings are [`pdm`]'s. What a refusal says is
//! [`refusal`]'s.

mod forms;
mod parse;
mod pbs;
mod pdm;
mod refusal;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use self::forms::{clip, guest_id, list_items, property_values, replication_guest, task_names, volume_guests};
pub use self::parse::{ParseError, Setting};
pub use self::refusal::{NotAllowed, Reason};
use crate::policy::Source;
use crate::pve::product::Product;
use crate::pve::request::PveRequest;
use crate::pve::task::Upid;
use crate::tools::references::{self, Names, Reference, Scope};
use crate::tools::registry::{self, ToolDef};

/// The allowlists of one caller on one cluster; no layer means "no restriction".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    layers: Vec<Layer>,
}

/// The allowlists one setting holds, and which setting that is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Layer {
    nodes: Option<BTreeSet<String>>,
    vmids: Option<Vec<(u64, u64)>>,
    /// A Datacenter Manager's remotes.
    remotes: Option<BTreeSet<String>>,
    /// A Backup Server's datastores.
    datastores: Option<BTreeSet<String>>,
    /// A Backup Server's namespaces, each allowing itself and what is below it.
    namespaces: Option<Vec<String>>,
    source: Source,
}

/// Which of a layer's lists a refusal comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Nodes,
    Vmids,
    Remotes,
    Datastores,
    Namespaces,
}

const VMIDS: &str = "PVE_VMID_ALLOWLIST";
const NODES: &str = "PVE_NODE_ALLOWLIST";
const REMOTES: &str = "PDM_REMOTE_ALLOWLIST";
const DATASTORES: &str = "PBS_DATASTORES";
const NAMESPACES: &str = "PBS_NAMESPACES";

impl List {
    /// The setting of `source` that holds this list.
    fn setting(self, source: &Source) -> Box<str> {
        let setting = match self {
            List::Nodes => source.setting("node_allowlist", NODES),
            List::Vmids => source.setting("vmid_allowlist", VMIDS),
            List::Remotes => source.setting("remote_allowlist", REMOTES),
            List::Datastores => source.setting("datastores", DATASTORES),
            List::Namespaces => source.setting("namespaces", NAMESPACES),
        };
        setting.into_boxed_str()
    }
}

impl Allowlist {
    /// The allowlists as a person reads them: `"all"`, or the nodes and VMID ranges allowed.
    pub fn describe(&self) -> serde_json::Value {
        let all = self.layers.iter().fold(Layer::default(), |a, b| a.intersect(b));
        let nodes = match &all.nodes {
            None => serde_json::json!("all"),
            Some(n) => serde_json::json!(n),
        };
        let vmids = match &all.vmids {
            None => serde_json::json!("all"),
            Some(r) => serde_json::json!(
                r.iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect::<Vec<_>>()
            ),
        };
        let mut out = serde_json::json!({ "nodes": nodes, "vmids": vmids });
        if let Some(r) = &all.remotes {
            out["remotes"] = serde_json::json!(r);
        }
        if let Some(d) = &all.datastores {
            out["datastores"] = serde_json::json!(d);
        }
        if let Some(n) = &all.namespaces {
            out["namespaces"] = serde_json::json!(n);
        }
        out
    }

    /// Parses the two settings (empty or missing: no restriction); errors name the setting and the
    /// item.
    pub fn parse(nodes: Option<&str>, vmids: Option<&str>) -> Result<Allowlist, ParseError> {
        fn given(s: Option<&str>) -> Option<&str> {
            s.map(str::trim).filter(|s| !s.is_empty())
        }
        let nodes = given(nodes).map(parse::nodes).transpose()?;
        let vmids = given(vmids).map(parse::vmids).transpose()?;
        let layer = Layer { nodes, vmids, source: Source::Server, ..Layer::default() };
        Ok(Allowlist { layers: if layer.is_empty() { Vec::new() } else { vec![layer] } })
    }

    /// The same lists, and a Datacenter Manager's remote allowlist (`PDM_REMOTE_ALLOWLIST`; empty
    /// or missing: no restriction) as one more layer, set by the same setting as the others.
    pub fn with_remotes(mut self, remotes: Option<&str>) -> Result<Allowlist, ParseError> {
        let Some(raw) = remotes.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(self) };
        let source = self.layers.first().map_or(Source::Server, |l| l.source.clone());
        self.layers.push(Layer { remotes: Some(parse::remotes(raw)?), source, ..Layer::default() });
        Ok(self)
    }

    /// Adds a Backup Server's two settings (`PBS_DATASTORES`, `PBS_NAMESPACES`; empty or missing:
    /// no restriction) to the lists [`Allowlist::parse`] read, as one setting's layer.
    pub fn with_pbs(mut self, datastores: Option<&str>, namespaces: Option<&str>) -> Result<Allowlist, ParseError> {
        let given = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let datastores = given(datastores).as_deref().map(parse::datastores).transpose()?;
        let namespaces = given(namespaces).as_deref().map(parse::namespaces).transpose()?;
        if datastores.is_none() && namespaces.is_none() {
            return Ok(self);
        }
        if self.layers.len() != 1 {
            self.layers.push(Layer::default());
        }
        let layer = self.layers.last_mut().expect("one layer");
        (layer.datastores, layer.namespaces) = (datastores, namespaces);
        Ok(self)
    }

    /// The same lists, as set by `source` (a caller's entry, a cluster table): what refusals name.
    pub fn set_by(mut self, source: Source) -> Allowlist {
        for layer in &mut self.layers {
            layer.source = source.clone();
        }
        self
    }

    /// What both allowlists allow (an HTTP caller's own allowlist within the server's): a call
    /// must pass the layers of both.
    pub fn intersect(&self, other: &Allowlist) -> Allowlist {
        Allowlist { layers: self.layers.iter().chain(&other.layers).cloned().collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    pub fn node_allowed(&self, node: &str) -> bool {
        self.layers.iter().all(|l| l.node_allowed(node))
    }

    pub fn vmid_allowed(&self, vmid: u64) -> bool {
        self.layers.iter().all(|l| l.vmid_allowed(vmid))
    }

    /// Checks a call: its arguments (for path segments) and the request built from them (what
    /// PVE would receive), against every layer. Runs after the arguments were validated.
    pub fn check(&self, tool: &ToolDef, args: &Map<String, Value>, request: &PveRequest) -> Result<(), NotAllowed> {
        let product = registry::product_of(tool);
        self.layers.iter().try_for_each(|l| l.check(tool, args, request)).map_err(|e| NotAllowed { product, ..e })
    }

    /// Leaves out of a listing (an array, or a pool's `members`) the entries that name a node or
    /// guest outside the allowlists. Entries are read leniently: a field that cannot be read keeps
    /// its entry; a Datacenter Manager's listings fail closed instead ([`pdm`]).
    pub fn filter(&self, tool: &ToolDef, data: &mut Value) {
        for layer in &self.layers {
            layer.filter(tool, data);
        }
    }
}

impl Layer {
    /// What both layers allow (for showing the allowlists in force).
    fn intersect(&self, other: &Layer) -> Layer {
        let nodes = match (&self.nodes, &other.nodes) {
            (Some(a), Some(b)) => Some(a.intersection(b).cloned().collect()),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        let vmids = match (&self.vmids, &other.vmids) {
            (Some(a), Some(b)) => Some(
                a.iter()
                    .flat_map(|(lo1, hi1)| b.iter().map(move |(lo2, hi2)| ((*lo1).max(*lo2), (*hi1).min(*hi2))))
                    .filter(|(lo, hi)| lo <= hi)
                    .collect(),
            ),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        let remotes = match (&self.remotes, &other.remotes) {
            (Some(a), Some(b)) => Some(a.intersection(b).cloned().collect()),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        let datastores = match (&self.datastores, &other.datastores) {
            (Some(a), Some(b)) => Some(a.intersection(b).cloned().collect()),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        let namespaces = pbs::intersect_namespaces(&self.namespaces, &other.namespaces);
        Layer { nodes, vmids, remotes, datastores, namespaces, source: self.source.clone() }
    }

    fn is_empty(&self) -> bool {
        self.nodes.is_none()
            && self.vmids.is_none()
            && self.remotes.is_none()
            && self.datastores.is_none()
            && self.namespaces.is_none()
    }

    fn node_allowed(&self, node: &str) -> bool {
        self.nodes.as_ref().is_none_or(|n| n.contains(node))
    }

    fn vmid_allowed(&self, vmid: u64) -> bool {
        self.vmids.as_ref().is_none_or(|r| r.iter().any(|(a, b)| (*a..=*b).contains(&vmid)))
    }

    fn check(&self, tool: &ToolDef, args: &Map<String, Value>, request: &PveRequest) -> Result<(), NotAllowed> {
        if self.is_empty() {
            return Ok(());
        }
        let product = registry::product_of(tool);
        if let Some(entry) = references::of(tool.name) {
            self.check_references(product, tool, entry, args, request)?;
        }
        match product {
            Product::Pdm => self.check_pdm_call(tool, args),
            Product::Pbs => self.check_pbs_call(tool, args, request),
            Product::Pve => Ok(()),
        }
    }

    /// What a call's arguments name ([`references`]), and its scope.
    fn check_references(
        &self,
        product: Product,
        tool: &ToolDef,
        entry: &references::ToolReferences,
        args: &Map<String, Value>,
        request: &PveRequest,
    ) -> Result<(), NotAllowed> {
        for r in entry.references {
            let values = sent_values(r, args, request);
            if values.is_empty() && r.keys.is_empty() && r.names == Names::Namespace {
                // Left out, a namespace is the root one.
                self.check_value(r.names, r.param, "", args, request)?;
            }
            for (argument, value) in values {
                if r.keys.is_empty() {
                    self.check_value(r.names, &argument, &value, args, request)?;
                } else {
                    for v in property_values(&value, r.keys, r.default_key) {
                        self.check_value(r.names, &argument, &v, args, request)?;
                    }
                }
            }
        }
        match &entry.scope {
            Some(scope) if product == Product::Pdm => self.check_remote_scope(scope, request)?,
            Some(scope) => self.check_scope(tool.name, scope, args, request)?,
            None => {}
        }
        Ok(())
    }

    /// One value of a reference: a Backup Server's forms ([`pbs`]) or PVE's.
    fn check_value(
        &self,
        names: Names,
        argument: &str,
        value: &str,
        args: &Map<String, Value>,
        request: &PveRequest,
    ) -> Result<(), NotAllowed> {
        if pbs::reads(names) {
            let backup_type = request
                .params
                .iter()
                .find(|(n, _)| n == "backup-type")
                .map(|(_, v)| v.as_str())
                .or_else(|| args.get("backup-type").and_then(Value::as_str));
            self.check_pbs(names, argument, value, backup_type)
        } else {
            self.check_names(names, argument, value)
        }
    }

    fn outside(
        &self,
        list: List,
        argument: &str,
        what: &'static str,
        value: String,
        within: Option<&str>,
    ) -> NotAllowed {
        let within = within.filter(|w| *w != value).map(str::to_owned);
        let variable = list.setting(&self.source);
        NotAllowed {
            argument: argument.into(),
            what,
            value,
            variable,
            reason: Reason::Outside { within },
            product: Product::Pve,
        }
    }

    /// A value that should name a guest (every unreadable form is one the VMID list reads).
    fn unreadable(&self, argument: &str, what: &'static str, value: &str) -> NotAllowed {
        let variable = List::Vmids.setting(&self.source);
        NotAllowed {
            argument: argument.into(),
            what,
            value: clip(value),
            variable,
            reason: Reason::Unreadable,
            product: Product::Pve,
        }
    }

    fn check_node(&self, argument: &str, node: &str, within: Option<&str>) -> Result<(), NotAllowed> {
        if self.node_allowed(node) {
            Ok(())
        } else {
            Err(self.outside(List::Nodes, argument, "node", node.into(), within))
        }
    }

    fn check_guest(&self, argument: &str, id: u64, within: Option<&str>) -> Result<(), NotAllowed> {
        if self.vmid_allowed(id) {
            Ok(())
        } else {
            Err(self.outside(List::Vmids, argument, "guest", id.to_string(), within))
        }
    }

    /// Checks one value of an argument that names guests or nodes in the form `names`.
    fn check_names(&self, names: Names, argument: &str, value: &str) -> Result<(), NotAllowed> {
        let (nodes, guests) = (self.nodes.is_some(), self.vmids.is_some());
        match names {
            Names::Node if nodes => self.check_node(argument, value.trim(), None),
            Names::Nodes if nodes => {
                // HA node lists carry priorities: `pve1:2,pve2`.
                for node in list_items(value) {
                    self.check_node(argument, node.split(':').next().unwrap_or(node), Some(value))?;
                }
                Ok(())
            }
            Names::Guest | Names::HaResource if guests => {
                let id = guest_id(value).ok_or_else(|| self.unreadable(argument, "guest", value))?;
                self.check_guest(argument, id, None)
            }
            Names::Guests | Names::HaResources if guests => {
                for item in list_items(value) {
                    let id = guest_id(item).ok_or_else(|| self.unreadable(argument, "guest", item))?;
                    self.check_guest(argument, id, None)?;
                }
                Ok(())
            }
            Names::Volume if guests => {
                let ids = volume_guests(value).ok_or_else(|| self.unreadable(argument, "guest", value))?;
                ids.into_iter().try_for_each(|id| self.check_guest(argument, id, Some(value)))
            }
            Names::ReplicationJob if guests => {
                let id = replication_guest(value).ok_or_else(|| self.unreadable(argument, "replication job", value))?;
                self.check_guest(argument, id, Some(value))
            }
            Names::AclPath => self.check_acl_path(argument, value),
            Names::Remote => self.check_remote(argument, value.trim(), None),
            Names::Remotes => list_items(value).try_for_each(|r| self.check_remote(argument, r, Some(value))),
            Names::Task => {
                if let Some(remote) = Upid::parse(value.trim()).and_then(|u| u.remote) {
                    self.check_remote(argument, &remote.remote, Some(value))?;
                    if remote.product == "pbs" {
                        // A Backup Server remote's task: its worker id, as on the Backup Server.
                        return self.check_pbs_task(argument, value);
                    }
                }
                let (node, ids) = task_names(value).ok_or_else(|| self.unreadable(argument, "task id", value))?;
                if nodes {
                    self.check_node(argument, &node, Some(value))?;
                }
                if guests {
                    ids.into_iter().try_for_each(|id| self.check_guest(argument, id, Some(value)))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A permission path: `/vms/<id>` and `/nodes/<node>` are checked; paths covering every guest
    /// (`/`, `/vms`, `/pool/…`) or node (`/`, `/nodes`) are refused under the matching allowlist.
    fn check_acl_path(&self, argument: &str, value: &str) -> Result<(), NotAllowed> {
        let path = value.trim().trim_end_matches('/');
        let mut parts = path.trim_start_matches('/').split('/');
        let (first, second) = (parts.next().unwrap_or(""), parts.next());
        let every = |what: &'static str, list: List| NotAllowed {
            argument: argument.into(),
            what,
            value: format!("`{}` covers every {}", if path.is_empty() { "/" } else { path }, &what[..what.len() - 1]),
            variable: list.setting(&self.source),
            reason: Reason::AllGuests { list: argument.to_owned() },
            product: Product::Pve,
        };
        match (first, second) {
            ("", _) if self.vmids.is_some() => Err(every("guests", List::Vmids)),
            ("", _) if self.nodes.is_some() => Err(every("nodes", List::Nodes)),
            ("vms", None) | ("pool", _) if self.vmids.is_some() => Err(every("guests", List::Vmids)),
            ("nodes", None) if self.nodes.is_some() => Err(every("nodes", List::Nodes)),
            ("vms", Some(id)) if self.vmids.is_some() => {
                let id = guest_id(id).ok_or_else(|| self.unreadable(argument, "guest", value))?;
                self.check_guest(argument, id, Some(value))
            }
            ("nodes", Some(node)) if self.nodes.is_some() => self.check_node(argument, node, Some(value)),
            _ => Ok(()),
        }
    }

    /// A call acting on every guest unless narrowed: refused under a VMID allowlist when not narrowed.
    fn check_scope(
        &self,
        tool: &str,
        scope: &Scope,
        args: &Map<String, Value>,
        request: &PveRequest,
    ) -> Result<(), NotAllowed> {
        if self.vmids.is_none() {
            return Ok(());
        }
        let all = |argument: &str, value: String| NotAllowed {
            argument: argument.into(),
            what: "guests",
            value,
            variable: List::Vmids.setting(&self.source),
            reason: Reason::AllGuests { list: scope.list.to_owned() },
            product: Product::Pve,
        };
        for (name, value) in &request.params {
            if !scope.widening.contains(&name.as_str()) {
                continue;
            }
            match value.as_str() {
                "0" | "" => {}
                "1" if scope.list.is_empty() => return Err(all(name, "asks for every backup group".into())),
                "1" => return Err(all(name, "asks for every guest".into())),
                pool => return Err(all(name, format!("asks for every guest of pool `{}`", clip(pool)))),
            }
        }
        if scope.list.is_empty() {
            return match scope.absent_means_all {
                true => Err(all(tool, "acts on every backup group it reaches".into())),
                false => Ok(()),
            };
        }
        let named = request.params.iter().filter(|(n, _)| n == scope.list).flat_map(|(_, v)| list_items(v)).count();
        if named == 0 {
            let given = args.get(scope.list).is_some_and(|v| !v.is_null());
            if given {
                return Err(all(scope.list, "is empty, which means every guest".into()));
            }
            if scope.absent_means_all {
                return Err(all(scope.list, "is missing, which means every guest".into()));
            }
        }
        Ok(())
    }

    fn filter(&self, tool: &ToolDef, data: &mut Value) {
        if self.is_empty() {
            return;
        }
        if registry::product_of(tool) == Product::Pdm {
            return self.pdm_filter(tool.path, data);
        }
        match data {
            Value::Array(items) => {
                items.retain(|item| self.entry_allowed(tool, item));
                for item in items {
                    self.filter_members(tool, item);
                }
            }
            Value::Object(_) => self.filter_members(tool, data),
            _ => {}
        }
    }

    /// A pool's `members`.
    fn filter_members(&self, tool: &ToolDef, item: &mut Value) {
        if let Some(members @ Value::Array(_)) = item.get_mut("members") {
            self.filter(tool, members);
        }
    }

    fn entry_allowed(&self, tool: &ToolDef, item: &Value) -> bool {
        let Some(obj) = item.as_object() else { return true };
        if pbs::is_pbs(tool) {
            let store_field = if tool.path == "/config/datastore" { "name" } else { "store" };
            let task = tool.path == "/nodes/{node}/tasks";
            return self.pbs_entry_allowed(store_field, obj) && (!task || self.pbs_task_allowed(obj));
        }
        let path = tool.path;
        let extra = LISTING_FIELDS.iter().filter(|(p, ..)| *p == path);
        let common = ENTRY_FIELDS.iter().map(|(field, names)| (path, *field, *names, None));
        common.chain(extra.copied()).all(|(_, field, names, only_if)| {
            if let Some((key, want)) = only_if
                && obj.get(key).and_then(Value::as_str) != Some(want)
            {
                return true;
            }
            let text = match obj.get(field) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return true,
            };
            match self.check_names(names, field, &text) {
                Ok(()) => true,
                Err(e) => !matches!(e.reason, Reason::Outside { .. }),
            }
        })
    }
}

/// Fields of any listing's entries that name guests or nodes.
const ENTRY_FIELDS: &[(&str, Names)] = &[
    ("node", Names::Node),
    ("vmid", Names::Guests),
    ("sid", Names::HaResource),
    ("volid", Names::Volume),
    ("upid", Names::Task),
    ("guest", Names::Guest),
    ("remote", Names::Remote),
];

/// More fields, on the listings of one tool path only: (path, field, names, only when
/// `field2 == value`).
type ListingField = (&'static str, &'static str, Names, Option<(&'static str, &'static str)>);
const LISTING_FIELDS: &[ListingField] = &[
    ("/cluster/replication", "id", Names::ReplicationJob, None),
    ("/cluster/replication", "source", Names::Node, None),
    ("/cluster/replication", "target", Names::Node, None),
    ("/nodes/{node}/replication", "id", Names::ReplicationJob, None),
    ("/nodes/{node}/replication", "source", Names::Node, None),
    ("/nodes/{node}/replication", "target", Names::Node, None),
    ("/cluster/status", "name", Names::Node, Some(("type", "node"))),
    ("/cluster/ha/rules", "resources", Names::HaResources, None),
];

/// The values a call sends for one reference: `(argument as sent, value)`.
fn sent_values(r: &Reference, args: &Map<String, Value>, request: &PveRequest) -> Vec<(String, String)> {
    if r.in_path {
        return match args.get(r.param) {
            Some(Value::String(s)) => vec![(r.param.to_owned(), s.clone())],
            Some(Value::Number(n)) => vec![(r.param.to_owned(), n.to_string())],
            _ => Vec::new(),
        };
    }
    request.params.iter().filter(|(name, _)| r.matches(name)).cloned().collect()
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_pdm;
