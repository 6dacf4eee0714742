//! Step 2c: which arguments name guests or nodes, and how, for the allowlists
//! (`PVE_VMID_ALLOWLIST`, `PVE_NODE_ALLOWLIST`).
//!
//! Derived from the schema's named formats wherever PVE declares one ([`FORMATS`]: `pve-vmid`,
//! `pve-node-list`, `pve-volume-id`, ... on an argument, an array's items, or a key of a property
//! string such as a disk's `file` and `import-from` or a mapping's `node`), plus two short reviewed
//! tables for what the schema leaves unmarked ([`UNFORMATTED`]) or marks wrongly ([`NOT_NAMING`]),
//! and one for calls that act on every guest unless a guest list narrows them ([`GUEST_SCOPES`]).
//! The outcome for every tool is listed in `docs/TOOLS.md` and pinned by
//! `codegen/tests/policy_pins.rs`.

use crate::model::{Endpoint, Kind, Location, Param, SubProperty};
use crate::policy::pattern_matches;

/// How a value names guests or nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Names {
    /// One node name.
    Node,
    /// A list of node names (`pve1,pve2`; HA's `pve1:2,pve2` with priorities).
    Nodes,
    /// One VMID.
    Guest,
    /// A list of VMIDs (`100,101`, or repeated); empty means every guest where a [`Scope`] says so.
    Guests,
    /// An HA resource id: `vm:100`, `ct:100` or `100`.
    HaResource,
    /// A list of HA resource ids.
    HaResources,
    /// A volume id or path: `local-lvm:vm-100-disk-0`, `base-100-disk-0/vm-101-disk-0`,
    /// `subvol-100-disk-0`, `local:100/vm-100-disk-0.qcow2`, `local:backup/vzdump-qemu-100-….vma.zst`,
    /// `pbs:backup/vm/100/…`; every guest id in it counts.
    Volume,
    /// A replication job id, `<vmid>-<n>`.
    ReplicationJob,
    /// A task id (`UPID:node:…:type:id:user:`): its node, and its guest when the id is one.
    Task,
    /// A permission path: `/vms/<vmid>` names a guest, `/nodes/<node>` a node; `/`, `/vms`, `/nodes`
    /// and `/pool/…` cover every guest (or node).
    AclPath,
    /// A Datacenter Manager remote's name (`PDM_REMOTE_ALLOWLIST`).
    Remote,
    /// A list of remote names; empty means every remote where a [`Scope`] says so.
    Remotes,
    /// A Backup Server datastore's name (`PBS_DATASTORES`).
    Datastore,
    /// A list of datastore mappings, `[<source>=]<target>`: each target is a local datastore.
    DatastoreMap,
    /// A Backup Server namespace (`PBS_NAMESPACES`); left out or empty, the root namespace.
    Namespace,
    /// A namespace a listing starts from; left out, the root, whose listing is then filtered.
    ListedNamespace,
    /// A backup group's id (`backup-id`), read with the call's `backup-type`: `vm/100` and
    /// `ct/100` name guests, `host/…` names none.
    BackupGroup,
    /// Sync and tape group filters (`group:vm/100`, `type:vm`, `regex:…`, `exclude:…`).
    GroupFilter,
    /// A configured job's id: what it touches is in its configuration, not in the call.
    Job,
}

impl Names {
    pub fn variant(self) -> &'static str {
        match self {
            Names::Node => "Node",
            Names::Nodes => "Nodes",
            Names::Guest => "Guest",
            Names::Guests => "Guests",
            Names::HaResource => "HaResource",
            Names::HaResources => "HaResources",
            Names::Volume => "Volume",
            Names::ReplicationJob => "ReplicationJob",
            Names::Task => "Task",
            Names::AclPath => "AclPath",
            Names::Remote => "Remote",
            Names::Remotes => "Remotes",
            Names::Datastore => "Datastore",
            Names::DatastoreMap => "DatastoreMap",
            Names::Namespace => "Namespace",
            Names::ListedNamespace => "ListedNamespace",
            Names::BackupGroup => "BackupGroup",
            Names::GroupFilter => "GroupFilter",
            Names::Job => "Job",
        }
    }

    /// How `docs/TOOLS.md` shows it.
    pub fn short(self) -> &'static str {
        match self {
            Names::Node => "node",
            Names::Nodes => "nodes",
            Names::Guest => "guest",
            Names::Guests => "guests",
            Names::HaResource => "HA resource",
            Names::HaResources => "HA resources",
            Names::Volume => "volume",
            Names::ReplicationJob => "replication job",
            Names::Task => "task",
            Names::AclPath => "ACL path",
            Names::Remote => "remote",
            Names::Remotes => "remotes",
            Names::Datastore => "datastore",
            Names::DatastoreMap => "datastore mapping",
            Names::Namespace => "namespace (root if left out)",
            Names::ListedNamespace => "namespace (listing filtered if left out)",
            Names::BackupGroup => "backup group's guest",
            Names::GroupFilter => "group filter",
            Names::Job => "job (refused under an allowlist)",
        }
    }
}

/// Named PVE formats whose values name guests or nodes.
pub const FORMATS: &[(&str, Names)] = &[
    ("pve-node", Names::Node),
    ("pve-node-list", Names::Nodes),
    ("pve-ha-node-list", Names::Nodes),
    ("pve-vmid", Names::Guest),
    ("pve-vmid-list", Names::Guests),
    ("pve-ha-resource-or-vm-id", Names::HaResource),
    ("pve-ha-resource-id-list", Names::HaResources),
    ("pve-volume-id", Names::Volume),
    ("pve-volume-id-or-qm-path", Names::Volume),
    ("pve-volume-id-or-absolute-path", Names::Volume),
    ("pve-lxc-mp-string", Names::Volume),
    // `cdrom`: an IDE drive as a property string; its volume is the only key that can name a guest.
    ("pve-qm-ide", Names::Volume),
    ("pve-replication-job-id", Names::ReplicationJob),
];

/// Arguments that name guests or nodes although the schema gives them no format:
/// (method or `*`, path pattern with `*` for one segment, argument, what it names).
pub const UNFORMATTED: &[(&str, &str, &str, Names)] = &[
    ("*", "/nodes/*/storage/*/content/*", "volume", Names::Volume),
    ("POST", "/nodes/*/storage/*/content/*", "target", Names::Volume),
    ("POST", "/nodes/*/storage/*/content", "filename", Names::Volume),
    ("POST", "/nodes/*/qemu", "archive", Names::Volume),
    ("POST", "/nodes/*/lxc", "ostemplate", Names::Volume),
    ("GET", "/nodes/*/vzdump/extractconfig", "volume", Names::Volume),
    ("GET", "/nodes/*/storage/*/file-restore/list", "volume", Names::Volume),
    ("*", "/nodes/*/tasks/*", "upid", Names::Task),
    ("*", "/nodes/*/tasks/*/log", "upid", Names::Task),
    ("*", "/nodes/*/tasks/*/status", "upid", Names::Task),
    // A Ceph monitor's id is its node's name unless chosen otherwise.
    ("*", "/nodes/*/ceph/mon/*", "monid", Names::Node),
    ("GET", "/cluster/ha/rules", "resource", Names::HaResource),
    ("PUT", "/access/acl", "path", Names::AclPath),
];

/// Arguments the schema gives a guest or node format that name something else:
/// (method or `*`, path pattern, argument, why).
pub const NOT_NAMING: &[(&str, &str, &str, &str)] =
    &[("POST", "/cluster/config", "clustername", "the new cluster's name, checked with the node-name format")];

/// Property-string keys the schema gives a volume format that hold something else:
/// (argument stem, key, why).
pub const NOT_NAMING_KEYS: &[(&str, &str, &str)] =
    &[("mp", "mp", "the mount point's path inside the container (PVE checks it with the volume format)")];

/// Calls that act on every guest (of a node, a pool or the cluster) unless a guest list narrows
/// them: (method, path pattern, the guest list, whether leaving it out means every guest, arguments
/// that widen the call to every guest or a pool's). With `PVE_VMID_ALLOWLIST` set, an empty list
/// (or a missing one, where that means every guest) and any widening argument are refused.
pub const GUEST_SCOPES: &[(&str, &str, &str, bool, &[&str])] = &[
    ("POST", "/nodes/*/startall", "vms", true, &[]),
    ("POST", "/nodes/*/stopall", "vms", true, &[]),
    ("POST", "/nodes/*/suspendall", "vms", true, &[]),
    ("POST", "/nodes/*/migrateall", "vms", true, &[]),
    ("POST", "/cluster/bulk-action/guest/*", "vms", true, &[]),
    ("POST", "/nodes/*/vzdump", "vmid", true, &["all", "pool"]),
    ("POST", "/cluster/backup", "vmid", true, &["all", "pool"]),
    ("PUT", "/cluster/backup/*", "vmid", false, &["all", "pool"]),
    ("DELETE", "/nodes/*/storage/*/prunebackups", "vmid", true, &[]),
];

/// One argument that names guests or nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The wire name (the stem for indexed arguments).
    pub param: String,
    pub in_path: bool,
    pub indexed: bool,
    /// Empty: the whole value. Else the property-string keys that hold the name.
    pub keys: Vec<String>,
    /// A part without `key=` is one of `keys` (their default key).
    pub default_key: bool,
    pub names: Names,
}

/// A call acting on every guest unless narrowed (see [`GUEST_SCOPES`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub list: &'static str,
    pub absent_means_all: bool,
    pub widening: &'static [&'static str],
}

fn matches(method: &str, pattern: &str, ep: &Endpoint) -> bool {
    if method == "*" {
        ["GET", "POST", "PUT", "DELETE"].iter().any(|m| pattern_matches(m, pattern, ep))
    } else {
        pattern_matches(method, pattern, ep)
    }
}

fn format_names(format: Option<&str>) -> Option<Names> {
    let format = format?;
    FORMATS.iter().find(|(f, _)| *f == format).map(|(_, n)| *n)
}

/// The arguments of an endpoint that name guests or nodes, in parameter order.
pub fn references(ep: &Endpoint) -> Vec<Reference> {
    let mut out = Vec::new();
    for p in &ep.params {
        if NOT_NAMING.iter().any(|(m, path, arg, _)| *arg == p.name && matches(m, path, ep)) {
            continue;
        }
        let whole = |names| Reference {
            param: p.name.clone(),
            in_path: p.location == Location::Path,
            indexed: p.indexed.is_some(),
            keys: Vec::new(),
            default_key: false,
            names,
        };
        if let Some(names) = format_names(p.format.as_deref()) {
            out.push(whole(names));
            continue;
        }
        if let Some((_, _, _, names)) =
            UNFORMATTED.iter().find(|(m, path, arg, _)| *arg == p.name && matches(m, path, ep))
        {
            out.push(whole(*names));
            continue;
        }
        let keys = match &p.kind {
            Kind::PropertyString(keys) => keys,
            Kind::Array(item) => match item.as_ref() {
                Kind::PropertyString(keys) => keys,
                _ => continue,
            },
            _ => continue,
        };
        out.extend(property_references(p, keys));
    }
    out
}

/// The keys of a property string that name guests or nodes, one reference per kind of name.
fn property_references(p: &Param, keys: &[SubProperty]) -> Vec<Reference> {
    let mut groups: Vec<(Names, Vec<String>, bool)> = Vec::new();
    for k in keys {
        if NOT_NAMING_KEYS.iter().any(|(stem, key, _)| *stem == p.name && *key == k.key) {
            continue;
        }
        let Kind::String(rules) = &k.kind else { continue };
        let Some(names) = format_names(rules.format.as_deref()) else { continue };
        let aliases = keys.iter().filter(|a| a.alias_of.as_deref() == Some(k.key.as_str())).map(|a| a.key.clone());
        let entry = match groups.iter_mut().find(|(n, _, _)| *n == names) {
            Some(e) => e,
            None => {
                groups.push((names, Vec::new(), false));
                groups.last_mut().expect("just pushed")
            }
        };
        entry.1.push(k.key.clone());
        entry.1.extend(aliases);
        entry.2 |= k.default_key;
    }
    groups
        .into_iter()
        .map(|(names, keys, default_key)| Reference {
            param: p.name.clone(),
            in_path: p.location == Location::Path,
            indexed: p.indexed.is_some(),
            keys,
            default_key,
            names,
        })
        .collect()
}

/// The guest scope of an endpoint, if it acts on every guest unless narrowed.
pub fn scope(ep: &Endpoint) -> Option<Scope> {
    GUEST_SCOPES.iter().find(|(m, p, _, _, _)| pattern_matches(m, p, ep)).map(|(_, _, list, absent, widening)| Scope {
        list,
        absent_means_all: *absent,
        widening,
    })
}

/// One line for `docs/TOOLS.md`: `vmid` (guest), `scsiN.file` (volume), ...
pub fn describe(refs: &[Reference], scope: Option<&Scope>) -> String {
    let mut parts: Vec<String> = refs
        .iter()
        .map(|r| {
            let name = if r.indexed { format!("{}N", r.param) } else { r.param.clone() };
            let at = if r.keys.is_empty() { name } else { format!("{name}.{}", r.keys.join("/")) };
            format!("`{at}` {}", r.names.short())
        })
        .collect();
    if let Some(s) = scope {
        let mut all = Vec::new();
        if s.list.is_empty() {
            if s.absent_means_all {
                all.push("always".to_owned());
            }
        } else if s.absent_means_all {
            all.push(format!("no `{}`", s.list));
        } else {
            all.push(format!("empty `{}`", s.list));
        }
        all.extend(s.widening.iter().map(|w| format!("`{w}`")));
        parts.push(format!("all guests if {}", all.join(", ")).replace("if always", "always"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_names_a_known_method() {
        let ok = |m: &str| ["*", "GET", "POST", "PUT", "DELETE"].contains(&m);
        assert!(UNFORMATTED.iter().all(|(m, ..)| ok(m)));
        assert!(NOT_NAMING.iter().all(|(m, ..)| ok(m)));
        assert!(GUEST_SCOPES.iter().all(|(m, ..)| ok(m) && *m != "*"));
    }

    #[test]
    fn formats_are_listed_once() {
        let mut f: Vec<&str> = FORMATS.iter().map(|(f, _)| *f).collect();
        f.sort();
        f.dedup();
        assert_eq!(f.len(), FORMATS.len());
    }
}
