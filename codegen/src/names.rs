//! Step 2a: tool names.
//!
//! # The naming rule
//!
//! A tool's name is a pure function of its endpoint's (method, path): it does not depend on which
//! other endpoints exist, so an endpoint keeps its name in every PVE release. Names match
//! `^[a-z0-9_]+$` and are at most [`MAX_LEN`] characters (clients prefix the server name and
//! reject a whole name over 64).
//!
//! 1. **Scope.** `/nodes/{node}/qemu/{vmid}/...` → `qemu_vm`, `/nodes/{node}/lxc/{vmid}/...` →
//!    `lxc_ct` (and the guest lists `/nodes/{node}/qemu`, `/nodes/{node}/lxc` likewise);
//!    other `/nodes/{node}/...` → `node`; `/cluster/X/...` for the subsystems in [`OWN_SCOPE`]
//!    (sdn, ha, ceph, firewall, ...) → `X` (cluster-wide by nature); anything else starts with its
//!    first segment (`cluster`, `access`, `pools`, `storage`, ...).
//! 2. **Words.** Each literal segment after the scope, `-` and `.` turned into `_`. A
//!    `{placeholder}` adds no word unless it directly follows another placeholder, where its name
//!    is the word (`/firewall/ipset/{name}/{cidr}` → `firewall_ipset_cidr`). Under a guest,
//!    `status/current` is `status` and `status/<action>` is `<action>` (`qemu_vm_start`).
//! 3. **Verb**, from the method and facts about the endpoint that do not change between releases
//!    (the path, what it returns, PVE's handler name; not the path's children, which do change).
//!    - `GET`: path ending in a placeholder → `get`; returns an array → `list`; otherwise → `get`
//!      (left out if the last word already says `get`).
//!    - `POST`: path ending in a placeholder → `add`; PVE's handler name starts with one of
//!      [`CREATING`] (`create_vm`) → `create`; otherwise the last segment is the action and no
//!      verb is added (`qemu_vm_clone`, `node_vzdump`).
//!    - `PUT` → `update`; `DELETE` → `delete`.
//! 4. **Abbreviations** from [`ABBREVIATIONS`], always applied (`certificates` → `certs`).
//! 5. **Overrides**: [`OVERRIDES`] names the few endpoints where the rule would collide or mislead.
//!
//! A test runs the rule over every vendored PVE release and checks uniqueness, validity and length.

use crate::model::{Endpoint, Method, placeholder};

/// Longest tool name allowed.
pub const MAX_LEN: usize = 40;

/// `/cluster/<X>` subtrees whose tools are named `<X>_...` rather than `cluster_<X>_...`.
pub const OWN_SCOPE: &[&str] =
    &["sdn", "ha", "ceph", "firewall", "notifications", "acme", "mapping", "metrics", "replication"];

/// Word abbreviations, always applied.
pub const ABBREVIATIONS: &[(&str, &str)] = &[("certificates", "certs")];

/// PVE handler-name prefixes of a POST that creates something (`create_vm`, `add_plugin`).
/// PVE's handler names are stable across releases, unlike a path's children.
pub const CREATING: &[&str] = &["create", "add", "new", "register"];

/// Reviewed exceptions to the rule: (method, path, name, why).
pub const OVERRIDES: &[(&str, &str, &str, &str)] = &[
    (
        "PUT",
        "/nodes/{node}/network",
        "node_network_apply",
        "collection PUT reloads the config; `update` would collide with PUT .../{iface}",
    ),
    (
        "DELETE",
        "/nodes/{node}/network",
        "node_network_revert",
        "collection DELETE reverts pending changes; `delete` would collide",
    ),
    (
        "PUT",
        "/cluster/ceph/flags",
        "ceph_flags_set_many",
        "sets several flags; `update` would collide with PUT .../{flag}",
    ),
    ("PUT", "/pools/{poolid}", "pools_poolid_update", "deprecated per-pool form; PUT /pools is `pools_update`"),
    ("DELETE", "/pools/{poolid}", "pools_poolid_delete", "deprecated per-pool form; DELETE /pools is `pools_delete`"),
    (
        "POST",
        "/nodes/{node}/qemu/{vmid}/config",
        "qemu_vm_config_update_async",
        "POST is the asynchronous twin of PUT config",
    ),
    (
        "GET",
        "/nodes/{node}/ceph/osd",
        "node_ceph_osd_tree",
        "returns the OSD tree (an object); `get` would collide with GET .../{osdid}",
    ),
];

/// The tool name of an endpoint.
pub fn tool_name(ep: &Endpoint) -> String {
    if let Some((_, _, name, _)) = OVERRIDES.iter().find(|(m, p, _, _)| *m == ep.method.as_str() && *p == ep.path) {
        return (*name).to_owned();
    }
    let segs: Vec<&str> = ep.segments().collect();
    let mut words: Vec<String> = Vec::new();
    let rest: &[&str];
    let mut prev_placeholder;
    let guest = segs.len() >= 3 && segs[0] == "nodes" && matches!(segs[2], "qemu" | "lxc");
    if guest {
        words.push(segs[2].to_owned());
        words.push(if segs[2] == "qemu" { "vm" } else { "ct" }.to_owned());
        rest = if segs.len() > 3 { &segs[4..] } else { &[] };
        prev_placeholder = segs.len() > 3;
    } else if segs.len() >= 2 && segs[0] == "nodes" {
        words.push("node".to_owned());
        rest = &segs[2..];
        prev_placeholder = true;
    } else if segs.len() >= 2 && segs[0] == "cluster" && OWN_SCOPE.contains(&segs[1]) {
        rest = &segs[1..];
        prev_placeholder = false;
    } else {
        rest = &segs[..];
        prev_placeholder = false;
    }

    let mut rest: Vec<&str> = rest.to_vec();
    if guest && rest.len() == 2 && rest[0] == "status" {
        rest = if rest[1] == "current" { vec!["status"] } else { vec![rest[1]] };
    }
    for seg in &rest {
        match placeholder(seg) {
            Some(ph) => {
                if prev_placeholder {
                    words.push(word(ph));
                }
                prev_placeholder = true;
            }
            None => {
                words.push(word(seg));
                prev_placeholder = false;
            }
        }
    }

    let last = segs.last().copied().unwrap_or("");
    let ends_in_placeholder = placeholder(last).is_some();
    let verb = match ep.method {
        Method::Get if ends_in_placeholder => Some("get"),
        Method::Get if ep.returns.kind.as_deref() == Some("array") => Some("list"),
        Method::Get => {
            let says_get = words.last().is_some_and(|w| w.split('_').any(|p| p == "get"));
            (!says_get).then_some("get")
        }
        Method::Post if ends_in_placeholder => Some("add"),
        Method::Post if CREATING.iter().any(|p| ep.pve_name.starts_with(p)) => Some("create"),
        Method::Post => None,
        Method::Put => Some("update"),
        Method::Delete => Some("delete"),
    };
    if let Some(v) = verb {
        words.push(v.to_owned());
    }
    if words.is_empty() {
        words.push("root".to_owned());
    }
    words.join("_")
}

fn word(segment: &str) -> String {
    let w = segment.to_ascii_lowercase().replace(['-', '.'], "_");
    match ABBREVIATIONS.iter().find(|(long, _)| *long == w) {
        Some((_, short)) => (*short).to_owned(),
        None => w,
    }
}

/// Why a name is not acceptable to clients, if it is not.
pub fn check(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_LEN {
        return Err(format!("`{name}` is {} characters; at most {MAX_LEN} allowed", name.len()));
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(format!("`{name}` must match ^[a-z0-9_]+$"));
    }
    Ok(())
}

/// A human title: the description's first sentence, or the name in words.
pub fn title(ep: &Endpoint, name: &str) -> String {
    let first = first_sentence(&ep.description);
    if !first.is_empty() && first.len() <= 80 {
        return first;
    }
    let mut t: String = name.replace('_', " ");
    if let Some(c) = t.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    t
}

/// The first sentence of a text, without its final period.
pub fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|&(i, c)| (c == '.' && text[i + 1..].starts_with([' ', '\n'])) || c == '\n')
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    text[..end].trim().trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Method, Returns};

    /// An endpoint with PVE's handler name and return type.
    fn ep(method: Method, path: &str, pve_name: &str, returns: &str) -> Endpoint {
        Endpoint {
            path: path.into(),
            method,
            pve_name: pve_name.into(),
            description: String::new(),
            permissions: None,
            permissions_rule: None,
            protected: false,
            allowtoken: true,
            params: vec![],
            children: vec![],
            sibling_methods: vec![],
            returns: Returns { kind: Some(returns.into()), description: None, schema: None, properties: Vec::new() },
        }
    }

    #[test]
    fn guest_power_actions_read_like_commands() {
        assert_eq!(
            tool_name(&ep(Method::Post, "/nodes/{node}/qemu/{vmid}/status/start", "vm_start", "string")),
            "qemu_vm_start"
        );
        assert_eq!(
            tool_name(&ep(Method::Get, "/nodes/{node}/lxc/{vmid}/status/current", "vm_status", "object")),
            "lxc_ct_status_get"
        );
    }

    #[test]
    fn arrays_are_listed_and_creating_posts_create() {
        assert_eq!(tool_name(&ep(Method::Get, "/nodes/{node}/qemu", "vmlist", "array")), "qemu_vm_list");
        assert_eq!(tool_name(&ep(Method::Post, "/nodes/{node}/qemu", "create_vm", "string")), "qemu_vm_create");
        assert_eq!(tool_name(&ep(Method::Get, "/access/users", "index", "array")), "access_users_list");
        assert_eq!(
            tool_name(&ep(Method::Get, "/nodes/{node}/qemu/{vmid}/config", "vm_config", "object")),
            "qemu_vm_config_get"
        );
    }

    #[test]
    fn other_posts_are_named_for_their_action() {
        assert_eq!(
            tool_name(&ep(Method::Post, "/nodes/{node}/qemu/{vmid}/clone", "clone_vm", "string")),
            "qemu_vm_clone"
        );
        assert_eq!(tool_name(&ep(Method::Post, "/nodes/{node}/vzdump", "vzdump", "string")), "node_vzdump");
    }

    #[test]
    fn items_get_update_delete_and_add() {
        assert_eq!(
            tool_name(&ep(Method::Get, "/cluster/firewall/ipset/{name}/{cidr}", "read_ip", "object")),
            "firewall_ipset_cidr_get"
        );
        assert_eq!(
            tool_name(&ep(Method::Post, "/cluster/firewall/ipset/{name}", "create_ip", "null")),
            "firewall_ipset_add"
        );
        assert_eq!(
            tool_name(&ep(Method::Delete, "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}", "delsnapshot", "string")),
            "qemu_vm_snapshot_delete"
        );
    }

    #[test]
    fn a_get_that_already_says_get_gets_no_second_verb() {
        assert_eq!(
            tool_name(&ep(Method::Get, "/nodes/{node}/qemu/{vmid}/agent/get-fsinfo", "get-fsinfo", "object")),
            "qemu_vm_agent_get_fsinfo"
        );
    }

    #[test]
    fn abbreviations_apply_everywhere() {
        assert_eq!(
            tool_name(&ep(Method::Delete, "/nodes/{node}/certificates/acme/certificate", "revoke", "string")),
            "node_certs_acme_certificate_delete"
        );
    }

    #[test]
    fn overrides_win() {
        assert_eq!(
            tool_name(&ep(Method::Put, "/nodes/{node}/network", "reload_network_config", "string")),
            "node_network_apply"
        );
    }

    #[test]
    fn check_rejects_long_and_odd_names() {
        assert!(check("qemu_vm_start").is_ok());
        assert!(check("Qemu").is_err());
        assert!(check("a.b").is_err());
        assert!(check(&"x".repeat(41)).is_err());
    }

    #[test]
    fn first_sentence_stops_at_period_or_newline() {
        assert_eq!(first_sentence("Start VM. Then more."), "Start VM");
        assert_eq!(first_sentence("Version 1.2 info\nmore"), "Version 1.2 info");
    }
}
