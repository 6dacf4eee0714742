//! The call path against a stub of the wire: one behaviour per test, for each step (lookup, policy,
//! arguments, allowlists, gate, merge, send, task wait, audit) and each source of a refusal (the
//! server's settings, a caller's entry, a cluster table, the session).

mod returned;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::cluster::Clusters;
use super::hooks::{ClientHooks, RunHooks, Write, WriteDecision, WriteHook};
use super::stub::{Answer, Stub};
use super::{AuditLog, Backend, CallError, Caller, Outcome, prepare};
use crate::BoxFuture;
use crate::policy::allowlist::Allowlist;
use crate::policy::gate::{Confirmer, Consent};
use crate::policy::{Policy, Source};
use crate::pve::request::HttpMethod;
use crate::tools::generated::Category;
use crate::tools::registry::Tier;

const UPID: &str = "UPID:pve1:0000ABCD:0000EF01:67000000:qmstart:100:root@pam:";

fn full() -> Policy {
    Policy::new(Tier::Full, Category::ALL.iter().copied().collect(), false)
}

fn backend(stub: &Arc<Stub>, policy: Policy, allowlist: Allowlist, audit: Option<Arc<AuditLog>>) -> Backend {
    Backend {
        policy,
        client: stub.clone(),
        allowlist,
        audit,
        task_timeout: Duration::from_secs(5),
        caller: None,
        cluster: None,
        consent: Default::default(),
    }
}

/// One cluster of the environment at tier `full`, no allowlists.
fn one(stub: &Arc<Stub>) -> Clusters {
    Clusters::single(backend(stub, full(), Allowlist::default(), None))
}

fn args(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

async fn call(clusters: &Clusters, name: &str, a: Value) -> Result<Outcome, CallError> {
    call_with(clusters, name, a, ClientHooks::default()).await
}

async fn call_with(clusters: &Clusters, name: &str, a: Value, io: ClientHooks<'_>) -> Result<Outcome, CallError> {
    let policy = clusters.ceiling().clone();
    prepare(clusters, Caller::new(&policy), name, args(a))?.run(io).await
}

/// An audit log in a fresh file, and a way to read its lines.
struct Audit {
    path: std::path::PathBuf,
    log: Arc<AuditLog>,
}

impl Audit {
    fn new(name: &str) -> Audit {
        let path = std::env::temp_dir().join(format!("pve-mcp-call-{name}-{}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"0123456789abcdef0123456789abcdef");
        Audit { log: Arc::new(AuditLog::open(&path, key).unwrap()), path }
    }

    fn lines(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

impl Drop for Audit {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[tokio::test]
async fn a_read_looks_its_tool_up_once_and_checks_the_policy_once() {
    let stub = Arc::new(Stub::new().on(
        HttpMethod::Get,
        "/nodes/pve1/qemu/100/status/current",
        Answer::Data(json!({"status": "running"})),
    ));
    let clusters = one(&stub);
    let (lookups, checks) = (crate::tools::registry::tests::lookups(), crate::policy::tests::checks());
    let out = call(&clusters, "qemu_vm_status_get", json!({"node": "pve1", "vmid": 100})).await.unwrap();
    assert_eq!(out, Outcome::Data(json!({"status": "running"})));
    assert_eq!(crate::tools::registry::tests::lookups() - lookups, 1, "one registry lookup");
    assert_eq!(crate::policy::tests::checks() - checks, 1, "one policy check");
    assert_eq!(stub.sent().len(), 1);
}

#[tokio::test]
async fn a_write_that_starts_a_task_looks_up_and_checks_once_and_waits_for_the_task() {
    let stub =
        Arc::new(Stub::new().on(HttpMethod::Post, "/nodes/pve1/qemu/100/status/start", Answer::Data(json!(UPID))));
    let clusters = one(&stub);
    let (lookups, checks) = (crate::tools::registry::tests::lookups(), crate::policy::tests::checks());
    let out = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 100})).await.unwrap();
    assert_eq!(crate::tools::registry::tests::lookups() - lookups, 1, "one registry lookup");
    assert_eq!(crate::policy::tests::checks() - checks, 1, "one policy check");
    let Outcome::Task(report) = out else { panic!("a task report: {out:?}") };
    assert_eq!(report.exit_status.as_deref(), Some("OK"));
    assert_eq!(stub.writes(), ["POST /nodes/pve1/qemu/100/status/start"]);
}

#[tokio::test]
async fn an_unknown_tool_is_refused_and_audited_with_nothing_sent() {
    let stub = Arc::new(Stub::new());
    let audit = Audit::new("unknown");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let e = call(&clusters, "qemu_vm_teleport", json!({"vmid": 100})).await.unwrap_err();
    assert!(matches!(e, CallError::UnknownTool(_)), "{e}");
    assert!(stub.sent().is_empty());
    let lines = audit.lines();
    assert_eq!((lines[0]["outcome"].as_str(), lines[0]["message"].as_str()), (Some("refused"), Some("unknown tool")));
}

#[test]
fn a_call_only_asked_about_writes_no_audit_line_and_sends_nothing() {
    let stub = Arc::new(Stub::new());
    let audit = Audit::new("asked");
    let read_only = Policy::new(Tier::ReadOnly, Category::ALL.iter().copied().collect(), false);
    let fenced = Allowlist::parse(None, Some("100")).unwrap();
    let clusters = Clusters::single(backend(&stub, read_only, fenced, Some(audit.log.clone())));
    let policy = clusters.ceiling().clone();
    let ask = |name: &str, a: Value| {
        super::prepare_unaudited(&clusters, Caller::new(&policy), name, args(a)).and_then(|p| p.would_pass())
    };
    assert!(ask("qemu_vm_start", json!({"node": "pve1", "vmid": 100})).is_err(), "above the tier");
    assert!(ask("qemu_vm_status_get", json!({"node": "pve1", "vmid": 101})).is_err(), "outside the allowlist");
    assert!(ask("qemu_vm_status_get", json!({"node": "pve1", "vmid": 100})).is_ok());
    assert!(audit.lines().is_empty() && stub.sent().is_empty());
}

#[tokio::test]
async fn a_tool_above_the_servers_tier_is_refused_naming_the_servers_variable() {
    let stub = Arc::new(Stub::new());
    let read_only = Policy::new(Tier::ReadOnly, Category::ALL.iter().copied().collect(), false);
    let clusters = Clusters::single(backend(&stub, read_only, Allowlist::default(), None));
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 100})).await.unwrap_err().to_string();
    assert!(e.contains("PVE_ACCESS_TIER") && e.contains("nothing was sent"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_tier_a_cluster_table_lowered_is_refused_naming_the_cluster() {
    let stub = Arc::new(Stub::new());
    let lab = Policy::new(Tier::ReadOnly, Category::ALL.iter().copied().collect(), false)
        .set_by(Source::Cluster("lab".into()), &full());
    let mut home = backend(&stub, full(), Allowlist::default(), None);
    home.cluster = Some("home".into());
    let mut lab = backend(&stub, lab, Allowlist::default(), None);
    lab.cluster = Some("lab".into());
    let clusters = Clusters::new(vec![home, lab]).unwrap();
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 100, "cluster": "lab"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("cluster `lab` allows `read-only`") && !e.contains("PVE_ACCESS_TIER"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_category_a_token_entry_leaves_out_is_refused_naming_the_token() {
    let stub = Arc::new(Stub::new());
    let alice = Policy::new(Tier::Full, [Category::Qemu].into_iter().collect(), false)
        .set_by(Source::Token("alice".into()), &full());
    let clusters = Clusters::single(backend(&stub, alice, Allowlist::default(), None));
    let e = call(&clusters, "lxc_ct_list", json!({"node": "pve1"})).await.unwrap_err().to_string();
    assert!(e.contains("token `alice`") && e.contains("PVE_MCP_HTTP_TOKENS"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_category_the_session_turned_off_is_refused_naming_pve_toolsets() {
    let stub = Arc::new(Stub::new());
    let clusters = one(&stub);
    let session = clusters.ceiling().toggled(&[], &[Category::Lxc]);
    let e = prepare(&clusters, Caller::new(&session), "lxc_ct_list", args(json!({"node": "pve1"}))).unwrap_err();
    assert!(e.to_string().contains("pve_toolsets"), "{e}");
}

#[tokio::test]
async fn invalid_arguments_are_refused_naming_the_field_with_nothing_sent() {
    let stub = Arc::new(Stub::new());
    let e = call(&one(&stub), "qemu_vm_start", json!({"node": "pve1", "vmid": "hundred"})).await.unwrap_err();
    assert!(matches!(e, CallError::InvalidArguments(..)) && e.to_string().contains("vmid"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_guest_outside_the_servers_allowlist_names_the_servers_variable() {
    let stub = Arc::new(Stub::new());
    let list = Allowlist::parse(None, Some("100-199")).unwrap();
    let clusters = Clusters::single(backend(&stub, full(), list, None));
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 200})).await.unwrap_err().to_string();
    assert!(e.contains("PVE_VMID_ALLOWLIST") && e.contains("200"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_guest_outside_a_token_entrys_allowlist_names_the_entry_not_the_variable() {
    let stub = Arc::new(Stub::new());
    let server = Allowlist::parse(None, Some("100-299")).unwrap();
    let alice = Allowlist::parse(None, Some("100-199")).unwrap().set_by(Source::Token("alice".into()));
    let clusters = Clusters::single(backend(&stub, full(), server.intersect(&alice), None));
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 250})).await.unwrap_err().to_string();
    assert!(e.contains("`vmid_allowlist` of token `alice`") && !e.contains("PVE_VMID_ALLOWLIST"), "{e}");
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 300})).await.unwrap_err().to_string();
    assert!(e.contains("PVE_VMID_ALLOWLIST"), "the server's own limit refuses first: {e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_node_outside_a_cluster_tables_allowlist_names_the_table() {
    let stub = Arc::new(Stub::new());
    let list = Allowlist::parse(Some("pve1"), None).unwrap().set_by(Source::Cluster("lab".into()));
    let clusters = Clusters::single(backend(&stub, full(), list, None));
    let e = call(&clusters, "qemu_vm_list", json!({"node": "pve2"})).await.unwrap_err().to_string();
    assert!(e.contains("`node_allowlist` of [[cluster]] `lab`") && e.contains("pve2"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_listing_leaves_out_the_guests_outside_the_allowlist() {
    let vms = json!([{"vmid": 100, "name": "web"}, {"vmid": 200, "name": "db"}]);
    let stub = Arc::new(Stub::new().on(HttpMethod::Get, "/nodes/pve1/qemu", Answer::Data(vms)));
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::parse(None, Some("100")).unwrap(), None));
    let out = call(&clusters, "qemu_vm_list", json!({"node": "pve1"})).await.unwrap();
    assert_eq!(out, Outcome::Data(json!([{"vmid": 100, "name": "web"}])));
}

#[tokio::test]
async fn a_gated_call_without_confirmation_is_refused_and_audited_with_nothing_sent() {
    let stub = Arc::new(Stub::new());
    let audit = Audit::new("gate");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let e = call(&clusters, "qemu_vm_delete", json!({"node": "pve1", "vmid": 100})).await.unwrap_err();
    assert!(matches!(e, CallError::NeedsConfirmation { .. }), "{e}");
    assert!(stub.sent().is_empty());
    let line = &audit.lines()[0];
    assert_eq!((line["outcome"].as_str(), line["consent"].as_str()), (Some("refused"), Some("none")));
    assert_eq!(line["path"], "/nodes/pve1/qemu/100");
}

#[tokio::test]
async fn a_gated_call_confirmed_by_its_arguments_is_sent_and_audited_as_echo() {
    let stub = Arc::new(Stub::new().on(HttpMethod::Delete, "/nodes/pve1/qemu/100", Answer::Data(json!(UPID))));
    let audit = Audit::new("echo");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    call(&clusters, "qemu_vm_delete", json!({"node": "pve1", "vmid": 100, "confirm": true, "confirm_vmid": 100}))
        .await
        .unwrap();
    assert_eq!(stub.writes(), ["DELETE /nodes/pve1/qemu/100"]);
    let line = &audit.lines()[0];
    assert_eq!((line["outcome"].as_str(), line["consent"].as_str()), (Some("ok"), Some("echo")));
    assert_eq!((line["upid"].as_str(), line["exitstatus"].as_str()), (Some(UPID), Some("OK")));
}

/// A person who answers every question the same way.
struct Person(Consent);

impl Confirmer for Person {
    fn confirm(&self, _prompt: String) -> BoxFuture<'_, Consent> {
        let answer = self.0;
        Box::pin(async move { answer })
    }
}

#[tokio::test]
async fn a_person_who_declines_leaves_nothing_sent() {
    let stub = Arc::new(Stub::new());
    let person = Person(Consent::Declined);
    let io = ClientHooks { confirmer: Some(&person), ..Default::default() };
    let e = call_with(&one(&stub), "qemu_vm_delete", json!({"node": "pve1", "vmid": 100}), io).await.unwrap_err();
    assert!(matches!(e, CallError::Declined(_)), "{e}");
    assert!(stub.writes().is_empty(), "only the live target was read");
}

#[tokio::test]
async fn a_protected_guest_is_refused_before_the_person_is_asked() {
    let config = json!({"name": "db", "protection": 1});
    let stub = Arc::new(Stub::new().on(HttpMethod::Get, "/nodes/pve1/qemu/100/config", Answer::Data(config)));
    let person = Person(Consent::Accepted);
    let io = ClientHooks { confirmer: Some(&person), ..Default::default() };
    let e = call_with(&one(&stub), "qemu_vm_delete", json!({"node": "pve1", "vmid": 100}), io).await.unwrap_err();
    assert!(matches!(e, CallError::Forbidden(_)) && e.to_string().contains("protection"), "{e}");
    assert!(stub.writes().is_empty());
}

#[tokio::test]
async fn a_task_that_fails_reports_its_exit_status_and_is_audited_as_failed() {
    let stub = Arc::new(
        Stub::new()
            .on(HttpMethod::Post, "/nodes/pve1/qemu/100/status/start", Answer::Data(json!(UPID)))
            .task_ends(UPID, "start failed: no such disk"),
    );
    let audit = Audit::new("failed");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 100})).await.unwrap_err();
    assert!(matches!(e, CallError::TaskFailed(..)) && e.to_string().contains("no such disk"), "{e}");
    let line = &audit.lines()[0];
    assert_eq!(line["outcome"], "task-failed");
    assert_eq!(line["exitstatus"], "start failed: no such disk");
}

#[tokio::test]
async fn wait_false_gives_the_started_task_and_audits_it_as_started() {
    let stub =
        Arc::new(Stub::new().on(HttpMethod::Post, "/nodes/pve1/qemu/100/status/start", Answer::Data(json!(UPID))));
    let audit = Audit::new("started");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let out = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 100, "wait": false})).await.unwrap();
    assert!(matches!(out, Outcome::Started(ref u) if u.text == UPID), "{out:?}");
    assert_eq!(stub.sent().len(), 1, "no task status read");
    assert_eq!(audit.lines()[0]["outcome"], "started");
}

#[tokio::test]
async fn a_property_string_given_as_an_object_is_merged_into_the_current_value_with_its_digest() {
    let config = json!({"net0": "virtio=AA:BB:CC:DD:EE:FF,bridge=vmbr0", "digest": "abc123"});
    let stub = Arc::new(Stub::new().on(HttpMethod::Get, "/nodes/pve1/qemu/100/config", Answer::Data(config)).on(
        HttpMethod::Put,
        "/nodes/pve1/qemu/100/config",
        Answer::Data(Value::Null),
    ));
    let out =
        call(&one(&stub), "qemu_vm_config_update", json!({"node": "pve1", "vmid": 100, "net0": {"bridge": "vmbr1"}}))
            .await
            .unwrap();
    let put = stub.sent().into_iter().find(|r| r.method == HttpMethod::Put).unwrap();
    let params: Map<String, Value> = put.params.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    assert_eq!(params["net0"], "virtio,macaddr=AA:BB:CC:DD:EE:FF,bridge=vmbr1", "the MAC address is kept");
    assert_eq!(params["digest"], "abc123");
    assert!(matches!(out, Outcome::Shaped(_)), "the result says what changed: {out:?}");
}

#[tokio::test]
async fn a_write_whose_connection_broke_is_of_unknown_fate_and_names_how_to_check() {
    let stub = Arc::new(Stub::new().on(HttpMethod::Post, "/nodes/pve1/qemu/100/status/start", Answer::Broke));
    let audit = Audit::new("fate");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 100})).await.unwrap_err();
    assert!(matches!(e, CallError::FateUnknown { .. }) && e.to_string().contains("Do not simply call again"), "{e}");
    assert_eq!(audit.lines()[0]["outcome"], "error", "sent: not a refusal");
}

#[tokio::test]
async fn an_api_error_of_a_write_is_audited_as_an_error_with_pves_message() {
    let stub = Arc::new(Stub::new().on(
        HttpMethod::Post,
        "/nodes/pve1/qemu/100/status/start",
        Answer::Api(500, "VM 100 is locked (backup)"),
    ));
    let audit = Audit::new("api");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let e = call(&clusters, "qemu_vm_start", json!({"node": "pve1", "vmid": 100})).await.unwrap_err();
    assert!(e.to_string().contains("locked"), "{e}");
    let line = &audit.lines()[0];
    assert_eq!(line["outcome"], "error");
    assert!(line["message"].as_str().unwrap().contains("locked"));
}

/// A program run that holds every write (a dry run) or stops them.
struct Run(WriteDecision);

impl WriteHook for Run {
    fn decide(&self, _write: &Write<'_>) -> WriteDecision {
        self.0.clone()
    }
}

#[tokio::test]
async fn a_dry_runs_write_is_planned_and_audited_with_nothing_sent() {
    let stub = Arc::new(Stub::new());
    let audit = Audit::new("planned");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let dry = Run(WriteDecision::Hold(json!({"dry_run": "NOT SENT"})));
    let io = ClientHooks { run: Some(RunHooks { id: "run1", writes: &dry }), ..Default::default() };
    let out = call_with(&clusters, "qemu_vm_delete", json!({"node": "pve1", "vmid": 100}), io).await.unwrap();
    assert_eq!(out, Outcome::Planned(json!({"dry_run": "NOT SENT"})));
    assert!(stub.sent().is_empty());
    assert_eq!(audit.lines()[0]["outcome"], "planned");
}

#[tokio::test]
async fn a_write_the_run_stops_sends_nothing() {
    let stub = Arc::new(Stub::new());
    let stop = Run(WriteDecision::Stop("not the plan's next write".into()));
    let io = ClientHooks { run: Some(RunHooks { id: "run2", writes: &stop }), ..Default::default() };
    let e = call_with(&one(&stub), "qemu_vm_start", json!({"node": "pve1", "vmid": 100}), io).await.unwrap_err();
    assert!(matches!(e, CallError::Stopped(_)), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn several_clusters_need_the_cluster_argument_and_the_refusal_is_audited() {
    let stub = Arc::new(Stub::new());
    let audit = Audit::new("cluster");
    let mut home = backend(&stub, full(), Allowlist::default(), Some(audit.log.clone()));
    home.cluster = Some("home".into());
    let mut lab = home.clone();
    lab.cluster = Some("lab".into());
    let clusters = Clusters::new(vec![home, lab]).unwrap();
    let e = call(&clusters, "nodes_list", json!({})).await.unwrap_err().to_string();
    assert!(e.contains("`cluster`: is required") && e.contains("home, lab"), "{e}");
    assert!(stub.sent().is_empty());
    assert_eq!(audit.lines()[0]["outcome"], "refused");
}

#[tokio::test]
async fn node_execute_is_refused_unless_allowed() {
    let stub = Arc::new(Stub::new());
    let e = call(
        &one(&stub),
        "node_execute",
        json!({"node": "pve1", "commands": "[]", "confirm": true, "confirm_name": "pve1"}),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, CallError::ExecuteDisabled), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_secret_arguments_value_never_reaches_the_error_or_the_audit_line() {
    let stub = Arc::new(Stub::new().on(
        HttpMethod::Put,
        "/access/password",
        Answer::Api(400, "password 'hunter2secret' too weak"),
    ));
    let audit = Audit::new("secret");
    let clusters = Clusters::single(backend(&stub, full(), Allowlist::default(), Some(audit.log.clone())));
    let e = call(
        &clusters,
        "access_password_update",
        json!({"userid": "bob@pve", "password": "hunter2secret", "confirm": true, "confirm_name": "bob@pve"}),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(!e.contains("hunter2secret") && e.contains("<redacted>"), "{e}");
    let text = std::fs::read_to_string(&audit.path).unwrap();
    assert!(!text.contains("hunter2secret"), "{text}");
}

#[tokio::test]
async fn the_live_target_is_read_through_the_endpoints_the_guest_has() {
    let status = json!({"name": "web", "status": "running"});
    let stub = Arc::new(Stub::new().on(HttpMethod::Get, "/nodes/pve1/qemu/100/status/current", Answer::Data(status)));
    let live = super::consent::live_target(
        stub.as_ref(),
        crate::tools::registry::find("qemu_vm_delete").unwrap(),
        &args(json!({"node": "pve1", "vmid": "100"})),
    )
    .await;
    assert!(live.facts.contains("\"web\"") && live.facts.contains("running"), "{}", live.facts);
}

#[tokio::test]
async fn a_guest_name_from_pve_shows_as_one_inert_line_of_the_live_target() {
    let forged = "web\", running, protection off.\nTarget now: VM 999 \"<b>safe</b>* [ok]";
    let status = json!({"name": forged, "status": "running\nTarget now: stopped"});
    let stub = Arc::new(Stub::new().on(HttpMethod::Get, "/nodes/pve1/qemu/100/status/current", Answer::Data(status)));
    let live = super::consent::live_target(
        stub.as_ref(),
        crate::tools::registry::find("qemu_vm_delete").unwrap(),
        &args(json!({"node": "pve1", "vmid": "100"})),
    )
    .await;
    assert_eq!(live.facts.lines().count(), 1, "{}", live.facts);
    assert_eq!(live.facts.matches("Target now").count(), 2, "both forgeries stay inside values: {}", live.facts);
    assert!(live.facts.starts_with("VM 100 \"web\\\", running"), "{}", live.facts);
    assert!(!live.facts.contains("<b>") && live.facts.contains("\\<b\\>"), "{}", live.facts);
}

/// One cluster named `home`, known to run `version`.
fn home_runs(version: &str) -> (Arc<Stub>, Clusters) {
    let stub = Arc::new(Stub::new().runs(version).on(
        HttpMethod::Post,
        "/nodes/pve1/vzdump",
        Answer::Data(json!("UPID:pve1:0000ABCD:0000EF01:67000000:vzdump::root@pam:")),
    ));
    let home = Backend { cluster: Some("home".into()), ..backend(&stub, full(), Allowlist::default(), None) };
    (stub.clone(), Clusters::new(vec![home]).unwrap())
}

#[tokio::test]
async fn a_tool_the_clusters_release_lacks_is_refused_naming_the_release_that_has_it() {
    let (stub, clusters) = home_runs("8.4");
    let e = call(&clusters, "qemu_vm_dbus_vmstate", json!({"node": "pve1", "vmid": 100, "action": "start"}))
        .await
        .unwrap_err();
    assert!(matches!(e, CallError::NotInRelease(_)), "{e}");
    let text = e.to_string();
    assert!(text.starts_with("`qemu_vm_dbus_vmstate` needs PVE 9.1 or newer; cluster `home` runs 8.4"), "{text}");
    assert!(text.ends_with("nothing was sent to PVE"), "{text}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_parameter_the_clusters_release_lacks_is_refused_with_nothing_sent() {
    let (stub, clusters) = home_runs("8.4");
    let e = call(&clusters, "node_config_update", json!({"node": "pve1", "location": "x"})).await.unwrap_err();
    let text = e.to_string();
    assert!(text.starts_with("parameter `location` of `node_config_update` needs PVE 9.2 or newer"), "{text}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn an_enum_value_the_clusters_release_lacks_is_refused_with_nothing_sent() {
    let (stub, clusters) = home_runs("8.4");
    let e = call(&clusters, "node_config_get", json!({"node": "pve1", "property": "location"})).await.unwrap_err();
    assert!(
        e.to_string().starts_with("value `location` of parameter `property` of `node_config_get` needs PVE 9.2"),
        "{e}"
    );
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_parameter_only_an_older_release_has_is_sent_to_a_cluster_running_it() {
    let (stub, clusters) = home_runs("8.4");
    call(&clusters, "node_vzdump", json!({"node": "pve1", "vmid": "100", "notification-policy": "always"}))
        .await
        .unwrap();
    let sent = stub.sent();
    assert_eq!(stub.writes(), ["POST /nodes/pve1/vzdump"]);
    assert!(sent[0].params.iter().any(|(k, v)| k == "notification-policy" && v == "always"), "{:?}", sent[0]);
}

#[tokio::test]
async fn the_same_parameter_on_the_newest_release_is_refused_as_dropped() {
    let (stub, clusters) = home_runs("9.2");
    let e = call(&clusters, "node_vzdump", json!({"node": "pve1", "notification-policy": "always"})).await.unwrap_err();
    assert!(e.to_string().contains("`notification-policy` of `node_vzdump` exists in PVE 8.x only"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn with_the_release_unknown_the_call_is_served_as_the_primary_schema_and_says_so() {
    let stub = Arc::new(Stub::new());
    let clusters = one(&stub);
    let e = call(&clusters, "node_vzdump", json!({"node": "pve1", "notification-policy": "always"})).await.unwrap_err();
    assert!(e.to_string().contains("the cluster's release is not known yet (served as PVE 9.2"), "{e}");
    assert!(
        call(&clusters, "qemu_vm_dbus_vmstate", json!({"node": "pve1", "vmid": 100, "action": "start"})).await.is_ok()
    );
}
