//! Proxmox Datacenter Manager's reviewed tables: names, exclusions, tiers, categories, gates and
//! task returns of PDM's endpoints, written like PVE's in [`crate::policy`] and PBS's in
//! [`crate::pbs`] (path patterns in which `*` matches one segment; first match wins).
//!
//! PDM proxies calls to the PVE and PBS remotes it manages (`/pve/remotes/{remote}/…`,
//! `/pbs/remotes/{remote}/…`); those tools are named as the product's own would be, after the
//! remote's product (`pdm_pve_qemu_vm_start`, `pdm_pbs_datastore_snapshots_list`). Categories are
//! PVE's names ([`CATEGORY_NOTES`] says what each holds on PDM). `docs/TOOLS.md` shows the
//! outcome for every endpoint, and `codegen/tests/pdm.rs` pins each rule.

use crate::model::{Endpoint, Location, Method, placeholder};
use crate::policy::{CREDENTIALS, DESTRUCTIVE, Gate, PERMISSIONS, SHELL, Tier, When, pattern_matches};
use crate::references::{Names, Reference, Scope};

/// Reviewed exceptions to the naming rule: (method, path, name without the prefix, why).
pub const OVERRIDES: &[(&str, &str, &str, &str)] = &[
    ("GET", "/", "index", "the API's root directory index"),
    ("GET", "/pve/firewall", "pve_remotes_firewall_get", "every PVE remote's; `pve_firewall_get` is one remote's"),
    (
        "GET",
        "/pve/firewall/status",
        "pve_remotes_firewall_status_get",
        "every PVE remote's; `pve_firewall_status_get` is one remote's",
    ),
    (
        "GET",
        "/remotes/metric-collection/status",
        "remotes_metrics_status_list",
        "the rule's name is longer than clients take once prefixed",
    ),
    ("GET", "/resources/list", "resources_list", "the rule would say `list` twice"),
    ("GET", "/remotes/tasks/list", "remotes_tasks_list", "the rule would say `list` twice"),
    ("PUT", "/nodes/{node}/network", "node_network_apply", "as PVE's: applies pending changes"),
    ("DELETE", "/nodes/{node}/network", "node_network_revert", "as PVE's: reverts pending changes"),
];

/// The remote-proxying trees: (path prefix, word the tool name starts with).
const REMOTE_TREES: &[(&str, &str)] = &[("/pve/remotes/{remote}/", "pve"), ("/pbs/remotes/{remote}/", "pbs")];

/// The tool name of an endpoint, before the `pdm_` prefix: PVE's rule ([`crate::names`]). Below a
/// remote (`/pve/remotes/{remote}/…`, `/pbs/remotes/{remote}/…`) the remote's product names the
/// tool and the rest is named as that product's own path would be: a guest as PVE's
/// (`/pve/remotes/{remote}/qemu/{vmid}/start` → `pve_qemu_vm_start`), a node as PVE's
/// (`…/nodes/{node}/status` → `pve_node_status_get`), the rest by its words
/// (`/pbs/remotes/{remote}/datastore/{datastore}/snapshots` → `pbs_datastore_snapshots_list`).
pub fn tool_name(ep: &Endpoint) -> String {
    if let Some((_, _, name, _)) = OVERRIDES.iter().find(|(m, p, _, _)| *m == ep.method.as_str() && *p == ep.path) {
        return (*name).to_owned();
    }
    for (prefix, word) in REMOTE_TREES {
        let Some(rest) = ep.path.strip_prefix(prefix) else { continue };
        let mut inner = ep.clone();
        // A guest below a remote reads as a guest below a node, which PVE's rule names `qemu_vm`.
        inner.path = if rest.starts_with("qemu") || rest.starts_with("lxc") {
            format!("/nodes/{{remote}}/{rest}")
        } else {
            format!("/{rest}")
        };
        return format!("{word}_{}", crate::names::tool_name(&inner));
    }
    crate::names::tool_name(ep)
}

/// Endpoints that cannot work as a tool, with the reason.
pub const EXCLUDED: &[(&str, &str, &str)] = &[
    ("GET", "/nodes/*/vncwebsocket", "websocket upgrade for the manager's console"),
    ("GET", "/pve/remotes/*/nodes/*/vncwebsocket", "websocket upgrade for a remote node's console"),
    ("GET", "/pve/remotes/*/qemu/*/vncwebsocket", "websocket upgrade for a remote guest's console"),
    ("GET", "/pve/remotes/*/lxc/*/vncwebsocket", "websocket upgrade for a remote guest's console"),
    ("GET", "/pbs/remotes/*/nodes/*/vncwebsocket", "websocket upgrade for a remote node's console"),
];

/// Endpoints left out before the schema is read, as no tool's arguments could hold them:
/// (method, exact path, why).
pub const UNREADABLE: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/auto-install/answer",
        "called by the automated installer with its own bearer token; its `$schema` argument is no tool argument",
    ),
    (
        "POST",
        "/auto-install/installations/{uuid}/post-hook",
        "called by a freshly installed machine with its own bearer token; its `$schema` argument is no tool argument",
    ),
];

/// Why an endpoint is left out, if it is.
pub fn excluded(ep: &Endpoint) -> Option<&'static str> {
    EXCLUDED.iter().find(|(m, p, _)| pattern_matches(m, p, ep)).map(|(_, _, why)| *why)
}

/// Non-GET endpoints that only run, stop, move or probe existing things: tier `read-execute`.
pub const READ_EXECUTE: &[(&str, &str)] = &[
    ("POST", "/pve/remotes/*/qemu/*/start"),
    ("POST", "/pve/remotes/*/qemu/*/stop"),
    ("POST", "/pve/remotes/*/qemu/*/shutdown"),
    ("POST", "/pve/remotes/*/qemu/*/resume"),
    ("POST", "/pve/remotes/*/qemu/*/migrate"),
    ("POST", "/pve/remotes/*/lxc/*/start"),
    ("POST", "/pve/remotes/*/lxc/*/stop"),
    ("POST", "/pve/remotes/*/lxc/*/shutdown"),
    ("POST", "/pve/remotes/*/lxc/*/migrate"),
    ("DELETE", "/nodes/*/tasks/*"),
    ("DELETE", "/pve/remotes/*/tasks/*"),
    ("DELETE", "/pbs/remotes/*/tasks/*"),
    ("POST", "/nodes/*/status"),
    ("POST", "/nodes/*/apt/update"),
    ("POST", "/pve/remotes/*/nodes/*/apt/update"),
    ("POST", "/pbs/remotes/*/nodes/*/apt/update"),
    ("POST", "/remotes/metric-collection/trigger"),
    ("POST", "/remotes/tasks/refresh"),
    ("POST", "/remotes/updates/refresh"),
    ("POST", "/remotes/remote/*/probe-certificate"),
    ("POST", "/pve/probe-tls"),
    ("POST", "/pbs/probe-tls"),
    ("POST", "/pve/scan"),
    ("POST", "/pbs/scan"),
    ("POST", "/subscriptions/check"),
];

/// The tier of a PDM endpoint: every GET reads; [`READ_EXECUTE`]; everything else is `full`
/// (a cross-remote migration among them: it creates the guest on the other remote and removes it
/// from this one).
pub fn tier(ep: &Endpoint) -> Tier {
    if ep.method == Method::Get {
        Tier::ReadOnly
    } else if matches_any(READ_EXECUTE, ep) {
        Tier::ReadExecute
    } else {
        Tier::Full
    }
}

/// What each category holds on PDM, for `docs/TOOLS.md`.
pub const CATEGORY_NOTES: &[(&str, &str)] = &[
    ("nodes", "the manager's node (status, apt, certificates, DNS, time, journal) and remote nodes"),
    ("qemu", "a PVE remote's virtual machines: list, config, power, snapshots, migrate"),
    ("lxc", "a PVE remote's containers: list, config, power, snapshots, migrate"),
    ("storage", "a PVE remote's storages, a PBS remote's datastores and their usage"),
    ("cluster", "remotes and their configuration, resources, views, subscriptions, ACME, auto-install"),
    ("access", "users, API tokens, ACLs, TFA, realms, permissions"),
    ("network", "the manager's network interfaces and a remote node's"),
    ("firewall", "a PVE remote's cluster, node and guest firewall"),
    ("backup", "a PBS remote's datastore contents (namespaces, snapshots)"),
    ("tasks", "the manager's tasks and each remote's: lists, status, logs, stopping"),
    ("sdn", "software-defined networking across the remotes and on a remote node"),
    ("ceph", "Ceph clusters of the PVE remotes"),
];

/// The category of a PDM endpoint, from its path. First matching rule wins.
pub fn category(ep: &Endpoint) -> &'static str {
    let literal: Vec<&str> = ep.segments().filter(|s| placeholder(s).is_none()).collect();
    if literal.contains(&"firewall") {
        return "firewall";
    }
    let word = |i: usize| literal.get(i).copied().unwrap_or("");
    match (word(0), word(1)) {
        ("pve", "remotes") => match (word(2), word(3)) {
            ("qemu", _) => "qemu",
            ("lxc", _) => "lxc",
            ("tasks", _) => "tasks",
            ("nodes", "storage") => "storage",
            ("nodes", "network") => "network",
            ("nodes", "sdn") => "sdn",
            ("nodes", _) => "nodes",
            _ => "cluster",
        },
        ("pbs", "remotes") => match (word(2), word(3)) {
            ("datastore", "namespaces" | "snapshots") => "backup",
            ("datastore", _) => "storage",
            ("tasks", _) => "tasks",
            ("nodes", _) => "nodes",
            _ => "cluster",
        },
        ("access", _) | ("config", "access") => "access",
        ("nodes", "tasks") | ("remotes", "tasks") => "tasks",
        ("nodes", "network") => "network",
        ("nodes", "sdn") | ("sdn", _) => "sdn",
        ("nodes", _) => "nodes",
        ("ceph", _) => "ceph",
        _ => "cluster",
    }
}

/// Why a remote's guest's power action is gated: the manager reaches every remote's guests, and a
/// wrong remote or VMID acts on another estate's guest.
pub const POWER: &str = "changes the power state of a guest on a remote";

/// Endpoints always behind a confirmation gate besides every DELETE not in [`UNGATED_DELETES`]:
/// (method, path, reason).
pub const GATED: &[(&str, &str, &str)] = &[
    // Remotes: what the manager reaches, and how.
    ("PUT", "/remotes/remote/*", "changes how the manager reaches the remote (its nodes, token or fingerprint)"),
    // Guests on a remote: power, cross-remote migration, rollback.
    ("POST", "/pve/remotes/*/qemu/*/start", POWER),
    ("POST", "/pve/remotes/*/qemu/*/stop", POWER),
    ("POST", "/pve/remotes/*/qemu/*/shutdown", POWER),
    ("POST", "/pve/remotes/*/qemu/*/resume", POWER),
    ("POST", "/pve/remotes/*/lxc/*/start", POWER),
    ("POST", "/pve/remotes/*/lxc/*/stop", POWER),
    ("POST", "/pve/remotes/*/lxc/*/shutdown", POWER),
    ("POST", "/pve/remotes/*/qemu/*/remote-migrate", "moves the guest to another remote, removing it from this one"),
    ("POST", "/pve/remotes/*/lxc/*/remote-migrate", "moves the guest to another remote, removing it from this one"),
    ("POST", "/pve/remotes/*/qemu/*/snapshot/*/rollback", DESTRUCTIVE),
    ("POST", "/pve/remotes/*/lxc/*/snapshot/*/rollback", DESTRUCTIVE),
    // The manager's own node.
    ("POST", "/nodes/*/status", "reboots or shuts down the manager"),
    ("PUT", "/nodes/*/network", "applies pending network changes; a mistake cuts the manager off"),
    // Permissions: ACLs, users, realms and their sync.
    ("PUT", "/access/acl", PERMISSIONS),
    ("POST", "/access/users", PERMISSIONS),
    ("PUT", "/access/users/*", PERMISSIONS),
    ("POST", "/access/domains/*/sync", PERMISSIONS),
    ("POST", "/config/access/ad", PERMISSIONS),
    ("PUT", "/config/access/ad/*", PERMISSIONS),
    ("POST", "/config/access/ldap", PERMISSIONS),
    ("PUT", "/config/access/ldap/*", PERMISSIONS),
    ("POST", "/config/access/openid", PERMISSIONS),
    ("PUT", "/config/access/openid/*", PERMISSIONS),
    ("PUT", "/config/access/pam", PERMISSIONS),
    ("PUT", "/config/access/pdm", PERMISSIONS),
    // Credentials: API tokens, TFA, tickets, installer tokens.
    ("POST", "/access/users/*/token/*", CREDENTIALS),
    ("PUT", "/access/users/*/token/*", CREDENTIALS),
    ("POST", "/access/tfa/*", CREDENTIALS),
    ("PUT", "/access/tfa/*/*", CREDENTIALS),
    ("POST", "/access/ticket", CREDENTIALS),
    ("POST", "/access/openid/login", CREDENTIALS),
    ("PUT", "/config/access/tfa/webauthn", CREDENTIALS),
    ("POST", "/auto-install/tokens", CREDENTIALS),
    ("PUT", "/auto-install/tokens/*", CREDENTIALS),
    // Shells and consoles (their `vncwebsocket` upgrades are left out).
    ("POST", "/nodes/*/termproxy", SHELL),
    ("POST", "/pve/remotes/*/nodes/*/termproxy", SHELL),
    ("POST", "/pbs/remotes/*/nodes/*/termproxy", SHELL),
    ("POST", "/pve/remotes/*/qemu/*/termproxy", SHELL),
    ("POST", "/pve/remotes/*/qemu/*/vncproxy", SHELL),
    ("POST", "/pve/remotes/*/lxc/*/termproxy", SHELL),
];

/// Why removing a remote is gated (a DELETE, but worth its own words).
pub const REMOTE_REMOVAL: &str = "removes the remote: the manager no longer reaches its guests";

/// DELETEs that undo nothing a person would miss: not gated.
pub const UNGATED_DELETES: &[(&str, &str)] = &[
    ("DELETE", "/nodes/*/tasks/*"),
    ("DELETE", "/pve/remotes/*/tasks/*"),
    ("DELETE", "/pbs/remotes/*/tasks/*"),
    ("DELETE", "/nodes/*/network"),
    ("DELETE", "/access/ticket"),
];

/// Endpoints gated only by the effect their arguments ask for: (method, path, when, reason).
/// PDM lists none yet; the table is here so a rule has one place to go.
pub const CONDITIONAL_GATES: &[(&str, &str, When, &str)] = &[];

/// Gates whose confirmation names another argument than the rule in [`crate::policy`] picks
/// (the deepest path placeholder): (method, path, argument).
pub const GATE_TARGETS: &[(&str, &str, &str)] = &[
    ("POST", "/config/access/ad", "realm"),
    ("POST", "/config/access/ldap", "realm"),
    ("POST", "/config/access/openid", "realm"),
    ("POST", "/access/ticket", "username"),
    ("POST", "/auto-install/tokens", "id"),
];

/// Gates that name no argument: the one the rule would pick is a secret, and a target is echoed.
pub const UNTARGETED: &[(&str, &str)] = &[("POST", "/access/openid/login")];

/// The confirmation gate of a PDM endpoint, if it has one.
pub fn gate(ep: &Endpoint) -> Option<Gate> {
    let target = || {
        let secrets = crate::policy::secret_arguments(ep);
        GATE_TARGETS
            .iter()
            .find(|(m, p, _)| pattern_matches(m, p, ep))
            .map(|(_, _, t)| (*t).to_owned())
            .or_else(|| crate::policy::gate_target(ep))
            .filter(|t| !secrets.contains(t) && !matches_any(UNTARGETED, ep))
    };
    if pattern_matches("DELETE", "/remotes/remote/*", ep) {
        return Some(Gate { target: target(), only_if: None, reason: REMOTE_REMOVAL });
    }
    if ep.method == Method::Delete && !matches_any(UNGATED_DELETES, ep) {
        return Some(Gate { target: target(), only_if: None, reason: DESTRUCTIVE });
    }
    if let Some((_, _, reason)) = GATED.iter().find(|(m, p, _)| pattern_matches(m, p, ep)) {
        return Some(Gate { target: target(), only_if: None, reason });
    }
    let (_, _, when, reason) = CONDITIONAL_GATES.iter().find(|(m, p, _, _)| pattern_matches(m, p, ep))?;
    Some(Gate { target: target(), only_if: Some(*when), reason })
}

/// Writes that return a string which is no task id.
pub const NOT_TASKS: &[(&str, &str)] = &[("POST", "/access/openid/auth-url")];

/// Whether a call may answer with a task id to wait for: PVE's rule (a write returning a string;
/// PDM's remote calls return the remote's UPID as `pve:<remote>!UPID:…`), less [`NOT_TASKS`].
pub fn may_return_task(ep: &Endpoint) -> bool {
    crate::policy::may_return_task(ep) && !matches_any(NOT_TASKS, ep)
}

/// MCP tool annotations: (readOnly, destructive, idempotent, openWorld). Every call below a
/// remote reaches another system, so it is open-world.
pub fn annotations(ep: &Endpoint) -> (bool, bool, bool, bool) {
    let read_only = ep.method == Method::Get;
    let removes = ep.params.iter().any(|p| matches!(p.name.as_str(), "delete" | "purge" | "force"));
    let destructive = !read_only && (ep.method == Method::Delete || gate(ep).is_some() || removes);
    let idempotent = matches!(ep.method, Method::Get | Method::Put | Method::Delete);
    let open_world = REMOTE_TREES.iter().any(|(prefix, _)| ep.path.starts_with(prefix))
        || ep.segments().any(|s| matches!(s, "acme" | "probe-tls" | "scan" | "probe-certificate"));
    (read_only, destructive, idempotent, open_world)
}

/// Arguments naming what the allowlists fence, by name (PDM's schema marks no format): every
/// `remote` is a remote's name, and so are [`REMOTE_ARGUMENTS`]; `remotes` a list of them (but
/// for [`SDN_CREATES`], whose calls are refused whole under a remote allowlist, see
/// [`REMOTE_SCOPES`]); below a remote, `vmid` and
/// `target-vmid` name a guest and `upid` a task of the remote; beside a remote, `node` names one
/// of its nodes (not a Backup Server remote's: the node allowlist names PVE nodes and does not reach
/// PBS, directly or through PDM); below a Backup Server remote, [`PBS_ARGUMENTS`] name its datastores and
/// namespaces, read as on the Backup Server directly. The manager's own node (`/nodes/{node}`) is
/// no remote's and is not fenced.
pub fn references(ep: &Endpoint) -> Vec<Reference> {
    let remote_argument = |name: &str| {
        name == "remote" || REMOTE_ARGUMENTS.iter().any(|(m, path, arg)| *arg == name && pattern_matches(m, path, ep))
    };
    let below_remote = REMOTE_TREES.iter().any(|(prefix, _)| ep.path.starts_with(prefix));
    let below_pbs = ep.path.starts_with("/pbs/remotes/{remote}/");
    let names_a_remote = ep.params.iter().any(|p| remote_argument(&p.name));
    ep.params
        .iter()
        .filter_map(|p| {
            let names = match p.name.as_str() {
                name if remote_argument(name) => Names::Remote,
                "remotes" if !matches_any(SDN_CREATES, ep) => Names::Remotes,
                "vmid" | "target-vmid" if below_remote => Names::Guest,
                "node" if names_a_remote && !below_pbs => Names::Node,
                "upid" if below_remote => Names::Task,
                name if below_pbs => PBS_ARGUMENTS.iter().find(|(a, _)| *a == name)?.1,
                _ => return None,
            };
            Some(Reference {
                param: p.name.clone(),
                in_path: p.location == Location::Path,
                indexed: p.indexed.is_some(),
                keys: Vec::new(),
                default_key: false,
                names,
            })
        })
        .collect()
}

/// Arguments of a Backup Server remote's calls naming what `PBS_DATASTORES` and `PBS_NAMESPACES`
/// fence (PBS's names for them in `crate::pbs::ARGUMENTS`; PDM calls the datastore `datastore`):
/// a datastore, the namespace a snapshot listing reads (left out: the root), the one a namespace
/// listing starts from (left out: the root, whose listing is then filtered).
pub const PBS_ARGUMENTS: &[(&str, Names)] =
    &[("datastore", Names::Datastore), ("ns", Names::Namespace), ("parent", Names::ListedNamespace)];

/// Argument names below a Backup Server remote that could name a datastore, namespace or backup
/// group, and why those not in [`PBS_ARGUMENTS`] are not read; `codegen/tests/pdm.rs` holds every
/// such argument of the schema to one of the two.
pub const PBS_NOT_FENCED: &[(&str, &str)] =
    &[("max-depth", "only reaches below the namespace the call names, which is checked")];

/// Arguments other than `remote` that name a remote: (method, path, argument).
pub const REMOTE_ARGUMENTS: &[(&str, &str, &str)] = &[
    ("POST", "/remotes/remote", "id"),
    ("GET", "/remotes/remote/*", "id"),
    ("PUT", "/remotes/remote/*", "id"),
    ("DELETE", "/remotes/remote/*", "id"),
    ("GET", "/remotes/remote/*/config", "id"),
    ("POST", "/remotes/remote/*/probe-certificate", "id"),
    ("GET", "/remotes/remote/*/rrddata", "id"),
    ("GET", "/remotes/remote/*/version", "id"),
    ("POST", "/pve/remotes/*/qemu/*/remote-migrate", "target"),
    ("POST", "/pve/remotes/*/lxc/*/remote-migrate", "target"),
];

/// The SDN creations whose `remotes` list holds property strings (`remote=…,zone=…`), not names.
const SDN_CREATES: &[(&str, &str)] = &[("POST", "/sdn/vnets"), ("POST", "/sdn/zones")];

/// Writes that act on every remote unless a remote list narrows them: (method, path, the list, or
/// `""` where nothing narrows them). With `PDM_REMOTE_ALLOWLIST` set, they are refused unless the
/// list names the remotes (each then checked).
pub const REMOTE_SCOPES: &[(&str, &str, &str)] = &[
    ("POST", "/remotes/tasks/refresh", "remotes"),
    ("POST", "/remotes/metric-collection/trigger", "remote"),
    ("POST", "/remotes/updates/refresh", ""),
    ("POST", "/subscriptions/adopt-all", ""),
    ("POST", "/subscriptions/apply-pending", ""),
    ("POST", "/subscriptions/auto-assign", ""),
    ("POST", "/subscriptions/bulk-assign", ""),
    ("POST", "/subscriptions/clear-pending", ""),
    ("POST", "/sdn/vnets", ""),
    ("POST", "/sdn/zones", ""),
];

/// A PDM write acting on every remote unless narrowed ([`REMOTE_SCOPES`]): its scope, whose list
/// is a remote list (the server reads a PDM tool's scope as one of remotes, not guests).
pub fn scope(ep: &Endpoint) -> Option<Scope> {
    REMOTE_SCOPES.iter().find(|(m, p, _)| pattern_matches(m, p, ep)).map(|(_, _, list)| Scope {
        list,
        absent_means_all: true,
        widening: &[],
    })
}

fn matches_any(table: &[(&str, &str)], ep: &Endpoint) -> bool {
    table.iter().any(|(m, p)| pattern_matches(m, p, ep))
}
