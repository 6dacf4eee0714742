//! State handed out and presented again — a task id, a person's confirmation, an approved plan's
//! write — is authority only for what it names: the call that presents it is judged by the
//! caller's access now (tier, categories, allowlists, `PVE_ALLOW_EXECUTE`), as a fresh call would
//! be, and nothing is sent when it is refused.

use std::sync::Arc;

use serde_json::{Map, json};

use super::{Run, UPID, backend, call_with, full};
use crate::call::cluster::Clusters;
use crate::call::hooks::{ClientHooks, RunHooks, WriteDecision};
use crate::call::stub::Stub;
use crate::call::{CallError, Caller, prepare};
use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::policy::gate::ConsentKind;
use crate::pve::task::Upid;
use crate::tools::generated::Category;
use crate::tools::registry::{self, Tier};

fn read_only() -> Policy {
    Policy::new(Tier::ReadOnly, Category::ALL.iter().copied().collect(), false)
}

fn with(stub: &Arc<Stub>, policy: Policy, allowlist: Allowlist) -> Clusters {
    Clusters::single(backend(stub, policy, allowlist, None))
}

/// A task id's follow-up (`tasks/get`, `tasks/cancel`) of the task `qemu_vm_start` started.
fn follow(clusters: &Clusters, session: &Policy) -> Result<(), CallError> {
    let upid = Upid::parse(UPID).unwrap();
    prepare(clusters, Caller::new(session), "qemu_vm_start", Map::new())?.follow(&upid).map(|_| ())
}

/// A person already confirmed the call (an input-required round trip, or the MCP Apps view).
fn confirmed(kind: ConsentKind) -> ClientHooks<'static> {
    ClientHooks { pre_confirmed: Some(kind), ..Default::default() }
}

/// The arguments naming guest 100 on node pve1.
fn guest_100() -> serde_json::Value {
    json!({"node": "pve1", "vmid": 100})
}

#[test]
fn a_task_id_from_a_higher_tier_follows_nothing_at_a_lower_tier_now() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, read_only(), Allowlist::default());
    let e = follow(&clusters, &clusters.ceiling().clone()).unwrap_err();
    assert!(matches!(e, CallError::Refused(_)), "{e}");
    assert!(stub.sent().is_empty());
}

#[test]
fn a_task_id_follows_nothing_once_the_session_turned_its_category_off() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, full(), Allowlist::default());
    let category = registry::find("qemu_vm_start").unwrap().category;
    let session = clusters.ceiling().toggled(&[], &[category]);
    let e = follow(&clusters, &session).unwrap_err();
    assert!(matches!(e, CallError::Refused(_)) && e.to_string().contains("pve_toolsets"), "{e}");
    assert!(stub.sent().is_empty());
}

#[test]
fn a_task_id_follows_nothing_on_a_guest_the_allowlist_now_fences_off() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, full(), Allowlist::parse(None, Some("200-299")).unwrap());
    let e = follow(&clusters, &clusters.ceiling().clone()).unwrap_err();
    assert!(matches!(e, CallError::NotAllowed(_)) && e.to_string().contains("100"), "{e}");
    assert!(stub.sent().is_empty());
}

#[test]
fn a_task_id_follows_nothing_on_a_node_the_allowlist_now_fences_off() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, full(), Allowlist::parse(Some("pve2"), None).unwrap());
    let e = follow(&clusters, &clusters.ceiling().clone()).unwrap_err();
    assert!(matches!(e, CallError::NotAllowed(_)) && e.to_string().contains("pve1"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_confirmation_given_at_a_higher_tier_sends_nothing_at_a_lower_tier_now() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, read_only(), Allowlist::default());
    let e = call_with(&clusters, "qemu_vm_delete", guest_100(), confirmed(ConsentKind::Elicitation)).await.unwrap_err();
    assert!(matches!(e, CallError::Refused(_)), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn an_approval_from_the_confirmation_view_sends_nothing_to_a_guest_fenced_off_since() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, full(), Allowlist::parse(None, Some("200-299")).unwrap());
    let e = call_with(&clusters, "qemu_vm_delete", guest_100(), confirmed(ConsentKind::App)).await.unwrap_err();
    assert!(matches!(e, CallError::NotAllowed(_)), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_confirmation_given_sends_no_node_execute_once_execution_is_disabled() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, full(), Allowlist::default());
    let a = json!({"node": "pve1", "commands": "[]"});
    let e = call_with(&clusters, "node_execute", a, confirmed(ConsentKind::Elicitation)).await.unwrap_err();
    assert!(matches!(e, CallError::ExecuteDisabled), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn an_approved_plans_write_sends_nothing_at_a_lower_tier_now() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, read_only(), Allowlist::default());
    let plan = Run(WriteDecision::Approved);
    let io = ClientHooks { run: Some(RunHooks { id: "run1", writes: &plan }), ..Default::default() };
    let e = call_with(&clusters, "qemu_vm_delete", guest_100(), io).await.unwrap_err();
    assert!(matches!(e, CallError::Refused(_)), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn an_approved_plans_write_sends_nothing_to_a_guest_fenced_off_since() {
    let stub = Arc::new(Stub::new());
    let clusters = with(&stub, full(), Allowlist::parse(None, Some("200-299")).unwrap());
    let plan = Run(WriteDecision::Approved);
    let io = ClientHooks { run: Some(RunHooks { id: "run2", writes: &plan }), ..Default::default() };
    let e = call_with(&clusters, "qemu_vm_delete", guest_100(), io).await.unwrap_err();
    assert!(matches!(e, CallError::NotAllowed(_)), "{e}");
    assert!(stub.sent().is_empty());
}
