//! Proxmox Backup Server's tools: the schema generates, the coverage holds, and each reviewed rule
//! of `codegen/src/pbs.rs` is pinned.

use std::path::PathBuf;
use std::sync::OnceLock;

use pve_mcp_codegen::product::{self, PBS};
use pve_mcp_codegen::references::Names;
use pve_mcp_codegen::{Generated, Tier, Tool, pbs};

fn generated() -> &'static Generated {
    static G: OnceLock<Generated> = OnceLock::new();
    G.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../apidoc/pbs-4.json");
        let json = std::fs::read_to_string(path).unwrap();
        product::generate(&json, &PBS).unwrap_or_else(|e| panic!("PBS: {e}"))
    })
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
fn at_least_340_of_the_349_rest_methods_are_tools() {
    let g = generated();
    let rest = g.tools.len() + g.excluded.iter().filter(|(id, _)| !id.contains("/_upgrade_")).count();
    assert_eq!(rest, 349);
    assert!(g.tools.len() >= 340, "{} tools", g.tools.len());
}

#[test]
fn every_endpoint_is_a_tool_or_left_out_with_a_reason() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../apidoc/pbs-4.json");
    let json = std::fs::read_to_string(path).unwrap();
    let g = generated();
    assert_eq!(g.tools.len() + g.excluded.len(), method_count(&json));
    assert!(g.excluded.iter().all(|(_, why)| !why.is_empty()));
}

#[test]
fn every_streaming_method_is_left_out() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../apidoc/pbs-4.json");
    let tree: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let excluded: Vec<&str> = generated().excluded.iter().map(|(id, _)| id.as_str()).collect();
    // The task log is served by PBS's streaming handler but answers JSON unless `download` is set.
    for id in pve_mcp_codegen::dialect::streaming(&tree) {
        assert!(excluded.contains(&id.as_str()) || id == "GET /nodes/{node}/tasks/{upid}/log", "{id} is a tool");
    }
}

#[test]
fn every_tool_is_prefixed_and_the_schema_is_read_whole() {
    let g = generated();
    assert!(g.tools.iter().all(|t| t.name.starts_with("pbs_")));
    assert!(g.unknown_keys.is_empty(), "{:?}", g.unknown_keys);
}

#[test]
fn a_datastore_s_backups_are_named_without_admin() {
    assert_eq!(tool("GET", "/admin/datastore/{store}/snapshots").name, "pbs_datastore_snapshots_list");
    assert_eq!(tool("GET", "/admin/datastore/{store}/groups").name, "pbs_datastore_groups_list");
    assert_eq!(tool("GET", "/config/datastore").name, "pbs_config_datastore_list");
    assert_eq!(tool("GET", "/status/datastore-usage").name, "pbs_status_datastore_usage_list");
}

#[test]
fn a_property_string_of_the_rust_dialect_keeps_its_keys() {
    let ad = tool("POST", "/config/access/ad");
    assert!(ad.input_schema.contains("sync-attributes"), "{}", ad.input_schema);
    assert!(ad.compact_schema.contains("email"), "{}", ad.compact_schema);
}

#[test]
fn reads_are_read_only_and_the_tape_inventory_removal_is_not() {
    assert_eq!(tool("GET", "/admin/datastore/{store}/snapshots").tier, Tier::ReadOnly);
    let destroy = tool("GET", "/tape/media/destroy");
    assert_eq!((destroy.name.as_str(), destroy.tier), ("pbs_tape_media_destroy", Tier::Full));
    assert!(destroy.gate.is_some() && !destroy.annotations.0);
}

#[test]
fn verify_gc_and_job_runs_are_read_execute() {
    for (m, p) in [
        ("POST", "/admin/datastore/{store}/verify"),
        ("POST", "/admin/datastore/{store}/gc"),
        ("POST", "/admin/verify/{id}/run"),
        ("POST", "/admin/sync/{id}/run"),
        ("POST", "/admin/prune/{id}/run"),
    ] {
        assert_eq!(tool(m, p).tier, Tier::ReadExecute, "{m} {p}");
    }
}

#[test]
fn removing_snapshots_groups_namespaces_and_datastores_is_gated() {
    for p in [
        "/admin/datastore/{store}/snapshots",
        "/admin/datastore/{store}/groups",
        "/admin/datastore/{store}/namespace",
        "/config/datastore/{name}",
    ] {
        assert_eq!(gate_reason("DELETE", p), Some("destructive"), "DELETE {p}");
    }
    let forget = tool("DELETE", "/admin/datastore/{store}/snapshots").gate.clone().unwrap();
    assert_eq!(forget.target.as_deref(), Some("backup-id"));
}

#[test]
fn prune_and_gc_runs_are_gated() {
    for (m, p) in [
        ("POST", "/admin/datastore/{store}/prune"),
        ("POST", "/admin/datastore/{store}/prune-datastore"),
        ("POST", "/admin/prune/{id}/run"),
        ("POST", "/admin/datastore/{store}/gc"),
    ] {
        assert!(gate_reason(m, p).is_some(), "{m} {p}");
    }
}

#[test]
fn erasing_or_relabelling_a_tape_is_gated() {
    assert_eq!(gate_reason("POST", "/tape/drive/{drive}/format-media"), Some("erases the tape"));
    assert!(gate_reason("POST", "/tape/drive/{drive}/label-media").is_some());
    assert!(gate_reason("POST", "/tape/drive/{drive}/barcode-label-media").is_some());
}

#[test]
fn acl_user_and_token_changes_are_gated() {
    assert_eq!(gate_reason("PUT", "/access/acl"), Some("changes who can do what"));
    assert_eq!(gate_reason("POST", "/access/users"), Some("changes who can do what"));
    assert_eq!(gate_reason("POST", "/access/users/{userid}/token/{token-name}"), Some("mints or changes a credential"));
    assert_eq!(gate_reason("DELETE", "/access/users/{userid}/token/{token-name}"), Some("destructive"));
}

#[test]
fn pull_and_push_are_gated_only_when_they_remove_vanished_snapshots() {
    for p in ["/pull", "/push"] {
        let g = tool("POST", p).gate.clone().unwrap();
        assert_eq!(g.only_if, Some(pve_mcp_codegen::policy::When::True("remove-vanished")), "{p}");
    }
}

#[test]
fn stopping_a_task_and_reverting_the_network_are_not_gated() {
    assert!(tool("DELETE", "/nodes/{node}/tasks/{upid}").gate.is_none());
    assert!(tool("DELETE", "/nodes/{node}/network").gate.is_none());
}

#[test]
fn a_gate_never_asks_to_echo_a_secret() {
    for t in &generated().tools {
        let secrets = pve_mcp_codegen::policy::secret_arguments(&t.endpoint);
        if let Some(target) = t.gate.as_ref().and_then(|g| g.target.as_ref()) {
            assert!(!secrets.contains(target), "{} echoes {target}", t.name);
        }
    }
    assert!(tool("POST", "/access/openid/login").gate.as_ref().unwrap().target.is_none());
}

#[test]
fn job_runs_pull_and_push_are_waited_for_as_tasks() {
    for (m, p) in [
        ("POST", "/admin/verify/{id}/run"),
        ("POST", "/admin/sync/{id}/run"),
        ("POST", "/admin/prune/{id}/run"),
        ("POST", "/admin/datastore/{store}/verify"),
        ("POST", "/pull"),
    ] {
        assert!(tool(m, p).task, "{m} {p}");
    }
    assert!(!tool("GET", "/admin/datastore/{store}/snapshots").task);
}

#[test]
fn backups_prune_verify_and_tape_are_in_backup_datastores_in_storage_sync_in_replication() {
    assert_eq!(tool("GET", "/admin/datastore/{store}/snapshots").category, "backup");
    assert_eq!(tool("POST", "/tape/restore").category, "backup");
    assert_eq!(tool("GET", "/config/datastore").category, "storage");
    assert_eq!(tool("GET", "/status/datastore-usage").category, "storage");
    assert_eq!(tool("POST", "/pull").category, "replication");
    assert_eq!(tool("GET", "/nodes/{node}/tasks").category, "tasks");
}

#[test]
fn every_category_is_one_of_pve_s_and_noted_for_pbs() {
    for t in &generated().tools {
        assert!(pve_mcp_codegen::policy::CATEGORIES.iter().any(|(c, _)| *c == t.category), "{}", t.name);
        assert!(pve_mcp_codegen::pbs::CATEGORY_NOTES.iter().any(|(c, _)| *c == t.category), "{}", t.name);
    }
}

#[test]
fn the_output_is_deterministic() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../apidoc/pbs-4.json");
    let json = std::fs::read_to_string(path).unwrap();
    let again = product::generate(&json, &PBS).unwrap();
    assert!(again.code == generated().code && again.tools_markdown == generated().tools_markdown);
}

fn names_of(method: &str, path: &str, param: &str) -> Vec<Names> {
    tool(method, path).references.iter().filter(|r| r.param == param).map(|r| r.names).collect()
}

#[test]
fn every_datastore_namespace_and_group_argument_is_read_or_left_out_with_a_reason() {
    for t in &generated().tools {
        for p in &t.endpoint.params {
            if !pbs::FENCED_NAMES.contains(&p.name.as_str()) {
                continue;
            }
            let read = t.references.iter().any(|r| r.param == p.name);
            let why = pbs::not_fenced(&t.endpoint, &p.name);
            assert!(read || why.is_some(), "{}: `{}` is neither read by the allowlists nor left out", t.name, p.name);
        }
    }
}

#[test]
fn every_store_path_segment_and_store_argument_names_a_datastore() {
    assert_eq!(names_of("GET", "/admin/datastore/{store}/snapshots", "store"), [Names::Datastore]);
    assert!(tool("GET", "/admin/datastore/{store}/snapshots").references[0].in_path);
    assert_eq!(names_of("POST", "/config/sync", "store"), [Names::Datastore]);
    assert_eq!(names_of("DELETE", "/config/datastore/{name}", "name"), [Names::Datastore]);
    assert_eq!(names_of("POST", "/tape/restore", "store"), [Names::DatastoreMap]);
}

#[test]
fn a_remote_s_datastore_and_namespace_are_not_this_server_s() {
    assert!(names_of("POST", "/pull", "remote-store").is_empty());
    assert!(names_of("POST", "/pull", "remote-ns").is_empty());
    assert!(names_of("GET", "/config/remote/{name}/scan/{store}/groups", "store").is_empty());
}

#[test]
fn namespaces_are_read_where_a_call_acts_and_listed_where_it_lists() {
    assert_eq!(names_of("POST", "/admin/datastore/{store}/verify", "ns"), [Names::Namespace]);
    assert_eq!(names_of("POST", "/admin/datastore/{store}/move-group", "target-ns"), [Names::Namespace]);
    assert_eq!(names_of("POST", "/admin/datastore/{store}/namespace", "parent"), [Names::Namespace]);
    assert_eq!(names_of("GET", "/admin/datastore/{store}/namespace", "parent"), [Names::ListedNamespace]);
}

#[test]
fn backup_ids_and_group_filters_name_guests() {
    assert_eq!(names_of("DELETE", "/admin/datastore/{store}/snapshots", "backup-id"), [Names::BackupGroup]);
    assert_eq!(names_of("POST", "/push", "group-filter"), [Names::GroupFilter]);
}

#[test]
fn a_configured_job_is_named_by_its_id() {
    for (m, p) in [("POST", "/admin/sync/{id}/run"), ("PUT", "/config/verify/{id}"), ("GET", "/config/prune/{id}")] {
        assert_eq!(names_of(m, p, "id"), [Names::Job], "{m} {p}");
    }
}

#[test]
fn calls_on_every_backup_group_have_a_group_scope() {
    let verify = tool("POST", "/admin/datastore/{store}/verify").scope.clone().unwrap();
    assert_eq!((verify.list, verify.absent_means_all), ("backup-id", true));
    let prune_all = tool("POST", "/admin/datastore/{store}/prune-datastore").scope.clone().unwrap();
    assert_eq!((prune_all.list, prune_all.absent_means_all), ("", true));
    let remove = tool("DELETE", "/admin/datastore/{store}/namespace").scope.clone().unwrap();
    assert_eq!((remove.absent_means_all, remove.widening), (false, &["delete-groups"][..]));
    assert!(tool("POST", "/admin/datastore/{store}/prune").scope.is_none());
}
