//! The Backup Server's and the Datacenter Manager's resources, listed only when one is configured:
//! a PBS's datastores with their usage, and templates for a datastore's status, its namespaces,
//! its backup groups and a group's snapshots; a PDM's remotes with their nodes, guests and
//! datastores, and templates for one remote, a PVE remote's node status and a guest's
//! configuration and status through PDM. URIs are PVE's scheme with the product as the first segment (`pve://pbs/…`, `pve://pdm/…`);
//! every read is a call of that product's tools through [`Reader`], so allowlists and access apply.

use rmcp::model::{Resource, ResourceTemplate};
use serde_json::{Map, Value, json};

use super::{MIME, Offer, Parsed, Reader, ResourceError, admitted, template};
use crate::pve::product::Product;

const DATASTORES_READS: &[&str] = &["pbs_status_datastore_usage_list"];
const DATASTORE_READS: &[&str] = &["pbs_datastore_status_get"];
const NAMESPACES_READS: &[&str] = &["pbs_datastore_namespace_list"];
const GROUPS_READS: &[&str] = &["pbs_datastore_groups_list"];
const SNAPSHOTS_READS: &[&str] = &["pbs_datastore_snapshots_list"];
const REMOTES_READS: &[&str] = &["pdm_resources_list"];
const REMOTE_NODE_READS: &[&str] = &["pdm_pve_node_status_get"];
const REMOTE_GUEST_READS: &[&str] = &[
    "pdm_resources_list",
    "pdm_pve_qemu_vm_config_get",
    "pdm_pve_qemu_vm_status_get",
    "pdm_pve_lxc_ct_config_get",
    "pdm_pve_lxc_ct_status_get",
];

/// One fixed resource per cluster of `product`: `uri` alone with one such cluster, else one
/// `uri?cluster=<name>` for each.
fn per_cluster(
    offer: &Offer,
    product: Product,
    uri: &str,
    name: &str,
    title: &str,
    description: &str,
) -> Vec<Resource> {
    let clusters = offer.of_product(product);
    let one = clusters.len() == 1;
    clusters
        .into_iter()
        .map(|cluster| {
            let (uri, title) = match cluster.filter(|_| !one) {
                Some(c) => (format!("{uri}?cluster={c}"), format!("{title} ({c})")),
                None => (uri.to_owned(), title.to_owned()),
            };
            Resource::new(uri, name).with_title(title).with_description(description).with_mime_type(MIME)
        })
        .collect()
}

/// The fixed resources of the configured Backup Servers and Datacenter Managers.
pub(super) fn list(offer: &Offer) -> Vec<Resource> {
    let mut listed = Vec::new();
    if offer.serves_all(DATASTORES_READS) {
        listed.extend(per_cluster(
            offer,
            Product::Pbs,
            "pve://pbs/datastores",
            "pbs-datastores",
            "Backup Server datastores",
            "Each datastore's usage in GiB and percent, and when it is estimated to be full.",
        ));
    }
    if offer.serves_all(REMOTES_READS) {
        listed.extend(per_cluster(
            offer,
            Product::Pdm,
            "pve://pdm/remotes",
            "pdm-remotes",
            "Datacenter Manager remotes",
            "Each remote with its nodes, guests (status) and datastores, compact (one read of /resources/list).",
        ));
    }
    listed
}

/// The resource templates of the configured Backup Servers and Datacenter Managers.
pub(super) fn templates(offer: &Offer) -> Vec<ResourceTemplate> {
    let cluster = if offer.several { ",cluster" } else { "" };
    let q = if offer.several { "{?cluster}" } else { "" };
    let ns = format!("{{?ns{cluster}}}");
    let candidates = [
        (
            DATASTORE_READS,
            template(
                format!("pve://pbs/datastores/{{store}}{q}"),
                "pbs-datastore",
                "Backup Server datastore",
                "A datastore's usage, its groups and snapshots by backup type, and its garbage collection.",
            ),
        ),
        (
            NAMESPACES_READS,
            template(
                format!("pve://pbs/datastores/{{store}}/namespaces{q}"),
                "pbs-namespaces",
                "Datastore namespaces",
                "The namespaces of a datastore (the root is the empty one).",
            ),
        ),
        (
            GROUPS_READS,
            template(
                format!("pve://pbs/datastores/{{store}}/groups{ns}"),
                "pbs-groups",
                "Backup groups",
                "The backup groups of a datastore's namespace (the root without `ns`): count, last backup, owner.",
            ),
        ),
        (
            SNAPSHOTS_READS,
            template(
                format!("pve://pbs/datastores/{{store}}/groups/{{backup_type}}/{{backup_id}}/snapshots{ns}"),
                "pbs-snapshots",
                "Backup snapshots",
                "The snapshots of one backup group (`vm/100`, `ct/200`, `host/name`) with size and verify state.",
            ),
        ),
        (
            REMOTES_READS,
            template(
                format!("pve://pdm/remotes/{{remote}}{q}"),
                "pdm-remote",
                "Datacenter Manager remote",
                "One remote's nodes, guests, storages and datastores as the Datacenter Manager lists them.",
            ),
        ),
        (
            REMOTE_NODE_READS,
            template(
                format!("pve://pdm/remotes/{{remote}}/nodes/{{node}}{q}"),
                "pdm-node",
                "Remote node status",
                "A PVE remote's node status (CPU, memory, load, uptime, versions), through the Datacenter Manager.",
            ),
        ),
        (
            REMOTE_GUEST_READS,
            template(
                format!("pve://pdm/remotes/{{remote}}/guests/{{vmid}}{q}"),
                "pdm-guest",
                "Remote guest configuration and status",
                "A VM's or container's configuration and current status on a PVE remote, through the Datacenter Manager.",
            ),
        ),
    ];
    candidates.into_iter().filter(|(reads, _)| offer.serves_all(reads)).map(|(_, t)| t).collect()
}

/// The query's `ns`, where given and not the root.
fn ns_of(p: &Parsed<'_>) -> Option<String> {
    p.query.get("ns").and_then(Value::as_str).map(str::to_owned).filter(|ns| !ns.is_empty())
}

/// Reads one of a Backup Server's resources; `None` when the path names none.
pub(super) async fn read_pbs(p: &Parsed<'_>, reader: &dyn Reader) -> Result<Option<Value>, ResourceError> {
    let read = |tool: &'static str, a: Map<String, Value>| async move {
        reader.read(tool, a).await.map_err(ResourceError::Read)
    };
    let base = p.args(&[]);
    let with_ns = |mut a: Map<String, Value>| {
        if let Some(ns) = ns_of(p) {
            a.insert("ns".into(), json!(ns));
        }
        a
    };
    let value = match p.segs.as_slice() {
        ["pbs", "datastores"] => {
            admitted(reader, DATASTORES_READS, &base)?;
            usage(&read("pbs_status_datastore_usage_list", base).await?)
        }
        ["pbs", "datastores", store] => {
            admitted(reader, DATASTORE_READS, &base)?;
            // With the counts by type where the allowlists let them be read (a namespace or VMID
            // allowlist refuses them: they count every namespace and guest).
            let plain = p.args(&[("store", store)]);
            let mut verbose = plain.clone();
            verbose.insert("verbose".into(), json!(true));
            let a = if reader.allows("pbs_datastore_status_get", verbose.clone()).is_ok() { verbose } else { plain };
            read("pbs_datastore_status_get", a).await?
        }
        ["pbs", "datastores", store, "namespaces"] => {
            admitted(reader, NAMESPACES_READS, &base)?;
            read("pbs_datastore_namespace_list", p.args(&[("store", store)])).await?
        }
        ["pbs", "datastores", store, "groups"] => {
            admitted(reader, GROUPS_READS, &base)?;
            read("pbs_datastore_groups_list", with_ns(p.args(&[("store", store)]))).await?
        }
        ["pbs", "datastores", store, "groups", kind, id, "snapshots"] => {
            admitted(reader, SNAPSHOTS_READS, &base)?;
            let a = with_ns(p.args(&[("store", store), ("backup-type", kind), ("backup-id", id)]));
            read("pbs_datastore_snapshots_list", a).await?
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

/// Reads one of a Datacenter Manager's resources; `None` when the path names none.
pub(super) async fn read_pdm(p: &Parsed<'_>, reader: &dyn Reader) -> Result<Option<Value>, ResourceError> {
    let read = |tool: &'static str, a: Map<String, Value>| async move {
        reader.read(tool, a).await.map_err(ResourceError::Read)
    };
    let base = p.args(&[]);
    let value = match p.segs.as_slice() {
        ["pdm", "remotes"] => {
            admitted(reader, REMOTES_READS, &base)?;
            remotes(&read("pdm_resources_list", base).await?)
        }
        ["pdm", "remotes", remote] => {
            admitted(reader, REMOTES_READS, &base)?;
            let remote = super::percent_decode(remote);
            let all = read("pdm_resources_list", base).await?;
            of_remote(&all, &remote).cloned().ok_or_else(|| no_remote(&remote))?
        }
        ["pdm", "remotes", remote, "nodes", node] => {
            admitted(reader, REMOTE_NODE_READS, &base)?;
            read("pdm_pve_node_status_get", p.args(&[("remote", remote), ("node", node)])).await?
        }
        ["pdm", "remotes", remote, "guests", vmid] => {
            admitted(reader, &REMOTE_GUEST_READS[..1], &base)?;
            let name = super::percent_decode(remote);
            let all = read("pdm_resources_list", base.clone()).await?;
            let entry = of_remote(&all, &name).ok_or_else(|| no_remote(&name))?;
            let kind = guest_kind(entry, vmid);
            let (config, status) = match kind {
                Some("lxc") => ("pdm_pve_lxc_ct_config_get", "pdm_pve_lxc_ct_status_get"),
                _ => ("pdm_pve_qemu_vm_config_get", "pdm_pve_qemu_vm_status_get"),
            };
            admitted(reader, &[config, status], &base)?;
            let a = p.args(&[("remote", remote), ("vmid", vmid)]);
            // PDM's schema requires `state`: the configuration in force, as PVE's resource shows it.
            let mut config_args = a.clone();
            config_args.insert("state".into(), json!("active"));
            json!({
                "remote": name,
                "vmid": vmid.parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(vmid)),
                "type": kind.unwrap_or("qemu"),
                "config": read(config, config_args).await?,
                "status": read(status, a).await?,
            })
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

fn no_remote(remote: &str) -> ResourceError {
    ResourceError::Read(format!(
        "remote `{remote}`: the Datacenter Manager lists no such remote that the allowlists let this session see"
    ))
}

/// A remote's entry of `/resources/list` (`{remote, resources}`).
fn of_remote<'a>(all: &'a Value, remote: &str) -> Option<&'a Value> {
    all.as_array()?.iter().find(|r| r.get("remote").and_then(Value::as_str) == Some(remote))
}

/// `qemu` or `lxc` for a guest of a remote's `/resources/list` entry.
fn guest_kind<'a>(entry: &'a Value, vmid: &str) -> Option<&'a str> {
    let items = entry.get("resources")?.as_array()?;
    items.iter().find_map(|r| {
        let id = r.get("vmid").map(|v| v.to_string().trim_matches('"').to_owned())?;
        (id == vmid).then(|| r.get("type").and_then(Value::as_str)?.strip_prefix("pve-")).flatten()
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

fn field(r: &Value, key: &str) -> Value {
    r.get(key).cloned().unwrap_or(Value::Null)
}

/// The compact datastore usage of `/status/datastore-usage`.
fn usage(rows: &Value) -> Value {
    let rows = rows.as_array().map(Vec::as_slice).unwrap_or_default();
    let stores: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut o = json!({
                "store": field(r, "store"),
                "used_gib": gib(num(r, "used")),
                "total_gib": gib(num(r, "total")),
                "avail_gib": gib(num(r, "avail")),
                "used_percent": percent(num(r, "used"), num(r, "total")),
            });
            for key in ["estimated-full-date", "error"] {
                if let Some(v) = r.get(key) {
                    o[key] = v.clone();
                }
            }
            o
        })
        .collect();
    json!({ "datastores": stores })
}

/// The compact remotes of `/resources/list`: each remote's nodes, guests and datastores.
fn remotes(all: &Value) -> Value {
    let all = all.as_array().map(Vec::as_slice).unwrap_or_default();
    let remotes: Vec<Value> = all
        .iter()
        .map(|entry| {
            let (mut nodes, mut guests, mut datastores) = (Vec::new(), Vec::new(), Vec::new());
            let items = entry.get("resources").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            for r in items {
                match r.get("type").and_then(Value::as_str) {
                    Some("pve-node") => nodes.push(field(r, "node")),
                    Some("pbs-node") => nodes.push(field(r, "name")),
                    Some(kind @ ("pve-qemu" | "pve-lxc")) => guests.push(json!({
                        "vmid": field(r, "vmid"),
                        "name": field(r, "name"),
                        "type": &kind[4..],
                        "node": field(r, "node"),
                        "status": field(r, "status"),
                    })),
                    Some("pbs-datastore") => datastores.push(json!({
                        "name": field(r, "name"),
                        "used_gib": gib(num(r, "disk")),
                        "total_gib": gib(num(r, "maxdisk")),
                        "used_percent": percent(num(r, "disk"), num(r, "maxdisk")),
                    })),
                    _ => {}
                }
            }
            let mut o = json!({ "remote": field(entry, "remote"), "nodes": nodes, "guests": guests });
            if !datastores.is_empty() {
                o["datastores"] = json!(datastores);
            }
            if let Some(e) = entry.get("error").filter(|e| !e.is_null()) {
                o["error"] = e.clone();
            }
            o
        })
        .collect();
    json!({ "remotes": remotes })
}

#[cfg(test)]
mod tests;
