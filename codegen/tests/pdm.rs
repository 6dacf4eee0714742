//! Proxmox Datacenter Manager's tools: the schema generates, the coverage holds, and each reviewed
//! rule of `codegen/src/pdm.rs` is pinned.

use std::path::PathBuf;
use std::sync::OnceLock;

use pve_mcp_codegen::product::{self, PDM};
use pve_mcp_codegen::{Generated, Tier, Tool, pdm};

fn schema() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../apidoc/pdm-1.1.json");
    std::fs::read_to_string(path).unwrap()
}

fn generated() -> &'static Generated {
    static G: OnceLock<Generated> = OnceLock::new();
    G.get_or_init(|| product::generate(&schema(), &PDM).unwrap_or_else(|e| panic!("PDM: {e}")))
}

fn tool(method: &str, path: &str) -> &'static Tool {
    generated()
        .tools
        .iter()
        .find(|t| t.endpoint.method.as_str() == method && t.endpoint.path == path)
        .unwrap_or_else(|| panic!("no tool for {method} {path}"))
}

fn gate_reason(method: &str, path: &str) -> Option<&'static str> {
    tool(method, path).gate.as_ref().map(|g| g.reason)
}

fn method_count(json: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    fn walk(nodes: &serde_json::Value) -> usize {
        nodes
            .as_array()
            .map_or(0, |a| a.iter().map(|n| n["info"].as_object().map_or(0, |i| i.len()) + walk(&n["children"])).sum())
    }
    walk(&v)
}

#[test]
fn at_least_320_of_the_327_methods_are_tools_and_the_rest_have_reasons() {
    let g = generated();
    assert_eq!(g.tools.len() + g.excluded.len(), method_count(&schema()));
    assert_eq!(method_count(&schema()), 327);
    assert!(g.tools.len() >= 320, "{} tools", g.tools.len());
    assert!(g.excluded.iter().all(|(_, why)| !why.is_empty()));
}

#[test]
fn every_tool_is_prefixed_and_the_schema_is_read_whole() {
    let g = generated();
    assert!(g.tools.iter().all(|t| t.name.starts_with("pdm_")));
    assert!(g.unknown_keys.is_empty(), "{:?}", g.unknown_keys);
}

#[test]
fn the_installer_s_own_calls_and_the_console_websockets_are_left_out() {
    let excluded: Vec<&str> = generated().excluded.iter().map(|(id, _)| id.as_str()).collect();
    assert!(excluded.contains(&"POST /auto-install/answer"));
    assert!(excluded.contains(&"POST /auto-install/installations/{uuid}/post-hook"));
    assert!(excluded.contains(&"GET /pve/remotes/{remote}/qemu/{vmid}/vncwebsocket"));
    assert_eq!(excluded.len(), 7);
}

#[test]
fn a_remote_s_guests_and_nodes_are_named_as_pve_names_its_own() {
    assert_eq!(tool("POST", "/pve/remotes/{remote}/qemu/{vmid}/start").name, "pdm_pve_qemu_vm_start");
    assert_eq!(tool("GET", "/pve/remotes/{remote}/lxc").name, "pdm_pve_lxc_ct_list");
    assert_eq!(tool("POST", "/pve/remotes/{remote}/qemu/{vmid}/remote-migrate").name, "pdm_pve_qemu_vm_remote_migrate");
    assert_eq!(tool("GET", "/pve/remotes/{remote}/nodes/{node}/status").name, "pdm_pve_node_status_get");
    assert_eq!(tool("GET", "/pve/remotes/{remote}/tasks/{upid}/status").name, "pdm_pve_tasks_status_get");
}

#[test]
fn a_pbs_remote_s_datastores_are_named_after_the_remote_s_product() {
    assert_eq!(
        tool("GET", "/pbs/remotes/{remote}/datastore/{datastore}/snapshots").name,
        "pdm_pbs_datastore_snapshots_list"
    );
    assert_eq!(tool("GET", "/pbs/remotes/{remote}/datastore").name, "pdm_pbs_datastore_list");
}

#[test]
fn the_manager_s_own_remotes_and_resources_keep_their_words() {
    assert_eq!(tool("GET", "/remotes/remote").name, "pdm_remotes_remote_list");
    assert_eq!(tool("DELETE", "/remotes/remote/{id}").name, "pdm_remotes_remote_delete");
    assert_eq!(tool("GET", "/resources/list").name, "pdm_resources_list");
    assert_eq!(tool("GET", "/pve/firewall").name, "pdm_pve_remotes_firewall_get");
}

#[test]
fn reads_are_read_only_and_power_and_migration_within_a_remote_read_execute() {
    assert_eq!(tool("GET", "/pve/remotes/{remote}/qemu").tier, Tier::ReadOnly);
    for action in ["start", "stop", "shutdown", "resume", "migrate"] {
        let path = format!("/pve/remotes/{{remote}}/qemu/{{vmid}}/{action}");
        assert_eq!(tool("POST", &path).tier, Tier::ReadExecute, "{path}");
    }
    assert_eq!(tool("DELETE", "/pve/remotes/{remote}/tasks/{upid}").tier, Tier::ReadExecute);
}

#[test]
fn cross_remote_migration_and_remote_changes_are_full() {
    assert_eq!(tool("POST", "/pve/remotes/{remote}/qemu/{vmid}/remote-migrate").tier, Tier::Full);
    assert_eq!(tool("POST", "/remotes/remote").tier, Tier::Full);
    assert_eq!(tool("DELETE", "/remotes/remote/{id}").tier, Tier::Full);
}

#[test]
fn removing_a_remote_is_gated_naming_the_remote() {
    let g = tool("DELETE", "/remotes/remote/{id}").gate.clone().unwrap();
    assert_eq!((g.reason, g.target.as_deref()), (pve_mcp_codegen::pdm::REMOTE_REMOVAL, Some("id")));
    assert!(gate_reason("PUT", "/remotes/remote/{id}").is_some());
}

#[test]
fn cross_remote_migration_is_gated_naming_the_guest() {
    for kind in ["qemu", "lxc"] {
        let path = format!("/pve/remotes/{{remote}}/{kind}/{{vmid}}/remote-migrate");
        let g = tool("POST", &path).gate.clone().unwrap();
        assert_eq!(g.target.as_deref(), Some("vmid"), "{path}");
        assert!(g.reason.contains("another remote"), "{path}");
    }
}

#[test]
fn power_actions_through_a_remote_are_gated() {
    for (kind, action) in [
        ("qemu", "start"),
        ("qemu", "stop"),
        ("qemu", "shutdown"),
        ("qemu", "resume"),
        ("lxc", "start"),
        ("lxc", "stop"),
        ("lxc", "shutdown"),
    ] {
        let path = format!("/pve/remotes/{{remote}}/{kind}/{{vmid}}/{action}");
        assert_eq!(gate_reason("POST", &path), Some(pve_mcp_codegen::pdm::POWER), "{path}");
    }
}

#[test]
fn deleting_or_rolling_back_a_guest_s_snapshot_through_a_remote_is_gated() {
    for kind in ["qemu", "lxc"] {
        let snap = format!("/pve/remotes/{{remote}}/{kind}/{{vmid}}/snapshot/{{snapname}}");
        assert_eq!(gate_reason("DELETE", &snap), Some("destructive"));
        assert_eq!(gate_reason("POST", &format!("{snap}/rollback")), Some("destructive"));
    }
}

#[test]
fn acl_user_and_token_changes_are_gated() {
    assert_eq!(gate_reason("PUT", "/access/acl"), Some("changes who can do what"));
    assert_eq!(gate_reason("POST", "/access/users"), Some("changes who can do what"));
    assert_eq!(gate_reason("PUT", "/access/users/{userid}"), Some("changes who can do what"));
    assert_eq!(gate_reason("POST", "/access/users/{userid}/token/{token-name}"), Some("mints or changes a credential"));
    assert_eq!(gate_reason("PUT", "/access/users/{userid}/token/{token-name}"), Some("mints or changes a credential"));
    assert_eq!(gate_reason("DELETE", "/access/users/{userid}/token/{token-name}"), Some("destructive"));
    assert_eq!(gate_reason("DELETE", "/access/users/{userid}"), Some("destructive"));
}

#[test]
fn consoles_on_the_manager_and_its_remotes_are_gated() {
    for (m, p) in [
        ("POST", "/nodes/{node}/termproxy"),
        ("POST", "/pve/remotes/{remote}/nodes/{node}/termproxy"),
        ("POST", "/pbs/remotes/{remote}/nodes/{node}/termproxy"),
        ("POST", "/pve/remotes/{remote}/qemu/{vmid}/vncproxy"),
        ("POST", "/pve/remotes/{remote}/lxc/{vmid}/termproxy"),
    ] {
        assert_eq!(gate_reason(m, p), Some("opens a shell or console"), "{m} {p}");
    }
}

#[test]
fn stopping_a_task_anywhere_is_not_gated() {
    assert!(tool("DELETE", "/nodes/{node}/tasks/{upid}").gate.is_none());
    assert!(tool("DELETE", "/pve/remotes/{remote}/tasks/{upid}").gate.is_none());
    assert!(tool("DELETE", "/pbs/remotes/{remote}/tasks/{upid}").gate.is_none());
}

#[test]
fn a_gate_never_asks_to_echo_a_secret() {
    for t in &generated().tools {
        let secrets = pve_mcp_codegen::policy::secret_arguments(&t.endpoint);
        if let Some(target) = t.gate.as_ref().and_then(|g| g.target.as_ref()) {
            assert!(!secrets.contains(target), "{} echoes {target}", t.name);
        }
    }
}

#[test]
fn remote_guest_actions_are_waited_for_as_tasks_and_an_auth_url_is_not() {
    for (m, p) in [
        ("POST", "/pve/remotes/{remote}/qemu/{vmid}/remote-migrate"),
        ("POST", "/pve/remotes/{remote}/qemu/{vmid}/start"),
        ("POST", "/pve/remotes/{remote}/lxc/{vmid}/migrate"),
        ("POST", "/pbs/remotes/{remote}/nodes/{node}/apt/update"),
        ("POST", "/remotes/tasks/refresh"),
    ] {
        assert!(tool(m, p).task, "{m} {p}");
    }
    assert!(!tool("POST", "/access/openid/auth-url").task);
    assert!(!tool("GET", "/pve/remotes/{remote}/qemu").task);
}

#[test]
fn guests_are_in_qemu_and_lxc_datastores_in_storage_and_remotes_in_cluster() {
    assert_eq!(tool("GET", "/pve/remotes/{remote}/qemu/{vmid}/config").category, "qemu");
    assert_eq!(tool("POST", "/pve/remotes/{remote}/lxc/{vmid}/start").category, "lxc");
    assert_eq!(tool("GET", "/pve/remotes/{remote}/qemu/{vmid}/firewall/rules").category, "firewall");
    assert_eq!(tool("GET", "/pbs/remotes/{remote}/datastore").category, "storage");
    assert_eq!(tool("GET", "/pbs/remotes/{remote}/datastore/{datastore}/snapshots").category, "backup");
    assert_eq!(tool("GET", "/pve/remotes/{remote}/tasks").category, "tasks");
    assert_eq!(tool("GET", "/remotes/tasks/list").category, "tasks");
    assert_eq!(tool("GET", "/remotes/remote").category, "cluster");
    assert_eq!(tool("PUT", "/access/acl").category, "access");
}

#[test]
fn every_category_is_one_of_pve_s_and_noted_for_pdm() {
    for t in &generated().tools {
        assert!(pve_mcp_codegen::policy::CATEGORIES.iter().any(|(c, _)| *c == t.category), "{}", t.name);
        assert!(pve_mcp_codegen::pdm::CATEGORY_NOTES.iter().any(|(c, _)| *c == t.category), "{}", t.name);
    }
}

fn references(method: &str, path: &str) -> Vec<(String, bool, &'static str)> {
    tool(method, path).references.iter().map(|r| (r.param.clone(), r.in_path, r.names.short())).collect()
}

fn named(param: &str, in_path: bool, what: &'static str) -> (String, bool, &'static str) {
    (param.to_owned(), in_path, what)
}

#[test]
fn a_remote_s_guest_is_named_by_its_remote_vmid_and_node() {
    assert_eq!(
        references("POST", "/pve/remotes/{remote}/qemu/{vmid}/start"),
        [named("remote", true, "remote"), named("vmid", true, "guest"), named("node", false, "node")]
    );
}

#[test]
fn a_cross_remote_migration_names_its_target_remote_and_guest_id() {
    let refs = references("POST", "/pve/remotes/{remote}/qemu/{vmid}/remote-migrate");
    assert!(refs.contains(&named("target", false, "remote")), "{refs:?}");
    assert!(refs.contains(&named("target-vmid", false, "guest")), "{refs:?}");
}

#[test]
fn a_remote_s_node_and_task_are_named_through_the_manager() {
    assert_eq!(
        references("GET", "/pve/remotes/{remote}/nodes/{node}/status"),
        [named("remote", true, "remote"), named("node", true, "node")]
    );
    assert!(references("GET", "/pbs/remotes/{remote}/tasks/{upid}/status").contains(&named("upid", true, "task")));
}

#[test]
fn the_remotes_themselves_are_named_by_their_id() {
    assert_eq!(references("DELETE", "/remotes/remote/{id}"), [named("id", true, "remote")]);
    assert_eq!(references("POST", "/remotes/remote")[0], named("id", false, "remote"));
}

#[test]
fn writes_on_every_remote_have_a_remote_scope() {
    let refresh = tool("POST", "/remotes/tasks/refresh");
    assert_eq!(refresh.scope.as_ref().map(|s| (s.list, s.absent_means_all)), Some(("remotes", true)));
    assert!(refresh.references.iter().any(|r| r.param == "remotes" && r.names.short() == "remotes"));
    assert_eq!(tool("POST", "/subscriptions/adopt-all").scope.as_ref().map(|s| s.list), Some(""));
    assert!(tool("GET", "/remotes/tasks/list").scope.is_none());
}

#[test]
fn a_pbs_remote_s_datastore_and_namespace_are_named_as_on_the_backup_server() {
    assert_eq!(
        references("GET", "/pbs/remotes/{remote}/datastore/{datastore}/snapshots"),
        [
            named("remote", true, "remote"),
            named("datastore", true, "datastore"),
            named("ns", false, "namespace (root if left out)")
        ]
    );
    let refs = references("GET", "/pbs/remotes/{remote}/datastore/{datastore}/namespaces");
    assert!(refs.contains(&named("parent", false, "namespace (listing filtered if left out)")), "{refs:?}");
}

#[test]
fn every_pbs_remote_argument_that_could_name_a_datastore_or_namespace_is_read_or_left_out_with_a_reason() {
    // PBS's own fenced names, and PDM's word for a datastore.
    let fenced: Vec<&str> =
        pve_mcp_codegen::pbs::FENCED_NAMES.iter().copied().chain(["datastore", "parent", "max-depth"]).collect();
    for t in generated().tools.iter().filter(|t| t.endpoint.path.starts_with("/pbs/remotes/{remote}/")) {
        for p in t.endpoint.params.iter().filter(|p| fenced.contains(&p.name.as_str())) {
            let read = t.references.iter().any(|r| r.param == p.name);
            let why = pdm::PBS_NOT_FENCED.iter().find(|(a, _)| *a == p.name).map(|(_, why)| *why);
            assert!(
                read || why.is_some_and(|w| !w.is_empty()),
                "{}: `{}` is neither read nor left out",
                t.name,
                p.name
            );
        }
    }
}

#[test]
fn the_manager_s_own_node_is_not_fenced() {
    assert!(tool("GET", "/nodes/{node}/status").references.is_empty());
    assert!(tool("GET", "/config/views/{id}").references.is_empty());
}

#[test]
fn no_vendored_method_is_marked_unstable() {
    assert!(generated().tools.iter().all(|t| !t.description.ends_with(product::UNSTABLE_NOTE)));
}

/// A two-method schema in PDM's dialect, one of them `unstable`.
const UNSTABLE_FIXTURE: &str = r#"[{"path": "/resources", "text": "resources", "leaf": 0, "children": [
  {"path": "/resources/list", "text": "list", "leaf": 1, "info": {"GET": {"method": "GET",
    "description": "List all resources.", "unstable": true,
    "parameters": {"type": "object", "additionalProperties": false, "properties": {}},
    "returns": {"type": "array", "items": {"type": "object", "properties": {}}}}}},
  {"path": "/resources/status", "text": "status", "leaf": 1, "info": {"GET": {"method": "GET",
    "description": "Resource status.", "unstable": false,
    "parameters": {"type": "object", "additionalProperties": false, "properties": {}},
    "returns": {"type": "object", "properties": {}}}}}
]}]"#;

#[test]
fn an_unstable_method_says_so_in_its_description_and_in_the_tool_list() {
    let g = product::generate(UNSTABLE_FIXTURE, &PDM).unwrap();
    let by_name = |n: &str| g.tools.iter().find(|t| t.name == n).unwrap();
    assert!(by_name("pdm_resources_list").description.ends_with(product::UNSTABLE_NOTE));
    assert!(!by_name("pdm_resources_status_get").description.contains("Unstable"));
    assert!(g.tools_markdown.contains("| **unstable** List all resources |"), "{}", g.tools_markdown);
    assert!(g.tools_markdown.contains("1 of them the schema marks unstable"), "{}", g.tools_markdown);
    assert!(g.code.contains("marks this method unstable"));
}

#[test]
fn the_output_is_deterministic() {
    let again = product::generate(&schema(), &PDM).unwrap();
    assert!(again.code == generated().code && again.tools_markdown == generated().tools_markdown);
}

#[test]
fn pdm_phrasings_naming_no_tool_of_the_schema_fail_a_strict_check_naming_their_file() {
    let e = product::generate_checked(UNSTABLE_FIXTURE, &PDM, pve_mcp_codegen::SearchCheck::Strict).unwrap_err();
    assert!(e.to_string().contains("codegen/search/pdm/phrasings.toml:"), "{e}");
    // Leniently (a fixture), the entries it lacks are left out.
    assert!(product::generate(UNSTABLE_FIXTURE, &PDM).is_ok());
}
