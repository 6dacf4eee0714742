//! The Datacenter Manager's listings against its schema: every listing whose entries name a
//! remote, node, guest, task or datastore is filtered, refused or left whole with a reason, so a
//! new PDM release cannot add an unfiltered listing silently.

use serde_json::Value;

use super::{Allowlist, pbs, pdm};
use crate::pve::product::Product;
use crate::pve::request::HttpMethod;
use crate::tools::arguments::Arguments;
use crate::tools::registry;

/// Fields naming what the allowlists fence, wherever they appear in a listing's entries.
const FENCED_FIELDS: &[&str] =
    &["remote", "remotes", "node", "nodes", "vmid", "upid", "worker_id", "store", "datastore", "ns", "backup-id"];

/// Listings whose entries hold such fields but are left whole: (tool path, why).
const UNFILTERED: &[(&str, &str)] = &[
    ("/nodes/{node}/tasks", "the manager's own tasks, on its own node"),
    ("/nodes/{node}/tasks/{upid}/status", "one task of the manager's own, named by its path"),
    (
        "/config/views",
        "the manager's own view definitions (include and exclude filters), not the estate; a `view` argument only \
         narrows a listing, which is filtered",
    ),
    (
        "/remotes/remote/{id}/config",
        "one remote's configuration, its `id` checked as an argument; `nodes` are its addresses",
    ),
];

/// Every property name an output schema gives, at any depth.
fn fields(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            map.values().for_each(|v| fields(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| fields(v, out)),
        _ => {}
    }
}

fn handled(path: &str) -> bool {
    path.starts_with("/pve/remotes/{remote}/")
        || path.starts_with("/pbs/remotes/{remote}/")
        || pdm::LISTINGS.iter().any(|(p, _, _)| *p == path)
        || pdm::SUMMARIES.iter().any(|(p, _)| *p == path)
        || pdm::UNSCOPED.iter().any(|(_, p, _, _)| path.starts_with(p))
        || UNFILTERED.iter().any(|(p, why)| *p == path && !why.is_empty())
}

#[test]
fn every_pdm_listing_naming_what_the_allowlists_fence_is_filtered_refused_or_has_a_reason() {
    let mut unhandled = Vec::new();
    for tool in registry::all_of(Product::Pdm).iter().filter(|t| t.method == HttpMethod::Get) {
        let Some(schema) = tool.output_schema else { continue };
        let mut names = Vec::new();
        fields(&serde_json::from_str(schema).unwrap(), &mut names);
        if names.iter().any(|n| FENCED_FIELDS.contains(&n.as_str())) && !handled(tool.path) {
            unhandled.push(tool.path);
        }
    }
    assert!(unhandled.is_empty(), "neither filtered, refused nor left whole with a reason: {unhandled:?}");
}

#[test]
fn the_pbs_remote_datastore_listing_is_read_by_its_name() {
    // Its entries name the datastore `name`, which the field list above does not hold.
    assert!(handled("/pbs/remotes/{remote}/datastore"));
    assert!(pdm::LISTINGS.iter().any(|(p, field, _)| *p == "/remotes/remote" && *field == "id"));
}

#[test]
fn every_reviewed_path_is_a_tool_s() {
    let pdm_paths: Vec<&str> = registry::all_of(Product::Pdm).iter().map(|t| t.path).collect();
    let listed = pdm::LISTINGS.iter().map(|(p, _, _)| *p).chain(pdm::SUMMARIES.iter().map(|(p, _)| *p));
    for path in listed.chain(UNFILTERED.iter().map(|(p, _)| *p)) {
        assert!(pdm_paths.contains(&path), "{path} is no PDM tool's");
    }
    for (_, prefix, _, _) in pdm::UNSCOPED {
        assert!(pdm_paths.iter().any(|p| p.starts_with(prefix)), "{prefix} is no PDM tool's");
    }
    let pbs_tools = registry::all_of(Product::Pbs);
    for (method, path, _) in pbs::WHOLE_DATASTORE {
        assert!(pbs_tools.iter().any(|t| t.method.as_str() == *method && t.path == *path), "{method} {path}");
    }
}

#[test]
fn a_ceph_cluster_named_by_its_fsid_is_refused_under_a_remote_allowlist() {
    // Checked on the allowlist: through the call path, a tool's own `cluster` argument is taken
    // for the server's cluster choice.
    let tool = registry::find_for(Product::Pdm, "pdm_ceph_clusters_status_get").unwrap();
    let args = serde_json::json!({"cluster": "0a1b2c3d-fsid"}).as_object().unwrap().clone();
    let request = (tool.build)(&mut Arguments::new(args.clone())).unwrap();
    let remotes = Allowlist::default().with_remotes(Some("east")).unwrap();
    let e = remotes.check(tool, &args, &request).unwrap_err().to_string();
    assert!(e.contains("`cluster` names Ceph cluster `0a1b2c3d-fsid`") && e.contains("PDM_REMOTE_ALLOWLIST"), "{e}");
    assert!(Allowlist::parse(None, Some("100")).unwrap().check(tool, &args, &request).is_ok());
}
