//! The allowlists through a Datacenter Manager against a stub of the wire: a Backup Server
//! remote's datastore and namespace are fenced as on the Backup Server directly, the estate's
//! listings leave out what is fenced (an entry whose remote or guest cannot be read too), and
//! summaries counting the whole estate or calls naming a remote's thing without its remote are
//! refused, each with nothing sent.

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

/// Remote `east` (a PVE) and `backup` (a PBS), node `pve1`, guests 100 to 199, datastore `store1`,
/// namespace `lab`.
fn fenced() -> Allowlist {
    Allowlist::parse(Some("pve1"), Some("100-199"))
        .unwrap()
        .with_remotes(Some("east,backup"))
        .unwrap()
        .with_pbs(Some("store1"), Some("lab"))
        .unwrap()
}

fn manager(stub: &Arc<Stub>, allowlist: Allowlist) -> Clusters {
    Clusters::single(Backend {
        policy: Policy::new(Tier::Full, Category::ALL.iter().copied().collect(), true).for_product(stub.product()),
        client: stub.clone(),
        allowlist,
        audit: None,
        task_timeout: Duration::from_secs(5),
        caller: None,
        cluster: Some("manager".into()),
        consent: Default::default(),
    })
}

async fn call(clusters: &Clusters, name: &str, a: Value) -> Result<Outcome, CallError> {
    let policy = clusters.ceiling().clone();
    let args: Map<String, Value> = a.as_object().cloned().unwrap();
    prepare(clusters, Caller::new(&policy), name, args)?.run(ClientHooks::default()).await
}

/// The call's refusal under `allowlist`, checking nothing was sent.
async fn refused_under(allowlist: Allowlist, name: &str, a: Value) -> String {
    let pdm = Arc::new(Stub::new().pdm());
    let e = call(&manager(&pdm, allowlist), name, a).await.expect_err("should be refused");
    assert!(matches!(e, CallError::NotAllowed(_)), "{e}");
    assert!(pdm.sent().is_empty(), "nothing is sent: {:?}", pdm.sent());
    e.to_string()
}

async fn refused(name: &str, a: Value) -> String {
    refused_under(fenced(), name, a).await
}

/// What the manager answers to `GET path`, as the call gives it back under [`fenced`].
async fn listed(name: &str, args: Value, path: &str, answer: Value) -> Value {
    let pdm = Arc::new(Stub::new().pdm().on(HttpMethod::Get, path, Answer::Data(answer)));
    match call(&manager(&pdm, fenced()), name, args).await.unwrap() {
        Outcome::Data(v) => v,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_pbs_remote_s_datastore_outside_the_datastore_allowlist_is_refused() {
    let args = json!({"remote": "backup", "datastore": "store2", "ns": "lab"});
    let e = refused("pdm_pbs_datastore_snapshots_list", args).await;
    assert!(e.contains("`datastore` names datastore `store2`") && e.contains("PBS_DATASTORES"), "{e}");
}

#[tokio::test]
async fn a_refusal_through_the_manager_says_nothing_was_sent_to_it() {
    let e = refused("pdm_pbs_datastore_get", json!({"remote": "backup", "datastore": "store2"})).await;
    assert!(e.ends_with("nothing was sent to PDM"), "{e}");
}

#[tokio::test]
async fn a_pbs_remote_s_namespace_outside_the_namespace_allowlist_is_refused() {
    let args = json!({"remote": "backup", "datastore": "store1", "ns": "prod"});
    let e = refused("pdm_pbs_datastore_snapshots_list", args).await;
    assert!(e.contains("namespace `prod`") && e.contains("PBS_NAMESPACES"), "{e}");
}

#[tokio::test]
async fn a_pbs_remote_s_snapshots_without_a_namespace_are_the_root_s_and_refused() {
    let e = refused("pdm_pbs_datastore_snapshots_list", json!({"remote": "backup", "datastore": "store1"})).await;
    assert!(e.contains("the root namespace"), "{e}");
}

#[tokio::test]
async fn an_allowed_pbs_remote_datastore_and_namespace_are_read() {
    let pdm = Arc::new(Stub::new().pdm());
    let args = json!({"remote": "backup", "datastore": "store1", "ns": "lab/web"});
    call(&manager(&pdm, fenced()), "pdm_pbs_datastore_snapshots_list", args).await.unwrap();
    assert_eq!(pdm.sent()[0].path, "/pbs/remotes/backup/datastore/store1/snapshots");
}

#[tokio::test]
async fn a_pbs_remote_s_datastores_namespaces_and_groups_are_listed_within_the_allowlists() {
    let stores = json!([{"name": "store1"}, {"name": "store2"}, {"comment": "no name"}]);
    let out =
        listed("pdm_pbs_datastore_list", json!({"remote": "backup"}), "/pbs/remotes/backup/datastore", stores).await;
    assert_eq!(out, json!([{"name": "store1"}]));
    let namespaces = json!([{"ns": ""}, {"ns": "lab"}, {"ns": "lab/web"}, {"ns": "prod"}]);
    let path = "/pbs/remotes/backup/datastore/store1/namespaces";
    let args = json!({"remote": "backup", "datastore": "store1"});
    let out = listed("pdm_pbs_datastore_namespaces_list", args, path, namespaces).await;
    assert_eq!(out, json!([{"ns": "lab"}, {"ns": "lab/web"}]));
    let snapshots = json!([
        {"backup-type": "vm", "backup-id": "100", "backup-time": 1},
        {"backup-type": "vm", "backup-id": "200", "backup-time": 1},
        {"backup-type": "host", "backup-id": "pbs1", "backup-time": 1}
    ]);
    let path = "/pbs/remotes/backup/datastore/store1/snapshots";
    let args = json!({"remote": "backup", "datastore": "store1", "ns": "lab"});
    let out = listed("pdm_pbs_datastore_snapshots_list", args, path, snapshots).await;
    assert_eq!(out, json!([{"backup-type": "vm", "backup-id": "100", "backup-time": 1}]));
}

#[tokio::test]
async fn a_pbs_remote_s_tasks_are_listed_by_their_worker_s_datastore_failing_closed() {
    let tasks = json!([
        {"worker_type": "verify", "worker_id": "store1:lab/vm/100/0000", "upid": "x"},
        {"worker_type": "verify", "worker_id": "store2:lab/vm/100/0000", "upid": "x"},
        {"worker_type": "garbage_collection", "worker_id": "store1", "upid": "x"},
        {"worker_type": "syncjob", "worker_id": "far:remote1:store1:lab:s1", "upid": "x"},
        {"worker_type": "prune", "worker_id": "store1:lab/vm/200", "upid": "x"},
        {"worker_type": "aptupdate", "upid": "x"}
    ]);
    let out = listed("pdm_pbs_tasks_list", json!({"remote": "backup"}), "/pbs/remotes/backup/tasks", tasks).await;
    let kept: Vec<&str> = out.as_array().unwrap().iter().map(|t| t["worker_id"].as_str().unwrap()).collect();
    assert_eq!(kept, ["store1:lab/vm/100/0000", "far:remote1:store1:lab:s1"]);
}

#[tokio::test]
async fn the_resource_list_leaves_out_datastores_and_unreadable_entries() {
    let resources = json!([
        {"remote": "backup", "resources": [
            {"type": "pbs-datastore", "id": "remote/backup/datastore/store1", "name": "store1"},
            {"type": "pbs-datastore", "id": "remote/backup/datastore/store2", "name": "store2"},
            {"type": "pbs-datastore", "id": "remote/backup/datastore/x"}]},
        {"remote": "east", "resources": [
            {"type": "pve-qemu", "id": "remote/east/guest/100", "vmid": 100, "node": "pve1"},
            {"type": "pve-qemu", "id": "remote/east/guest/x", "node": "pve1"},
            {"type": "pve-node", "id": "remote/east/node/pve2", "node": "pve2"}]},
        {"resources": [{"type": "pve-qemu", "vmid": 100, "node": "pve1"}]}
    ]);
    let out = listed("pdm_resources_list", json!({}), "/resources/list", resources).await;
    let expected = json!([
        {"remote": "backup", "resources": [
            {"type": "pbs-datastore", "id": "remote/backup/datastore/store1", "name": "store1"}]},
        {"remote": "east", "resources": [
            {"type": "pve-qemu", "id": "remote/east/guest/100", "vmid": 100, "node": "pve1"}]}
    ]);
    assert_eq!(out, expected);
}

#[tokio::test]
async fn the_remote_list_leaves_out_remotes_outside_the_remote_allowlist() {
    let remotes = json!([{"id": "east", "type": "pve"}, {"id": "west", "type": "pve"}, {"type": "pbs"}]);
    let out = listed("pdm_remotes_remote_list", json!({}), "/remotes/remote", remotes).await;
    assert_eq!(out, json!([{"id": "east", "type": "pve"}]));
}

#[tokio::test]
async fn the_estate_s_task_list_leaves_out_fenced_remotes_guests_and_datastores() {
    let tasks = json!([
        {"upid": "pve:east!UPID:pve1:00000001:00000001:65A0B1C2:qmstart:100:root@pam:"},
        {"upid": "pve:east!UPID:pve1:00000001:00000001:65A0B1C2:qmstart:200:root@pam:"},
        {"upid": "pve:west!UPID:pve1:00000001:00000001:65A0B1C2:qmstart:100:root@pam:"},
        {"upid": "pbs:backup!UPID:pbs1:00000001:00000001:00000000:65A0B1C2:garbage_collection:store2:root@pam:",
         "worker_type": "garbage_collection", "worker_id": "store2"},
        {"upid": "not a task id"}
    ]);
    let out = listed("pdm_remotes_tasks_list", json!({}), "/remotes/tasks/list", tasks).await;
    let kept: Vec<&str> = out.as_array().unwrap().iter().map(|t| t["upid"].as_str().unwrap()).collect();
    assert_eq!(kept, ["pve:east!UPID:pve1:00000001:00000001:65A0B1C2:qmstart:100:root@pam:"]);
}

#[tokio::test]
async fn the_top_entities_leave_out_fenced_remotes_and_guests() {
    let top = json!({
        "guest-cpu": [
            {"remote": "east", "resource": {"type": "pve-qemu", "vmid": 100, "node": "pve1"}},
            {"remote": "east", "resource": {"type": "pve-qemu", "vmid": 300, "node": "pve1"}},
            {"remote": "west", "resource": {"type": "pve-qemu", "vmid": 100, "node": "pve1"}}],
        "node-cpu": [{"remote": "east", "resource": {"type": "pve-node", "node": "pve2"}}],
        "node-memory": []
    });
    let out = listed("pdm_resources_top_entities_get", json!({}), "/resources/top-entities", top).await;
    let expected = json!({
        "guest-cpu": [{"remote": "east", "resource": {"type": "pve-qemu", "vmid": 100, "node": "pve1"}}],
        "node-cpu": [],
        "node-memory": []
    });
    assert_eq!(out, expected);
}

#[tokio::test]
async fn the_firewall_status_leaves_out_fenced_remotes_nodes_and_guests() {
    let status = json!([
        {"remote": "east", "nodes": [
            {"node": "pve1", "guests": [{"vmid": 100}, {"vmid": 300}]},
            {"node": "pve2", "guests": [{"vmid": 101}]}]},
        {"remote": "west", "nodes": []}
    ]);
    let out = listed("pdm_pve_remotes_firewall_status_get", json!({}), "/pve/firewall/status", status).await;
    assert_eq!(out, json!([{"remote": "east", "nodes": [{"node": "pve1", "guests": [{"vmid": 100}]}]}]));
}

#[tokio::test]
async fn maps_keyed_by_remote_or_node_leave_out_the_fenced_ones() {
    let summary =
        json!({"remotes": {"east": {"status": "ok", "nodes": {"pve1": {}, "pve2": {}}}, "west": {"status": "ok"}}});
    let out = listed("pdm_remotes_updates_summary_get", json!({}), "/remotes/updates/summary", summary).await;
    assert_eq!(out, json!({"remotes": {"east": {"status": "ok", "nodes": {"pve1": {}}}}}));
    let subscriptions = json!([
        {"remote": "east", "state": "active", "node-status": {"pve1": {}, "pve2": {}}},
        {"remote": "west", "state": "active"}
    ]);
    let out = listed("pdm_resources_subscription_list", json!({}), "/resources/subscription", subscriptions).await;
    assert_eq!(out, json!([{"remote": "east", "state": "active", "node-status": {"pve1": {}}}]));
}

#[tokio::test]
async fn a_subscription_key_s_removal_is_refused_under_a_remote_allowlist() {
    let pdm = Arc::new(Stub::new().pdm());
    let args = json!({"key": "pve4c-0123456789", "confirm": true});
    let e = call(&manager(&pdm, fenced()), "pdm_subscriptions_keys_delete", args).await.unwrap_err();
    // The key is a secret argument: the refusal names it without its value.
    assert!(matches!(e, CallError::Redacted(_)), "{e:?}");
    assert!(e.to_string().contains("subscription key `<redacted>`"), "{e}");
    assert!(pdm.sent().is_empty());
}

#[tokio::test]
async fn the_estate_s_status_counts_are_refused_under_an_allowlist() {
    let e = refused_under(Allowlist::parse(None, Some("100")).unwrap(), "pdm_resources_status_get", json!({})).await;
    assert!(e.contains("counts the remotes, nodes and guests of the whole estate") && e.contains("PVE_VMID_ALLOWLIST"));
    let e = refused("pdm_remotes_tasks_statistics_get", json!({})).await;
    assert!(e.contains("counts the tasks of every remote"), "{e}");
}

#[tokio::test]
async fn without_allowlists_the_estate_s_listings_are_whole() {
    let remotes = json!([{"id": "east"}, {"type": "pbs"}]);
    let pdm = Arc::new(Stub::new().pdm().on(HttpMethod::Get, "/remotes/remote", Answer::Data(remotes.clone())));
    let out = call(&manager(&pdm, Allowlist::default()), "pdm_remotes_remote_list", json!({})).await.unwrap();
    assert_eq!(out, Outcome::Data(remotes));
}

#[tokio::test]
async fn a_pbs_remote_s_task_of_a_datastore_outside_the_allowlist_is_not_read_by_its_id() {
    let upid = "pbs:backup!UPID:pbs1:000004D2:0000162E:00000003:65A0B1C2:garbage_collection:store2:root@pam:";
    let e = refused("pdm_pbs_tasks_status_get", json!({"remote": "backup", "upid": upid})).await;
    assert!(e.contains("datastore `store2`") && e.contains("PBS_DATASTORES"), "{e}");
}

#[tokio::test]
async fn a_pve_remote_s_resources_leave_out_fenced_nodes_and_guests_and_unreadable_guests() {
    let resources = json!([
        {"type": "qemu", "id": "qemu/100", "vmid": 100, "node": "pve1"},
        {"type": "qemu", "id": "qemu/300", "vmid": 300, "node": "pve1"},
        {"type": "lxc", "id": "lxc/x", "node": "pve1"},
        {"type": "storage", "id": "storage/pve2/local", "node": "pve2", "storage": "local"},
        {"type": "node", "id": "node/pve1", "node": "pve1"}
    ]);
    let path = "/pve/remotes/east/resources";
    let out = listed("pdm_pve_resources_list", json!({"remote": "east"}), path, resources).await;
    let ids: Vec<&str> = out.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["qemu/100", "node/pve1"]);
}
