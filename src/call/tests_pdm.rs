//! The call path for Proxmox Datacenter Manager tools against a stub of the wire: a PDM beside a
//! PVE, reads of its remotes and their guests, gates on what it does to a remote's guests and to
//! its remotes, and task waits that follow a remote's task through PDM to its real end.

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

/// A remote PVE's migration task, as PDM hands it out.
const REMOTE_UPID: &str = "pve:east!UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmigrate:100:root@pam!mcp:";

/// A cluster of the stub's product at tier `full`, as the configuration makes one.
fn backend(stub: &Arc<Stub>, name: &str) -> Backend {
    fenced(stub, name, Allowlist::default())
}

/// The same, under an allowlist.
fn fenced(stub: &Arc<Stub>, name: &str, allowlist: Allowlist) -> Backend {
    Backend {
        policy: Policy::new(Tier::Full, Category::ALL.iter().copied().collect(), true).for_product(stub.product()),
        client: stub.clone(),
        allowlist,
        audit: None,
        task_timeout: Duration::from_secs(5),
        caller: None,
        cluster: Some(name.to_owned()),
        consent: Default::default(),
    }
}

/// A PVE named `home` and a PDM named `manager`.
fn pve_and_pdm(pve: &Arc<Stub>, pdm: &Arc<Stub>) -> Clusters {
    Clusters::new(vec![backend(pve, "home"), backend(pdm, "manager")]).unwrap()
}

async fn call(clusters: &Clusters, name: &str, a: Value) -> Result<Outcome, CallError> {
    let policy = clusters.ceiling().clone();
    let args: Map<String, Value> = a.as_object().cloned().unwrap();
    prepare(clusters, Caller::new(&policy), name, args)?.run(ClientHooks::default()).await
}

fn migrate(extra: Value) -> Value {
    let mut a = json!({"remote": "east", "vmid": 100, "target": "west", "target-storage": ["local-lvm"],
        "target-bridge": ["vmbr0"]});
    a.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap());
    a
}

#[tokio::test]
async fn the_manager_s_remotes_are_read_on_the_manager_without_naming_it() {
    let remotes = json!([{"id": "east", "type": "pve"}, {"id": "west", "type": "pve"}]);
    let pdm = Arc::new(Stub::new().pdm().on(HttpMethod::Get, "/remotes/remote", Answer::Data(remotes.clone())));
    let pve = Arc::new(Stub::new());
    let out = call(&pve_and_pdm(&pve, &pdm), "pdm_remotes_remote_list", json!({})).await;
    assert_eq!(out.unwrap(), Outcome::Data(remotes));
    assert!(pve.sent().is_empty());
}

#[tokio::test]
async fn a_tool_with_its_own_cluster_argument_keeps_it_and_runs_on_the_manager() {
    let status = json!({"health": "HEALTH_OK"});
    let fsid = "8f2a5a16-5e9c-4b4e-a2b2-2c6f1c9d0e11";
    let path = format!("/ceph/clusters/{fsid}");
    let pdm = Arc::new(Stub::new().pdm().on(HttpMethod::Get, &path, Answer::Data(status.clone())));
    let pve = Arc::new(Stub::new());
    let out = call(&pve_and_pdm(&pve, &pdm), "pdm_ceph_clusters_get", json!({"cluster": fsid})).await;
    assert_eq!(out.unwrap(), Outcome::Data(status));
    assert!(pve.sent().is_empty());
}

#[tokio::test]
async fn a_tool_with_its_own_cluster_argument_is_refused_among_several_managers() {
    let (a, b) = (Arc::new(Stub::new().pdm()), Arc::new(Stub::new().pdm()));
    let clusters = Clusters::new(vec![backend(&a, "one"), backend(&b, "two")]).unwrap();
    let e = call(&clusters, "pdm_ceph_clusters_get", json!({"cluster": "fsid"})).await.unwrap_err();
    assert!(e.to_string().contains("has an argument `cluster` of its own"), "{e}");
    assert!(e.to_string().ends_with("nothing was sent to PDM"), "{e}");
    assert!(a.sent().is_empty() && b.sent().is_empty());
}

#[tokio::test]
async fn a_tool_s_own_cluster_argument_is_kept_even_when_it_equals_a_cluster_s_name() {
    let pdm = Arc::new(Stub::new().pdm().on(HttpMethod::Get, "/ceph/clusters/home", Answer::Data(json!({}))));
    let pve = Arc::new(Stub::new());
    let out = call(&pve_and_pdm(&pve, &pdm), "pdm_ceph_clusters_get", json!({"cluster": "home"})).await;
    assert_eq!(out.unwrap(), Outcome::Data(json!({})));
    assert!(pve.sent().is_empty());
}

#[tokio::test]
async fn a_remote_s_guests_are_read_through_the_manager() {
    let guests = json!([{"vmid": 100, "name": "web", "status": "running"}]);
    let pdm = Arc::new(Stub::new().pdm().on(HttpMethod::Get, "/pve/remotes/east/qemu", Answer::Data(guests.clone())));
    let pve = Arc::new(Stub::new());
    let out = call(&pve_and_pdm(&pve, &pdm), "pdm_pve_qemu_vm_list", json!({"remote": "east"})).await;
    assert_eq!(out.unwrap(), Outcome::Data(guests));
}

#[tokio::test]
async fn a_cross_remote_migration_without_confirmation_is_refused_with_nothing_sent() {
    let pdm = Arc::new(Stub::new().pdm());
    let pve = Arc::new(Stub::new());
    let e = call(&pve_and_pdm(&pve, &pdm), "pdm_pve_qemu_vm_remote_migrate", migrate(json!({}))).await.unwrap_err();
    assert!(matches!(e, CallError::NeedsConfirmation { .. }), "{e}");
    assert!(pdm.sent().is_empty());
}

#[tokio::test]
async fn a_confirmed_cross_remote_migration_is_waited_for_through_the_manager_to_its_real_end() {
    let pdm = Arc::new(
        Stub::new()
            .pdm()
            .on(HttpMethod::Post, "/pve/remotes/east/qemu/100/remote-migrate", Answer::Data(json!(REMOTE_UPID)))
            .task_ends(REMOTE_UPID, "WARNINGS: 1"),
    );
    let pve = Arc::new(Stub::new());
    let args = migrate(json!({"confirm": true, "confirm_vmid": 100}));
    let out = call(&pve_and_pdm(&pve, &pdm), "pdm_pve_qemu_vm_remote_migrate", args).await.unwrap();
    let Outcome::Task(report) = out else { panic!("a task report: {out:?}") };
    assert_eq!((report.upid.kind.as_str(), report.exit_status.as_deref()), ("qmigrate", Some("WARNINGS: 1")));
    let polled = pdm.sent().into_iter().find(|r| r.path.ends_with("/status")).expect("a status poll");
    assert!(polled.path.starts_with("/pve/remotes/east/tasks/pve%3Aeast"), "{}", polled.path);
    assert!(pve.sent().is_empty(), "the task is read through the manager, not from a PVE");
}

#[tokio::test]
async fn a_failed_remote_task_is_reported_as_failed() {
    let pdm = Arc::new(
        Stub::new()
            .pdm()
            .on(HttpMethod::Post, "/pve/remotes/east/qemu/100/start", Answer::Data(json!(REMOTE_UPID)))
            .task_ends(REMOTE_UPID, "start failed: no such disk"),
    );
    let pve = Arc::new(Stub::new());
    let args = json!({"remote": "east", "vmid": 100, "confirm": true, "confirm_vmid": 100});
    let e = call(&pve_and_pdm(&pve, &pdm), "pdm_pve_qemu_vm_start", args).await.unwrap_err();
    assert!(matches!(e, CallError::TaskFailed(..)), "{e}");
}

#[tokio::test]
async fn a_remote_guest_s_power_action_without_confirmation_is_refused_with_nothing_sent() {
    let pdm = Arc::new(Stub::new().pdm());
    let pve = Arc::new(Stub::new());
    let e = call(&pve_and_pdm(&pve, &pdm), "pdm_pve_lxc_ct_stop", json!({"remote": "east", "vmid": 200}))
        .await
        .unwrap_err();
    assert!(matches!(e, CallError::NeedsConfirmation { .. }), "{e}");
    assert!(pdm.sent().is_empty());
}

#[tokio::test]
async fn removing_a_remote_needs_its_name_confirmed() {
    let pdm = Arc::new(Stub::new().pdm());
    let pve = Arc::new(Stub::new());
    let clusters = pve_and_pdm(&pve, &pdm);
    let e = call(&clusters, "pdm_remotes_remote_delete", json!({"id": "east"})).await.unwrap_err();
    assert!(matches!(e, CallError::NeedsConfirmation { .. }), "{e}");
    assert!(pdm.sent().is_empty());
    let confirmed = json!({"id": "east", "confirm": true, "confirm_name": "east"});
    call(&clusters, "pdm_remotes_remote_delete", confirmed).await.unwrap();
    assert_eq!(pdm.writes(), ["DELETE /remotes/remote/east"]);
}

#[tokio::test]
async fn a_pve_only_server_has_no_pdm_tools() {
    let pve = Arc::new(Stub::new());
    let clusters = Clusters::single(backend(&pve, "home"));
    let e = call(&clusters, "pdm_remotes_remote_list", json!({})).await.unwrap_err();
    assert!(matches!(e, CallError::UnknownTool(_)), "{e}");
    assert!(pve.sent().is_empty());
}

/// A PDM fenced to remote `east`, node `pve1` and guest 100, and the call's refusal (nothing sent).
async fn refused_through_the_manager(name: &str, a: Value) -> String {
    let allowlist = Allowlist::parse(Some("pve1"), Some("100")).unwrap().with_remotes(Some("east")).unwrap();
    let pdm = Arc::new(Stub::new().pdm());
    let clusters = Clusters::single(fenced(&pdm, "manager", allowlist));
    let e = call(&clusters, name, a).await.unwrap_err();
    assert!(matches!(e, CallError::NotAllowed(_)), "{e}");
    assert!(pdm.sent().is_empty(), "{:?}", pdm.sent());
    e.to_string()
}

#[tokio::test]
async fn a_remote_outside_the_remote_allowlist_is_refused_with_nothing_sent() {
    let e = refused_through_the_manager("pdm_pve_qemu_vm_list", json!({"remote": "west"})).await;
    assert!(e.contains("remote `west`") && e.contains("PDM_REMOTE_ALLOWLIST"), "{e}");
}

#[tokio::test]
async fn a_guest_outside_the_vmid_allowlist_is_refused_through_the_manager() {
    let e = refused_through_the_manager("pdm_pve_qemu_vm_status_get", json!({"remote": "east", "vmid": 101})).await;
    assert!(e.contains("guest `101`") && e.contains("PVE_VMID_ALLOWLIST"), "{e}");
}

#[tokio::test]
async fn a_remote_s_node_outside_the_node_allowlist_is_refused_in_the_path() {
    let e = refused_through_the_manager("pdm_pve_node_status_get", json!({"remote": "east", "node": "pve2"})).await;
    assert!(e.contains("node `pve2`"), "{e}");
}

#[tokio::test]
async fn a_remote_s_node_outside_the_node_allowlist_is_refused_as_an_argument() {
    let start = json!({"remote": "east", "vmid": 100, "node": "pve2", "confirm": true, "confirm_vmid": 100});
    let e = refused_through_the_manager("pdm_pve_qemu_vm_start", start).await;
    assert!(e.contains("node `pve2`"), "{e}");
}

#[tokio::test]
async fn a_migration_s_target_vmid_outside_the_vmid_allowlist_is_refused() {
    let args = migrate(json!({"target": "east", "target-vmid": 101, "confirm": true, "confirm_vmid": 100}));
    let e = refused_through_the_manager("pdm_pve_qemu_vm_remote_migrate", args).await;
    assert!(e.contains("`target-vmid`") && e.contains("guest `101`"), "{e}");
}

#[tokio::test]
async fn a_migration_to_a_remote_outside_the_remote_allowlist_is_refused() {
    let args = migrate(json!({"confirm": true, "confirm_vmid": 100}));
    let e = refused_through_the_manager("pdm_pve_qemu_vm_remote_migrate", args).await;
    assert!(e.contains("`target`") && e.contains("remote `west`"), "{e}");
}

#[tokio::test]
async fn a_remote_task_of_a_guest_outside_the_vmid_allowlist_is_refused() {
    let upid = "pve:east!UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmstart:101:root@pam!mcp:";
    let e = refused_through_the_manager("pdm_pve_tasks_status_get", json!({"remote": "east", "upid": upid})).await;
    assert!(e.contains("guest `101`"), "{e}");
}

#[tokio::test]
async fn removing_a_remote_outside_the_remote_allowlist_is_refused() {
    let args = json!({"id": "west", "confirm": true, "confirm_name": "west"});
    let e = refused_through_the_manager("pdm_remotes_remote_delete", args).await;
    assert!(e.contains("remote `west`"), "{e}");
}

#[tokio::test]
async fn an_allowed_remote_guest_passes_the_allowlists() {
    let allowlist = Allowlist::parse(Some("pve1"), Some("100")).unwrap().with_remotes(Some("east")).unwrap();
    let pdm = Arc::new(Stub::new().pdm());
    let clusters = Clusters::single(fenced(&pdm, "manager", allowlist));
    call(&clusters, "pdm_pve_qemu_vm_status_get", json!({"remote": "east", "vmid": 100})).await.unwrap();
    assert_eq!(pdm.sent().len(), 1);
}

#[tokio::test]
async fn the_resource_list_leaves_out_remotes_and_guests_outside_the_allowlists() {
    let resources = json!([
        {"remote": "east", "resources": [
            {"type": "qemu", "vmid": 100, "node": "pve1"}, {"type": "qemu", "vmid": 101, "node": "pve1"}]},
        {"remote": "west", "resources": [{"type": "qemu", "vmid": 100, "node": "pve1"}]}
    ]);
    let allowlist = Allowlist::parse(Some("pve1"), Some("100")).unwrap().with_remotes(Some("east")).unwrap();
    let pdm = Arc::new(Stub::new().pdm().on(HttpMethod::Get, "/resources/list", Answer::Data(resources)));
    let clusters = Clusters::single(fenced(&pdm, "manager", allowlist));
    let out = call(&clusters, "pdm_resources_list", json!({})).await.unwrap();
    let expected = json!([{"remote": "east", "resources": [{"type": "qemu", "vmid": 100, "node": "pve1"}]}]);
    assert_eq!(out, Outcome::Data(expected));
}

#[tokio::test]
async fn a_refresh_of_every_remote_is_refused_under_a_remote_allowlist() {
    let e = refused_through_the_manager("pdm_remotes_tasks_refresh", json!({})).await;
    assert!(e.contains("`remotes` is missing or empty, which means every remote"), "{e}");
}

#[tokio::test]
async fn a_refresh_naming_a_remote_outside_the_remote_allowlist_is_refused() {
    let e = refused_through_the_manager("pdm_remotes_tasks_refresh", json!({"remotes": ["east", "west"]})).await;
    assert!(e.contains("remote `west`"), "{e}");
}

#[tokio::test]
async fn a_call_on_every_remote_that_nothing_narrows_is_refused_under_a_remote_allowlist() {
    let pdm = Arc::new(Stub::new().pdm());
    let allowlist = Allowlist::default().with_remotes(Some("east")).unwrap();
    let clusters = Clusters::single(fenced(&pdm, "manager", allowlist));
    let e = call(&clusters, "pdm_subscriptions_adopt_all", json!({})).await.unwrap_err().to_string();
    assert!(e.starts_with("this call acts on every remote") && e.contains("PDM_REMOTE_ALLOWLIST"), "{e}");
    assert!(pdm.sent().is_empty());
}

#[tokio::test]
async fn a_subscription_action_on_every_remote_is_refused_under_a_node_allowlist() {
    let pdm = Arc::new(Stub::new().pdm());
    let clusters = Clusters::single(fenced(&pdm, "manager", Allowlist::parse(Some("pve1"), None).unwrap()));
    let e = call(&clusters, "pdm_subscriptions_adopt_all", json!({})).await.unwrap_err().to_string();
    assert!(e.contains("acts on the nodes of every remote") && e.contains("PVE_NODE_ALLOWLIST"), "{e}");
    assert!(pdm.sent().is_empty());
}

#[tokio::test]
async fn a_remote_task_id_of_a_remote_outside_the_remote_allowlist_is_refused() {
    let upid = "pve:west!UPID:pve1:00001A2B:0003C4D5:65A0B1C2:qmstart:100:root@pam!mcp:";
    let args = json!({"remote": "east", "upid": upid});
    let e = refused_through_the_manager("pdm_pve_tasks_status_get", args).await;
    assert!(e.contains("remote `west`"), "{e}");
}

#[tokio::test]
async fn a_refresh_naming_allowed_remotes_is_sent() {
    let allowlist = Allowlist::default().with_remotes(Some("east")).unwrap();
    let pdm = Arc::new(Stub::new().pdm());
    let clusters = Clusters::single(fenced(&pdm, "manager", allowlist));
    call(&clusters, "pdm_remotes_tasks_refresh", json!({"remotes": ["east"]})).await.unwrap();
    assert_eq!(pdm.writes(), ["POST /remotes/tasks/refresh"]);
}
