//! Which reads tell whether a write took effect, for a write whose fate is unknown (its connection
//! broke after sending began): the node's task list filtered by type and guest, and the guest's
//! status or the same path's read. Named as tools with their arguments, ready to call.

use serde_json::{Map, Value, json};

use crate::pve::product::Product;
use crate::pve::request::HttpMethod;
use crate::pve::task::task_type;
use crate::tools::registry::{self, ToolDef};

/// The reads that tell whether `tool`, called with `args`, took effect, as
/// "`name` {json arguments}" texts.
pub fn after_unknown_write(tool: &ToolDef, args: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    if tool.path.starts_with("/nodes/{node}") && args.contains_key("node") {
        let mut a = Map::new();
        a.insert("node".into(), args["node"].clone());
        if let Some(vmid) = args.get("vmid") {
            a.insert("vmid".into(), vmid.clone());
        }
        if let Some(kind) = task_type(tool.method, tool.path) {
            a.insert("typefilter".into(), json!(kind));
        }
        a.insert("source".into(), json!("all"));
        if let Some(line) = read("/nodes/{node}/tasks", a) {
            out.push(line);
        }
    }
    let guest =
        ["/nodes/{node}/qemu/{vmid}", "/nodes/{node}/lxc/{vmid}"].into_iter().find(|g| tool.path.starts_with(g));
    let same = if tool.path.contains("/status/") { None } else { registry_get(tool.path) };
    let target = match (same, guest) {
        (Some(path), _) => Some(path.to_owned()),
        (None, Some(g)) if tool.path.contains("/status/") => Some(format!("{g}/status/current")),
        (None, Some(g)) => Some(format!("{g}/config")),
        (None, None) => None,
    };
    if let Some(line) = target.and_then(|path| read(&path, path_args(&path, args))) {
        out.push(line);
    }
    out
}

fn registry_get(path: &str) -> Option<&'static str> {
    registry::all().iter().find(|t| t.method == HttpMethod::Get && t.path == path).map(|t| t.path)
}

/// The arguments of `args` that fill a `{placeholder}` of `template`.
fn path_args(template: &str, args: &Map<String, Value>) -> Map<String, Value> {
    template
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .filter_map(|name| args.get(name).map(|v| (name.to_owned(), v.clone())))
        .collect()
}

fn read(path: &str, args: Map<String, Value>) -> Option<String> {
    let tool = registry::all().iter().find(|t| t.method == HttpMethod::Get && t.path == path)?;
    Some(format!("`{}` {}", tool.name, Value::Object(args)))
}

/// The tool that reads the status of a task of `product` (`GET /nodes/{node}/tasks/{upid}/status`:
/// PVE and PBS both have it, each in its own table).
pub fn task_status_tool(product: Product) -> &'static str {
    registry::all_of(product)
        .iter()
        .find(|t| t.method == HttpMethod::Get && t.path == "/nodes/{node}/tasks/{upid}/status")
        .map_or("GET /nodes/{node}/tasks/{upid}/status", |t| t.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_start_is_checked_in_the_task_list_and_the_guest_status() {
        let tool = registry::all()
            .iter()
            .find(|t| t.method == HttpMethod::Post && t.path == "/nodes/{node}/qemu/{vmid}/status/start")
            .unwrap();
        let args = json!({"node": "pve1", "vmid": 101}).as_object().unwrap().clone();
        let reads = after_unknown_write(tool, &args);
        assert_eq!(reads.len(), 2, "{reads:?}");
        assert!(
            reads[0].starts_with("`node_tasks_list`") && reads[0].contains(r#""typefilter":"qmstart""#),
            "{reads:?}"
        );
        assert!(reads[1].starts_with("`qemu_vm_status_get`") && reads[1].contains(r#""vmid":101"#), "{reads:?}");
    }
}
