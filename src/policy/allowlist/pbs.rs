//! How a Backup Server's forms are read: datastores (`store`, a datastore mapping's target),
//! namespaces (`lab` allows `lab` and everything below it, never the root), backup groups (`vm/100`
//! and `ct/100` name guests; `host/…` names none, so it is refused under a VMID allowlist), group
//! filters, and jobs named by id; and which entries of a PBS listing are shown.
//!
//! The node allowlist does not reach PBS tools: a Backup Server is one node, always addressed as
//! `localhost`, which no PVE node list names.

use serde_json::{Map, Value};

use super::forms::{clip, guest_id, list_items, property_values};
use super::{Layer, List, NotAllowed, Reason};
use crate::pve::product::Product;
use crate::pve::request::PveRequest;
use crate::pve::task::Upid;
use crate::tools::references::Names;
use crate::tools::registry::ToolDef;

/// Whether a reference is read here rather than by PVE's forms.
pub(super) fn reads(names: Names) -> bool {
    matches!(
        names,
        Names::Datastore
            | Names::DatastoreMap
            | Names::Namespace
            | Names::ListedNamespace
            | Names::BackupGroup
            | Names::GroupFilter
            | Names::Job
    )
}

/// Whether a tool is a Backup Server's.
pub(super) fn is_pbs(tool: &ToolDef) -> bool {
    let pbs = crate::tools::registry::all_of(crate::pve::product::Product::Pbs);
    pbs.as_ptr_range().contains(&std::ptr::from_ref(tool))
}

/// A namespace as written, without the `/` at either end; empty is the root.
fn trimmed(ns: &str) -> &str {
    ns.trim().trim_matches('/')
}

/// Whether `ns` is `allowed` or below it.
fn within(ns: &str, allowed: &str) -> bool {
    ns == allowed || ns.strip_prefix(allowed).is_some_and(|rest| rest.starts_with('/'))
}

/// What two namespace lists both allow: of each pair, the deeper one when one is within the other.
pub(super) fn intersect_namespaces(a: &Option<Vec<String>>, b: &Option<Vec<String>>) -> Option<Vec<String>> {
    let (Some(a), Some(b)) = (a, b) else { return a.clone().or_else(|| b.clone()) };
    let mut out: Vec<String> = a
        .iter()
        .flat_map(|x| b.iter().filter_map(move |y| if within(x, y) { Some(x) } else { within(y, x).then_some(y) }))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

impl Layer {
    pub(super) fn datastore_allowed(&self, store: &str) -> bool {
        self.datastores.as_ref().is_none_or(|d| d.contains(store))
    }

    fn namespace_allowed(&self, ns: &str) -> bool {
        let ns = trimmed(ns);
        self.namespaces.as_ref().is_none_or(|list| !ns.is_empty() && list.iter().any(|a| within(ns, a)))
    }

    fn check_datastore(&self, argument: &str, store: &str, within: Option<&str>) -> Result<(), NotAllowed> {
        if self.datastore_allowed(store) {
            Ok(())
        } else {
            Err(self.outside(List::Datastores, argument, "datastore", clip(store), within))
        }
    }

    fn check_namespace(&self, argument: &str, ns: &str) -> Result<(), NotAllowed> {
        if self.namespace_allowed(ns) {
            return Ok(());
        }
        if trimmed(ns).is_empty() {
            let variable = List::Namespaces.setting(&self.source);
            return Err(NotAllowed {
                argument: argument.into(),
                what: "namespace",
                value: String::new(),
                variable,
                reason: Reason::Root,
                product: Product::Pve,
            });
        }
        Err(self.outside(List::Namespaces, argument, "namespace", clip(trimmed(ns)), None))
    }

    /// A backup group's guest: `backup-id` read with its `backup-type` (`vm`, `ct`; left out, the
    /// id alone). A `host` group names no guest, so a VMID allowlist never holds it.
    fn check_group(&self, argument: &str, id: &str, backup_type: Option<&str>) -> Result<(), NotAllowed> {
        if self.vmids.is_none() {
            return Ok(());
        }
        let group = backup_type.map_or_else(|| id.to_owned(), |t| format!("{t}/{id}"));
        match backup_type {
            None | Some("vm" | "ct") => {
                let guest = guest_id(id).ok_or_else(|| self.unreadable(argument, "guest", &group))?;
                self.check_guest(argument, guest, Some(&group))
            }
            Some(_) => Err(self.unreadable(argument, "guest", &group)),
        }
    }

    /// One group filter: `group:vm/100` names its guest, `exclude:…` only narrows, and `type:…`
    /// or `regex:…` match the groups of every guest.
    fn check_group_filter(&self, argument: &str, filter: &str) -> Result<(), NotAllowed> {
        if self.vmids.is_none() {
            return Ok(());
        }
        let filter = filter.trim();
        let include = filter.strip_prefix("include:").unwrap_or(filter);
        if include.starts_with("exclude:") {
            return Ok(());
        }
        match include.strip_prefix("group:").and_then(|g| g.split_once('/')) {
            Some((t, id)) => self.check_group(argument, id, Some(t)),
            None => Err(NotAllowed {
                argument: argument.into(),
                what: "guests",
                value: format!("`{}` matches the groups of every guest", clip(filter)),
                variable: List::Vmids.setting(&self.source),
                reason: Reason::AllGuests { list: format!("{argument}` as `group:vm/<id>") },
                product: Product::Pve,
            }),
        }
    }

    /// A job by id: refused under any list that reaches PBS, naming the first one set.
    fn check_job(&self, argument: &str, id: &str) -> Result<(), NotAllowed> {
        let list = [
            (self.datastores.is_some(), List::Datastores),
            (self.namespaces.is_some(), List::Namespaces),
            (self.vmids.is_some(), List::Vmids),
        ]
        .into_iter()
        .find_map(|(set, list)| set.then_some(list));
        match list {
            None => Ok(()),
            Some(list) => Err(NotAllowed {
                argument: argument.into(),
                what: "job",
                value: clip(id),
                variable: list.setting(&self.source),
                reason: Reason::ById,
                product: Product::Pve,
            }),
        }
    }

    /// Checks one value of an argument naming a Backup Server's datastore, namespace, backup
    /// group or job.
    pub(super) fn check_pbs(
        &self,
        names: Names,
        argument: &str,
        value: &str,
        backup_type: Option<&str>,
    ) -> Result<(), NotAllowed> {
        match names {
            Names::Datastore => self.check_datastore(argument, value.trim(), None),
            Names::DatastoreMap => list_items(value).try_for_each(|mapping| {
                let target = mapping.rsplit_once('=').map_or(mapping, |(_, t)| t);
                self.check_datastore(argument, target.trim(), Some(mapping))
            }),
            Names::Namespace => self.check_namespace(argument, value),
            Names::ListedNamespace if trimmed(value).is_empty() => Ok(()),
            Names::ListedNamespace => self.check_namespace(argument, value),
            Names::BackupGroup => self.check_group(argument, value.trim(), backup_type),
            Names::GroupFilter => self.check_group_filter(argument, value),
            Names::Job => self.check_job(argument, value),
            _ => Ok(()),
        }
    }

    /// Whether a PBS listing's entry is shown: its datastore (`store_field`: `store`, or a
    /// datastore listing's `name`), its `ns`, and its group's guest (`backup-type` with
    /// `backup-id`) must be allowed. A field that is missing keeps its entry.
    pub(super) fn pbs_entry_allowed(&self, store_field: &str, obj: &Map<String, Value>) -> bool {
        let text = |field: &str| obj.get(field).and_then(Value::as_str);
        if let Some(store) = text(store_field)
            && !self.datastore_allowed(store.trim())
        {
            return false;
        }
        if let Some(ns) = text("ns")
            && !self.namespace_allowed(ns)
        {
            return false;
        }
        match (text("backup-id"), text("backup-type")) {
            (Some(id), t) => self.check_group("backup-id", id.trim(), t).is_ok(),
            _ => true,
        }
    }

    /// Whether a PBS task list's entry is shown, read from its worker id ([`Layer::check_worker`]):
    /// `worker_type` and `worker_id`, or the UPID's.
    pub(super) fn pbs_task_allowed(&self, obj: &Map<String, Value>) -> bool {
        let text = |field: &str| obj.get(field).and_then(Value::as_str).map(str::to_owned);
        let upid = text("upid").and_then(|u| Upid::parse(&u));
        let kind = text("worker_type").or_else(|| upid.as_ref().map(|u| u.kind.clone())).unwrap_or_default();
        let id = text("worker_id").or_else(|| upid.as_ref().map(|u| unescape_id(&u.id))).unwrap_or_default();
        self.check_worker("worker_id", &kind, &id).is_ok()
    }

    /// A PBS task id (`upid`), which names its datastore, namespace and group in its worker id.
    pub(super) fn check_pbs_task(&self, argument: &str, upid: &str) -> Result<(), NotAllowed> {
        if self.datastores.is_none() && self.namespaces.is_none() && self.vmids.is_none() {
            return Ok(());
        }
        let Some(task) = Upid::parse(upid.trim()) else {
            return Err(self.unreadable_in(self.pbs_list(), argument, "task id", upid));
        };
        self.check_worker(argument, &task.kind, &unescape_id(&task.id))
    }

    /// A PBS task's worker id (unescaped) against the lists: the datastore is its first part (a
    /// sync job's third: `<remote>:<remote-store>:<store>:<ns>:<job>`), the namespace the next,
    /// and a `vm/<id>`, `ct/<id>` or `host/<id>` in it its group. Fails closed: under a datastore
    /// allowlist a task naming no datastore (an update, a service restart) is refused, and under
    /// a namespace allowlist one naming no namespace (a whole datastore's GC or verify) is.
    fn check_worker(&self, argument: &str, kind: &str, id: &str) -> Result<(), NotAllowed> {
        let parts: Vec<&str> = id.split(':').collect();
        let (store, ns) = match kind {
            "syncjob" => (parts.get(2).copied(), parts.get(3).copied()),
            _ => (parts.first().copied(), parts.get(1).copied()),
        };
        if self.datastores.is_some() {
            match store.map(str::trim).filter(|s| !s.is_empty() && *s != "-") {
                Some(store) => self.check_datastore(argument, store, Some(id))?,
                None => return Err(self.unreadable_in(List::Datastores, argument, "datastore", id)),
            }
        }
        if self.namespaces.is_some() {
            // The namespace part runs up to the group (`lab/web/vm/100/…`).
            let ns = ns.unwrap_or("");
            // A group starts a segment: `teamvm/x` is a namespace, not `team` and a group.
            let at_segment = |i: usize| i == 0 || ns.as_bytes()[i - 1] == b'/';
            let ns = ["vm/", "ct/", "host/"]
                .iter()
                .flat_map(|g| ns.match_indices(g).map(|(i, _)| i).filter(|i| at_segment(*i)))
                .min()
                .map_or(ns, |at| ns[..at].trim_end_matches('/'));
            self.check_namespace(argument, ns)?;
        }
        let tokens: Vec<&str> = id.split([':', '/']).collect();
        match tokens.windows(2).find(|w| matches!(w[0], "vm" | "ct" | "host")) {
            Some(w) => self.check_group(argument, w[1], Some(w[0])),
            None => Ok(()),
        }
    }

    /// The first list set that reaches a Backup Server's tasks.
    fn pbs_list(&self) -> List {
        match (self.datastores.is_some(), self.namespaces.is_some()) {
            (true, _) => List::Datastores,
            (false, true) => List::Namespaces,
            (false, false) => List::Vmids,
        }
    }

    fn unreadable_in(&self, list: List, argument: &str, what: &'static str, value: &str) -> NotAllowed {
        NotAllowed {
            argument: argument.into(),
            what,
            value: clip(value),
            variable: list.setting(&self.source),
            reason: Reason::Unreadable,
            product: Product::Pve,
        }
    }

    /// A Backup Server call the references cannot fence by what they name: under a namespace
    /// allowlist, one acting on a whole datastore ([`WHOLE_DATASTORE`]) and a tape restore whose
    /// `namespaces` leave the target out (the root namespace, then).
    pub(super) fn check_pbs_call(
        &self,
        tool: &ToolDef,
        args: &Map<String, Value>,
        request: &PveRequest,
    ) -> Result<(), NotAllowed> {
        if tool.path.starts_with("/nodes/{node}/tasks/{upid}")
            && let Some(upid) = args.get("upid").and_then(Value::as_str)
        {
            self.check_pbs_task("upid", upid)?;
        }
        // A datastore's verbose status counts the groups and snapshots of every namespace and guest.
        if tool.path == "/admin/datastore/{store}/status"
            && request.params.iter().any(|(n, v)| n == "verbose" && matches!(v.as_str(), "1" | "true"))
        {
            let list = [(self.namespaces.is_some(), List::Namespaces), (self.vmids.is_some(), List::Vmids)]
                .into_iter()
                .find_map(|(set, list)| set.then_some(list));
            if let Some(list) = list {
                return Err(
                    self.whole(list, "counts the groups and snapshots of every namespace and guest (`verbose`)")
                );
            }
        }
        if self.namespaces.is_none() {
            return Ok(());
        }
        let whole = WHOLE_DATASTORE.iter().find(|(m, p, _)| *m == tool.method.as_str() && *p == tool.path);
        if let Some((_, _, what)) = whole {
            return Err(self.whole(List::Namespaces, what));
        }
        if tool.path == "/tape/restore" {
            let mappings: Vec<&str> =
                request.params.iter().filter(|(n, _)| n == "namespaces").map(|(_, v)| v.as_str()).collect();
            if mappings.is_empty() {
                return Err(self.root("namespaces"));
            }
            if mappings.iter().any(|m| property_values(m, &["target"], false).is_empty()) {
                return Err(self.root("namespaces` `target"));
            }
        }
        Ok(())
    }

    fn root(&self, argument: &str) -> NotAllowed {
        NotAllowed {
            argument: argument.into(),
            what: "namespace",
            value: String::new(),
            variable: List::Namespaces.setting(&self.source),
            reason: Reason::Root,
            product: Product::Pve,
        }
    }
}

/// A worker id as a UPID carries it: systemd unit escaping (`/` as `-`, other characters but
/// `[A-Za-z0-9_.]` as `\\xNN`), undone.
fn unescape_id(id: &str) -> String {
    let (mut out, mut rest) = (Vec::with_capacity(id.len()), id.as_bytes());
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail.strip_prefix(b"x").and_then(|t| t.get(..2)).and_then(|h| std::str::from_utf8(h).ok());
        match (b, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'\\', Some(v)) => {
                out.push(v);
                rest = &tail[3..];
            }
            (b'-', _) => {
                out.push(b'/');
                rest = tail;
            }
            _ => {
                out.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Backup Server calls acting on a whole datastore, every namespace in it: (method, path, what it
/// does). Refused under a namespace allowlist. A datastore's status, usage and GC state are read:
/// they show its size, not what any namespace holds.
pub(super) const WHOLE_DATASTORE: &[(&str, &str, &str)] = &[
    ("POST", "/admin/datastore/{store}/gc", "collects the garbage of the whole datastore, every namespace in it"),
    ("POST", "/admin/datastore/{store}/mount", "mounts the whole datastore, every namespace in it"),
    ("POST", "/admin/datastore/{store}/unmount", "unmounts the whole datastore, every namespace in it"),
    ("PUT", "/admin/datastore/{store}/s3-refresh", "refreshes the whole datastore from its S3 bucket"),
];
