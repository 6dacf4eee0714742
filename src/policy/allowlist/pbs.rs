//! How a Backup Server's forms are read: datastores (`store`, a datastore mapping's target),
//! namespaces (`lab` allows `lab` and everything below it, never the root), backup groups (`vm/100`
//! and `ct/100` name guests; `host/…` names none, so it is refused under a VMID allowlist), group
//! filters, and jobs named by id; and which entries of a PBS listing are shown.
//!
//! The node allowlist does not reach PBS tools: a Backup Server is one node, always addressed as
//! `localhost`, which no PVE node list names.

use serde_json::{Map, Value};

use super::forms::{clip, guest_id, list_items};
use super::{Layer, List, NotAllowed, Reason};
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
    fn datastore_allowed(&self, store: &str) -> bool {
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

    /// Whether a PBS listing's entry is shown: its `store` (a datastore listing's `name`), its
    /// `ns`, and its group's guest (`backup-type` with `backup-id`) must be allowed. A field that is
    /// missing keeps its entry.
    pub(super) fn pbs_entry_allowed(&self, path: &str, obj: &Map<String, Value>) -> bool {
        let text = |field: &str| obj.get(field).and_then(Value::as_str);
        let store_field = if path == "/config/datastore" { "name" } else { "store" };
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
}
