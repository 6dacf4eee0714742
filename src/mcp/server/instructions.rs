//! What `initialize` tells the model: the session's tools and how to reach them, naming, tasks,
//! confirmation, tiers and categories, the clusters when several are configured, the PVE release
//! each is served as, and the Backup Server's and Manager's resources when one is configured.

use crate::call::cluster::Clusters;
use crate::mcp::catalog::Mode;
use crate::policy::Policy;
use crate::pve::product::Product;
use crate::tools::generated::Category;
use crate::tools::releases::{Listed, Release};

/// The instructions of a session with this policy, listing mode and number of listed tools.
pub(super) fn instructions(policy: &Policy, mode: Mode, listed: usize) -> String {
    let reachable = policy.visible_tools().count();
    let cats: Vec<String> = Category::ALL
        .iter()
        .filter(|c| policy.categories.contains(c))
        .map(|c| format!("- {}: {}", c.as_str(), c.description()))
        .collect();
    let how = match mode {
        Mode::Direct => format!("All {reachable} tools are listed directly."),
        Mode::Discover => format!(
            "{reachable} tools are reachable; {listed} are listed. Find the others with pve_search (plain words), \
             read their arguments with pve_describe, and call them with pve_call (or by name)."
        ),
        Mode::Code => format!(
            "{reachable} tools are reachable from programs: find them with pve_search (plain words), read their \
             arguments with pve_describe, and run a JavaScript program calling them with pve_run (dry-run writes first)."
        ),
    };
    format!(
        "Proxmox VE API: one tool per API endpoint, access tier `{}`. {how}\n\
         Names read scope_resource_verb: qemu_vm_* (VMs), lxc_ct_* (containers), node_* (one node), cluster_*, \
         storage_*, access_*, pools_*, firewall_*, ha_*, sdn_*, ceph_*; verbs list/get/create/update/delete or the \
         action (qemu_vm_start). Most tools need `node` (nodes_list, cluster_resources_list) and guests `vmid`. \
         Indexed options (net0, scsi1) are separate arguments; property strings go as PVE writes them \
         (`virtio,bridge=vmbr0`) or as an object of their keys.\n\
         Writes that start a PVE task wait for it and report its real exit status (`wait: false` returns the UPID).\n\
         Destructive tools need the user's confirmation: `confirm: true` plus the target echoed back.\n\
         pve_whoami tells who pve-mcp logs in as and what PVE lets that login do. Resources: \
         pve://cluster/overview and templates for a node, a guest, a storage's content and a task; \
         prompts: health_check, task_failure, capacity_report, least_privilege_token.\n\
         Tiers: read-only (GET), read-execute (power actions, migrate, backup run), full (create, change, delete).\n\
         Categories:\n{}",
        policy.tier.as_str(),
        cats.join("\n")
    )
}

/// The instructions' word on several clusters: their names and access, and the `cluster` argument.
pub(super) fn clusters_note(clusters: &Clusters) -> String {
    if clusters.names().is_empty() {
        return String::new();
    }
    let each: Vec<String> = clusters
        .iter()
        .filter_map(|b| b.cluster.as_deref().map(|n| format!("{n} (tier `{}`)", b.policy.tier.as_str())))
        .collect();
    format!(
        "\nClusters: {}. Every tool takes `cluster`, the cluster to call{}; results name it.",
        each.join(", "),
        if each.len() > 1 { " (required)" } else { "" }
    )
}

/// The instructions' word on PVE releases: which release each cluster is served as, or that it is not
/// known yet (then the tools are the newest vendored release's until it is).
pub(super) fn releases_note(clusters: &Clusters) -> String {
    let primary = Release::primary().label();
    let each: Vec<String> = clusters
        .iter()
        .zip(clusters.releases())
        .map(|(b, r)| {
            let name = b.cluster.as_deref().map(|n| format!("`{n}` ")).unwrap_or_default();
            match (b.client.release().running(), r) {
                (Some(running), Some(r)) => format!("{name}runs PVE {} (served as PVE {})", running.version, r.label()),
                _ => format!("{name}not known yet (served as PVE {primary}, the newest, until its /version is read)"),
            }
        })
        .collect();
    let listed = match clusters.listed() {
        Some(Listed::Mixed(_)) => {
            "Tools and parameters some clusters' releases lack say on which clusters they are not; a call naming \
             one on such a cluster is refused before anything is sent."
        }
        _ => {
            "Tools, parameters and values the cluster's release lacks are not listed, and a call naming one is \
             refused before anything is sent."
        }
    };
    format!("\nPVE release: {}. {listed}", each.join("; "))
}

/// The instructions' word on the Backup Server's and the Datacenter Manager's resources, where one
/// is configured (nothing with PVE alone).
pub(super) fn family_note(clusters: &Clusters) -> String {
    let has = |p: Product| clusters.iter().any(|b| b.client.product() == p);
    let mut note = String::new();
    if has(Product::Pbs) {
        note.push_str(
            "\nBackup Server resources: pve://pbs/datastores (usage) and templates for a datastore, its \
             namespaces, its backup groups (?ns=) and a group's snapshots.",
        );
    }
    if has(Product::Pdm) {
        note.push_str(
            "\nDatacenter Manager resources: pve://pdm/remotes (each remote's nodes, guests, datastores) and \
             templates for a remote, a remote node's status and a remote guest's configuration and status.",
        );
    }
    note
}
