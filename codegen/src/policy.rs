//! Step 2b: what a tool may do, and who may see it.
//!
//! Everything here is rules over (method, path) plus short tables a person reviews. Each table
//! entry is a path pattern in which `*` matches exactly one segment. `docs/TOOLS.md` shows the
//! outcome for every endpoint, so a reviewer can audit it.

use crate::model::{Endpoint, Method, placeholder};

/// Who may call a tool: a server started with a tier sees that tier and those below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Reads only (every GET).
    ReadOnly,
    /// Runs, stops or moves existing things; creates, reconfigures and deletes nothing.
    ReadExecute,
    /// Everything else.
    Full,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::ReadOnly => "read-only",
            Tier::ReadExecute => "read-execute",
            Tier::Full => "full",
        }
    }

    pub fn variant(self) -> &'static str {
        match self {
            Tier::ReadOnly => "ReadOnly",
            Tier::ReadExecute => "ReadExecute",
            Tier::Full => "Full",
        }
    }
}

/// Categories, in the order they are documented. Each is `(name, what it holds)`.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("nodes", "node status, services, syslog, apt, certificates, time, DNS, hosts"),
    ("qemu", "virtual machines: list, config, power, snapshots, clone, migrate, guest agent"),
    ("lxc", "containers: list, config, power, snapshots, clone, migrate"),
    ("storage", "storage definitions, contents, volumes, disks, scans"),
    ("cluster", "cluster status, resources, options, config, mappings, jobs, logs"),
    ("access", "users, groups, roles, ACLs, API tokens, realms, TFA"),
    ("pools", "resource pools"),
    ("network", "node network interfaces"),
    ("firewall", "cluster, node, guest and vnet firewall rules, groups, IP sets, aliases"),
    ("backup", "backup jobs, running backups (vzdump), backup coverage"),
    ("tasks", "task lists, status, logs, stopping tasks"),
    ("ha", "high availability resources, groups, rules, status"),
    ("sdn", "software-defined networking: zones, vnets, subnets, controllers, fabrics"),
    ("ceph", "Ceph cluster, monitors, OSDs, pools, file systems"),
    ("replication", "storage replication jobs"),
    ("notifications", "notification endpoints, matchers, targets"),
];

/// The category of an endpoint, from its path. First matching rule wins.
pub fn category(ep: &Endpoint) -> &'static str {
    let segs: Vec<&str> = ep.segments().collect();
    let literal: Vec<&str> = segs.iter().copied().filter(|s| placeholder(s).is_none()).collect();
    // Scope: what follows /nodes/{node} or /cluster.
    let (first, second) = (literal.first().copied().unwrap_or(""), literal.get(1).copied().unwrap_or(""));
    if literal.contains(&"firewall") {
        return "firewall";
    }
    match (first, second) {
        ("cluster" | "nodes", "sdn") => "sdn",
        ("cluster" | "nodes", "ceph") => "ceph",
        ("cluster", "ha") => "ha",
        ("cluster", "backup" | "backup-info") | ("nodes", "vzdump") => "backup",
        ("cluster" | "nodes", "replication") => "replication",
        ("cluster", "notifications") => "notifications",
        ("cluster" | "nodes", "tasks") => "tasks",
        ("nodes", "qemu") => "qemu",
        ("nodes", "lxc") => "lxc",
        ("storage", _) | ("nodes", "storage" | "disks" | "scan") => "storage",
        ("nodes", "network") => "network",
        ("pools", _) => "pools",
        ("access", _) => "access",
        ("nodes", _) => "nodes",
        _ => "cluster",
    }
}

/// Non-GET endpoints that only run, stop or move existing things: tier `read-execute`.
pub const READ_EXECUTE: &[(&str, &str)] = &[
    ("POST", "/nodes/*/qemu/*/status/*"),
    ("POST", "/nodes/*/lxc/*/status/*"),
    ("POST", "/nodes/*/qemu/*/migrate"),
    ("POST", "/nodes/*/lxc/*/migrate"),
    ("POST", "/nodes/*/qemu/*/agent/ping"),
    ("POST", "/nodes/*/qemu/*/agent/fsfreeze-freeze"),
    ("POST", "/nodes/*/qemu/*/agent/fsfreeze-thaw"),
    ("POST", "/nodes/*/qemu/*/agent/fsfreeze-status"),
    ("POST", "/nodes/*/qemu/*/agent/fstrim"),
    ("POST", "/nodes/*/qemu/*/agent/shutdown"),
    ("POST", "/nodes/*/qemu/*/agent/suspend-disk"),
    ("POST", "/nodes/*/qemu/*/agent/suspend-hybrid"),
    ("POST", "/nodes/*/qemu/*/agent/suspend-ram"),
    ("POST", "/nodes/*/vzdump"),
    ("DELETE", "/nodes/*/tasks/*"),
    ("POST", "/nodes/*/services/*/start"),
    ("POST", "/nodes/*/services/*/stop"),
    ("POST", "/nodes/*/services/*/restart"),
    ("POST", "/nodes/*/services/*/reload"),
    ("POST", "/nodes/*/startall"),
    ("POST", "/nodes/*/stopall"),
    ("POST", "/nodes/*/suspendall"),
    ("POST", "/nodes/*/migrateall"),
    ("POST", "/nodes/*/status"),
    ("POST", "/nodes/*/wakeonlan"),
    ("POST", "/nodes/*/apt/update"),
    ("POST", "/nodes/*/replication/*/schedule_now"),
    ("POST", "/nodes/*/ceph/start"),
    ("POST", "/nodes/*/ceph/stop"),
    ("POST", "/nodes/*/ceph/restart"),
    ("POST", "/nodes/*/ceph/osd/*/in"),
    ("POST", "/nodes/*/ceph/osd/*/out"),
    ("POST", "/nodes/*/ceph/osd/*/scrub"),
    ("POST", "/cluster/bulk-action/guest/*"),
    ("POST", "/cluster/ha/resources/*/migrate"),
    ("POST", "/cluster/ha/resources/*/relocate"),
    ("POST", "/cluster/notifications/targets/*/test"),
];

/// The tier of an endpoint.
pub fn tier(ep: &Endpoint) -> Tier {
    if ep.method == Method::Get {
        Tier::ReadOnly
    } else if matches_any(READ_EXECUTE, ep) {
        Tier::ReadExecute
    } else {
        Tier::Full
    }
}

/// Endpoints that cannot work as a tool, with the reason. They are left out of the tool table and
/// listed in `docs/TOOLS.md`.
pub const EXCLUDED: &[(&str, &str, &str)] = &[
    ("GET", "/nodes/*/vncwebsocket", "websocket upgrade for a VNC console"),
    ("GET", "/nodes/*/qemu/*/vncwebsocket", "websocket upgrade for a VNC console"),
    ("GET", "/nodes/*/lxc/*/vncwebsocket", "websocket upgrade for a VNC console"),
    ("GET", "/nodes/*/qemu/*/mtunnelwebsocket", "websocket upgrade, internal to migration"),
    ("GET", "/nodes/*/lxc/*/mtunnelwebsocket", "websocket upgrade, internal to migration"),
    ("POST", "/nodes/*/qemu/*/mtunnel", "migration tunnel, for internal use by migration only"),
    ("POST", "/nodes/*/lxc/*/mtunnel", "migration tunnel, for internal use by migration only"),
    ("POST", "/nodes/*/storage/*/upload", "multipart file upload; use download-url instead"),
    ("GET", "/nodes/*/storage/*/file-restore/download", "streams a binary archive, not JSON"),
];

/// Why an endpoint is left out, if it is.
pub fn excluded(ep: &Endpoint) -> Option<&'static str> {
    EXCLUDED.iter().find(|(m, p, _)| pattern_matches(m, p, ep)).map(|(_, _, why)| *why)
}

/// Destructive endpoints that need an explicit confirmation (enforced by the server's gate
/// overlay). Every DELETE is gated unless listed in [`UNGATED_DELETES`].
pub const GATED: &[(&str, &str)] = &[
    ("POST", "/nodes/*/qemu/*/status/stop"),
    ("POST", "/nodes/*/qemu/*/status/reset"),
    ("POST", "/nodes/*/lxc/*/status/stop"),
    ("POST", "/nodes/*/qemu/*/snapshot/*/rollback"),
    ("POST", "/nodes/*/lxc/*/snapshot/*/rollback"),
    ("PUT", "/nodes/*/network"),
    ("PUT", "/cluster/sdn"),
    ("PUT", "/nodes/*/disks/wipedisk"),
    ("POST", "/nodes/*/disks/initgpt"),
    ("POST", "/cluster/bulk-action/guest/*"),
    ("POST", "/nodes/*/startall"),
    ("POST", "/nodes/*/stopall"),
    ("POST", "/nodes/*/suspendall"),
    ("POST", "/nodes/*/migrateall"),
    ("POST", "/nodes/*/status"),
    ("PUT", "/nodes/*/qemu/*/unlink"),
];

/// DELETEs that undo nothing a person would miss: not gated.
pub const UNGATED_DELETES: &[(&str, &str)] =
    &[("DELETE", "/nodes/*/tasks/*"), ("DELETE", "/nodes/*/network"), ("DELETE", "/cluster/sdn/lock")];

/// Why most gates are there: the call destroys or disrupts something.
pub const DESTRUCTIVE: &str = "destructive";
pub const PERMISSIONS: &str = "changes who can do what";
pub const CREDENTIALS: &str = "mints or changes a credential";
pub const SHELL: &str = "opens a shell or console";

/// Endpoints gated like deletes for another reason than destroying something: they change who can
/// do what, mint credentials, or open a shell or console. `(method, path, reason)`; the reason is
/// shown in `docs/TOOLS.md` and in the refusal.
pub const GATED_WITH_REASON: &[(&str, &str, &str)] = &[
    // Permissions: ACLs, users, groups, roles, realms and their sync.
    ("PUT", "/access/acl", PERMISSIONS),
    ("POST", "/access/users", PERMISSIONS),
    ("PUT", "/access/users/*", PERMISSIONS),
    ("POST", "/access/groups", PERMISSIONS),
    ("PUT", "/access/groups/*", PERMISSIONS),
    ("POST", "/access/roles", PERMISSIONS),
    ("PUT", "/access/roles/*", PERMISSIONS),
    ("POST", "/access/domains", PERMISSIONS),
    ("PUT", "/access/domains/*", PERMISSIONS),
    ("POST", "/access/domains/*/sync", PERMISSIONS),
    ("POST", "/cluster/jobs/realm-sync/*", PERMISSIONS),
    ("PUT", "/cluster/jobs/realm-sync/*", PERMISSIONS),
    // Credentials: API tokens, TFA, passwords, login tickets.
    ("POST", "/access/users/*/token/*", CREDENTIALS),
    ("PUT", "/access/users/*/token/*", CREDENTIALS),
    ("POST", "/access/tfa/*", CREDENTIALS),
    ("PUT", "/access/tfa/*/*", CREDENTIALS),
    ("PUT", "/access/users/*/unlock-tfa", CREDENTIALS),
    ("PUT", "/access/password", CREDENTIALS),
    ("POST", "/access/ticket", CREDENTIALS),
    ("POST", "/access/openid/login", CREDENTIALS),
    ("POST", "/nodes/*/qemu/*/agent/set-user-password", CREDENTIALS),
    // Shells and consoles (their `vncwebsocket` upgrades are left out of the tool table).
    ("POST", "/nodes/*/termproxy", SHELL),
    ("POST", "/nodes/*/vncshell", SHELL),
    ("POST", "/nodes/*/spiceshell", SHELL),
    ("POST", "/nodes/*/qemu/*/termproxy", SHELL),
    ("POST", "/nodes/*/qemu/*/vncproxy", SHELL),
    ("POST", "/nodes/*/qemu/*/spiceproxy", SHELL),
    ("POST", "/nodes/*/lxc/*/termproxy", SHELL),
    ("POST", "/nodes/*/lxc/*/vncproxy", SHELL),
    ("POST", "/nodes/*/lxc/*/spiceproxy", SHELL),
    ("POST", "/nodes/*/execute", "runs a batch of API calls as root; refused unless PVE_ALLOW_EXECUTE"),
    ("POST", "/nodes/*/qemu/*/agent/exec", "runs a command inside the guest"),
    ("POST", "/nodes/*/qemu/*/agent/file-write", "writes a file inside the guest"),
    ("POST", "/nodes/*/qemu/*/monitor", "runs any QEMU monitor command, such as quit or system_reset"),
];

/// When a conditional gate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The argument is true.
    True(&'static str),
    /// The argument (a list of names) names one that starts with the prefix.
    Names(&'static str, &'static str),
}

impl When {
    /// The argument the condition reads.
    pub fn arg(self) -> &'static str {
        match self {
            When::True(a) | When::Names(a, _) => a,
        }
    }
}

/// Endpoints gated only by the effect their arguments ask for: (method, path, when, reason).
/// Restoring a backup over an existing guest is `POST .../qemu` (or `lxc`) with `force`; a shutdown
/// with `forceStop` ends in a hard stop; a config `delete` of `unusedN` destroys that disk.
pub const CONDITIONAL_GATES: &[(&str, &str, When, &str)] = &[
    ("POST", "/nodes/*/qemu", When::True("force"), "overwrites an existing guest"),
    ("POST", "/nodes/*/lxc", When::True("force"), "overwrites an existing guest"),
    ("POST", "/nodes/*/qemu/*/status/shutdown", When::True("forceStop"), "stops the guest hard"),
    ("POST", "/nodes/*/lxc/*/status/shutdown", When::True("forceStop"), "stops the guest hard"),
    ("PUT", "/nodes/*/qemu/*/config", When::Names("delete", "unused"), "destroys an unused disk"),
    ("POST", "/nodes/*/qemu/*/config", When::Names("delete", "unused"), "destroys an unused disk"),
    ("PUT", "/nodes/*/lxc/*/config", When::Names("delete", "unused"), "destroys an unused disk"),
];

/// Gates whose target is not the one the rule in [`gate`] picks: (method, path, argument).
/// A target is echoed and shown, so it is never a secret.
const GATE_TARGETS: &[(&str, &str, &str)] = &[
    ("POST", "/nodes/*/execute", "node"),
    ("PUT", "/access/password", "userid"),
    ("POST", "/access/ticket", "username"),
];

/// A confirmation gate: what the caller must echo back, when the gate applies, and why it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// The argument whose value the caller echoes (`vmid` → `confirm_vmid`, others → `confirm_name`).
    pub target: Option<String>,
    /// The gate applies only when this holds.
    pub only_if: Option<When>,
    /// Why the call is gated ([`DESTRUCTIVE`] or a reason from [`GATED_WITH_REASON`] or
    /// [`CONDITIONAL_GATES`]).
    pub reason: &'static str,
}

/// Whether an endpoint is always behind a confirmation gate.
pub fn gated(ep: &Endpoint) -> bool {
    (ep.method == Method::Delete && !matches_any(UNGATED_DELETES, ep))
        || matches_any(GATED, ep)
        || GATED_WITH_REASON.iter().any(|(m, p, _)| pattern_matches(m, p, ep))
}

/// The confirmation gate of an endpoint, if it has one.
pub fn gate(ep: &Endpoint) -> Option<Gate> {
    let target = || {
        GATE_TARGETS
            .iter()
            .find(|(m, p, _)| pattern_matches(m, p, ep))
            .map(|(_, _, t)| (*t).to_owned())
            .or_else(|| gate_target(ep))
    };
    if gated(ep) {
        let reason =
            GATED_WITH_REASON.iter().find(|(m, p, _)| pattern_matches(m, p, ep)).map_or(DESTRUCTIVE, |(_, _, r)| *r);
        return Some(Gate { target: target(), only_if: None, reason });
    }
    let (_, _, when, reason) = CONDITIONAL_GATES.iter().find(|(m, p, _, _)| pattern_matches(m, p, ep))?;
    Some(Gate { target: target(), only_if: Some(*when), reason })
}

/// What a confirmation names: the deepest path placeholder below the node (the guest, snapshot,
/// storage, user, rule position...), else a required `vmid` argument, else the first required
/// argument (pool id, disk), else the node.
pub fn gate_target(ep: &Endpoint) -> Option<String> {
    let required = |p: &&crate::model::Param| !p.optional && p.indexed.is_none();
    let path = ep.path_params();
    if let Some(last) = path.iter().rev().find(|p| **p != "node") {
        return Some((*last).to_owned());
    }
    let args: Vec<&crate::model::Param> =
        ep.params.iter().filter(required).filter(|p| p.location == crate::model::Location::Arg).collect();
    if let Some(p) = args.iter().find(|p| p.name == "vmid").or(args.first()) {
        return Some(p.name.clone());
    }
    path.first().map(|p| (*p).to_owned())
}

/// Argument names that carry a secret wherever they appear (any argument whose name contains one
/// of these words, path parameters aside): passwords, keys, tokens, tickets.
pub const SECRET_WORDS: &[&str] = &["pass", "secret", "token", "key", "bindpw", "ticket", "cookie", "otp", "totp"];

/// Arguments that carry a secret under a name that does not say so: (method, path, argument, why).
/// Their values never reach the audit log, the server's own logs or its error messages.
pub const SECRET_ARGUMENTS: &[(&str, &str, &str, &str)] = &[
    ("POST", "/cluster/acme/plugins", "data", "DNS plugin credentials (API keys, passwords)"),
    ("PUT", "/cluster/acme/plugins/*", "data", "DNS plugin credentials (API keys, passwords)"),
    ("POST", "/cluster/notifications/endpoints/webhook", "header", "HTTP headers, often `Authorization`"),
    ("PUT", "/cluster/notifications/endpoints/webhook/*", "header", "HTTP headers, often `Authorization`"),
    ("PUT", "/cluster/options", "http_proxy", "a proxy URL may carry `user:password@`"),
    ("POST", "/access/tfa/*", "value", "a TFA code or key"),
];

/// The arguments of an endpoint whose values are secrets: [`SECRET_ARGUMENTS`] plus every
/// non-path parameter whose name contains one of [`SECRET_WORDS`].
pub fn secret_arguments(ep: &Endpoint) -> Vec<String> {
    let mut out: Vec<String> = ep
        .params
        .iter()
        .filter(|p| p.location == crate::model::Location::Arg)
        .filter(|p| {
            let lower = p.name.to_ascii_lowercase();
            SECRET_WORDS.iter().any(|w| lower.contains(w))
                || SECRET_ARGUMENTS.iter().any(|(m, path, arg, _)| *arg == p.name && pattern_matches(m, path, ep))
        })
        .map(|p| p.name.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a call may answer with a PVE task id (UPID) to wait for: a write whose schema says it
/// returns a string.
pub fn may_return_task(ep: &Endpoint) -> bool {
    ep.method != Method::Get && ep.returns.kind.as_deref() == Some("string")
}

/// MCP tool annotations: (readOnly, destructive, idempotent, openWorld).
pub fn annotations(ep: &Endpoint) -> (bool, bool, bool, bool) {
    let read_only = ep.method == Method::Get;
    let removes = ep.params.iter().any(|p| matches!(p.name.as_str(), "delete" | "purge" | "force"));
    let destructive = !read_only && (ep.method == Method::Delete || gate(ep).is_some() || removes);
    let idempotent = matches!(ep.method, Method::Get | Method::Put | Method::Delete);
    let open_world = ep.params.iter().any(|p| p.name == "url")
        || ep.segments().any(|s| matches!(s, "acme" | "download-url" | "oci-registry-pull"));
    (read_only, destructive, idempotent, open_world)
}

fn matches_any(table: &[(&str, &str)], ep: &Endpoint) -> bool {
    table.iter().any(|(m, p)| pattern_matches(m, p, ep))
}

pub fn pattern_matches(method: &str, pattern: &str, ep: &Endpoint) -> bool {
    if method != ep.method.as_str() {
        return false;
    }
    let pat: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    let segs: Vec<&str> = ep.segments().collect();
    pat.len() == segs.len() && pat.iter().zip(&segs).all(|(p, s)| *p == "*" || p == s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Returns;

    fn ep(method: Method, path: &str) -> Endpoint {
        Endpoint {
            path: path.into(),
            method,
            pve_name: String::new(),
            description: String::new(),
            permissions: None,
            permissions_rule: None,
            protected: false,
            allowtoken: true,
            params: vec![],
            children: vec![],
            sibling_methods: vec![],
            returns: Returns { kind: None, description: None, schema: None, properties: Vec::new() },
        }
    }

    #[test]
    fn a_guest_firewall_is_firewall() {
        assert_eq!(category(&ep(Method::Get, "/nodes/{node}/qemu/{vmid}/firewall/rules")), "firewall");
        assert_eq!(category(&ep(Method::Get, "/nodes/{node}/qemu/{vmid}/config")), "qemu");
    }

    #[test]
    fn patterns_match_one_segment_per_star() {
        let e = ep(Method::Post, "/nodes/{node}/qemu/{vmid}/status/start");
        assert!(pattern_matches("POST", "/nodes/*/qemu/*/status/*", &e));
        assert!(!pattern_matches("POST", "/nodes/*/qemu/*", &e));
        assert!(!pattern_matches("GET", "/nodes/*/qemu/*/status/*", &e));
    }

    #[test]
    fn every_delete_is_gated_unless_listed() {
        assert!(gated(&ep(Method::Delete, "/nodes/{node}/qemu/{vmid}")));
        assert!(!gated(&ep(Method::Delete, "/nodes/{node}/tasks/{upid}")));
        assert!(!gated(&ep(Method::Post, "/nodes/{node}/qemu/{vmid}/status/start")));
    }

    #[test]
    fn every_category_rule_names_a_documented_category() {
        for path in ["/version", "/nodes", "/access/users", "/cluster/ha/groups", "/nodes/{n}/disks/list"] {
            let c = category(&ep(Method::Get, path));
            assert!(CATEGORIES.iter().any(|(name, _)| *name == c), "{path} → {c}");
        }
    }
}
