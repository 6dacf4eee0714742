//! How a Datacenter Manager's forms are read: its remotes (`remote`, a remote's `id`, a migration's
//! `target`, the remote of a task id `pve:<remote>!UPID:…`), calls acting on every remote, calls
//! counting the whole estate or naming a remote's thing without its remote, and which entries of
//! its listings are shown. The nodes, guests, datastores and namespaces PDM addresses on its
//! remotes are read by PVE's and the Backup Server's forms, as on those products directly.

use serde_json::{Map, Value};

use super::forms::{clip, list_items};
use super::{Layer, List, NotAllowed, Reason};
use crate::pve::product::Product;
use crate::pve::request::PveRequest;
use crate::pve::task::Upid;
use crate::tools::references::Scope;
use crate::tools::registry::ToolDef;

impl Layer {
    pub(super) fn check_remote(&self, argument: &str, remote: &str, within: Option<&str>) -> Result<(), NotAllowed> {
        match &self.remotes {
            Some(allowed) if !allowed.contains(remote) => {
                Err(self.outside(List::Remotes, argument, "remote", remote.into(), within))
            }
            _ => Ok(()),
        }
    }

    /// A Datacenter Manager call acting on every remote unless narrowed: refused under a remote
    /// allowlist when its list names none (or, with no list, always); the names are checked as
    /// references.
    pub(super) fn check_remote_scope(&self, scope: &Scope, request: &PveRequest) -> Result<(), NotAllowed> {
        if self.remotes.is_none() {
            // The subscription bulk actions act on the nodes of every remote: a node allowlist
            // cannot narrow them either.
            if self.nodes.is_some() && request.path.starts_with("/subscriptions/") {
                return Err(self.whole(List::Nodes, "acts on the nodes of every remote"));
            }
            return Ok(());
        }
        let named = request.params.iter().filter(|(n, _)| n == scope.list).flat_map(|(_, v)| list_items(v)).count();
        if named > 0 {
            return Ok(());
        }
        let (argument, value) = match scope.list {
            "" => ("", "acts on every remote, and no argument narrows it".to_owned()),
            list => (list, "is missing or empty, which means every remote".to_owned()),
        };
        Err(NotAllowed {
            argument: argument.into(),
            what: "remotes",
            value,
            variable: List::Remotes.setting(&self.source),
            reason: Reason::AllGuests { list: scope.list.to_owned() },
            product: Product::Pve,
        })
    }

    /// A Datacenter Manager call the references cannot fence: a Backup Server remote's task id,
    /// whose worker id names a datastore, namespace and group; a summary counting across what the
    /// allowlists fence ([`SUMMARIES`]), refused under any list; and a call naming a remote's
    /// thing by an id that does not say which remote ([`UNSCOPED`]), refused under a remote or
    /// node allowlist.
    pub(super) fn check_pdm_call(&self, tool: &ToolDef, args: &Map<String, Value>) -> Result<(), NotAllowed> {
        if tool.path.starts_with("/pbs/remotes/{remote}/tasks/{upid}")
            && let Some(upid) = args.get("upid").and_then(Value::as_str)
        {
            self.check_pbs_task("upid", upid)?;
        }
        if let Some((_, what)) = SUMMARIES.iter().find(|(p, _)| *p == tool.path) {
            let list = [
                (self.remotes.is_some(), List::Remotes),
                (self.vmids.is_some(), List::Vmids),
                (self.nodes.is_some(), List::Nodes),
                (self.datastores.is_some(), List::Datastores),
                (self.namespaces.is_some(), List::Namespaces),
            ]
            .into_iter()
            .find_map(|(set, list)| set.then_some(list));
            if let Some(list) = list {
                return Err(self.whole(list, what));
            }
        }
        let unscoped = UNSCOPED.iter().find(|(m, p, _, _)| *m == tool.method.as_str() && tool.path.starts_with(p));
        if let Some((_, _, argument, what)) = unscoped {
            let list = match (self.remotes.is_some(), self.nodes.is_some()) {
                (true, _) => List::Remotes,
                (false, true) => List::Nodes,
                (false, false) => return Ok(()),
            };
            return Err(NotAllowed {
                argument: (*argument).into(),
                what,
                value: clip(args.get(*argument).and_then(Value::as_str).unwrap_or_default()),
                variable: list.setting(&self.source),
                reason: Reason::Unscoped,
                product: Product::Pdm,
            });
        }
        Ok(())
    }

    /// A refusal of a call acting on, or counting, the whole of what `list` fences.
    pub(super) fn whole(&self, list: List, value: &str) -> NotAllowed {
        NotAllowed {
            argument: String::new(),
            what: "call",
            value: value.to_owned(),
            variable: list.setting(&self.source),
            reason: Reason::Whole,
            product: Product::Pve,
        }
    }

    fn remote_allowed(&self, remote: &str) -> bool {
        self.remotes.as_ref().is_none_or(|r| r.contains(remote))
    }

    /// Leaves out of a Datacenter Manager listing the entries that name a remote, node, guest,
    /// datastore or namespace outside the allowlists. Unlike PVE's listings, an entry whose remote
    /// (where [`LISTINGS`] says where it is) or guest cannot be read is left out too. A listing of
    /// the manager's own (its node's tasks, its users) names nothing fenced and is kept whole.
    pub(super) fn pdm_filter(&self, path: &str, data: &mut Value) {
        let below_remote = path.starts_with(PVE_TREE) || path.starts_with(PBS_TREE);
        if !below_remote && !LISTINGS.iter().any(|(p, _, _)| *p == path) {
            return;
        }
        self.pdm_entries(path, data, false);
    }

    fn pdm_entries(&self, path: &str, data: &mut Value, nested: bool) {
        match data {
            Value::Array(items) => {
                items.retain(|item| item.as_object().is_none_or(|obj| self.pdm_entry_allowed(path, obj, nested)));
                for item in items {
                    self.pdm_members(path, item);
                }
            }
            Value::Object(_) => self.pdm_members(path, data),
            _ => {}
        }
    }

    /// The lists within an entry (a remote's `resources`, a firewall status's `nodes` and their
    /// `guests`, the top entities' three lists), read as entries of the same remote; and the maps
    /// keyed by remote (the update summary's `remotes`) or node (a subscription's `node-status`).
    fn pdm_members(&self, path: &str, item: &mut Value) {
        let Some(obj) = item.as_object_mut() else { return };
        for key in ["resources", "nodes", "guests"] {
            if let Some(list @ Value::Array(_)) = obj.get_mut(key) {
                self.pdm_entries(path, list, true);
            }
        }
        for key in ["guest-cpu", "node-cpu", "node-memory"] {
            if let Some(list @ Value::Array(_)) = obj.get_mut(key) {
                self.pdm_entries(path, list, false);
            }
        }
        if path == "/remotes/updates/summary"
            && let Some(Value::Object(remotes)) = obj.get_mut("remotes")
        {
            remotes.retain(|remote, _| self.remote_allowed(remote));
            // Each remote's summary lists its nodes by name.
            for summary in remotes.values_mut() {
                if let Some(Value::Object(nodes)) = summary.get_mut("nodes") {
                    nodes.retain(|node, _| self.node_allowed(node));
                }
            }
        }
        if let Some(Value::Object(nodes)) = obj.get_mut("node-status") {
            nodes.retain(|node, _| self.node_allowed(node));
        }
    }

    fn pdm_entry_allowed(&self, path: &str, obj: &Map<String, Value>, nested: bool) -> bool {
        let text = |field: &str| match obj.get(field) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let upid = text("upid").and_then(|u| Upid::parse(&u));
        if !nested && let Some((_, field, required)) = LISTINGS.iter().find(|(p, _, _)| *p == path) {
            let remote = match *field {
                "upid" => upid.as_ref().and_then(|u| u.remote.as_ref()).map(|r| r.remote.clone()),
                field => text(field),
            };
            match remote {
                Some(r) if !self.remote_allowed(&r) => return false,
                None if *required && self.remotes.is_some() => return false,
                _ => {}
            }
        }
        let pbs_task = upid.as_ref().and_then(|u| u.remote.as_ref()).is_some_and(|r| r.product == "pbs");
        if path.starts_with(PBS_TREE) || pbs_task {
            // A Backup Server's entry, read as on the Backup Server (whose one node no PVE node
            // list names).
            if path == "/pbs/remotes/{remote}/datastore" && self.datastores.is_some() && text("name").is_none() {
                return false;
            }
            let store_field = if path == "/pbs/remotes/{remote}/datastore" { "name" } else { "store" };
            let task = path == "/pbs/remotes/{remote}/tasks" || pbs_task;
            return self.pbs_entry_allowed(store_field, obj) && (!task || self.pbs_task_allowed(obj));
        }
        if let Some(Value::Object(resource)) = obj.get("resource")
            && !self.pdm_entry_allowed(path, resource, true)
        {
            return false;
        }
        // A resource of the estate: a guest must name its VMID, a PBS datastore its name.
        let kind = text("type").unwrap_or_default();
        let guest = matches!(kind.as_str(), "pve-qemu" | "pve-lxc" | "qemu" | "lxc");
        if guest && self.vmids.is_some() && text("vmid").is_none() {
            return false;
        }
        if kind == "pbs-datastore" {
            return text("name").is_some_and(|n| self.datastore_allowed(&n));
        }
        super::ENTRY_FIELDS.iter().all(|(field, names)| match text(field) {
            Some(value) => self.check_names(*names, field, &value).is_ok(),
            None => true,
        })
    }
}

/// The remote-proxying trees, whose paths name the remote.
const PVE_TREE: &str = "/pve/remotes/{remote}/";
const PBS_TREE: &str = "/pbs/remotes/{remote}/";

/// The manager's listings across its remotes: (tool path, the field naming an entry's remote —
/// `upid` for a remote task id `pve:<remote>!…` —, whether an entry without it is left out under a
/// remote allowlist). Entries are then read like a remote's ([`Layer::pdm_filter`]).
pub(super) const LISTINGS: &[(&str, &str, bool)] = &[
    ("/resources/list", "remote", true),
    ("/resources/subscription", "remote", true),
    ("/resources/top-entities", "remote", true),
    ("/remotes/remote", "id", true),
    ("/remotes/metric-collection/status", "remote", true),
    ("/remotes/tasks/list", "upid", true),
    ("/remotes/updates/summary", "", false),
    ("/pve/remotes", "remote", true),
    ("/pbs/remotes", "remote", true),
    ("/pve/firewall/status", "remote", true),
    ("/sdn/controllers", "remote", true),
    ("/sdn/vnets", "remote", true),
    ("/sdn/zones", "remote", true),
    // A key not assigned to any remote names none.
    ("/subscriptions/keys", "remote", false),
    ("/subscriptions/node-status", "remote", true),
    ("/ceph/clusters", "remote", true),
];

/// Counts across the estate, which would count what the allowlists fence: (tool path, what it
/// does). Refused under any allowlist; the filtered listings give the same facts per entry.
pub(super) const SUMMARIES: &[(&str, &str)] = &[
    ("/resources/status", "counts the remotes, nodes and guests of the whole estate by state"),
    ("/remotes/tasks/statistics", "counts the tasks of every remote by type and by remote"),
    ("/resources/location-info", "gives the location of every remote"),
];

/// Calls naming a remote's thing by an id that does not say which remote it is on: (method, path
/// prefix, argument, what it names).
pub(super) const UNSCOPED: &[(&str, &str, &str, &str)] = &[
    ("GET", "/ceph/clusters/{cluster}", "cluster", "Ceph cluster"),
    ("GET", "/subscriptions/keys/{key}", "key", "subscription key"),
    ("DELETE", "/subscriptions/keys/{key}", "key", "subscription key"),
];
