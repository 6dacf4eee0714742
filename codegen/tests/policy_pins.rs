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
