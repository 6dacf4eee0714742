//! The call path for Proxmox Backup Server tools against a stub of the wire: a PBS beside a PVE,
//! each cluster running its own product's tools, reads, task waits and gates as for PVE.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::cluster::Clusters;
use super::hooks::ClientHooks;
use super::stub::{Answer, Stub};
use super::{Backend, CallError, Caller, Outcome, prepare};
use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::pve::request::HttpMethod;
use crate::pve::wire::Wire;
use crate::tools::generated::Category;
use crate::tools::registry::Tier;

const PBS_UPID: &str = "UPID:pbs1:000004D2:0000162E:00000003:65A0B1C2:verify:store1:root@pam!mcp:";

/// A cluster of the stub's product at tier `full`, as the configuration makes one.
fn backend(stub: &Arc<Stub>, name: &str) -> Backend {
    Backend {
        policy: Policy::new(Tier::Full, Category::ALL.iter().copied().collect(), false).for_product(stub.product()),
        client: stub.clone(),
        allowlist: Allowlist::default(),
        audit: None,
        task_timeout: Duration::from_secs(5),
        caller: None,
        cluster: Some(name.to_owned()),
        consent: Default::default(),
    }
}

/// A PVE named `home` and a PBS named `backup`.
fn pve_and_pbs(pve: &Arc<Stub>, pbs: &Arc<Stub>) -> Clusters {
    Clusters::new(vec![backend(pve, "home"), backend(pbs, "backup")]).unwrap()
}

async fn call(clusters: &Clusters, name: &str, a: Value) -> Result<Outcome, CallError> {
    let policy = clusters.ceiling().clone();
    let args: Map<String, Value> = a.as_object().cloned().unwrap();
    prepare(clusters, Caller::new(&policy), name, args)?.run(ClientHooks::default()).await
}

#[tokio::test]
async fn a_pbs_read_runs_on_the_backup_server_without_naming_it() {
    let snapshots = json!([{"backup-type": "vm", "backup-id": "100", "backup-time": 1700000000}]);
    let pbs = Arc::new(Stub::new().pbs().on(
        HttpMethod::Get,
        "/admin/datastore/store1/snapshots",
        Answer::Data(snapshots.clone()),
    ));
    let pve = Arc::new(Stub::new());
    let out = call(&pve_and_pbs(&pve, &pbs), "pbs_datastore_snapshots_list", json!({"store": "store1"})).await;
    assert_eq!(out.unwrap(), Outcome::Data(snapshots));
    assert!(pve.sent().is_empty());
}

#[tokio::test]
async fn a_pve_call_beside_a_pbs_runs_on_the_pve_without_naming_it() {
    let pve = Arc::new(Stub::new().on(HttpMethod::Get, "/nodes", Answer::Data(json!([{"node": "pve1"}]))));
    let pbs = Arc::new(Stub::new().pbs());
    call(&pve_and_pbs(&pve, &pbs), "nodes_list", json!({})).await.unwrap();
    assert_eq!(pve.sent().len(), 1);
    assert!(pbs.sent().is_empty());
}

#[tokio::test]
async fn a_pbs_task_is_waited_for_to_its_real_end() {
    let pbs = Arc::new(
        Stub::new()
            .pbs()
            .on(HttpMethod::Post, "/admin/datastore/store1/verify", Answer::Data(json!(PBS_UPID)))
            .task_ends(PBS_UPID, "WARNINGS: 2"),
    );
    let pve = Arc::new(Stub::new());
    let out = call(&pve_and_pbs(&pve, &pbs), "pbs_datastore_verify", json!({"store": "store1"})).await.unwrap();
    let Outcome::Task(report) = out else { panic!("a task report: {out:?}") };
    assert_eq!((report.upid.node.as_str(), report.upid.kind.as_str()), ("pbs1", "verify"));
    assert_eq!(report.exit_status.as_deref(), Some("WARNINGS: 2"));
    assert!(pbs.sent().iter().any(|r| r.path.starts_with("/nodes/pbs1/tasks/") && r.path.ends_with("/status")));
}

#[tokio::test]
async fn a_prune_without_confirmation_is_refused_with_nothing_sent() {
    let pbs = Arc::new(Stub::new().pbs());
    let pve = Arc::new(Stub::new());
    let prune = json!({"store": "store1", "backup-type": "vm", "backup-id": "100", "keep-last": 3});
    let e = call(&pve_and_pbs(&pve, &pbs), "pbs_datastore_prune", prune).await.unwrap_err();
    assert!(matches!(e, CallError::NeedsConfirmation { .. }), "{e}");
    assert!(pbs.sent().is_empty());
}

#[tokio::test]
async fn a_refusal_of_a_pbs_call_names_the_backup_server_as_what_nothing_was_sent_to() {
    let (pbs, pve) = (Arc::new(Stub::new().pbs()), Arc::new(Stub::new()));
    let clusters = pve_and_pbs(&pve, &pbs);
    let prune = json!({"store": "store1", "backup-type": "vm", "backup-id": "100", "keep-last": 3});
    let e = call(&clusters, "pbs_datastore_prune", prune).await.unwrap_err().to_string();
    assert!(e.contains("Nothing was sent to PBS.") && !e.contains("PVE"), "{e}");
    let e = call(&clusters, "pbs_datastore_status_get", json!({"store": "-bad"})).await.unwrap_err().to_string();
    assert!(e.ends_with("nothing was sent to PBS"), "{e}");
}

#[tokio::test]
async fn a_prune_confirmed_by_its_backup_id_is_sent() {
    let pbs =
        Arc::new(Stub::new().pbs().on(HttpMethod::Post, "/admin/datastore/store1/prune", Answer::Data(json!([]))));
    let pve = Arc::new(Stub::new());
    let prune = json!({"store": "store1", "backup-type": "vm", "backup-id": "100", "keep-last": 3,
        "confirm": true, "confirm_name": "100"});
    call(&pve_and_pbs(&pve, &pbs), "pbs_datastore_prune", prune).await.unwrap();
    assert_eq!(pbs.writes(), ["POST /admin/datastore/store1/prune"]);
}

#[tokio::test]
async fn a_pve_only_server_has_no_pbs_tools() {
    let pve = Arc::new(Stub::new());
    let clusters = Clusters::single(backend(&pve, "home"));
    let e = call(&clusters, "pbs_datastore_snapshots_list", json!({"store": "store1"})).await.unwrap_err();
    assert!(matches!(e, CallError::UnknownTool(_)), "{e}");
    assert!(pve.sent().is_empty());
}

#[tokio::test]
async fn a_pve_tool_named_on_the_backup_server_is_refused_naming_the_clusters_that_run_it() {
    let pve = Arc::new(Stub::new());
    let pbs = Arc::new(Stub::new().pbs());
    let e = call(&pve_and_pbs(&pve, &pbs), "nodes_list", json!({"cluster": "backup"})).await.unwrap_err();
    assert!(matches!(e, CallError::Cluster(..)), "{e}");
    assert!(e.to_string().contains("`nodes_list` is a PVE tool, and cluster `backup` is a PBS"), "{e}");
    assert!(pbs.sent().is_empty() && pve.sent().is_empty());
}

/// A Backup Server datastore whose tuning is `chunk-order=none,sync-level=file`.
fn pbs_with_datastore_config() -> Arc<Stub> {
    let config = json!({"name": "store1", "path": "/mnt/store1", "comment": "main",
        "tuning": "chunk-order=none,sync-level=file"});
    Arc::new(Stub::new().pbs().on(HttpMethod::Get, "/config/datastore/store1", Answer::Data(config)).on(
        HttpMethod::Put,
        "/config/datastore/store1",
        Answer::Data(Value::Null),
    ))
}

fn put_params(pbs: &Stub) -> Vec<(String, String)> {
    pbs.sent().into_iter().find(|r| r.method == HttpMethod::Put).map(|r| r.params).unwrap_or_default()
}

#[tokio::test]
async fn a_pbs_config_update_merges_into_the_backup_servers_own_configuration() {
    let (pve, pbs) = (Arc::new(Stub::new()), pbs_with_datastore_config());
    let update = json!({"name": "store1", "tuning": {"sync-level": "filesystem"}});
    call(&pve_and_pbs(&pve, &pbs), "pbs_config_datastore_update", update).await.unwrap();
    let params = put_params(&pbs);
    assert!(params.contains(&("tuning".into(), "chunk-order=none,sync-level=filesystem".into())), "{params:?}");
    assert!(pve.sent().is_empty(), "no PVE read: {:?}", pve.sent());
}

#[tokio::test]
async fn a_pbs_setting_given_as_null_joins_its_delete_array() {
    let (pve, pbs) = (Arc::new(Stub::new()), pbs_with_datastore_config());
    let update = json!({"name": "store1", "comment": null});
    call(&pve_and_pbs(&pve, &pbs), "pbs_config_datastore_update", update).await.unwrap();
    assert!(put_params(&pbs).contains(&("delete".into(), "comment".into())), "{:?}", put_params(&pbs));
}

#[tokio::test]
async fn a_pbs_setting_it_cannot_remove_given_as_null_is_refused_with_nothing_sent() {
    let (pve, pbs) = (Arc::new(Stub::new()), pbs_with_datastore_config());
    let update = json!({"name": "store1", "path": null});
    let e = call(&pve_and_pbs(&pve, &pbs), "pbs_config_datastore_update", update).await.unwrap_err();
    assert!(e.to_string().contains("path") && e.to_string().contains("removable"), "{e}");
    assert!(pbs.sent().is_empty());
}
