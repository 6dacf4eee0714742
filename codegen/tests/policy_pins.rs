//! Pins the tier, category and gate of well-known endpoints of the vendored schema, so a change to
//! the rules or the override tables that moves one of them is a reviewed decision.

use std::path::PathBuf;

use pve_mcp_codegen::policy::When;
use pve_mcp_codegen::{Tier, Tool, generate, model::Kind, pattern, policy};

fn tools() -> Vec<Tool> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    generate(&std::fs::read_to_string(root.join("apidoc/apidoc.json")).unwrap()).unwrap().tools
}

fn find<'a>(tools: &'a [Tool], method: &str, path: &str) -> &'a Tool {
    tools
        .iter()
        .find(|t| t.endpoint.method.as_str() == method && t.endpoint.path == path)
        .unwrap_or_else(|| panic!("no tool for {method} {path}"))
}

use Tier::{Full, ReadExecute as Rx, ReadOnly as Ro};

/// (method, path, tier, category, gated)
const PINS: &[(&str, &str, Tier, &str, bool)] = &[
    ("GET", "/nodes", Ro, "nodes", false),
    ("GET", "/cluster/resources", Ro, "cluster", false),
    ("GET", "/nodes/{node}/qemu", Ro, "qemu", false),
    ("GET", "/nodes/{node}/qemu/{vmid}/config", Ro, "qemu", false),
    ("GET", "/nodes/{node}/lxc/{vmid}/config", Ro, "lxc", false),
    ("GET", "/nodes/{node}/tasks/{upid}/status", Ro, "tasks", false),
    ("GET", "/access/users", Ro, "access", false),
    ("GET", "/storage", Ro, "storage", false),
    ("GET", "/nodes/{node}/storage/{storage}/content", Ro, "storage", false),
    ("GET", "/cluster/backup-info/not-backed-up", Ro, "backup", false),
    ("GET", "/nodes/{node}/qemu/{vmid}/firewall/rules", Ro, "firewall", false),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/start", Rx, "qemu", false),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown", Rx, "qemu", false),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/stop", Rx, "qemu", true),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/reset", Rx, "qemu", true),
    ("POST", "/nodes/{node}/qemu/{vmid}/status/reboot", Rx, "qemu", false),
    ("POST", "/nodes/{node}/lxc/{vmid}/status/start", Rx, "lxc", false),
    ("POST", "/nodes/{node}/qemu/{vmid}/migrate", Rx, "qemu", false),
    ("POST", "/nodes/{node}/lxc/{vmid}/migrate", Rx, "lxc", false),
    ("POST", "/nodes/{node}/vzdump", Rx, "backup", false),
    ("DELETE", "/nodes/{node}/tasks/{upid}", Rx, "tasks", false),
    ("POST", "/nodes/{node}/services/{service}/restart", Rx, "nodes", false),
    ("POST", "/cluster/ha/resources/{sid}/migrate", Rx, "ha", false),
    ("POST", "/cluster/bulk-action/guest/start", Rx, "cluster", true),
    ("POST", "/nodes/{node}/qemu", Full, "qemu", false),
    ("DELETE", "/nodes/{node}/qemu/{vmid}", Full, "qemu", true),
    ("DELETE", "/nodes/{node}/lxc/{vmid}", Full, "lxc", true),
    ("PUT", "/nodes/{node}/qemu/{vmid}/config", Full, "qemu", false),
    ("POST", "/nodes/{node}/qemu/{vmid}/config", Full, "qemu", false),
    ("POST", "/nodes/{node}/qemu/{vmid}/clone", Full, "qemu", false),
    ("POST", "/nodes/{node}/qemu/{vmid}/snapshot", Full, "qemu", false),
    ("DELETE", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}", Full, "qemu", true),
    ("POST", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback", Full, "qemu", true),
    ("POST", "/nodes/{node}/qemu/{vmid}/agent/exec", Full, "qemu", true),
    ("POST", "/access/users", Full, "access", true),
    ("DELETE", "/access/users/{userid}", Full, "access", true),
    ("POST", "/access/users/{userid}/token/{tokenid}", Full, "access", true),
    ("DELETE", "/storage/{storage}", Full, "storage", true),
    ("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}", Full, "storage", true),
    ("PUT", "/nodes/{node}/network", Full, "network", true),
    ("PUT", "/cluster/sdn", Full, "sdn", true),
    ("PUT", "/nodes/{node}/disks/wipedisk", Full, "storage", true),
    ("DELETE", "/cluster/firewall/rules/{pos}", Full, "firewall", true),
    ("DELETE", "/cluster/ha/resources/{sid}", Full, "ha", true),
    ("DELETE", "/pools", Full, "pools", true),
    ("POST", "/cluster/backup", Full, "backup", false),
    ("DELETE", "/nodes/{node}/ceph/pool/{name}", Full, "ceph", true),
];

#[test]
fn well_known_endpoints_keep_their_tier_category_and_gate() {
    let tools = tools();
    let mut wrong = Vec::new();
    for (method, path, tier, category, gated) in PINS {
        let t = find(&tools, method, path);
        if (t.tier, t.category, policy::gated(&t.endpoint)) != (*tier, *category, *gated) {
            wrong.push(format!(
                "{method} {path}: {:?}/{}/{} (pinned {tier:?}/{category}/{gated})",
                t.tier,
                t.category,
                t.gate.is_some()
            ));
        }
    }
    assert!(PINS.len() >= 30);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn gates_name_what_the_caller_echoes() {
    let tools = tools();
    let target = |m, p| find(&tools, m, p).gate.as_ref().and_then(|g| g.target.clone());
    assert_eq!(target("DELETE", "/nodes/{node}/qemu/{vmid}").as_deref(), Some("vmid"));
    assert_eq!(target("DELETE", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}").as_deref(), Some("snapname"));
    assert_eq!(target("DELETE", "/storage/{storage}").as_deref(), Some("storage"));
    assert_eq!(target("DELETE", "/access/users/{userid}").as_deref(), Some("userid"));
    assert_eq!(target("DELETE", "/pools").as_deref(), Some("poolid"));
    let restore = find(&tools, "POST", "/nodes/{node}/qemu").gate.clone().unwrap();
    assert_eq!((restore.target.as_deref(), restore.only_if), (Some("vmid"), Some(When::True("force"))));
}

/// The gate reason of an endpoint (`None` when it has no gate that always applies).
fn always_gated_because(tools: &[Tool], method: &str, path: &str) -> Option<&'static str> {
    find(tools, method, path).gate.as_ref().filter(|g| g.only_if.is_none()).map(|g| g.reason)
}

fn assert_family(tools: &[Tool], reason: &str, endpoints: &[(&str, &str)]) {
    for (method, path) in endpoints {
        assert_eq!(always_gated_because(tools, method, path), Some(reason), "{method} {path}");
    }
}

#[test]
fn permission_changes_are_gated_with_their_reason() {
    assert_family(
        &tools(),
        "changes who can do what",
        &[
            ("PUT", "/access/acl"),
            ("POST", "/access/users"),
            ("PUT", "/access/users/{userid}"),
            ("POST", "/access/groups"),
            ("PUT", "/access/groups/{groupid}"),
            ("POST", "/access/roles"),
            ("PUT", "/access/roles/{roleid}"),
            ("POST", "/access/domains"),
            ("PUT", "/access/domains/{realm}"),
            ("POST", "/access/domains/{realm}/sync"),
            ("POST", "/cluster/jobs/realm-sync/{id}"),
            ("PUT", "/cluster/jobs/realm-sync/{id}"),
        ],
    );
}

#[test]
fn credential_minting_is_gated_with_its_reason() {
    assert_family(
        &tools(),
        "mints or changes a credential",
        &[
            ("POST", "/access/users/{userid}/token/{tokenid}"),
            ("PUT", "/access/users/{userid}/token/{tokenid}"),
            ("POST", "/access/tfa/{userid}"),
            ("PUT", "/access/tfa/{userid}/{id}"),
            ("PUT", "/access/users/{userid}/unlock-tfa"),
            ("PUT", "/access/password"),
            ("POST", "/access/ticket"),
            ("POST", "/nodes/{node}/qemu/{vmid}/agent/set-user-password"),
        ],
    );
}

#[test]
fn shells_and_consoles_are_gated_with_their_reason() {
    assert_family(
        &tools(),
        "opens a shell or console",
        &[
            ("POST", "/nodes/{node}/termproxy"),
            ("POST", "/nodes/{node}/vncshell"),
            ("POST", "/nodes/{node}/spiceshell"),
            ("POST", "/nodes/{node}/qemu/{vmid}/termproxy"),
            ("POST", "/nodes/{node}/qemu/{vmid}/vncproxy"),
            ("POST", "/nodes/{node}/qemu/{vmid}/spiceproxy"),
            ("POST", "/nodes/{node}/lxc/{vmid}/termproxy"),
            ("POST", "/nodes/{node}/lxc/{vmid}/vncproxy"),
            ("POST", "/nodes/{node}/lxc/{vmid}/spiceproxy"),
        ],
    );
    let tools = tools();
    let execute = find(&tools, "POST", "/nodes/{node}/execute").gate.clone().unwrap();
    assert_eq!(execute.target.as_deref(), Some("node"));
    assert!(execute.reason.contains("PVE_ALLOW_EXECUTE"));
}

#[test]
fn a_qemu_monitor_command_is_always_gated() {
    let tools = tools();
    assert!(always_gated_because(&tools, "POST", "/nodes/{node}/qemu/{vmid}/monitor").unwrap().contains("monitor"));
}

#[test]
fn gated_effects_gate_ungated_tools_by_their_arguments() {
    let tools = tools();
    let when = |m: &str, p: &str| find(&tools, m, p).gate.as_ref().and_then(|g| g.only_if);
    for kind in ["qemu", "lxc"] {
        let path = format!("/nodes/{{node}}/{kind}/{{vmid}}/status/shutdown");
        assert_eq!(when("POST", &path), Some(When::True("forceStop")), "{path}");
        let path = format!("/nodes/{{node}}/{kind}/{{vmid}}/config");
        assert_eq!(when("PUT", &path), Some(When::Names("delete", "unused")), "{path}");
    }
    assert_eq!(when("POST", "/nodes/{node}/qemu/{vmid}/config"), Some(When::Names("delete", "unused")));
}

#[test]
fn every_get_is_read_only_and_only_gets_are() {
    for t in tools() {
        assert_eq!(t.tier == Tier::ReadOnly, t.endpoint.method.as_str() == "GET", "{}", t.name);
    }
}

#[test]
fn annotations_follow_the_method() {
    for t in tools() {
        let (ro, destructive, idempotent, _) = t.annotations;
        let m = t.endpoint.method.as_str();
        assert_eq!(ro, m == "GET", "{}", t.name);
        if m == "DELETE" || t.gate.is_some() {
            assert!(destructive, "{} is gated or a DELETE but not destructive", t.name);
        }
        assert_eq!(idempotent, m != "POST", "{}", t.name);
    }
}

#[test]
fn every_schema_pattern_compiles_for_the_server() {
    fn patterns(kind: &Kind, out: &mut Vec<String>) {
        match kind {
            Kind::String(r) => out.extend(r.pattern.clone()),
            Kind::PropertyString(keys) => keys.iter().for_each(|k| patterns(&k.kind, out)),
            Kind::Array(item) => patterns(item, out),
            _ => {}
        }
    }
    let mut all = Vec::new();
    for t in tools() {
        for p in &t.endpoint.params {
            patterns(&p.kind, &mut all);
        }
    }
    assert!(!all.is_empty());
    for p in all {
        let rust = pattern::rust_anchored(&p);
        let built = fancy_regex::RegexBuilder::new(&rust).delegate_size_limit(1 << 26).build();
        assert!(built.is_ok(), "{p} → {rust}: {:?}", built.err());
    }
}

// ---------------------------------------------------------------- what arguments name (allowlists)

use pve_mcp_codegen::references::{self, Names};

/// The names of a tool's arguments as `docs/TOOLS.md` shows them (`scsiN.file/volume/import-from volume`).
fn names_of(tools: &[Tool], method: &str, path: &str) -> Vec<String> {
    let t = find(tools, method, path);
    t.references
        .iter()
        .map(|r| {
            let name = if r.indexed { format!("{}N", r.param) } else { r.param.clone() };
            let at = if r.keys.is_empty() { name } else { format!("{name}.{}", r.keys.join("/")) };
            format!("{at} {}", r.names.short())
        })
        .collect()
}

/// (method, path, one argument and what it names): the places issue 20 found guests and nodes hiding.
const NAMED: &[(&str, &str, &str)] = &[
    ("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}", "volume volume"),
    ("GET", "/nodes/{node}/storage/{storage}/content/{volume}", "volume volume"),
    ("POST", "/nodes/{node}/storage/{storage}/content/{volume}", "target volume"),
    ("PUT", "/nodes/{node}/qemu/{vmid}/config", "scsiN.file/volume/import-from volume"),
    ("PUT", "/nodes/{node}/qemu/{vmid}/config", "unusedN.file/volume volume"),
    ("PUT", "/nodes/{node}/qemu/{vmid}/config", "cdrom volume"),
    ("PUT", "/nodes/{node}/lxc/{vmid}/config", "rootfs.volume volume"),
    ("PUT", "/nodes/{node}/lxc/{vmid}/config", "mpN.volume volume"),
    ("POST", "/nodes/{node}/qemu", "archive volume"),
    ("POST", "/nodes/{node}/lxc", "ostemplate volume"),
    ("POST", "/cluster/replication", "id replication job"),
    ("GET", "/nodes/{node}/replication/{id}/log", "id replication job"),
    ("GET", "/nodes/{node}/tasks/{upid}/log", "upid task"),
    ("DELETE", "/nodes/{node}/tasks/{upid}", "upid task"),
    ("GET", "/nodes/{node}/tasks/{upid}/status", "upid task"),
    ("POST", "/cluster/ha/rules", "resources HA resources"),
    ("POST", "/nodes/{node}/vzdump", "exclude guests"),
    ("DELETE", "/nodes/{node}/storage/{storage}/prunebackups", "vmid guest"),
    ("GET", "/nodes/{node}/vzdump/extractconfig", "volume volume"),
    ("GET", "/nodes/{node}/storage/{storage}/file-restore/list", "volume volume"),
    ("POST", "/cluster/sdn/zones", "exitnodes nodes"),
    ("POST", "/cluster/mapping/dir", "map.node node"),
    ("POST", "/cluster/mapping/pci", "map.node node"),
    ("PUT", "/cluster/sdn/fabrics/node/{fabric_id}/{node_id}", "node_id node"),
    ("POST", "/nodes/{node}/ceph/mon/{monid}", "monid node"),
    ("POST", "/nodes/{node}/stopall", "vms guests"),
    ("POST", "/cluster/bulk-action/guest/start", "vms guest"),
    ("PUT", "/pools", "vms guests"),
    ("PUT", "/access/acl", "path ACL path"),
];

#[test]
fn guests_and_nodes_are_found_wherever_pve_encodes_them() {
    let tools = tools();
    let missing: Vec<String> = NAMED
        .iter()
        .filter(|(m, p, named)| !names_of(&tools, m, p).iter().any(|n| n == named))
        .map(|(m, p, named)| format!("{m} {p}: `{named}` not among {:?}", names_of(&tools, m, p)))
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_node_and_vmid_argument_names_one() {
    for t in tools() {
        for p in &t.endpoint.params {
            let want = match p.name.as_str() {
                "node" => Names::Node,
                "vmid" | "newid" => match t.references.iter().find(|r| r.param == p.name) {
                    Some(r) if r.names == Names::Guests => continue,
                    _ => Names::Guest,
                },
                _ => continue,
            };
            assert!(
                t.references.iter().any(|r| r.param == p.name && r.names == want),
                "{}: `{}` is not checked as a {want:?}",
                t.name,
                p.name
            );
        }
    }
}

#[test]
fn a_cluster_name_is_not_a_node() {
    let tools = tools();
    assert!(!names_of(&tools, "POST", "/cluster/config").iter().any(|n| n.starts_with("clustername")));
}

#[test]
fn calls_on_every_guest_have_a_scope() {
    let tools = tools();
    for (m, p, list, absent) in [
        ("POST", "/nodes/{node}/startall", "vms", true),
        ("POST", "/nodes/{node}/stopall", "vms", true),
        ("POST", "/nodes/{node}/suspendall", "vms", true),
        ("POST", "/nodes/{node}/migrateall", "vms", true),
        ("POST", "/cluster/bulk-action/guest/shutdown", "vms", true),
        ("POST", "/nodes/{node}/vzdump", "vmid", true),
        ("POST", "/cluster/backup", "vmid", true),
        ("PUT", "/cluster/backup/{id}", "vmid", false),
        ("DELETE", "/nodes/{node}/storage/{storage}/prunebackups", "vmid", true),
    ] {
        let s = find(&tools, m, p).scope.clone().unwrap_or_else(|| panic!("{m} {p} has no guest scope"));
        assert_eq!((s.list, s.absent_means_all), (list, absent), "{m} {p}");
    }
    assert_eq!(find(&tools, "POST", "/nodes/{node}/vzdump").scope.clone().unwrap().widening, ["all", "pool"]);
}

#[test]
fn every_reviewed_entry_matches_a_tool() {
    let tools = tools();
    let hits = |method: &str, path: &str, arg: &str| {
        tools.iter().any(|t| {
            let ep = &t.endpoint;
            let m = |m: &str| policy::pattern_matches(m, path, ep);
            let method_ok = if method == "*" { ["GET", "POST", "PUT", "DELETE"].into_iter().any(m) } else { m(method) };
            method_ok && ep.params.iter().any(|p| p.name == arg)
        })
    };
    for (m, p, arg, _) in references::UNFORMATTED {
        assert!(hits(m, p, arg), "UNFORMATTED {m} {p} {arg} matches no tool");
    }
    for (m, p, arg, _) in references::NOT_NAMING {
        assert!(hits(m, p, arg), "NOT_NAMING {m} {p} {arg} matches no tool");
    }
    for (m, p, list, _, widening) in references::GUEST_SCOPES {
        assert!(hits(m, p, list), "GUEST_SCOPES {m} {p} {list} matches no tool");
        for w in *widening {
            assert!(hits(m, p, w), "GUEST_SCOPES {m} {p} {w} matches no tool");
        }
    }
}

// ---------------------------------------------------------------- index ranges

#[test]
fn every_indexed_argument_has_a_range() {
    for t in tools() {
        for p in &t.endpoint.params {
            assert!(
                !matches!(p.indexed, Some(None)),
                "{}: `{}[n]` has no index range (codegen/src/indexes.rs)",
                t.name,
                p.name
            );
        }
    }
}

#[test]
fn index_ranges_are_pinned() {
    let tools = tools();
    let range = |m, p, stem: &str| {
        find(&tools, m, p).endpoint.params.iter().find(|x| x.name == stem && x.indexed.is_some()).unwrap().indexed
    };
    let qemu = "/nodes/{node}/qemu/{vmid}/config";
    let lxc = "/nodes/{node}/lxc/{vmid}/config";
    for (path, stem, max) in [
        (qemu, "net", 31),
        (qemu, "scsi", 30),
        (qemu, "virtio", 15),
        (qemu, "ide", 3),
        (qemu, "sata", 5),
        (qemu, "usb", 13),
        (qemu, "hostpci", 15),
        (qemu, "ipconfig", 31),
        (qemu, "numa", 7),
        (qemu, "unused", 255),
        (qemu, "serial", 3),
        (lxc, "net", 31),
        (lxc, "mp", 255),
        (lxc, "dev", 255),
    ] {
        assert_eq!(range("PUT", path, stem), Some(Some(max)), "{stem}[n] on {path}");
    }
}

/// (method, path, argument): arguments whose values are secrets, pinned so that a rule change that
/// lets one of them reach a log is a reviewed decision.
const SECRET_PINS: &[(&str, &str, &str)] = &[
    ("PUT", "/nodes/{node}/subscription", "key"),
    ("POST", "/cluster/acme/plugins", "data"),
    ("PUT", "/cluster/acme/plugins/{id}", "data"),
    ("POST", "/cluster/notifications/endpoints/webhook", "header"),
    ("POST", "/cluster/notifications/endpoints/webhook", "secret"),
    ("PUT", "/cluster/notifications/endpoints/webhook/{name}", "secret"),
    ("PUT", "/cluster/options", "http_proxy"),
    ("POST", "/access/users", "password"),
    ("PUT", "/access/password", "password"),
    ("PUT", "/access/password", "confirmation-password"),
    ("POST", "/access/domains", "password"),
    ("POST", "/cluster/notifications/endpoints/smtp", "password"),
    ("POST", "/cluster/notifications/endpoints/gotify", "token"),
    ("POST", "/nodes/{node}/qemu/{vmid}/config", "cipassword"),
    ("POST", "/cluster/acme/account", "eab-hmac-key"),
    ("POST", "/nodes/{node}/certificates/custom", "key"),
];

#[test]
fn secret_arguments_are_pinned() {
    let tools = tools();
    for (method, path, arg) in SECRET_PINS {
        let t = find(&tools, method, path);
        assert!(
            policy::secret_arguments(&t.endpoint).iter().any(|a| a == arg),
            "{method} {path}: `{arg}` must be a secret argument"
        );
    }
    // Path parameters name things; they are never redacted.
    let token = find(&tools, "POST", "/access/users/{userid}/token/{tokenid}");
    assert!(!policy::secret_arguments(&token.endpoint).iter().any(|a| a == "tokenid"));
}

/// Methods PVE refuses to API tokens (`allowtoken: 0`): pve-mcp hides them from a token login.
#[test]
fn methods_closed_to_api_tokens_are_read_from_the_schema() {
    let tools = tools();
    let mut closed: Vec<String> = tools.iter().filter(|t| !t.endpoint.allowtoken).map(|t| t.endpoint.id()).collect();
    closed.sort();
    let mut expected: Vec<String> = [
        "PUT /access/password",
        "POST /access/tfa/{userid}",
        "DELETE /access/tfa/{userid}/{id}",
        "PUT /access/tfa/{userid}/{id}",
        "POST /access/ticket",
    ]
    .iter()
    .filter(|id| tools.iter().any(|t| t.endpoint.id() == **id))
    .map(|s| s.to_string())
    .collect();
    expected.sort();
    assert!(closed.len() >= 4, "{closed:?}");
    assert_eq!(closed, expected);
}
#[test]
fn no_gate_echoes_a_secret() {
    for t in tools() {
        if let Some(target) = t.gate.as_ref().and_then(|g| g.target.as_deref()) {
            let secret =
                ["pass", "secret", "token", "key", "ticket"].iter().any(|w| target.contains(w)) && target != "tokenid";
            assert!(!secret, "{} echoes `{target}`", t.name);
        }
    }
}
