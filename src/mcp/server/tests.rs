//! The server's other ways back in, judged by the session's access now: a resource URI is read
//! through the call path (tier, categories, allowlists), and a completion's cached values reach
//! only a session whose own read would give them.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, json};

use super::{PveServer, ServerOptions, Session};
use crate::call::Backend;
use crate::call::stub::{Answer, Stub};
use crate::config::ToolMode;
use crate::mcp::completion;
use crate::mcp::resources;
use crate::mcp::state::Sealer;
use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::pve::request::HttpMethod;
use crate::pve::wire::Wire;
use crate::tools::generated::Category;
use crate::tools::registry::{self, Tier};

fn options() -> ServerOptions {
    ServerOptions {
        mode: ToolMode::Direct,
        budget: 100_000,
        result_limit: 10_000,
        toolsets: true,
        hide_unpermitted: false,
        confirm_by_person: false,
        run_timeout: Duration::from_secs(5),
        cluster_names: Arc::new([]),
        sealer: Arc::new(Sealer::lazy(None)),
    }
}

fn server(stub: &Arc<Stub>, allowlist: Allowlist) -> PveServer {
    let backend = Backend {
        policy: Policy::new(Tier::Full, Category::ALL.iter().copied().collect(), false).for_product(stub.product()),
        client: stub.clone(),
        allowlist,
        audit: None,
        task_timeout: Duration::from_secs(5),
        caller: None,
        cluster: None,
        consent: Default::default(),
    };
    PveServer::new(backend, options())
}

/// Turns a category off for this session, as `pve_toolsets` does.
fn turn_off(server: &PveServer, category: Category) {
    let mut session = server.state.session.write().unwrap();
    let policy = session.policy.toggled(&[], &[category]);
    *session = Session::new(policy, &server.shared.options, None);
}

const UPID: &str = "UPID:pve2:0000ABCD:0000EF01:67000000:qmstart:100:root@pam:";

#[tokio::test]
async fn a_task_uri_on_a_node_the_allowlist_fences_off_reads_nothing() {
    let stub = Arc::new(Stub::new());
    let server = server(&stub, Allowlist::parse(Some("pve1"), None).unwrap());
    let e = resources::read(&format!("pve://tasks/{UPID}"), &server, 10_000).await.unwrap_err().to_string();
    assert!(e.contains("pve2"), "{e}");
    assert!(stub.sent().is_empty());
}

#[tokio::test]
async fn a_node_uri_reads_nothing_once_the_session_turned_its_category_off() {
    let stub = Arc::new(Stub::new());
    let server = server(&stub, Allowlist::default());
    turn_off(&server, registry::find("node_status_get").unwrap().category);
    let e = resources::read("pve://nodes/pve1", &server, 10_000).await.unwrap_err().to_string();
    assert!(e.contains("pve_toolsets"), "{e}");
    assert!(stub.sent().is_empty());
}

async fn vmids(server: &PveServer) -> Vec<String> {
    let names = server.shared.clusters.names();
    let cache = &server.shared.surface.completions;
    completion::complete("vmid", "", &Map::new(), &names, crate::pve::product::Product::Pve, server, cache).await.0
}

#[tokio::test]
async fn completion_values_one_session_read_are_not_offered_to_a_session_that_may_not_read_them() {
    let rows = json!([{"type": "qemu", "vmid": 100, "node": "pve1"}]);
    let stub = Arc::new(Stub::new().on(HttpMethod::Get, "/cluster/resources", Answer::Data(rows)));
    let first = server(&stub, Allowlist::default());
    assert_eq!(vmids(&first).await, ["100"]);
    let second = first.new_session();
    turn_off(&second, registry::find("cluster_resources_list").unwrap().category);
    assert_eq!(vmids(&second).await, Vec::<String>::new(), "judged by its own access, not the shared cache");
    assert_eq!(vmids(&first.new_session()).await, ["100"], "the same access reuses the cache");
    assert_eq!(stub.sent().len(), 1, "{:?}", stub.sent());
}

async fn offered(server: &PveServer, argument: &str, context: serde_json::Value) -> Vec<String> {
    let context = context.as_object().cloned().unwrap_or_default();
    let cache = &server.shared.surface.completions;
    let product = crate::pve::product::Product::Pbs;
    completion::complete(argument, "", &context, &[], product, server, cache).await.0
}

#[tokio::test]
async fn a_datastore_outside_the_allowlist_is_not_offered() {
    let stores = json!([{"store": "store1"}, {"store": "offsite"}]);
    let stub = Arc::new(Stub::new().pbs().on(HttpMethod::Get, "/admin/datastore", Answer::Data(stores)));
    let server = server(&stub, Allowlist::default().with_pbs(Some("store1"), None).unwrap());
    assert_eq!(offered(&server, "store", json!({})).await, ["store1"]);
}

#[tokio::test]
async fn a_backup_group_of_a_guest_outside_the_vmid_allowlist_is_not_offered() {
    let groups = json!([
        {"backup-type": "vm", "backup-id": "100"},
        {"backup-type": "vm", "backup-id": "101"},
        {"backup-type": "host", "backup-id": "backup-server"},
    ]);
    let path = "/admin/datastore/store1/groups";
    let stub = Arc::new(Stub::new().pbs().on(HttpMethod::Get, path, Answer::Data(groups)));
    let server = server(&stub, Allowlist::parse(None, Some("100")).unwrap());
    assert_eq!(offered(&server, "backup_id", json!({"store": "store1"})).await, ["100"]);
    assert_eq!(offered(&server, "backup-type", json!({"store": "store1"})).await, ["vm"]);
}

#[tokio::test]
async fn a_namespace_outside_the_allowlist_and_the_root_are_not_offered() {
    let namespaces = json!([{"ns": ""}, {"ns": "lab"}, {"ns": "lab/a"}, {"ns": "prod"}]);
    let path = "/admin/datastore/store1/namespace";
    let stub = Arc::new(Stub::new().pbs().on(HttpMethod::Get, path, Answer::Data(namespaces)));
    let server = server(&stub, Allowlist::default().with_pbs(None, Some("lab")).unwrap());
    assert_eq!(offered(&server, "ns", json!({"store": "store1"})).await, ["lab", "lab/a"]);
}

#[test]
fn a_resource_tool_the_cluster_s_release_lacks_is_refused_naming_the_release() {
    use crate::mcp::resources::Reader;
    let stub = Arc::new(Stub::new().runs("8.4"));
    let server = server(&stub, Allowlist::default());
    let e = server.admits("qemu_vm_dbus_vmstate", Map::new()).unwrap_err();
    assert!(e.contains("needs PVE 9.1 or newer") && e.contains("runs 8.4"), "{e}");
    assert!(server.admits("node_status_get", Map::new()).is_ok());
    assert!(stub.sent().is_empty());
}
