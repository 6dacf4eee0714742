//! What each tool's arguments name: guests and nodes, generated from the schema's formats and the
//! reviewed tables in `codegen/src/references.rs` (shown in `docs/TOOLS.md`, "Guests and nodes
//! named by arguments"); for Backup Server tools, datastores, namespaces, backup groups and jobs,
//! from `codegen/src/pbs.rs`. The allowlists ([`crate::policy::allowlist`]) read these; this module
//! only describes.

use crate::tools::generated::REFERENCES;
use crate::tools::generated_pbs::REFERENCES as PBS_REFERENCES;

/// How a value names guests or nodes (see `codegen/src/references.rs` for each form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Node,
    Nodes,
    Guest,
    Guests,
    HaResource,
    HaResources,
    Volume,
    ReplicationJob,
    Task,
    AclPath,
    /// A Datacenter Manager remote's name.
    Remote,
    /// A list of remote names.
    Remotes,
    Datastore,
    DatastoreMap,
    Namespace,
    ListedNamespace,
    BackupGroup,
    GroupFilter,
    Job,
}

/// One argument that names guests or nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// The wire name (the stem for indexed arguments: `scsi` for `scsi0`).
    pub param: &'static str,
    /// A path segment (read from the arguments) rather than a query or form parameter.
    pub in_path: bool,
    pub indexed: bool,
    /// Empty: the whole value. Else the property-string keys holding the name (`file`, `import-from`).
    pub keys: &'static [&'static str],
    /// A part without `key=` is one of `keys` (their default key).
    pub default_key: bool,
    pub names: Names,
}

impl Reference {
    /// Whether a wire parameter name is this argument (`scsi3` for the stem `scsi`).
    pub fn matches(&self, wire_name: &str) -> bool {
        if self.indexed {
            wire_name
                .strip_prefix(self.param)
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        } else {
            wire_name == self.param
        }
    }
}

/// A call that acts on every guest unless a guest list narrows it; on a Datacenter Manager tool
/// (`pdm_…`), every remote unless a remote list does (an empty `list`: nothing narrows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The guest list.
    pub list: &'static str,
    /// Leaving the list out means every guest (else only an empty list does).
    pub absent_means_all: bool,
    /// Arguments that widen the call to every guest (`all`) or a pool's (`pool`).
    pub widening: &'static [&'static str],
}

/// One tool's entry in the generated table.
#[derive(Debug)]
pub struct ToolReferences {
    pub tool: &'static str,
    pub references: &'static [Reference],
    pub scope: Option<Scope>,
}

/// What a tool's arguments name; `None` when they name nothing an allowlist fences. A Backup
/// Server's (`pbs_…`) and a Datacenter Manager's (`pdm_…`) tools are in their own tables.
pub fn of(tool: &str) -> Option<&'static ToolReferences> {
    let find = |table: &'static [ToolReferences]| table.binary_search_by(|r| r.tool.cmp(tool)).ok().map(|i| &table[i]);
    if tool.starts_with(crate::pve::product::Product::Pdm.tool_prefix()) {
        return find(crate::tools::generated_pdm::REFERENCES);
    }
    if tool.starts_with(crate::pve::product::Product::Pbs.tool_prefix()) {
        return find(PBS_REFERENCES);
    }
    find(REFERENCES).or_else(|| find(crate::tools::generated::older::REFERENCES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_names_real_tools() {
        assert!(REFERENCES.windows(2).all(|w| w[0].tool < w[1].tool));
        assert!(REFERENCES.iter().all(|r| crate::tools::registry::find(r.tool).is_some()));
        assert!(PBS_REFERENCES.windows(2).all(|w| w[0].tool < w[1].tool));
        let pbs = crate::pve::product::Product::Pbs;
        assert!(PBS_REFERENCES.iter().all(|r| crate::tools::registry::find_for(pbs, r.tool).is_some()));
        assert!(REFERENCES.iter().all(|r| !r.tool.starts_with(pbs.tool_prefix())));
    }

    #[test]
    fn a_pbs_tool_s_datastore_and_backup_group_are_read_from_its_own_table() {
        let refs = of("pbs_datastore_snapshots_list").unwrap().references;
        let store = refs.iter().find(|r| r.param == "store").unwrap();
        assert!(store.in_path && store.names == Names::Datastore, "{store:?}");
        assert!(refs.iter().any(|r| r.param == "backup-id" && r.names == Names::BackupGroup));
        assert!(refs.iter().any(|r| r.param == "ns" && r.names == Names::Namespace));
    }

    #[test]
    fn disks_name_guests_through_their_volume_keys() {
        let refs = of("qemu_vm_config_update").unwrap().references;
        let scsi = refs.iter().find(|r| r.param == "scsi" && r.names == Names::Volume).unwrap();
        assert!(scsi.indexed && scsi.default_key && scsi.keys.contains(&"file"), "{scsi:?}");
        assert!(refs.iter().any(|r| r.param == "scsi" && r.keys.contains(&"import-from")));
        assert!(scsi.matches("scsi12") && !scsi.matches("scsi") && !scsi.matches("scsihw"));
    }

    #[test]
    fn bulk_calls_have_a_guest_scope() {
        let s = of("node_vzdump").unwrap().scope.unwrap();
        assert_eq!((s.list, s.absent_means_all, s.widening), ("vmid", true, &["all", "pool"][..]));
    }
}
