//! The family's resources: listed only for a configured product, read through the reader with the
//! arguments the URI names, refused before anything is read when a call would be.

use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::BoxFuture;
use crate::mcp::resources::{self, Offer, Reader};
use crate::pve::product::Product;
use crate::tools::releases::Release;

/// A reader that answers every read with `answer` and records it, refusing at the entrance what
/// `refused` names.
struct Recorder {
    answer: Value,
    refused: Option<&'static str>,
    reads: Mutex<Vec<(String, Map<String, Value>)>>,
}

impl Recorder {
    fn new(answer: Value) -> Recorder {
        Recorder { answer, refused: None, reads: Mutex::default() }
    }

    fn reads(&self) -> Vec<(String, Map<String, Value>)> {
        self.reads.lock().unwrap().clone()
    }
}

impl Reader for Recorder {
    fn read<'a>(&'a self, tool: &'a str, args: Map<String, Value>) -> BoxFuture<'a, Result<Value, String>> {
        self.reads.lock().unwrap().push((tool.to_owned(), args));
        let answer = self.answer.clone();
        Box::pin(async move { Ok(answer) })
    }

    fn admits(&self, tool: &str, _args: Map<String, Value>) -> Result<(), String> {
        match self.refused {
            Some(t) if t == tool => Err(format!("{tool}: needs PVE 9.1 or newer; cluster `home` runs 8.4")),
            _ => Ok(()),
        }
    }

    fn allows(&self, tool: &str, args: Map<String, Value>) -> Result<(), String> {
        self.admits(tool, args)
    }

    fn access(&self) -> String {
        "full".into()
    }
}

fn offer(clusters: &[(Product, &str)]) -> Offer {
    Offer {
        several: clusters.len() > 1,
        clusters: clusters.iter().map(|(p, n)| (*p, Some((*n).to_owned()), None)).collect(),
    }
}

fn uris(offer: &Offer) -> (Vec<String>, Vec<String>) {
    let fixed = resources::list(offer).into_iter().map(|r| r.uri).collect();
    let templates = resources::templates(offer).into_iter().map(|t| t.uri_template).collect();
    (fixed, templates)
}

#[test]
fn nothing_of_the_backup_server_or_the_manager_is_listed_with_pve_alone() {
    let alone = Offer { several: false, clusters: vec![(Product::Pve, None, None)] };
    let (fixed, templates) = uris(&alone);
    assert_eq!(fixed, ["pve://cluster/overview"]);
    assert_eq!(
        templates,
        [
            "pve://nodes/{node}",
            "pve://nodes/{node}/guests/{vmid}",
            "pve://nodes/{node}/storage/{storage}/content",
            "pve://tasks/{upid}"
        ]
    );
}

#[test]
fn a_backup_server_s_datastores_and_templates_are_listed_once_one_is_configured() {
    let (fixed, templates) = uris(&offer(&[(Product::Pve, "pve"), (Product::Pbs, "pbs")]));
    assert_eq!(fixed, ["pve://cluster/overview", "pve://pbs/datastores"]);
    assert!(templates.contains(&"pve://pbs/datastores/{store}/groups{?ns,cluster}".to_owned()), "{templates:?}");
    assert!(templates.contains(&"pve://pbs/datastores/{store}/namespaces{?cluster}".to_owned()));
    assert!(!templates.iter().any(|t| t.starts_with("pve://pdm/")), "no manager configured: {templates:?}");
}

#[test]
fn each_of_several_backup_servers_has_its_own_datastores_resource() {
    let (fixed, _) = uris(&offer(&[(Product::Pbs, "a"), (Product::Pbs, "b")]));
    assert_eq!(fixed, ["pve://pbs/datastores?cluster=a", "pve://pbs/datastores?cluster=b"]);
}

#[test]
fn a_manager_s_remotes_and_guest_template_are_listed_once_one_is_configured() {
    let (fixed, templates) = uris(&offer(&[(Product::Pve, "pve"), (Product::Pdm, "pdm")]));
    assert_eq!(fixed, ["pve://cluster/overview", "pve://pdm/remotes"]);
    assert!(templates.contains(&"pve://pdm/remotes/{remote}/guests/{vmid}{?cluster}".to_owned()));
    assert!(!templates.iter().any(|t| t.starts_with("pve://pbs/")));
}

#[test]
fn a_backup_server_s_resources_need_a_backup_server() {
    let pve_alone = Offer { several: false, clusters: vec![(Product::Pve, None, Some(Release::primary()))] };
    assert!(!pve_alone.serves_all(&["pbs_datastore_list"]));
    assert!(offer(&[(Product::Pbs, "pbs")]).serves_all(&["pbs_datastore_list"]));
}

#[tokio::test]
async fn a_groups_read_names_the_datastore_and_the_namespace_of_its_query() {
    let reader = Recorder::new(json!([]));
    resources::read("pve://pbs/datastores/store1/groups?ns=lab&cluster=pbs", &reader, 10_000).await.unwrap();
    let want: Map<String, Value> =
        serde_json::from_value(json!({"cluster": "pbs", "store": "store1", "ns": "lab"})).unwrap();
    assert_eq!(reader.reads(), [("pbs_datastore_groups_list".to_owned(), want)]);
}

#[tokio::test]
async fn a_snapshots_read_names_the_group_of_its_path() {
    let reader = Recorder::new(json!([]));
    resources::read("pve://pbs/datastores/store1/groups/vm/100/snapshots", &reader, 10_000).await.unwrap();
    let (tool, args) = &reader.reads()[0];
    assert_eq!(tool, "pbs_datastore_snapshots_list");
    assert_eq!((&args["backup-type"], &args["backup-id"]), (&json!("vm"), &json!("100")));
    assert!(!args.contains_key("ns"), "the root namespace is left out");
}

#[tokio::test]
async fn the_remotes_resource_gives_each_remote_s_nodes_guests_and_datastores() {
    let reader = Recorder::new(json!([
        {"remote": "pve-a", "resources": [
            {"type": "pve-node", "node": "a1"},
            {"type": "pve-qemu", "vmid": 100, "name": "web", "node": "a1", "status": "running"},
        ]},
        {"remote": "pbs-main", "resources": [
            {"type": "pbs-node", "name": "pbs-main"},
            {"type": "pbs-datastore", "name": "store1", "disk": 25, "maxdisk": 100},
        ]},
    ]));
    let contents = resources::read("pve://pdm/remotes", &reader, 10_000).await.unwrap();
    let rmcp::model::ResourceContents::TextResourceContents { text, .. } = contents else { panic!("text") };
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["remotes"][0]["guests"][0],
        json!({"vmid": 100, "name": "web", "type": "qemu", "node": "a1", "status": "running"})
    );
    assert_eq!(v["remotes"][1]["datastores"][0]["used_percent"], json!(25.0));
    assert_eq!(v["remotes"][1]["nodes"], json!(["pbs-main"]));
}

#[tokio::test]
async fn a_remote_the_manager_does_not_list_is_not_found() {
    let reader = Recorder::new(json!([{"remote": "pve-a", "resources": []}]));
    let e = resources::read("pve://pdm/remotes/pve-b", &reader, 10_000).await.unwrap_err().to_string();
    assert!(e.contains("`pve-b`"), "{e}");
}

#[test]
fn a_template_s_product_is_its_first_segment() {
    assert_eq!(resources::product_of_uri("pve://pbs/datastores/{store}/groups{?ns}"), Product::Pbs);
    assert_eq!(resources::product_of_uri("pve://pdm/remotes/{remote}"), Product::Pdm);
    assert_eq!(resources::product_of_uri("pve://nodes/{node}"), Product::Pve);
}
