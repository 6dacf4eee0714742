//! MCP resources: a compact cluster overview, and templates for a node, a guest's configuration
//! and status, a storage's content and a task's status and log; with a Backup Server or a
//! Datacenter Manager configured, theirs too ([`family`]). Every read is a tool
//! call through the same path as any other ([`Reader`]): tier, categories and allowlists apply, and
//! the answer is bounded like a tool result. A resource whose tools no configured cluster serves
//! (another product's, or a PVE release that lacks them once it is known) is not listed, and a
//! read of one is refused as its call would be, before anything is sent.

mod family;

use rmcp::model::{Resource, ResourceContents, ResourceTemplate};
use serde_json::{Map, Value, json};

use crate::BoxFuture;
use crate::call::cluster::Clusters;
use crate::pve::product::Product;
use crate::pve::task::Upid;
use crate::tools::registry;
use crate::tools::releases::{self, Release};

/// Reads PVE through the call path: a read-only tool by name, with its arguments (`cluster`
/// included where there are several), giving PVE's data or the call's error text.
pub trait Reader: Send + Sync {
    fn read<'a>(&'a self, tool: &'a str, args: Map<String, Value>) -> BoxFuture<'a, Result<Value, String>>;

    /// Whether a call of `tool` would be let through its entrance (the cluster, whether its
    /// release has the tool and what `args` name, the caller's tier and categories), with nothing
    /// sent; the error is the call's own text.
    fn admits(&self, tool: &str, args: Map<String, Value>) -> Result<(), String>;

    /// [`Reader::admits`], and whether the arguments and every allowlist would pass too: what a
    /// call with them would not refuse. Nothing is sent.
    fn allows(&self, tool: &str, args: Map<String, Value>) -> Result<(), String>;

    /// What judges its reads now (the session's tier and categories): two readers of one caller
    /// with the same text get the same answer to every read, so a value one of them read may be
    /// reused for the other, and for no reader whose access differs.
    fn access(&self) -> String;
}

pub const OVERVIEW: &str = "pve://cluster/overview";
const MIME: &str = "application/json";

/// What the configured clusters serve: each one's product, name and (for PVE, once known) the
/// release it is served as. Resources are listed from it.
#[derive(Debug, Clone, Default)]
pub struct Offer {
    /// More than one cluster: templates take `{?cluster}`.
    pub several: bool,
    pub clusters: Vec<(Product, Option<String>, Option<Release>)>,
}

impl Offer {
    pub fn of(clusters: &Clusters) -> Offer {
        let releases = clusters.releases();
        let clusters: Vec<_> =
            clusters.iter().zip(releases).map(|(b, r)| (b.client.product(), b.cluster.clone(), r)).collect();
        Offer { several: clusters.len() > 1, clusters }
    }

    /// Whether some cluster of the tool's product runs it: for PVE, one whose release is not known
    /// yet or has it.
    fn serves(&self, tool: &str) -> bool {
        let Some(def) = registry::find_any(tool) else { return false };
        let product = registry::product_of(def);
        self.clusters.iter().any(|(p, _, release)| {
            *p == product && (product != Product::Pve || release.is_none_or(|r| releases::has(def, r)))
        })
    }

    /// Whether every tool of `reads` is served.
    fn serves_all(&self, reads: &[&str]) -> bool {
        reads.iter().all(|t| self.serves(t))
    }

    /// The names of the clusters of a product (`None` for the environment's unnamed one).
    fn of_product(&self, product: Product) -> Vec<Option<&str>> {
        self.clusters.iter().filter(|(p, ..)| *p == product).map(|(_, name, _)| name.as_deref()).collect()
    }
}

/// The tools a read of each PVE resource calls: what a cluster's release must have for it to be listed.
const OVERVIEW_READS: &[&str] = &["cluster_resources_list"];
const NODE_READS: &[&str] = &["node_status_get"];
const GUEST_READS: &[&str] =
    &["cluster_resources_list", "qemu_vm_config_get", "qemu_vm_status_get", "lxc_ct_config_get", "lxc_ct_status_get"];
const STORAGE_READS: &[&str] = &["node_storage_content_list"];
const TASK_READS: &[&str] = &["node_tasks_status_get", "node_tasks_log_list"];

/// The fixed resources (`resources/list`) of what the clusters serve.
pub fn list(offer: &Offer) -> Vec<Resource> {
    let mut listed = Vec::new();
    if offer.serves_all(OVERVIEW_READS) {
        listed.push(
            Resource::new(OVERVIEW, "cluster-overview")
                .with_title("Cluster overview")
                .with_description(
                    "Nodes, guests and storage with status and usage, compact (one read of /cluster/resources).",
                )
                .with_mime_type(MIME),
        );
    }
    listed.extend(family::list(offer));
    listed
}

/// A resource template of JSON.
fn template(uri: String, name: &str, title: &str, description: &str) -> ResourceTemplate {
    ResourceTemplate::new(uri, name).with_title(title).with_description(description).with_mime_type(MIME)
}

/// The resource templates (`resources/templates/list`) of what the clusters serve; with several
/// clusters each takes `?cluster=`.
pub fn templates(offer: &Offer) -> Vec<ResourceTemplate> {
    let q = if offer.several { "{?cluster}" } else { "" };
    let pve = [
        (
            NODE_READS,
            template(
                format!("pve://nodes/{{node}}{q}"),
                "node",
                "Node status",
                "A node's status: CPU, memory, load, uptime, versions.",
            ),
        ),
        (
            GUEST_READS,
            template(
                format!("pve://nodes/{{node}}/guests/{{vmid}}{q}"),
                "guest",
                "Guest configuration and status",
                "A VM's or container's configuration and current status.",
            ),
        ),
        (
            STORAGE_READS,
            template(
                format!("pve://nodes/{{node}}/storage/{{storage}}/content{q}"),
                "storage-content",
                "Storage content",
                "The volumes of a storage on a node (images, ISOs, backups, templates).",
            ),
        ),
        (
            TASK_READS,
            template(
                format!("pve://tasks/{{upid}}{q}"),
                "task",
                "Task status and log",
                "A PVE task's status and the end of its log.",
            ),
        ),
    ];
    let mut listed: Vec<ResourceTemplate> =
        pve.into_iter().filter(|(reads, _)| offer.serves_all(reads)).map(|(_, t)| t).collect();
    listed.extend(family::templates(offer));
    listed
}

/// The product whose resources a URI (or template) names: `pve://pbs/…` the Backup Server's,
/// `pve://pdm/…` the Datacenter Manager's, any other PVE's.
pub fn product_of_uri(uri: &str) -> Product {
    let rest = uri.strip_prefix("pve://").unwrap_or("");
    match rest.split(['/', '?', '{']).next() {
        Some("pbs") => Product::Pbs,
        Some("pdm") => Product::Pdm,
        _ => Product::Pve,
    }
}

/// Why a resource could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    #[error("unknown resource `{0}`; see resources/list and resources/templates/list")]
    Unknown(String),
    #[error("{0}")]
    Read(String),
}

/// A resource URI taken apart: its path segments and its query's arguments, decoded.
struct Parsed<'u> {
    pub segs: Vec<&'u str>,
    pub query: Map<String, Value>,
}

impl Parsed<'_> {
    /// The query's `cluster` (where given) and `pairs`, as a call's arguments.
    pub fn args(&self, pairs: &[(&str, &str)]) -> Map<String, Value> {
        let mut a = Map::new();
        if let Some(c) = self.query.get(crate::call::cluster::ARG) {
            a.insert(crate::call::cluster::ARG.into(), c.clone());
        }
        for (k, v) in pairs {
            a.insert((*k).into(), json!(percent_decode(v)));
        }
        a
    }
}

/// Refuses, before anything is sent, a read whose tools its cluster would not let through
/// (a release that lacks one, a tier or category that leaves one out).
fn admitted(reader: &dyn Reader, reads: &[&str], base: &Map<String, Value>) -> Result<(), ResourceError> {
    reads.iter().try_for_each(|t| reader.admits(t, base.clone()).map_err(ResourceError::Read))
}

/// Reads one resource as JSON text, at most `limit_bytes` long.
pub async fn read(uri: &str, reader: &dyn Reader, limit_bytes: usize) -> Result<ResourceContents, ResourceError> {
    let unknown = || ResourceError::Unknown(uri.to_owned());
    let rest = uri.strip_prefix("pve://").ok_or_else(unknown)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let query: Map<String, Value> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (percent_decode(k), json!(percent_decode(v))))
        .collect();
    let parsed = Parsed { segs: path.split('/').collect(), query };
    let value = match parsed.segs.first() {
        Some(&"pbs") => family::read_pbs(&parsed, reader).await?.ok_or_else(unknown)?,
        Some(&"pdm") => family::read_pdm(&parsed, reader).await?.ok_or_else(unknown)?,
        _ => read_pve(&parsed, reader).await?.ok_or_else(unknown)?,
    };
    let mut text = value.to_string();
    if text.len() > limit_bytes {
        let mut cut = limit_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str(" …[cut: the resource is larger than PVE_RESULT_LIMIT; use the tools to read it in parts]");
    }
    Ok(ResourceContents::TextResourceContents { uri: uri.to_owned(), mime_type: Some(MIME.into()), text, meta: None })
}

/// Reads one of PVE's resources; `None` when the path names none.
async fn read_pve(p: &Parsed<'_>, reader: &dyn Reader) -> Result<Option<Value>, ResourceError> {
    let read = |tool: &'static str, a: Map<String, Value>| async move {
        reader.read(tool, a).await.map_err(ResourceError::Read)
    };
    let base = p.args(&[]);
    let value = match p.segs.as_slice() {
        ["cluster", "overview"] => {
            admitted(reader, OVERVIEW_READS, &base)?;
            overview(&read("cluster_resources_list", p.args(&[])).await?)
        }
        ["nodes", node] => {
            admitted(reader, NODE_READS, &base)?;
            read("node_status_get", p.args(&[("node", node)])).await?
        }
        ["nodes", node, "guests", vmid] => {
            admitted(reader, &GUEST_READS[..1], &base)?;
            let kind = guest_kind(&read("cluster_resources_list", p.args(&[("type", "vm")])).await?, vmid);
            let (config, status) = match kind.as_deref() {
                Some("lxc") => ("lxc_ct_config_get", "lxc_ct_status_get"),
                _ => ("qemu_vm_config_get", "qemu_vm_status_get"),
            };
            // The guest's own kind only: a session may read VMs with containers' tools off.
            admitted(reader, &[config, status], &base)?;
            let a = p.args(&[("node", node), ("vmid", vmid)]);
            json!({
                "vmid": vmid.parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(vmid)),
                "node": node,
                "type": kind.unwrap_or_else(|| "qemu".into()),
                "config": read(config, a.clone()).await?,
                "status": read(status, a).await?,
            })
        }
        ["nodes", node, "storage", storage, "content"] => {
            admitted(reader, STORAGE_READS, &base)?;
            read("node_storage_content_list", p.args(&[("node", node), ("storage", storage)])).await?
        }
        ["tasks", upid] => {
            let upid = percent_decode(upid);
            let Some(node) = Upid::parse(&upid).map(|u| u.node) else { return Ok(None) };
            admitted(reader, TASK_READS, &base)?;
            let a = p.args(&[("node", &node), ("upid", &upid)]);
            let mut log_args = a.clone();
            log_args.insert("limit".into(), json!(50));
            json!({
                "status": read("node_tasks_status_get", a).await?,
                "log": read("node_tasks_log_list", log_args).await?,
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `qemu` or `lxc` for a guest, from `/cluster/resources`.
fn guest_kind(resources: &Value, vmid: &str) -> Option<String> {
    resources.as_array()?.iter().find_map(|r| {
        let id = r.get("vmid").map(|v| v.to_string().trim_matches('"').to_owned())?;
        (id == vmid).then(|| r.get("type").and_then(Value::as_str).map(str::to_owned)).flatten()
    })
}

fn num(r: &Value, key: &str) -> f64 {
    match r.get(key) {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

fn gib(bytes: f64) -> f64 {
    (bytes / 1024.0 / 1024.0 / 1024.0 * 10.0).round() / 10.0
}

fn percent(part: f64, whole: f64) -> Value {
    if whole > 0.0 { json!((part / whole * 1000.0).round() / 10.0) } else { Value::Null }
}

/// The compact overview of `/cluster/resources`: usage in GiB and percent.
fn overview(resources: &Value) -> Value {
    let mut nodes = Vec::new();
    let mut guests = Vec::new();
    let mut storage = Vec::new();
    let text = |r: &Value, k: &str| r.get(k).cloned().unwrap_or(Value::Null);
    for r in resources.as_array().map(Vec::as_slice).unwrap_or_default() {
        match r.get("type").and_then(Value::as_str) {
            Some("node") => nodes.push(json!({
                "node": text(r, "node"),
                "status": text(r, "status"),
                "cpu_percent": (num(r, "cpu") * 1000.0).round() / 10.0,
                "cpus": text(r, "maxcpu"),
                "mem_gib": gib(num(r, "mem")),
                "mem_total_gib": gib(num(r, "maxmem")),
                "uptime_s": text(r, "uptime"),
            })),
            Some(kind @ ("qemu" | "lxc")) => guests.push(json!({
                "vmid": text(r, "vmid"),
                "name": text(r, "name"),
                "type": kind,
                "node": text(r, "node"),
                "status": text(r, "status"),
                "cpus": text(r, "maxcpu"),
                "mem_gib": gib(num(r, "mem")),
                "mem_total_gib": gib(num(r, "maxmem")),
            })),
            Some("storage") => storage.push(json!({
                "storage": text(r, "storage"),
                "node": text(r, "node"),
                "status": text(r, "status"),
                "used_gib": gib(num(r, "disk")),
                "total_gib": gib(num(r, "maxdisk")),
                "used_percent": percent(num(r, "disk"), num(r, "maxdisk")),
            })),
            _ => {}
        }
    }
    json!({ "nodes": nodes, "guests": guests, "storage": storage })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that refuses `refused` at the entrance as a cluster on 8.4 would, and counts reads.
    struct On84 {
        refused: &'static str,
        reads: std::sync::Mutex<usize>,
    }

    impl Reader for On84 {
        fn read<'a>(&'a self, _tool: &'a str, _args: Map<String, Value>) -> BoxFuture<'a, Result<Value, String>> {
            *self.reads.lock().unwrap() += 1;
            Box::pin(async { Ok(json!([])) })
        }

        fn admits(&self, tool: &str, _args: Map<String, Value>) -> Result<(), String> {
            match tool == self.refused {
                true => Err(format!("{tool}: needs PVE 9.1 or newer; cluster `home` runs 8.4")),
                false => Ok(()),
            }
        }

        fn allows(&self, tool: &str, args: Map<String, Value>) -> Result<(), String> {
            self.admits(tool, args)
        }

        fn access(&self) -> String {
            "full".into()
        }
    }

    fn on(release: Option<&str>) -> Offer {
        Offer { several: false, clusters: vec![(Product::Pve, None, release.map(|r| Release::named(r).unwrap()))] }
    }

    #[test]
    fn a_resource_is_listed_only_while_a_cluster_s_release_has_its_tools() {
        assert!(!on(Some("8")).serves_all(&["node_status_get", "qemu_vm_dbus_vmstate"]), "8.x lacks it");
        assert!(on(Some("9.2")).serves_all(&["qemu_vm_dbus_vmstate"]));
        assert!(on(None).serves_all(&["qemu_vm_dbus_vmstate"]), "unknown release: as the primary schema");
    }

    #[test]
    fn every_release_has_what_pve_s_resources_read() {
        for release in Release::all() {
            let known = Offer { several: false, clusters: vec![(Product::Pve, None, Some(release))] };
            assert_eq!(templates(&known).len(), 4, "PVE {}", release.label());
            assert_eq!(list(&known).len(), 1, "PVE {}", release.label());
        }
    }

    #[tokio::test]
    async fn a_resource_a_call_would_refuse_reads_nothing_and_says_why() {
        let reader = On84 { refused: "node_status_get", reads: Default::default() };
        let e = read("pve://nodes/pve1", &reader, 10_000).await.unwrap_err().to_string();
        assert!(e.contains("needs PVE 9.1 or newer") && e.contains("runs 8.4"), "{e}");
        assert_eq!(*reader.reads.lock().unwrap(), 0, "nothing read");
    }

    #[tokio::test]
    async fn a_guest_whose_tools_a_call_would_refuse_is_not_read_past_its_kind() {
        let reader = On84 { refused: "qemu_vm_status_get", reads: Default::default() };
        let e = read("pve://nodes/pve1/guests/100", &reader, 10_000).await.unwrap_err().to_string();
        assert!(e.contains("qemu_vm_status_get"), "{e}");
        assert_eq!(*reader.reads.lock().unwrap(), 1, "only /cluster/resources, for the guest's kind");
    }

    #[tokio::test]
    async fn a_vm_is_read_though_the_containers_tools_are_refused() {
        let reader = On84 { refused: "lxc_ct_status_get", reads: Default::default() };
        read("pve://nodes/pve1/guests/100", &reader, 10_000).await.unwrap();
        assert_eq!(*reader.reads.lock().unwrap(), 3, "kind, configuration, status");
    }

    #[test]
    fn the_overview_groups_and_rounds() {
        let o = overview(&json!([
            {"type": "node", "node": "pve1", "status": "online", "cpu": 0.123, "maxcpu": 8, "mem": 2147483648u64, "maxmem": 8589934592u64},
            {"type": "qemu", "vmid": 100, "name": "web", "node": "pve1", "status": "running"},
            {"type": "storage", "storage": "local", "node": "pve1", "disk": 50, "maxdisk": 200},
        ]));
        assert_eq!(o["nodes"][0]["cpu_percent"], json!(12.3));
        assert_eq!(o["nodes"][0]["mem_gib"], json!(2.0));
        assert_eq!(o["guests"][0]["name"], json!("web"));
        assert_eq!(o["storage"][0]["used_percent"], json!(25.0));
    }
}
