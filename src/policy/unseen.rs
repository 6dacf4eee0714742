//! Why a listing may come back empty: PVE lists only the items the login may audit (guests by
//! `VM.Audit` on `/vms/<vmid>`, storages by `Datastore.Audit` or `Datastore.AllocateSpace` on
//! `/storage/<storage>`, pools by `Pool.Audit`, other users' tasks by `Sys.Audit`), so an empty
//! answer can mean "none visible to this login", not "none there". For the listings PVE filters
//! so, [`explain`] says, from the login's privileges, when that may be why, naming the privilege
//! and the path. Pure: the privileges are read elsewhere; nothing here sends or refuses.

use serde_json::{Map, Value};

use super::permissions::Privileges;

/// One kind of row a listing leaves out unless the login holds one of `privileges` on its path.
struct Filter {
    /// The listing's endpoint (a `GET` path of the schema).
    endpoint: &'static str,
    /// Rows of this kind, by their `type` (`None`: every row).
    row_types: Option<&'static [&'static str]>,
    /// The values of a `type` argument that keep these rows in the answer (empty: no such argument).
    type_args: &'static [&'static str],
    /// What the rows are, in words.
    items: &'static str,
    privileges: &'static [&'static str],
    /// The ACL path of one row (`/vms/{vmid}`); a grant on its fixed part (`/vms`) or `/` covers all.
    acl: &'static str,
}

const GUEST_AUDIT: &[&str] = &["VM.Audit"];
const STORAGE_AUDIT: &[&str] = &["Datastore.Audit", "Datastore.AllocateSpace"];

/// The listings PVE filters by privilege (from the schema's permission descriptions).
const FILTERS: &[Filter] = &[
    Filter {
        endpoint: "/cluster/resources",
        row_types: Some(&["qemu", "lxc"]),
        type_args: &["vm"],
        items: "guests",
        privileges: GUEST_AUDIT,
        acl: "/vms/{vmid}",
    },
    Filter {
        endpoint: "/cluster/resources",
        row_types: Some(&["storage"]),
        type_args: &["storage"],
        items: "storages",
        privileges: STORAGE_AUDIT,
        acl: "/storage/{storage}",
    },
    Filter {
        endpoint: "/nodes/{node}/qemu",
        row_types: None,
        type_args: &[],
        items: "VMs",
        privileges: GUEST_AUDIT,
        acl: "/vms/{vmid}",
    },
    Filter {
        endpoint: "/nodes/{node}/lxc",
        row_types: None,
        type_args: &[],
        items: "containers",
        privileges: GUEST_AUDIT,
        acl: "/vms/{vmid}",
    },
    Filter {
        endpoint: "/nodes/{node}/storage",
        row_types: None,
        type_args: &[],
        items: "storages",
        privileges: STORAGE_AUDIT,
        acl: "/storage/{storage}",
    },
    Filter {
        endpoint: "/storage",
        row_types: None,
        type_args: &[],
        items: "storages",
        privileges: STORAGE_AUDIT,
        acl: "/storage/{storage}",
    },
    Filter {
        endpoint: "/pools",
        row_types: None,
        type_args: &[],
        items: "pools",
        privileges: &["Pool.Audit"],
        acl: "/pool/{poolid}",
    },
    Filter {
        endpoint: "/nodes/{node}/tasks",
        row_types: None,
        type_args: &[],
        items: "tasks of other users",
        privileges: &["Sys.Audit"],
        acl: "/nodes/{node}",
    },
];

/// The kinds of row this answer of `endpoint` has none of, among those PVE filters by privilege.
fn absent<'a>(endpoint: &str, args: &Map<String, Value>, data: &Value) -> Vec<&'a Filter> {
    let Some(rows) = data.as_array() else { return Vec::new() };
    let asked = args.get("type").and_then(Value::as_str);
    FILTERS
        .iter()
        .filter(|f| f.endpoint == endpoint)
        .filter(|f| f.type_args.is_empty() || asked.is_none_or(|t| f.type_args.contains(&t)))
        .filter(|f| {
            !rows.iter().any(|r| {
                f.row_types
                    .is_none_or(|types| r.get("type").and_then(Value::as_str).is_some_and(|t| types.contains(&t)))
            })
        })
        .collect()
}

/// Whether an answer of `endpoint` lacks rows PVE might have left out for want of a privilege:
/// only then are the login's privileges worth reading.
pub fn may_be_hiding(endpoint: &str, args: &Map<String, Value>, data: &Value) -> bool {
    !absent(endpoint, args, data).is_empty()
}

/// Why this answer of `endpoint` may be empty (of some kind of row) for `login` holding
/// `privileges`, or `None` when the login may audit every such row (the answer is what there is).
pub fn explain(
    endpoint: &str,
    args: &Map<String, Value>,
    data: &Value,
    login: &str,
    privileges: &Privileges,
) -> Option<String> {
    let none_at_all = privileges.by_path.values().all(|p| p.is_empty());
    let notes: Vec<String> = absent(endpoint, args, data)
        .into_iter()
        .filter_map(|f| {
            let (fixed, shown) = acl_parts(f.acl);
            let held: Vec<&str> = privileges
                .by_path
                .iter()
                .filter(|(_, p)| f.privileges.iter().any(|w| p.contains(*w)))
                .map(|(path, _)| path.as_str())
                .collect();
            if held.iter().any(|p| covers(p, fixed)) {
                return None;
            }
            let wanted = f.privileges.join(" or ");
            let which = if held.is_empty() {
                format!("{login} holds it on no path")
            } else {
                format!("{login} holds it only on {}, so {} elsewhere are not listed", held.join(", "), f.items)
            };
            Some(format!(
                "PVE lists only {} where the login holds {wanted} on {shown}, and {which}: this answer does \
                 not show that there are none. Grant {wanted} on {fixed} (for example the role PVEAuditor).",
                f.items
            ))
        })
        .collect();
    if notes.is_empty() {
        return None;
    }
    if none_at_all {
        return Some(format!(
            "{login} holds no privileges in PVE (GET /access/permissions is empty), so PVE shows it nothing: \
             this empty answer does not show that there is nothing. Give the login a role on a path (for \
             reading, the README's MCPReadOnly or PVEAuditor on /); an API token with privilege separation \
             needs ACL entries of its own."
        ));
    }
    Some(notes.join(" "))
}

/// The fixed part of an ACL path template (`/vms`) and the template as PVE writes it (`/vms/<vmid>`).
fn acl_parts(acl: &str) -> (&str, String) {
    let fixed = acl.find("/{").map_or(acl, |i| &acl[..i]);
    (fixed, acl.replace('{', "<").replace('}', ">"))
}

/// Whether a grant on `held` reaches every path below `fixed` (it is `fixed` or one of its ancestors).
fn covers(held: &str, fixed: &str) -> bool {
    held == "/" || fixed == held || fixed.starts_with(&format!("{held}/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn privileges(v: Value) -> Privileges {
        Privileges::from_pve(&v)
    }

    fn none() -> Map<String, Value> {
        Map::new()
    }

    #[test]
    fn an_empty_guest_list_of_a_login_without_vm_audit_names_the_privilege_and_the_path() {
        let p = privileges(json!({"/storage": {"Datastore.Audit": 1}}));
        let note = explain("/nodes/{node}/qemu", &none(), &json!([]), "ops@pve!mcp", &p).unwrap();
        assert!(note.contains("VM.Audit on /vms/<vmid>") && note.contains("ops@pve!mcp holds it on no path"), "{note}");
        assert!(note.contains("Grant VM.Audit on /vms"), "{note}");
    }

    #[test]
    fn an_empty_guest_list_of_a_login_that_may_audit_every_guest_needs_no_note() {
        let p = privileges(json!({"/": {"VM.Audit": 1}}));
        assert_eq!(explain("/nodes/{node}/qemu", &none(), &json!([]), "ops@pve!mcp", &p), None);
        let p = privileges(json!({"/vms": {"VM.Audit": 1}}));
        assert_eq!(explain("/nodes/{node}/lxc", &none(), &json!([]), "ops@pve!mcp", &p), None);
    }

    #[test]
    fn a_login_auditing_one_pool_only_is_told_guests_elsewhere_are_not_listed() {
        let p = privileges(json!({"/pool/lab": {"VM.Audit": 1}}));
        let note = explain("/nodes/{node}/qemu", &none(), &json!([]), "ops@pve!mcp", &p).unwrap();
        assert!(note.contains("only on /pool/lab") && note.contains("VMs elsewhere are not listed"), "{note}");
    }

    #[test]
    fn a_login_without_any_privilege_is_told_so() {
        let p = privileges(json!({}));
        let note = explain("/storage", &none(), &json!([]), "ops@pve!mcp", &p).unwrap();
        assert!(note.contains("holds no privileges in PVE") && note.contains("privilege separation"), "{note}");
    }

    #[test]
    fn cluster_resources_with_nodes_but_no_guests_names_vm_audit() {
        let rows = json!([{"type": "node", "node": "pve1"}, {"type": "storage", "storage": "local"}]);
        let p = privileges(json!({"/": {"Sys.Audit": 1, "Datastore.Audit": 1}}));
        let note = explain("/cluster/resources", &none(), &rows, "ops@pve!mcp", &p).unwrap();
        assert!(note.contains("guests") && note.contains("VM.Audit") && !note.contains("storages"), "{note}");
    }

    #[test]
    fn cluster_resources_asked_for_nodes_only_is_not_about_guests() {
        let args = json!({"type": "node"}).as_object().unwrap().clone();
        let rows = json!([{"type": "node", "node": "pve1"}]);
        assert!(!may_be_hiding("/cluster/resources", &args, &rows));
    }

    #[test]
    fn a_listing_with_rows_or_one_pve_does_not_filter_needs_no_reading() {
        assert!(!may_be_hiding("/nodes/{node}/qemu", &none(), &json!([{"vmid": 100}])));
        assert!(!may_be_hiding("/nodes", &none(), &json!([])));
        assert!(may_be_hiding("/pools", &none(), &json!([])));
    }
}
