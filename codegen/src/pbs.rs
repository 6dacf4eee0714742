//! Proxmox Backup Server's reviewed tables: names, exclusions, tiers, categories, gates and task
//! returns of PBS's endpoints, written like PVE's in [`crate::policy`] (path patterns in which `*`
//! matches one segment; first match wins) and using its machinery.
//!
//! PBS tools use PVE's category names (a category filter then means the same on both products);
//! [`CATEGORY_NOTES`] says what each holds on PBS. `docs/TOOLS.md` shows the outcome for every
//! endpoint, and `codegen/tests/pbs.rs` pins each rule.

use crate::model::{Endpoint, Location, Method, placeholder};
use crate::policy::{CREDENTIALS, DESTRUCTIVE, Gate, PERMISSIONS, SHELL, Tier, When, pattern_matches};
use crate::references::{Names, Reference, Scope};

/// Reviewed exceptions to the naming rule: (method, path, name without the prefix, why).
pub const OVERRIDES: &[(&str, &str, &str, &str)] = &[
    ("GET", "/", "index", "the API's root directory index"),
    (
        "GET",
        "/config/notifications/endpoints",
        "notifications_endpoints_get",
        "the endpoints' directory index; without `endpoints` it would collide with GET /config/notifications",
    ),
    ("POST", "/tape/backup/{id}", "tape_backup_job_run", "runs a configured job; `add` would say it creates one"),
    ("POST", "/config/encryption-keys/{id}", "config_encryption_keys_archive", "toggles the key's archive state"),
    ("GET", "/tape/media/destroy", "tape_media_destroy", "a GET that removes a medium; `get` would say it reads"),
    (
        "GET",
        "/config/notifications/matcher-field-values",
        "notifications_matcher_values_list",
        "the rule's name is longer than clients take once prefixed",
    ),
];

/// `/config/<X>` subtrees whose tools are named `<X>_...` rather than `config_<X>_...`, as PVE's
/// `/cluster/<X>` ones are ([`crate::names::OWN_SCOPE`]).
pub const OWN_SCOPE: &[&str] = &["notifications", "acme"];

/// The tool name of an endpoint, before the `pbs_` prefix: PVE's rule ([`crate::names`]), with a
/// leading `/admin` left out where more follows (`/admin/datastore/{store}/snapshots` →
/// `datastore_snapshots_list`; `/config/...` keeps its word, so the datastore's configuration is
/// `config_datastore_...`), `/config` left out before the subtrees of [`OWN_SCOPE`], and the
/// notification endpoints' `endpoints` word left out (`notifications_webhook_create`: with it,
/// `pbs_` makes the name longer than clients take).
pub fn tool_name(ep: &Endpoint) -> String {
    if let Some((_, _, name, _)) = OVERRIDES.iter().find(|(m, p, _, _)| *m == ep.method.as_str() && *p == ep.path) {
        return (*name).to_owned();
    }
    let own_scope = |rest: &&str| OWN_SCOPE.iter().any(|s| rest.split('/').next() == Some(s));
    let shortened = ep.path.strip_prefix("/admin/").or_else(|| ep.path.strip_prefix("/config/").filter(own_scope));
    match shortened {
        Some(rest) => {
            let mut shortened = ep.clone();
            shortened.path = format!("/{rest}").replacen("/notifications/endpoints", "/notifications", 1);
            crate::names::tool_name(&shortened)
        }
        None => crate::names::tool_name(ep),
    }
}

/// Endpoints that cannot work as a tool, with the reason.
pub const EXCLUDED: &[(&str, &str, &str)] = &[
    ("GET", "/backup", "upgrades to the HTTP/2 backup protocol (`/backup/_upgrade_`), not a REST call"),
    ("GET", "/reader", "upgrades to the HTTP/2 reader protocol (`/reader/_upgrade_`), not a REST call"),
    ("GET", "/nodes/*/vncwebsocket", "websocket upgrade for a console"),
    ("GET", "/admin/datastore/*/download", "streams a raw backup file, not JSON"),
    ("GET", "/admin/datastore/*/download-decoded", "streams a decoded backup file, not JSON"),
    ("GET", "/admin/datastore/*/pxar-file-download", "streams a file or archive from a backup, not JSON"),
    ("POST", "/admin/datastore/*/upload-backup-log", "takes the client's log file as the raw request body"),
];

/// Why an endpoint is left out, if it is: [`EXCLUDED`], and every method of the backup and reader
/// protocols (the trees under `/backup/_upgrade_` and `/reader/_upgrade_`, served only on an
/// upgraded HTTP/2 connection).
pub fn excluded(ep: &Endpoint) -> Option<&'static str> {
    if ep.path.starts_with("/backup/_upgrade_") {
        return Some("part of the HTTP/2 backup protocol, served only after `GET /backup` upgrades the connection");
    }
    if ep.path.starts_with("/reader/_upgrade_") {
        return Some("part of the HTTP/2 reader protocol, served only after `GET /reader` upgrades the connection");
    }
    EXCLUDED.iter().find(|(m, p, _)| pattern_matches(m, p, ep)).map(|(_, _, why)| *why)
}

/// GETs that change something (PBS's tape inventory removal is a GET): tier `full` and gated.
pub const WRITING_GETS: &[(&str, &str)] = &[("GET", "/tape/media/destroy")];

/// Non-GET endpoints that only run, stop or move existing things: tier `read-execute`.
pub const READ_EXECUTE: &[(&str, &str)] = &[
    ("POST", "/admin/datastore/*/verify"),
    ("POST", "/admin/datastore/*/gc"),
    ("POST", "/admin/datastore/*/mount"),
    ("POST", "/admin/datastore/*/unmount"),
    ("POST", "/admin/verify/*/run"),
    ("POST", "/admin/sync/*/run"),
    ("POST", "/admin/prune/*/run"),
    ("POST", "/tape/backup"),
    ("POST", "/tape/backup/*"),
    ("POST", "/tape/changer/*/transfer"),
    ("POST", "/tape/drive/*/catalog"),
    ("PUT", "/tape/drive/*/clean"),
    ("POST", "/tape/drive/*/eject-media"),
    ("PUT", "/tape/drive/*/export-media"),
    ("PUT", "/tape/drive/*/inventory"),
    ("POST", "/tape/drive/*/load-media"),
    ("POST", "/tape/drive/*/load-slot"),
    ("POST", "/tape/drive/*/rewind"),
    ("POST", "/tape/drive/*/unload"),
    ("DELETE", "/nodes/*/tasks/*"),
    ("POST", "/nodes/*/services/*/start"),
    ("POST", "/nodes/*/services/*/stop"),
    ("POST", "/nodes/*/services/*/restart"),
    ("POST", "/nodes/*/services/*/reload"),
    ("POST", "/nodes/*/status"),
    ("POST", "/nodes/*/apt/update"),
    ("POST", "/config/notifications/targets/*/test"),
];

/// The tier of a PBS endpoint.
pub fn tier(ep: &Endpoint) -> Tier {
    if matches_any(WRITING_GETS, ep) {
        Tier::Full
    } else if ep.method == Method::Get {
        Tier::ReadOnly
    } else if matches_any(READ_EXECUTE, ep) {
        Tier::ReadExecute
    } else {
        Tier::Full
    }
}

/// What each category holds on PBS, for `docs/TOOLS.md`.
pub const CATEGORY_NOTES: &[(&str, &str)] = &[
    ("backup", "datastore contents (groups, snapshots, namespaces, files, notes), prune, verify, GC runs, tape"),
    ("storage", "datastore definitions and usage, S3 endpoints, disks, ZFS pools and directories"),
    ("replication", "remotes, sync jobs, pull and push, traffic control"),
    ("access", "users, API tokens, ACLs, TFA, realms, permissions"),
    ("tasks", "task lists, status, logs, stopping tasks"),
    ("nodes", "node status, services, journal, apt, certificates, time, DNS, subscription"),
    ("network", "node network interfaces"),
    ("notifications", "notification endpoints, matchers, targets"),
    ("cluster", "version, ACME, metrics servers, encryption keys"),
];

/// The category of a PBS endpoint, from its path. First matching rule wins.
pub fn category(ep: &Endpoint) -> &'static str {
    let literal: Vec<&str> = ep.segments().filter(|s| placeholder(s).is_none()).collect();
    let (first, second) = (literal.first().copied().unwrap_or(""), literal.get(1).copied().unwrap_or(""));
    match (first, second) {
        ("admin", "datastore" | "prune" | "verify") | ("config", "prune" | "verify") => "backup",
        ("tape", _) | ("config", "changer" | "drive" | "media-pool" | "tape-backup-job" | "tape-encryption-keys") => {
            "backup"
        }
        ("admin", "gc" | "s3") | ("config", "datastore" | "s3") | ("status", "datastore-usage") => "storage",
        ("nodes", "disks") => "storage",
        ("admin", "sync" | "traffic-control") | ("config", "sync" | "remote" | "traffic-control") => "replication",
        ("pull" | "push", _) => "replication",
        ("access", _) | ("config", "access") => "access",
        ("nodes", "tasks") => "tasks",
        ("nodes", "network") => "network",
        ("config", "notifications") => "notifications",
        ("nodes" | "status", _) => "nodes",
        _ => "cluster",
    }
}

/// Endpoints always behind a confirmation gate besides every DELETE not in [`UNGATED_DELETES`]:
/// (method, path, reason).
pub const GATED: &[(&str, &str, &str)] = &[
    ("POST", "/admin/datastore/*/prune", "deletes every snapshot of the group the prune options do not keep"),
    ("POST", "/admin/datastore/*/prune-datastore", "deletes every snapshot the prune options do not keep"),
    ("POST", "/admin/prune/*/run", "deletes every snapshot the prune job's options do not keep"),
    ("POST", "/admin/datastore/*/gc", "removes every chunk no snapshot references"),
    ("GET", "/tape/media/destroy", "removes the medium from the inventory"),
    ("POST", "/tape/drive/*/format-media", "erases the tape"),
    ("POST", "/tape/drive/*/label-media", "writes a new label, making the tape's old contents unreadable"),
    ("POST", "/tape/drive/*/barcode-label-media", "writes new labels, making the tapes' old contents unreadable"),
    ("PUT", "/nodes/*/disks/wipedisk", DESTRUCTIVE),
    ("POST", "/nodes/*/disks/initgpt", DESTRUCTIVE),
    ("POST", "/nodes/*/status", "reboots or shuts down the server"),
    ("PUT", "/nodes/*/network", "applies pending network changes; a mistake cuts the server off"),
    // Permissions: ACLs, users, owners, realms and their sync.
    ("PUT", "/access/acl", PERMISSIONS),
    ("POST", "/access/users", PERMISSIONS),
    ("PUT", "/access/users/*", PERMISSIONS),
    ("POST", "/access/domains/*/sync", PERMISSIONS),
    ("POST", "/admin/datastore/*/change-owner", PERMISSIONS),
    ("POST", "/config/access/ad", PERMISSIONS),
    ("PUT", "/config/access/ad/*", PERMISSIONS),
    ("POST", "/config/access/ldap", PERMISSIONS),
    ("PUT", "/config/access/ldap/*", PERMISSIONS),
    ("POST", "/config/access/openid", PERMISSIONS),
    ("PUT", "/config/access/openid/*", PERMISSIONS),
    ("PUT", "/config/access/pam", PERMISSIONS),
    ("PUT", "/config/access/pbs", PERMISSIONS),
    // Credentials: API tokens, TFA, passwords, tickets, keys.
    ("POST", "/access/users/*/token/*", CREDENTIALS),
    ("PUT", "/access/users/*/token/*", CREDENTIALS),
    ("POST", "/access/tfa/*", CREDENTIALS),
    ("PUT", "/access/tfa/*/*", CREDENTIALS),
    ("PUT", "/access/users/*/unlock-tfa", CREDENTIALS),
    ("PUT", "/access/password", CREDENTIALS),
    ("POST", "/access/ticket", CREDENTIALS),
    ("POST", "/access/openid/login", CREDENTIALS),
    ("PUT", "/config/access/tfa/webauthn", CREDENTIALS),
    ("POST", "/config/tape-encryption-keys", CREDENTIALS),
    ("PUT", "/config/tape-encryption-keys/*", CREDENTIALS),
    ("POST", "/config/encryption-keys", CREDENTIALS),
    // Shell.
    ("POST", "/nodes/*/termproxy", SHELL),
];

/// DELETEs that undo nothing a person would miss: not gated.
pub const UNGATED_DELETES: &[(&str, &str)] =
    &[("DELETE", "/nodes/*/tasks/*"), ("DELETE", "/nodes/*/network"), ("DELETE", "/access/ticket")];

/// Endpoints gated only by the effect their arguments ask for: (method, path, when, reason).
pub const CONDITIONAL_GATES: &[(&str, &str, When, &str)] = &[
    ("POST", "/pull", When::True("remove-vanished"), "deletes local snapshots the remote no longer has"),
    ("POST", "/push", When::True("remove-vanished"), "deletes remote snapshots the local datastore no longer has"),
];

/// Gates whose confirmation names another argument than the rule in [`crate::policy`] picks
/// (the deepest path placeholder): (method, path, argument).
pub const GATE_TARGETS: &[(&str, &str, &str)] = &[
    ("DELETE", "/admin/datastore/*/snapshots", "backup-id"),
    ("DELETE", "/admin/datastore/*/groups", "backup-id"),
    ("DELETE", "/admin/datastore/*/namespace", "ns"),
    ("POST", "/admin/datastore/*/prune", "backup-id"),
    ("POST", "/admin/datastore/*/change-owner", "backup-id"),
    ("POST", "/tape/drive/*/format-media", "drive"),
    ("POST", "/tape/drive/*/label-media", "drive"),
    ("GET", "/tape/media/destroy", "label-text"),
    ("POST", "/config/access/ad", "realm"),
    ("POST", "/config/access/ldap", "realm"),
    ("POST", "/config/access/openid", "realm"),
    ("PUT", "/access/password", "userid"),
    ("POST", "/access/ticket", "username"),
];

/// Gates that name no argument: the one the rule would pick is a secret, and a target is echoed.
pub const UNTARGETED: &[(&str, &str)] = &[("POST", "/access/openid/login")];

/// The confirmation gate of a PBS endpoint, if it has one.
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
    if ep.method == Method::Delete && !matches_any(UNGATED_DELETES, ep) {
        return Some(Gate { target: target(), only_if: None, reason: DESTRUCTIVE });
    }
    if let Some((_, _, reason)) = GATED.iter().find(|(m, p, _)| pattern_matches(m, p, ep)) {
        return Some(Gate { target: target(), only_if: None, reason });
    }
    let (_, _, when, reason) = CONDITIONAL_GATES.iter().find(|(m, p, _, _)| pattern_matches(m, p, ep))?;
    Some(Gate { target: target(), only_if: Some(*when), reason })
}

/// Writes that answer with a task id although the schema says they return nothing (PBS's job
/// runs, pull and push start a worker task and return its UPID).
pub const TASKS_DESPITE_SCHEMA: &[(&str, &str)] = &[
    ("POST", "/admin/prune/*/run"),
    ("POST", "/admin/sync/*/run"),
    ("POST", "/admin/verify/*/run"),
    ("POST", "/tape/backup/*"),
    ("POST", "/pull"),
    ("POST", "/push"),
];

/// Whether a call may answer with a task id (UPID): PVE's rule (a write returning a string), plus
/// [`TASKS_DESPITE_SCHEMA`].
pub fn may_return_task(ep: &Endpoint) -> bool {
    crate::policy::may_return_task(ep) || matches_any(TASKS_DESPITE_SCHEMA, ep)
}

/// MCP tool annotations: (readOnly, destructive, idempotent, openWorld).
pub fn annotations(ep: &Endpoint) -> (bool, bool, bool, bool) {
    let read_only = tier(ep) == Tier::ReadOnly;
    let removes = ep.params.iter().any(|p| matches!(p.name.as_str(), "delete" | "destroy-data" | "remove-vanished"));
    let destructive = !read_only && (ep.method == Method::Delete || gate(ep).is_some() || removes);
    let idempotent = matches!(ep.method, Method::Get | Method::Put | Method::Delete) && !matches_any(WRITING_GETS, ep);
    let open_world = ep.segments().any(|s| matches!(s, "acme" | "remote" | "pull" | "push" | "s3"));
    (read_only, destructive, idempotent, open_world)
}

/// How an argument of this name is read, wherever it appears (unless [`NOT_FENCED`] says it names
/// something of another server): the local datastore, namespaces, and the backup group's guest.
pub const ARGUMENTS: &[(&str, Names)] = &[
    ("store", Names::Datastore),
    ("ns", Names::Namespace),
    ("target-ns", Names::Namespace),
    ("backup-id", Names::BackupGroup),
    ("group-filter", Names::GroupFilter),
];

/// Arguments whose name says nothing of what they name, read by endpoint: (method, path pattern,
/// argument, what it names).
pub const REVIEWED: &[(&str, &str, &str, Names)] = &[
    ("POST", "/config/datastore", "name", Names::Datastore),
    ("GET", "/config/datastore/*", "name", Names::Datastore),
    ("PUT", "/config/datastore/*", "name", Names::Datastore),
    ("DELETE", "/config/datastore/*", "name", Names::Datastore),
    // A directory or ZFS pool made on a disk is added as the datastore of its name.
    ("POST", "/nodes/*/disks/directory", "name", Names::Datastore),
    ("DELETE", "/nodes/*/disks/directory/*", "name", Names::Datastore),
    ("POST", "/nodes/*/disks/zfs", "name", Names::Datastore),
    ("POST", "/admin/datastore/*/namespace", "parent", Names::Namespace),
    ("GET", "/admin/datastore/*/namespace", "parent", Names::ListedNamespace),
    ("POST", "/tape/restore", "store", Names::DatastoreMap),
    ("POST", "/admin/prune/*/run", "id", Names::Job),
    ("POST", "/admin/sync/*/run", "id", Names::Job),
    ("POST", "/admin/verify/*/run", "id", Names::Job),
    ("POST", "/tape/backup/*", "id", Names::Job),
    ("GET", "/config/prune/*", "id", Names::Job),
    ("PUT", "/config/prune/*", "id", Names::Job),
    ("DELETE", "/config/prune/*", "id", Names::Job),
    ("GET", "/config/sync/*", "id", Names::Job),
    ("PUT", "/config/sync/*", "id", Names::Job),
    ("DELETE", "/config/sync/*", "id", Names::Job),
    ("GET", "/config/verify/*", "id", Names::Job),
    ("PUT", "/config/verify/*", "id", Names::Job),
    ("DELETE", "/config/verify/*", "id", Names::Job),
    ("GET", "/config/tape-backup-job/*", "id", Names::Job),
    ("PUT", "/config/tape-backup-job/*", "id", Names::Job),
    ("DELETE", "/config/tape-backup-job/*", "id", Names::Job),
];

/// Property-string keys naming what the allowlists fence: (method, path, argument, keys, names).
pub const REVIEWED_KEYS: &[(&str, &str, &str, &[&str], Names)] = &[
    ("POST", "/tape/restore", "namespaces", &["store"], Names::Datastore),
    ("POST", "/tape/restore", "namespaces", &["target"], Names::Namespace),
];

/// Arguments that look like the ones the allowlists fence but name something of another server
/// (or nothing to fence): (argument, path pattern or `""` for every path, why).
pub const NOT_FENCED: &[(&str, &str, &str)] = &[
    ("remote-store", "", "a datastore of the remote server a sync pulls from or pushes to, not of this one"),
    ("remote-ns", "", "a namespace of the remote server a sync pulls from or pushes to, not of this one"),
    ("store", "/config/remote/*/scan/*", "a datastore of the remote server being scanned"),
    ("store", "/config/remote/*/scan/*/groups", "a datastore of the remote server being scanned"),
    ("store", "/config/remote/*/scan/*/namespaces", "a datastore of the remote server being scanned"),
    ("namespace", "/config/remote/*/scan/*/groups", "a namespace of the remote server being scanned"),
    ("max-depth", "", "only reaches below the namespace the call names, which is checked"),
    ("parent", "", "checked where it names a namespace (see `REVIEWED`)"),
];

/// The argument names [`NOT_FENCED`] and the generator's test hold to: every one is read by a
/// reference or left out with a reason, so a new PBS release cannot add an unfenced form silently.
pub const FENCED_NAMES: &[&str] =
    &["store", "ns", "target-ns", "backup-id", "group-filter", "remote-store", "remote-ns", "namespace", "namespaces"];

/// Why an argument is not fenced, if it is one [`NOT_FENCED`] lists for this endpoint.
pub fn not_fenced(ep: &Endpoint, argument: &str) -> Option<&'static str> {
    NOT_FENCED
        .iter()
        .find(|(a, path, _)| *a == argument && (path.is_empty() || any_method(path, ep)))
        .map(|(_, _, why)| *why)
}

/// Arguments naming what the allowlists fence (`PBS_DATASTORES`, `PBS_NAMESPACES`, and
/// `PVE_VMID_ALLOWLIST` through backup groups), in parameter order.
pub fn references(ep: &Endpoint) -> Vec<Reference> {
    let mut out = Vec::new();
    for p in &ep.params {
        let whole = |names| Reference {
            param: p.name.clone(),
            in_path: p.location == Location::Path,
            indexed: p.indexed.is_some(),
            keys: Vec::new(),
            default_key: false,
            names,
        };
        let reviewed = REVIEWED.iter().find(|(m, path, a, _)| *a == p.name && pattern_matches(m, path, ep));
        if let Some((_, _, _, names)) = reviewed {
            out.push(whole(*names));
        } else if not_fenced(ep, &p.name).is_none()
            && let Some((_, names)) = ARGUMENTS.iter().find(|(a, _)| *a == p.name)
        {
            out.push(whole(*names));
        }
        for (_, _, _, keys, names) in
            REVIEWED_KEYS.iter().filter(|(m, path, a, _, _)| *a == p.name && pattern_matches(m, path, ep))
        {
            out.push(Reference { keys: keys.iter().map(|k| (*k).to_owned()).collect(), ..whole(*names) });
        }
    }
    out
}

/// Calls that act on every backup group (of a datastore or namespace) unless narrowed: (method,
/// path, the narrowing argument or `""` when none can, whether leaving it out means every group,
/// arguments that widen the call to every group). Refused under a VMID allowlist when not narrowed.
pub const GROUP_SCOPES: &[(&str, &str, &str, bool, &[&str])] = &[
    ("POST", "/admin/datastore/*/verify", "backup-id", true, &[]),
    ("POST", "/admin/datastore/*/prune-datastore", "", true, &[]),
    ("POST", "/admin/datastore/*/move-namespace", "", true, &[]),
    ("DELETE", "/admin/datastore/*/namespace", "", false, &["delete-groups"]),
    ("DELETE", "/config/datastore/*", "", false, &["destroy-data"]),
    ("POST", "/config/prune", "", true, &[]),
    ("POST", "/config/verify", "", true, &[]),
    ("POST", "/config/sync", "group-filter", true, &[]),
    ("POST", "/config/tape-backup-job", "group-filter", true, &[]),
    ("POST", "/pull", "group-filter", true, &[]),
    ("POST", "/push", "group-filter", true, &[]),
    ("POST", "/tape/backup", "group-filter", true, &[]),
    ("POST", "/tape/restore", "", true, &[]),
];

/// The group scope of a PBS endpoint, if it acts on every backup group unless narrowed.
pub fn scope(ep: &Endpoint) -> Option<Scope> {
    GROUP_SCOPES.iter().find(|(m, p, _, _, _)| pattern_matches(m, p, ep)).map(|(_, _, list, absent, widening)| Scope {
        list,
        absent_means_all: *absent,
        widening,
    })
}

fn any_method(pattern: &str, ep: &Endpoint) -> bool {
    ["GET", "POST", "PUT", "DELETE"].iter().any(|m| pattern_matches(m, pattern, ep))
}

fn matches_any(table: &[(&str, &str)], ep: &Endpoint) -> bool {
    table.iter().any(|(m, p)| pattern_matches(m, p, ep))
}
