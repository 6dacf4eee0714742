//! Completion values of the Backup Server's and the Datacenter Manager's resource templates: a
//! PBS's `store`, `ns`, `backup-type` and `backup-id` (also spelt `backup_type`, `backup_id`, as the
//! templates name them), and a PDM's `remote`, `vmid` and `node`. Each is read through the call
//! path (listings come back filtered by the allowlists), and then offered only if a call naming it
//! would pass the caller's access and every allowlist ([`Reader::allows`]): completion never offers
//! what a call would refuse.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::mcp::resources::Reader;
use crate::pve::product::Product;

/// The argument as the tools name it (`backup_type` is `backup-type`).
pub(super) fn canonical(argument: &str) -> &str {
    match argument {
        "backup_type" => "backup-type",
        "backup_id" => "backup-id",
        other => other,
    }
}

/// Whether `argument` of `product`'s templates has live values.
pub(super) fn knows(product: Product, argument: &str) -> bool {
    match product {
        Product::Pbs => matches!(canonical(argument), "store" | "ns" | "backup-type" | "backup-id"),
        Product::Pdm => matches!(argument, "remote" | "vmid" | "node"),
        Product::Pve => false,
    }
}

/// A context value, under either spelling.
fn given<'a>(context: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    let other = match name {
        "backup-type" => Some("backup_type"),
        "backup-id" => Some("backup_id"),
        _ => None,
    };
    let value = context.get(name).or_else(|| other.and_then(|o| context.get(o)));
    value.and_then(Value::as_str).map(str::trim).filter(|v| !v.is_empty())
}

/// The context values the argument's values depend on, as part of their cache key.
pub(super) fn context_key(product: Product, argument: &str, context: &Map<String, Value>) -> String {
    let names: &[&str] = match (product, canonical(argument)) {
        (Product::Pbs, "ns") => &["store"],
        (Product::Pbs, "backup-type") => &["store", "ns"],
        (Product::Pbs, "backup-id") => &["store", "ns", "backup-type"],
        (Product::Pdm, "vmid" | "node") => &["remote"],
        _ => &[],
    };
    let parts: Vec<&str> = names.iter().map(|n| given(context, n).unwrap_or("")).collect();
    format!("{}:{}:{}", product.id(), canonical(argument), parts.join("\u{1f}"))
}

/// Reads the current values of a PBS or PDM argument (empty when a read fails or the context
/// lacks what the values depend on).
pub(super) async fn live(
    product: Product,
    argument: &str,
    cluster: &str,
    context: &Map<String, Value>,
    reader: &dyn Reader,
) -> Vec<String> {
    let base = |pairs: &[(&str, &str)]| {
        let mut a = Map::new();
        if !cluster.is_empty() {
            a.insert("cluster".into(), json!(cluster));
        }
        for (k, v) in pairs {
            a.insert((*k).into(), json!(v));
        }
        a
    };
    let allowed = |tool: &str, pairs: &[(&str, &str)]| reader.allows(tool, base(pairs)).is_ok();
    let rows = |v: Value| match v {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let text =
        |r: &Value, key: &str| r.get(key).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
    match (product, canonical(argument)) {
        (Product::Pbs, "store") => {
            let Ok(list) = reader.read("pbs_datastore_list", base(&[])).await else { return Vec::new() };
            let stores: BTreeSet<String> = rows(list).iter().filter_map(|r| text(r, "store")).collect();
            stores.into_iter().filter(|s| allowed("pbs_datastore_status_get", &[("store", s)])).collect()
        }
        (Product::Pbs, "ns") => {
            let Some(store) = given(context, "store") else { return Vec::new() };
            let Ok(list) = reader.read("pbs_datastore_namespace_list", base(&[("store", store)])).await else {
                return Vec::new();
            };
            let all: BTreeSet<String> =
                rows(list).iter().filter_map(|r| text(r, "ns")).filter(|n| !n.is_empty()).collect();
            all.into_iter().filter(|ns| allowed("pbs_datastore_groups_list", &[("store", store), ("ns", ns)])).collect()
        }
        (Product::Pbs, wanted @ ("backup-type" | "backup-id")) => {
            let Some(store) = given(context, "store") else { return Vec::new() };
            let ns = given(context, "ns");
            let mut at = vec![("store", store)];
            at.extend(ns.map(|ns| ("ns", ns)));
            let Ok(list) = reader.read("pbs_datastore_groups_list", base(&at)).await else { return Vec::new() };
            let kind = given(context, "backup-type");
            let groups: BTreeSet<(String, String)> = rows(list)
                .iter()
                .filter_map(|r| Some((text(r, "backup-type")?, text(r, "backup-id")?)))
                .filter(|(t, _)| wanted == "backup-type" || kind.is_none_or(|k| k == t))
                .filter(|(t, id)| {
                    let mut pairs = at.clone();
                    pairs.extend([("backup-type", t.as_str()), ("backup-id", id.as_str())]);
                    allowed("pbs_datastore_snapshots_list", &pairs)
                })
                .collect();
            let values: BTreeSet<String> =
                groups.into_iter().map(|(t, id)| if wanted == "backup-type" { t } else { id }).collect();
            values.into_iter().collect()
        }
        (Product::Pdm, wanted) => {
            let Ok(list) = reader.read("pdm_resources_list", base(&[])).await else { return Vec::new() };
            pdm_values(&rows(list), wanted, given(context, "remote"), &allowed)
        }
        _ => Vec::new(),
    }
}

/// Whether a call of a tool with these arguments would pass (the caller's access, every allowlist).
type Allowed<'a> = &'a dyn Fn(&str, &[(&str, &str)]) -> bool;

/// A PDM argument's values from `/resources/list` (`[{remote, resources}]`), each one a call naming
/// it would pass (`allowed(tool, arguments)`).
fn pdm_values(remotes: &[Value], wanted: &str, remote: Option<&str>, allowed: Allowed<'_>) -> Vec<String> {
    let mut values = BTreeSet::new();
    for entry in remotes {
        let Some(name) = entry.get("remote").and_then(Value::as_str) else { continue };
        if remote.is_some_and(|r| r != name) {
            continue;
        }
        if wanted == "remote" {
            if allowed("pdm_remotes_remote_version_get", &[("id", name)]) {
                values.insert(name.to_owned());
            }
            continue;
        }
        let items = entry.get("resources").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for r in items {
            let kind = r.get("type").and_then(Value::as_str).unwrap_or("");
            let found = match (wanted, kind) {
                ("vmid", "pve-qemu" | "pve-lxc") => r.get("vmid").map(|v| v.to_string().trim_matches('"').to_owned()),
                ("node", "pve-node") => r.get("node").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            };
            let Some(value) = found else { continue };
            let tool = match kind {
                "pve-lxc" => "pdm_pve_lxc_ct_status_get",
                "pve-qemu" => "pdm_pve_qemu_vm_status_get",
                _ => "pdm_pve_node_status_get",
            };
            if allowed(tool, &[("remote", name), (wanted, &value)]) {
                values.insert(value);
            }
        }
    }
    let mut values: Vec<String> = values.into_iter().collect();
    if wanted == "vmid" {
        values.sort_by_key(|v| v.parse::<u64>().unwrap_or(u64::MAX));
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remotes() -> Vec<Value> {
        serde_json::from_value(json!([
            {"remote": "pve-a", "resources": [
                {"type": "pve-node", "node": "a1"},
                {"type": "pve-qemu", "vmid": 100, "node": "a1"},
                {"type": "pve-lxc", "vmid": 200, "node": "a1"},
            ]},
            {"remote": "pve-b", "resources": [{"type": "pve-qemu", "vmid": 300, "node": "b1"}]},
        ]))
        .unwrap()
    }

    #[test]
    fn a_guest_a_call_would_refuse_is_not_offered() {
        let only_100 = |_: &str, args: &[(&str, &str)]| args.iter().all(|(k, v)| *k != "vmid" || *v == "100");
        assert_eq!(pdm_values(&remotes(), "vmid", None, &only_100), ["100"]);
    }

    #[test]
    fn a_remote_in_the_context_narrows_its_guests_and_nodes() {
        let all = |_: &str, _: &[(&str, &str)]| true;
        assert_eq!(pdm_values(&remotes(), "vmid", Some("pve-b"), &all), ["300"]);
        assert_eq!(pdm_values(&remotes(), "node", Some("pve-a"), &all), ["a1"]);
        assert_eq!(pdm_values(&remotes(), "remote", None, &all), ["pve-a", "pve-b"]);
    }

    #[test]
    fn a_remote_a_call_would_refuse_is_not_offered() {
        let not_b = |_: &str, args: &[(&str, &str)]| args.iter().all(|(_, v)| *v != "pve-b");
        assert_eq!(pdm_values(&remotes(), "remote", None, &not_b), ["pve-a"]);
    }

    #[test]
    fn both_spellings_of_a_backup_argument_name_the_same_values() {
        let context: Map<String, Value> =
            serde_json::from_value(json!({"store": "store1", "backup_type": "vm"})).unwrap();
        assert_eq!(context_key(Product::Pbs, "backup_id", &context), context_key(Product::Pbs, "backup-id", &context));
        assert!(knows(Product::Pbs, "backup_type") && !knows(Product::Pve, "store"));
    }
}
