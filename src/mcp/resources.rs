//! MCP resources: a compact cluster overview, and templates for a node, a guest's configuration
//! and status, a storage's content and a task's status and log. Every read is a tool call through
//! the same path as any other ([`Reader`]): tier, categories and allowlists apply, and the answer
//! is bounded like a tool result.

use rmcp::model::{Resource, ResourceContents, ResourceTemplate};
use serde_json::{Map, Value, json};

use crate::BoxFuture;
use crate::pve::task::Upid;

/// Reads PVE through the call path: a read-only tool by name, with its arguments (`cluster`
/// included where there are several), giving PVE's data or the call's error text.
pub trait Reader: Send + Sync {
    fn read<'a>(&'a self, tool: &'a str, args: Map<String, Value>) -> BoxFuture<'a, Result<Value, String>>;

    /// What judges its reads now (the session's tier and categories): two readers of one caller
    /// with the same text get the same answer to every read, so a value one of them read may be
    /// reused for the other, and for no reader whose access differs.
    fn access(&self) -> String;
}

pub const OVERVIEW: &str = "pve://cluster/overview";
const MIME: &str = "application/json";

/// The fixed resources (`resources/list`).
pub fn list() -> Vec<Resource> {
    vec![
        Resource::new(OVERVIEW, "cluster-overview")
            .with_title("Cluster overview")
            .with_description(
                "Nodes, guests and storage with status and usage, compact (one read of /cluster/resources).",
            )
            .with_mime_type(MIME),
    ]
}

/// The resource templates (`resources/templates/list`); with several clusters each takes `?cluster=`.
pub fn templates(several_clusters: bool) -> Vec<ResourceTemplate> {
    let q = if several_clusters { "{?cluster}" } else { "" };
    let t = |uri: String, name: &str, title: &str, description: &str| {
        ResourceTemplate::new(uri, name).with_title(title).with_description(description).with_mime_type(MIME)
    };
    vec![
        t(
            format!("pve://nodes/{{node}}{q}"),
            "node",
            "Node status",
            "A node's status: CPU, memory, load, uptime, versions.",
        ),
        t(
            format!("pve://nodes/{{node}}/guests/{{vmid}}{q}"),
            "guest",
            "Guest configuration and status",
            "A VM's or container's configuration and current status.",
        ),
        t(
            format!("pve://nodes/{{node}}/storage/{{storage}}/content{q}"),
            "storage-content",
            "Storage content",
            "The volumes of a storage on a node (images, ISOs, backups, templates).",
        ),
        t(
            format!("pve://tasks/{{upid}}{q}"),
            "task",
            "Task status and log",
            "A PVE task's status and the end of its log.",
        ),
    ]
}

/// Why a resource could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    #[error("unknown resource `{0}`; see resources/list and resources/templates/list")]
    Unknown(String),
    #[error("{0}")]
    Read(String),
}

/// Reads one resource as JSON text, at most `limit_bytes` long.
pub async fn read(uri: &str, reader: &dyn Reader, limit_bytes: usize) -> Result<ResourceContents, ResourceError> {
    let unknown = || ResourceError::Unknown(uri.to_owned());
    let rest = uri.strip_prefix("pve://").ok_or_else(unknown)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut base = Map::new();
    for (k, v) in query.split('&').filter_map(|kv| kv.split_once('=')) {
        if k == crate::call::cluster::ARG {
            base.insert(k.into(), json!(percent_decode(v)));
        }
    }
    let args = |pairs: &[(&str, &str)]| {
        let mut a = base.clone();
        for (k, v) in pairs {
            a.insert((*k).into(), json!(percent_decode(v)));
        }
        a
    };
    let read = |tool: &'static str, a: Map<String, Value>| async move {
        reader.read(tool, a).await.map_err(ResourceError::Read)
    };
    let segs: Vec<&str> = path.split('/').collect();
    let value = match segs.as_slice() {
        ["cluster", "overview"] => overview(&read("cluster_resources_list", args(&[])).await?),
        ["nodes", node] => read("node_status_get", args(&[("node", node)])).await?,
        ["nodes", node, "guests", vmid] => {
            let kind = guest_kind(&read("cluster_resources_list", args(&[("type", "vm")])).await?, vmid);
            let (config, status) = match kind.as_deref() {
                Some("lxc") => ("lxc_ct_config_get", "lxc_ct_status_get"),
                _ => ("qemu_vm_config_get", "qemu_vm_status_get"),
            };
            let a = args(&[("node", node), ("vmid", vmid)]);
            json!({
                "vmid": vmid.parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(vmid)),
                "node": node,
                "type": kind.unwrap_or_else(|| "qemu".into()),
                "config": read(config, a.clone()).await?,
                "status": read(status, a).await?,
            })
        }
        ["nodes", node, "storage", storage, "content"] => {
            read("node_storage_content_list", args(&[("node", node), ("storage", storage)])).await?
        }
        ["tasks", upid] => {
            let upid = percent_decode(upid);
            let node = Upid::parse(&upid).map(|u| u.node).ok_or_else(unknown)?;
            let a = args(&[("node", &node), ("upid", &upid)]);
            let mut log_args = a.clone();
            log_args.insert("limit".into(), json!(50));
            json!({
                "status": read("node_tasks_status_get", a).await?,
                "log": read("node_tasks_log_list", log_args).await?,
            })
        }
        _ => return Err(unknown()),
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
