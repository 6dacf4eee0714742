//! Allowlists: `PVE_NODE_ALLOWLIST` and `PVE_VMID_ALLOWLIST` (comma lists; VMIDs also as ranges like
//! `100-199`). A call that names a node or guest outside them, in its path or in an argument that
//! targets one, is refused before anything is sent; listings leave out what is not allowed.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::tools::registry::ToolDef;

/// Arguments that name a node (besides the `{node}` path segment).
const NODE_ARGS: &[&str] = &["node", "target", "target-node", "targetnode", "nodes"];
/// Arguments that name guests: one id or a list.
/// HA resource ids (`sid`: `vm:100`, `ct:200` or `100`) name a guest too.
const VMID_ARGS: &[&str] = &["vmid", "newid", "vms", "vmids", "target-vmid", "sid"];
/// Tools acting on many guests at once when no guest list is given.
const BULK_PATHS: &[&str] = &[
    "/nodes/{node}/startall",
    "/nodes/{node}/stopall",
    "/nodes/{node}/suspendall",
    "/nodes/{node}/migrateall",
    "/nodes/{node}/vzdump",
    "/cluster/bulk-action/guest/start",
    "/cluster/bulk-action/guest/shutdown",
    "/cluster/bulk-action/guest/suspend",
    "/cluster/bulk-action/guest/migrate",
];

/// The allowlists of one server; empty means "no restriction".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    nodes: Option<BTreeSet<String>>,
    vmids: Option<Vec<(u64, u64)>>,
}

/// Why an allowlist refused a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{argument}` names {what} `{value}`, which is not in {variable}")]
pub struct NotAllowed {
    pub argument: String,
    pub what: &'static str,
    pub value: String,
    pub variable: &'static str,
}

impl Allowlist {
    /// Parses the two settings; errors name the variable.
    pub fn parse(nodes: Option<&str>, vmids: Option<&str>) -> Result<Allowlist, String> {
        let nodes = nodes
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect::<BTreeSet<_>>());
        let vmids = match vmids.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                let mut ranges = Vec::new();
                for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let bad =
                        || format!("PVE_VMID_ALLOWLIST: `{part}` is not a VMID or range; expected e.g. `100,200-299`");
                    let (a, b) = match part.split_once('-') {
                        Some((a, b)) => {
                            (a.trim().parse::<u64>().map_err(|_| bad())?, b.trim().parse::<u64>().map_err(|_| bad())?)
                        }
                        None => {
                            let v = part.parse::<u64>().map_err(|_| bad())?;
                            (v, v)
                        }
                    };
                    if a > b {
                        return Err(bad());
                    }
                    ranges.push((a, b));
                }
                Some(ranges)
            }
        };
        Ok(Allowlist { nodes, vmids })
    }

    /// What both allowlists allow (an HTTP caller's own allowlist within the server's).
    pub fn intersect(&self, other: &Allowlist) -> Allowlist {
        let nodes = match (&self.nodes, &other.nodes) {
            (Some(a), Some(b)) => Some(a.intersection(b).cloned().collect()),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        let vmids = match (&self.vmids, &other.vmids) {
            (Some(a), Some(b)) => Some(
                a.iter()
                    .flat_map(|(lo1, hi1)| b.iter().map(move |(lo2, hi2)| ((*lo1).max(*lo2), (*hi1).min(*hi2))))
                    .filter(|(lo, hi)| lo <= hi)
                    .collect(),
            ),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        Allowlist { nodes, vmids }
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_none() && self.vmids.is_none()
    }

    pub fn node_allowed(&self, node: &str) -> bool {
        self.nodes.as_ref().is_none_or(|n| n.contains(node))
    }

    pub fn vmid_allowed(&self, vmid: u64) -> bool {
        self.vmids.as_ref().is_none_or(|r| r.iter().any(|(a, b)| (*a..=*b).contains(&vmid)))
    }

    /// Checks a call's (already validated) arguments.
    pub fn check(&self, tool: &ToolDef, args: &Map<String, Value>) -> Result<(), NotAllowed> {
        if self.is_empty() {
            return Ok(());
        }
        for (key, value) in args {
            let key = key.as_str();
            if self.nodes.is_some() && (NODE_ARGS.contains(&key) || key.starts_with("target") && key.contains("node")) {
                for node in items(value) {
                    if !self.node_allowed(&node) {
                        return Err(NotAllowed {
                            argument: key.into(),
                            what: "node",
                            value: node,
                            variable: "PVE_NODE_ALLOWLIST",
                        });
                    }
                }
            }
            if self.vmids.is_some() && VMID_ARGS.contains(&key) {
                for id in items(value) {
                    let ok = guest_id(&id).map(|v| self.vmid_allowed(v)).unwrap_or(false);
                    if !ok {
                        return Err(NotAllowed {
                            argument: key.into(),
                            what: "guest",
                            value: id,
                            variable: "PVE_VMID_ALLOWLIST",
                        });
                    }
                }
            }
        }
        if self.vmids.is_some()
            && BULK_PATHS.contains(&tool.path)
            && !args.keys().any(|k| VMID_ARGS.contains(&k.as_str()))
        {
            return Err(NotAllowed {
                argument: "vms".into(),
                what: "guests",
                value: "all".into(),
                variable: "PVE_VMID_ALLOWLIST (name the guests explicitly)",
            });
        }
        Ok(())
    }

    /// Leaves out of a listing the entries that name a node or guest outside the allowlists.
    pub fn filter(&self, data: &mut Value) {
        if self.is_empty() {
            return;
        }
        if let Value::Array(items) = data {
            items.retain(|item| {
                let node_ok = item.get("node").and_then(Value::as_str).is_none_or(|n| self.node_allowed(n));
                let vmid_ok = item
                    .get("vmid")
                    .and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(guest_id)))
                    .or_else(|| item.get("sid").and_then(Value::as_str).and_then(guest_id))
                    .is_none_or(|v| self.vmid_allowed(v));
                node_ok && vmid_ok
            });
        }
    }
}

/// A guest id from `100`, `vm:100` or `ct:100`.
fn guest_id(s: &str) -> Option<u64> {
    let s = s.trim();
    s.strip_prefix("vm:").or_else(|| s.strip_prefix("ct:")).unwrap_or(s).parse().ok()
}

/// The ids in an argument: a number, a string list (`100,101`, `100 101`, `100;101`) or an array.
fn items(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().flat_map(items).collect(),
        Value::Number(n) => vec![n.to_string()],
        Value::String(s) => {
            s.split([',', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::registry;
    use serde_json::json;

    fn list() -> Allowlist {
        Allowlist::parse(Some("pve1"), Some("100-199,300")).unwrap()
    }

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn ranges_and_single_ids_parse() {
        let l = list();
        assert!(l.vmid_allowed(150) && l.vmid_allowed(300));
        assert!(!l.vmid_allowed(200));
        assert!(Allowlist::parse(None, Some("1-x")).unwrap_err().starts_with("PVE_VMID_ALLOWLIST"));
    }

    #[test]
    fn path_and_target_arguments_are_checked() {
        let migrate = registry::find("qemu_vm_migrate").unwrap();
        assert!(list().check(migrate, &args(json!({"node": "pve1", "vmid": 100, "target": "pve1"}))).is_ok());
        let e = list().check(migrate, &args(json!({"node": "pve1", "vmid": 100, "target": "pve2"}))).unwrap_err();
        assert_eq!((e.argument.as_str(), e.value.as_str()), ("target", "pve2"));
        let clone = registry::find("qemu_vm_clone").unwrap();
        assert!(list().check(clone, &args(json!({"node": "pve1", "vmid": 100, "newid": 250}))).is_err());
    }

    #[test]
    fn guest_lists_are_checked_item_by_item() {
        let vzdump = registry::find("node_vzdump").unwrap();
        assert!(list().check(vzdump, &args(json!({"node": "pve1", "vmid": "100,101"}))).is_ok());
        assert!(list().check(vzdump, &args(json!({"node": "pve1", "vmid": "100,250"}))).is_err());
        assert!(list().check(vzdump, &args(json!({"node": "pve1", "all": true}))).is_err());
    }

    #[test]
    fn ha_resource_ids_name_guests() {
        let ha = registry::find("ha_resources_get").unwrap();
        assert!(list().check(ha, &args(json!({"sid": "vm:100"}))).is_ok());
        assert!(list().check(ha, &args(json!({"sid": "ct:200"}))).is_err());
        let mut data = json!([{"sid": "vm:100"}, {"sid": "ct:200"}]);
        list().filter(&mut data);
        assert_eq!(data, json!([{"sid": "vm:100"}]));
    }

    #[test]
    fn listings_leave_out_what_is_not_allowed() {
        let mut data = json!([{"vmid": 100, "node": "pve1"}, {"vmid": 200, "node": "pve1"}, {"vmid": 101, "node": "pve2"}, {"storage": "local"}]);
        list().filter(&mut data);
        assert_eq!(data, json!([{"vmid": 100, "node": "pve1"}, {"storage": "local"}]));
    }
}
