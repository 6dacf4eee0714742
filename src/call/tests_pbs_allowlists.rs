//! The allowlists on a Backup Server's call path against a stub of the wire: a datastore,
//! namespace or guest outside its allowlist is refused with nothing sent, in each form PBS's
//! schema lets one hide (a path segment, an argument, a job's settings, a group filter, a backup
//! group, a job's id), and listings leave out what is not allowed.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::cluster::Clusters;
use super::hooks::ClientHooks;
use super::stub::{Answer, Stub};
use super::{Backend, CallError, Caller, Outcome, prepare};
use crate::policy::allowlist::Allowlist;
use crate::policy::{Policy, Source};
use crate::pve::request::HttpMethod;
use crate::tools::generated::Category;
use crate::tools::registry::Tier;

/// A Backup Server at tier `full` under `allowlist`.
fn pbs(stub: &Arc<Stub>, allowlist: Allowlist) -> Clusters {
    let policy = Policy::new(Tier::Full, Category::ALL.iter().copied().collect(), false)
        .for_product(crate::pve::product::Product::Pbs);
    Clusters::single(Backend {
        policy,
        client: stub.clone(),
        allowlist,
        audit: None,
        task_timeout: Duration::from_secs(5),
        caller: None,
        cluster: Some("backup".into()),
        consent: Default::default(),
    })
}

/// Datastore `store1`, namespace `lab` (and below), guests 100 to 199.
fn fenced() -> Allowlist {
    Allowlist::parse(None, Some("100-199")).unwrap().with_pbs(Some("store1"), Some("lab")).unwrap()
}

async fn call(clusters: &Clusters, name: &str, a: Value) -> Result<Outcome, CallError> {
    let policy = clusters.ceiling().clone();
    let args: Map<String, Value> = a.as_object().cloned().unwrap();
    prepare(clusters, Caller::new(&policy), name, args)?.run(ClientHooks::default()).await
}

/// Runs a call under [`fenced`] and returns its refusal, checking nothing was sent.
async fn refused(name: &str, a: Value) -> String {
    let stub = Arc::new(Stub::new().pbs());
    let e = call(&pbs(&stub, fenced()), name, a).await.expect_err("should be refused");
    assert!(matches!(e, CallError::NotAllowed(_)), "{e}");
    assert!(stub.sent().is_empty(), "nothing is sent: {:?}", stub.sent());
    e.to_string()
}

/// Runs a call under [`fenced`] and returns what was sent, as `METHOD path`.
async fn passes(name: &str, a: Value) -> Vec<String> {
    let stub = Arc::new(Stub::new().pbs());
    call(&pbs(&stub, fenced()), name, a).await.expect("should pass");
    stub.sent().iter().map(|r| format!("{} {}", r.method.as_str(), r.path)).collect()
}

#[tokio::test]
async fn a_datastore_in_the_path_outside_the_allowlist_is_refused() {
    let e = refused("pbs_datastore_status_get", json!({"store": "store2"})).await;
    assert!(e.contains("`store` names datastore `store2`") && e.contains("PBS_DATASTORES"), "{e}");
    assert_eq!(
        passes("pbs_datastore_status_get", json!({"store": "store1"})).await,
        ["GET /admin/datastore/store1/status"]
    );
}

#[tokio::test]
async fn a_datastore_in_a_job_s_settings_outside_the_allowlist_is_refused() {
    let job = json!({"id": "nightly", "store": "store2", "ns": "lab", "schedule": "daily"});
    let e = refused("pbs_config_verify_create", job).await;
    assert!(e.contains("datastore `store2`"), "{e}");
}

#[tokio::test]
async fn a_datastore_s_configuration_is_fenced_by_its_name() {
    let e = refused("pbs_config_datastore_get", json!({"name": "store2"})).await;
    assert!(e.contains("`name` names datastore `store2`"), "{e}");
}

#[tokio::test]
async fn a_tape_restore_s_target_datastore_is_fenced() {
    let restore = json!({"drive": "drive0", "media-set": "x", "store": "store1=store2"});
    let e = refused("pbs_tape_restore", restore).await;
    assert!(e.contains("datastore `store2`"), "{e}");
}

#[tokio::test]
async fn a_namespace_outside_the_allowlist_is_refused() {
    let e = refused("pbs_datastore_groups_list", json!({"store": "store1", "ns": "prod"})).await;
    assert!(e.contains("`ns` names namespace `prod`") && e.contains("PBS_NAMESPACES"), "{e}");
}

#[tokio::test]
async fn a_namespace_allowed_allows_the_ones_below_it_and_not_its_look_alikes() {
    let sent = passes("pbs_datastore_groups_list", json!({"store": "store1", "ns": "lab/web"})).await;
    assert_eq!(sent, ["GET /admin/datastore/store1/groups"]);
    refused("pbs_datastore_groups_list", json!({"store": "store1", "ns": "laboratory"})).await;
}

#[tokio::test]
async fn a_namespace_left_out_is_the_root_and_refused() {
    let e = refused("pbs_datastore_groups_list", json!({"store": "store1"})).await;
    assert!(e.contains("`ns` is missing or empty, which means the root namespace"), "{e}");
}

#[tokio::test]
async fn a_group_moved_into_a_namespace_outside_the_allowlist_is_refused() {
    let mv = json!({"store": "store1", "ns": "lab", "backup-type": "vm", "backup-id": "100", "target-ns": "prod"});
    let e = refused("pbs_datastore_move_group", mv).await;
    assert!(e.contains("`target-ns` names namespace `prod`"), "{e}");
}

#[tokio::test]
async fn a_namespace_is_created_only_below_an_allowed_one() {
    let e = refused("pbs_datastore_namespace_create", json!({"store": "store1", "name": "x"})).await;
    assert!(e.contains("`parent` is missing or empty"), "{e}");
    let sent = passes("pbs_datastore_namespace_create", json!({"store": "store1", "parent": "lab", "name": "x"})).await;
    assert_eq!(sent, ["POST /admin/datastore/store1/namespace"]);
}

#[tokio::test]
async fn a_backup_group_of_a_guest_outside_the_vmid_allowlist_is_refused() {
    let e = refused(
        "pbs_datastore_snapshots_list",
        json!({"store": "store1", "ns": "lab", "backup-type": "vm", "backup-id": "200"}),
    )
    .await;
    assert!(e.contains("`backup-id` names guest `200` (in `vm/200`)") && e.contains("PVE_VMID_ALLOWLIST"), "{e}");
    let inside = json!({"store": "store1", "ns": "lab", "backup-type": "ct", "backup-id": "150"});
    assert_eq!(passes("pbs_datastore_snapshots_list", inside).await, ["GET /admin/datastore/store1/snapshots"]);
}

#[tokio::test]
async fn a_host_backup_group_is_refused_under_a_vmid_allowlist() {
    let host = json!({"store": "store1", "ns": "lab", "backup-type": "host", "backup-id": "100"});
    let e = refused("pbs_datastore_group_notes_get", host).await;
    assert!(e.contains("`host/100` cannot be read as one"), "{e}");
}

#[tokio::test]
async fn a_verify_of_every_group_is_refused_under_a_vmid_allowlist() {
    let e = refused("pbs_datastore_verify", json!({"store": "store1", "ns": "lab"})).await;
    assert!(e.contains("`backup-id` is missing, which means every guest"), "{e}");
    let one = json!({"store": "store1", "ns": "lab", "backup-type": "vm", "backup-id": "100"});
    assert_eq!(passes("pbs_datastore_verify", one).await, ["POST /admin/datastore/store1/verify"]);
}

#[tokio::test]
async fn a_prune_of_the_whole_datastore_is_refused_under_a_vmid_allowlist() {
    let all = json!({"store": "store1", "ns": "lab", "keep-last": 1, "confirm": true, "confirm_name": "store1"});
    let e = refused("pbs_datastore_prune_datastore", all).await;
    assert!(e.contains("acts on every backup group it reaches"), "{e}");
}

#[tokio::test]
async fn a_sync_is_fenced_by_its_group_filter() {
    let base =
        json!({"store": "store1", "ns": "lab", "remote": "offsite", "remote-store": "anything", "remote-ns": "any"});
    let with = |filter: Value| {
        let mut a = base.clone();
        if !filter.is_null() {
            a["group-filter"] = filter;
        }
        a
    };
    let e = refused("pbs_pull", with(Value::Null)).await;
    assert!(e.contains("`group-filter` is missing"), "{e}");
    let e = refused("pbs_pull", with(json!(["type:vm"]))).await;
    assert!(e.contains("matches the groups of every guest"), "{e}");
    let e = refused("pbs_pull", with(json!(["group:vm/100", "group:vm/200"]))).await;
    assert!(e.contains("guest `200`"), "{e}");
    assert_eq!(passes("pbs_pull", with(json!(["group:vm/100", "exclude:type:ct"]))).await, ["POST /pull"]);
}

#[tokio::test]
async fn a_job_run_by_id_is_refused_under_an_allowlist() {
    let e = refused("pbs_verify_run", json!({"id": "nightly"})).await;
    assert!(e.contains("`id` names job `nightly`") && e.contains("PBS_DATASTORES"), "{e}");
    refused("pbs_config_sync_get", json!({"id": "nightly"})).await;
}

#[tokio::test]
async fn a_refusal_from_a_cluster_table_names_its_key() {
    let stub = Arc::new(Stub::new().pbs());
    let list = Allowlist::default().with_pbs(Some("store1"), None).unwrap().set_by(Source::Cluster("backup".into()));
    let e = call(
        &pbs(&stub, list),
        "pbs_datastore_gc",
        json!({"store": "store2", "confirm": true, "confirm_name": "store2"}),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(e.contains("the `datastores` of [[cluster]] `backup`"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn the_node_allowlist_does_not_reach_the_backup_server() {
    let stub = Arc::new(Stub::new().pbs().on(
        HttpMethod::Get,
        "/nodes/localhost/tasks",
        Answer::Data(json!([{"node": "localhost", "upid": "UPID:localhost:1:2:3:4:gc:store1:root@pam:"}])),
    ));
    let list = Allowlist::parse(Some("pve1"), None).unwrap();
    let out = call(&pbs(&stub, list), "pbs_node_tasks_list", json!({"node": "localhost"})).await.unwrap();
    let Outcome::Data(Value::Array(tasks)) = out else { panic!("{out:?}") };
    assert_eq!(tasks.len(), 1);
}

#[tokio::test]
async fn listings_leave_out_datastores_namespaces_and_groups_not_allowed() {
    let stores = json!([{"store": "store1"}, {"store": "store2"}]);
    let namespaces = json!([{"ns": ""}, {"ns": "lab"}, {"ns": "lab/web"}, {"ns": "prod"}]);
    let groups = json!([
        {"backup-type": "vm", "backup-id": "100"},
        {"backup-type": "vm", "backup-id": "200"},
        {"backup-type": "host", "backup-id": "pbs1"},
        {"backup-type": "ct", "backup-id": "150"}
    ]);
    let stub = Arc::new(
        Stub::new()
            .pbs()
            .on(HttpMethod::Get, "/admin/datastore", Answer::Data(stores))
            .on(HttpMethod::Get, "/admin/datastore/store1/namespace", Answer::Data(namespaces))
            .on(HttpMethod::Get, "/admin/datastore/store1/groups", Answer::Data(groups)),
    );
    let clusters = pbs(&stub, fenced());
    let out = call(&clusters, "pbs_datastore_list", json!({})).await.unwrap();
    assert_eq!(out, Outcome::Data(json!([{"store": "store1"}])));
    let out = call(&clusters, "pbs_datastore_namespace_list", json!({"store": "store1"})).await.unwrap();
    assert_eq!(out, Outcome::Data(json!([{"ns": "lab"}, {"ns": "lab/web"}])));
    let out = call(&clusters, "pbs_datastore_groups_list", json!({"store": "store1", "ns": "lab"})).await.unwrap();
    let kept = json!([{"backup-type": "vm", "backup-id": "100"}, {"backup-type": "ct", "backup-id": "150"}]);
    assert_eq!(out, Outcome::Data(kept));
}

/// Runs a call under a namespace allowlist alone (`lab`) and returns its refusal, nothing sent.
async fn refused_by_namespaces(name: &str, a: Value) -> String {
    let stub = Arc::new(Stub::new().pbs());
    let allowlist = Allowlist::default().with_pbs(None, Some("lab")).unwrap();
    let e = call(&pbs(&stub, allowlist), name, a).await.expect_err("should be refused");
    assert!(matches!(e, CallError::NotAllowed(_)), "{e}");
    assert!(stub.sent().is_empty(), "nothing is sent: {:?}", stub.sent());
    e.to_string()
}

#[tokio::test]
async fn a_refusal_on_the_backup_server_says_nothing_was_sent_to_it() {
    let e = refused("pbs_datastore_status_get", json!({"store": "store2"})).await;
    assert!(e.ends_with("nothing was sent to PBS"), "{e}");
}

#[tokio::test]
async fn a_garbage_collection_of_a_whole_datastore_is_refused_under_a_namespace_allowlist() {
    let e = refused_by_namespaces("pbs_datastore_gc", json!({"store": "store1"})).await;
    assert!(e.contains("collects the garbage of the whole datastore") && e.contains("PBS_NAMESPACES"), "{e}");
    let e = refused_by_namespaces("pbs_datastore_mount", json!({"store": "store1"})).await;
    assert!(e.contains("mounts the whole datastore"), "{e}");
}

#[tokio::test]
async fn a_datastore_s_status_is_read_under_a_namespace_allowlist() {
    assert_eq!(passes("pbs_datastore_gc_get", json!({"store": "store1"})).await, ["GET /admin/datastore/store1/gc"]);
}

#[tokio::test]
async fn datastore_wide_calls_without_a_namespace_are_the_root_s_and_refused() {
    let e = refused_by_namespaces("pbs_datastore_verify", json!({"store": "store1"})).await;
    assert!(e.contains("`ns` is missing or empty, which means the root namespace"), "{e}");
    let e = refused_by_namespaces("pbs_datastore_groups_list", json!({"store": "store1"})).await;
    assert!(e.contains("the root namespace"), "{e}");
    let job = json!({"id": "p01", "store": "store1", "schedule": "daily", "keep-last": 3});
    let e = refused_by_namespaces("pbs_config_prune_create", job).await;
    assert!(e.contains("`ns` is missing"), "{e}");
}

#[tokio::test]
async fn a_tape_restore_without_target_namespaces_is_refused_under_a_namespace_allowlist() {
    let restore = json!({"drive": "drive0", "media-set": "x", "store": "store1"});
    let e = refused_by_namespaces("pbs_tape_restore", restore).await;
    assert!(e.contains("`namespaces` is missing or empty, which means the root namespace"), "{e}");
    let restore =
        json!({"drive": "drive0", "media-set": "x", "store": "store1", "namespaces": ["store=store1,source=lab"]});
    let e = refused_by_namespaces("pbs_tape_restore", restore).await;
    assert!(e.contains("the root namespace"), "{e}");
    let restore =
        json!({"drive": "drive0", "media-set": "x", "store": "store1", "namespaces": ["store=store1,target=prod"]});
    let e = refused_by_namespaces("pbs_tape_restore", restore).await;
    assert!(e.contains("namespace `prod`"), "{e}");
}

#[tokio::test]
async fn a_tape_restore_into_an_allowed_namespace_is_sent() {
    let stub = Arc::new(Stub::new().pbs());
    let allowlist = Allowlist::default().with_pbs(Some("store1"), Some("lab")).unwrap();
    let restore = json!({"drive": "drive0", "media-set": "x", "store": "store1",
        "namespaces": ["store=store1,source=old,target=lab/restored"]});
    call(&pbs(&stub, allowlist), "pbs_tape_restore", restore).await.unwrap();
    assert_eq!(stub.writes(), ["POST /tape/restore"]);
}

#[tokio::test]
async fn the_task_list_leaves_out_tasks_of_other_datastores_and_those_naming_none() {
    let tasks = json!([
        {"worker_type": "verify", "worker_id": "store1:lab/vm/100/0000", "upid": "x"},
        {"worker_type": "verify", "worker_id": "store2:lab/vm/100/0000", "upid": "x"},
        {"worker_type": "verificationjob", "worker_id": "store1:lab:v1", "upid": "x"},
        {"worker_type": "garbage_collection", "worker_id": "store1", "upid": "x"},
        {"worker_type": "backup", "worker_id": "store1:lab/ct/250", "upid": "x"},
        {"worker_type": "syncjob", "worker_id": "far:remote1:store2:lab:s1", "upid": "x"},
        {"worker_type": "aptupdate", "upid": "x"}
    ]);
    let stub = Arc::new(Stub::new().pbs().on(HttpMethod::Get, "/nodes/localhost/tasks", Answer::Data(tasks)));
    let out = call(&pbs(&stub, fenced()), "pbs_node_tasks_list", json!({"node": "localhost"})).await.unwrap();
    let Outcome::Data(out) = out else { panic!("{out:?}") };
    let kept: Vec<&str> = out.as_array().unwrap().iter().map(|t| t["worker_id"].as_str().unwrap()).collect();
    assert_eq!(kept, ["store1:lab/vm/100/0000", "store1:lab:v1"]);
}

#[tokio::test]
async fn a_namespace_ending_like_a_group_type_is_not_cut_there() {
    // `teamvm/x` is a namespace of its own, not the allowed `team` followed by a group.
    let tasks = json!([
        {"worker_type": "verify", "worker_id": "store1:teamvm/x/vm/100/0000", "upid": "x"},
        {"worker_type": "verify", "worker_id": "store1:team/vm/100/0000", "upid": "x"}
    ]);
    let stub = Arc::new(Stub::new().pbs().on(HttpMethod::Get, "/nodes/localhost/tasks", Answer::Data(tasks)));
    let list = Allowlist::default().with_pbs(None, Some("team")).unwrap();
    let out = call(&pbs(&stub, list), "pbs_node_tasks_list", json!({"node": "localhost"})).await.unwrap();
    let Outcome::Data(out) = out else { panic!("{out:?}") };
    let kept: Vec<&str> = out.as_array().unwrap().iter().map(|t| t["worker_id"].as_str().unwrap()).collect();
    assert_eq!(kept, ["store1:team/vm/100/0000"]);
}

#[tokio::test]
async fn a_datastore_s_verbose_status_is_refused_under_a_namespace_allowlist() {
    let e = refused("pbs_datastore_status_get", json!({"store": "store1", "verbose": true})).await;
    assert!(e.contains("counts the groups and snapshots of every namespace and guest"), "{e}");
    assert_eq!(
        passes("pbs_datastore_status_get", json!({"store": "store1"})).await,
        ["GET /admin/datastore/store1/status"]
    );
}

/// A PBS UPID with this worker id, escaped as PBS writes it (`:` as `\x3a`, `/` as `-`).
fn pbs_upid(worker_type: &str, escaped_id: &str) -> String {
    format!("UPID:localhost:000004D2:0000162E:00000003:65A0B1C2:{worker_type}:{escaped_id}:root@pam!mcp:")
}

#[tokio::test]
async fn a_task_of_a_datastore_outside_the_allowlist_is_not_read_by_its_id() {
    let upid = pbs_upid("verify", "store2\\x3alab-vm-100");
    let e = refused("pbs_node_tasks_log_get", json!({"node": "localhost", "upid": upid})).await;
    assert!(e.contains("`upid` names datastore `store2`") && e.contains("PBS_DATASTORES"), "{e}");
    let upid = pbs_upid("verify", "store1\\x3alab-vm-250");
    let e = refused("pbs_node_tasks_status_get", json!({"node": "localhost", "upid": upid})).await;
    assert!(e.contains("guest `250`"), "{e}");
    let upid = pbs_upid("aptupdate", "");
    let e = refused("pbs_node_tasks_status_get", json!({"node": "localhost", "upid": upid})).await;
    assert!(e.contains("should name a datastore"), "{e}");
}

#[tokio::test]
async fn a_task_of_an_allowed_datastore_namespace_and_guest_is_read_by_its_id() {
    let upid = pbs_upid("verify", "store1\\x3alab-vm-100");
    let sent = passes("pbs_node_tasks_status_get", json!({"node": "localhost", "upid": upid})).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
}
