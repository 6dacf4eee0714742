//! The README's least-privilege token recipes, one PVE role per tier, checked against every tool's
//! schema permission rule: with its tier's role on `/` a token passes every tool of that tier,
//! except those that need a privilege the recipe withholds on purpose (each named in the README)
//! or root itself. Each role carries the read privileges too, so granting it on a deeper path (a
//! pool) replaces nothing its tools need there. Test-only: the recipes are documentation.

use std::collections::{BTreeMap, BTreeSet};

use super::permissions::{Privileges, may_pass};
use crate::tools::registry::{self, Tier, ToolDef};

/// The login the recipes are for (`pveum user token add mcp@pve assistant --privsep 1`).
const LOGIN: &str = "mcp@pve!assistant";

/// One tier's recipe: the role, its privileges, and what it withholds on purpose.
struct Recipe {
    tier: Tier,
    role: &'static str,
    privileges: &'static [&'static str],
    /// Privileges some tools of the tier need that the recipe does not grant (the README says why).
    withheld: &'static [&'static str],
}

const READ: &[&str] = &[
    "Datastore.Audit",
    "Mapping.Audit",
    "Pool.Audit",
    "SDN.Audit",
    "Sys.Audit",
    "Sys.Syslog",
    "VM.Audit",
    "VM.GuestAgent.Audit",
];

const EXECUTE: &[&str] = &[
    "Datastore.AllocateSpace",
    "Sys.PowerMgmt",
    "VM.Backup",
    "VM.GuestAgent.FileSystemMgmt",
    "VM.Migrate",
    "VM.PowerMgmt",
];

const GUEST_ADMIN: &[&str] = &[
    "Datastore.AllocateTemplate",
    "SDN.Use",
    "Mapping.Use",
    "VM.Allocate",
    "VM.Clone",
    "VM.Config.CDROM",
    "VM.Config.CPU",
    "VM.Config.Cloudinit",
    "VM.Config.Disk",
    "VM.Config.HWType",
    "VM.Config.Memory",
    "VM.Config.Network",
    "VM.Config.Options",
    "VM.Console",
    "VM.Snapshot",
    "VM.Snapshot.Rollback",
];

/// What no recipe grants: node and cluster administration, users and permissions, SDN and mapping
/// configuration, the guest agent's unrestricted commands and file access.
const ADMINISTRATION: &[&str] = &[
    "Datastore.Allocate",
    "Group.Allocate",
    "Mapping.Modify",
    "Permissions.Modify",
    "Pool.Allocate",
    "Realm.Allocate",
    "Realm.AllocateUser",
    "SDN.Allocate",
    "Sys.AccessNetwork",
    "Sys.Console",
    "Sys.Incoming",
    "Sys.Modify",
    "User.Modify",
    "VM.GuestAgent.FileRead",
    "VM.GuestAgent.FileWrite",
    "VM.GuestAgent.Unrestricted",
    "VM.Replicate",
];

fn recipes() -> [Recipe; 3] {
    let all = |parts: &[&[&'static str]]| -> &'static [&'static str] {
        let mut v: Vec<&'static str> = parts.concat();
        v.sort_unstable();
        Box::leak(v.into_boxed_slice())
    };
    let minus = |from: &[&'static str], taken: &[&'static str]| -> &'static [&'static str] {
        let v: Vec<&'static str> = from.iter().copied().filter(|p| !taken.contains(p)).collect();
        Box::leak(v.into_boxed_slice())
    };
    let everything = all(&[READ, EXECUTE, GUEST_ADMIN, ADMINISTRATION]);
    let read_execute = all(&[READ, EXECUTE]);
    let full = all(&[READ, EXECUTE, GUEST_ADMIN]);
    [
        Recipe { tier: Tier::ReadOnly, role: "MCPReadOnly", privileges: READ, withheld: minus(everything, READ) },
        Recipe {
            tier: Tier::ReadExecute,
            role: "MCPReadExecute",
            privileges: read_execute,
            withheld: minus(everything, read_execute),
        },
        Recipe { tier: Tier::Full, role: "MCPFull", privileges: full, withheld: ADMINISTRATION },
    ]
}

/// The privileges held on `/` (which reaches every path).
fn on_root(privileges: &[&str]) -> Privileges {
    let held: BTreeSet<String> = privileges.iter().map(|p| (*p).to_owned()).collect();
    Privileges { by_path: BTreeMap::from([("/".to_owned(), held)]) }
}

/// The tools of a tier (and the tiers below it) that no API token can call: the schema gives
/// them no rule (root only) or one for root alone.
fn root_only(tool: &ToolDef) -> bool {
    !may_pass(tool.permissions, LOGIN, &on_root(&[]))
        && !may_pass(tool.permissions, LOGIN, &on_root(&[READ, EXECUTE, GUEST_ADMIN, ADMINISTRATION].concat()))
}

/// The tools of `recipe`'s tier the recipe leaves out: (tool, whether only root can call it).
fn left_out(recipe: &Recipe) -> Vec<(&'static str, bool)> {
    let granted = on_root(recipe.privileges);
    let with_withheld = on_root(&[recipe.privileges, recipe.withheld].concat());
    registry::all()
        .iter()
        .filter(|t| t.tier <= recipe.tier && !may_pass(t.permissions, LOGIN, &granted))
        .map(|t| {
            let root = root_only(t);
            assert!(
                root || may_pass(t.permissions, LOGIN, &with_withheld),
                "{} ({} {}) needs a privilege `{}` neither grants nor withholds: {}",
                t.name,
                t.method.as_str(),
                t.path,
                recipe.role,
                t.permissions
            );
            (t.name, root)
        })
        .collect()
}

fn recipe(tier: Tier) -> Recipe {
    recipes().into_iter().find(|r| r.tier == tier).unwrap()
}

/// The README's line that creates the role.
fn role_line(r: &Recipe) -> String {
    format!("pveum role add {} --privs \"{}\"", r.role, r.privileges.join(","))
}

fn readme() -> &'static str {
    include_str!("../../README.md")
}

#[test]
fn the_read_only_role_passes_every_read_only_tool_but_those_needing_a_withheld_privilege() {
    let out = left_out(&recipe(Tier::ReadOnly));
    assert!(!out.iter().any(|(t, _)| *t == "qemu_vm_list" || *t == "cluster_resources_list"), "{out:?}");
}

#[test]
fn the_read_execute_role_passes_power_migrate_and_backup() {
    let out = left_out(&recipe(Tier::ReadExecute));
    for tool in ["qemu_vm_start", "lxc_ct_shutdown", "qemu_vm_migrate", "qemu_vm_agent_fstrim"] {
        assert!(!out.iter().any(|(t, _)| *t == tool), "{tool} is left out: {out:?}");
    }
}

#[test]
fn the_full_role_passes_guest_administration() {
    let out = left_out(&recipe(Tier::Full));
    for tool in ["qemu_vm_create", "qemu_vm_config_update", "qemu_vm_snapshot", "qemu_vm_delete"] {
        assert!(!out.iter().any(|(t, _)| *t == tool), "{tool} is left out: {out:?}");
    }
}

#[test]
fn each_role_carries_the_read_privileges_so_a_grant_on_a_pool_keeps_them() {
    for r in recipes() {
        assert!(READ.iter().all(|p| r.privileges.contains(p)), "{}", r.role);
    }
}

#[test]
fn the_readme_gives_each_role_with_exactly_these_privileges() {
    for r in recipes() {
        assert!(readme().contains(&role_line(&r)), "README lacks: {}", role_line(&r));
    }
}

#[test]
fn the_readme_names_every_withheld_privilege_a_tool_needs_and_how_many_tools_each_role_leaves_out() {
    let after = readme().split("## A least-privilege API token").nth(1).unwrap_or_default();
    let section = after.split("\n## ").next().unwrap_or_default();
    for p in ADMINISTRATION {
        assert!(section.contains(p), "the README's recipe section does not name `{p}`");
    }
    let unsaid: Vec<String> = recipes()
        .iter()
        .map(|r| {
            let out = left_out(r);
            let root = out.iter().filter(|(_, root)| *root).count();
            format!("`{}` leaves out {} tools ({} of them root only)", r.role, out.len(), root)
        })
        .filter(|said| !section.contains(said))
        .collect();
    assert!(unsaid.is_empty(), "the README's recipe section should say: {unsaid:#?}");
}
