//! Allowlists: `PVE_NODE_ALLOWLIST` and `PVE_VMID_ALLOWLIST` (comma lists; VMIDs also as ranges like
//! `100-199`). A call that names a node or guest outside them anywhere PVE encodes one (its path, a
//! guest or node argument, a volume id such as `local-lvm:vm-101-disk-0` or a backup archive, a
//! disk's `file` or `import-from`, a replication job id, a task id, ...) is refused before anything
//! is sent, and so is a call that would act on every guest (an empty or missing guest list, `all`,
//! `pool`). Which arguments name what is generated from the schema ([`crate::tools::references`]);
//! how each form is read is here. Listings leave out the entries that name what is not allowed.
//!
//! Longer than most modules because every form PVE names a node or guest in (volume ids, backup
//! archives, replication job ids, UPIDs, property strings) needs its own small reader, and each
//! reader means something only next to the check that uses it.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use crate::pve::request::PveRequest;
use crate::pve::task::Upid;
use crate::tools::references::{self, Names, Reference, Scope};
use crate::tools::registry::ToolDef;

/// The allowlists of one server; empty means "no restriction".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    nodes: Option<BTreeSet<String>>,
    vmids: Option<Vec<(u64, u64)>>,
}

/// Why an allowlist refused a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NotAllowed {
    /// The argument as sent (`vmid`, `scsi1`, `vms`).
    pub argument: String,
    /// `guest`, `node`, ...
    pub what: &'static str,
    /// The guest or node named, or the value that could not be read.
    pub value: String,
    pub variable: &'static str,
    pub reason: Reason,
}

/// The kinds of allowlist refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Names a guest or node outside the allowlist; `within` is the value it was read from when
    /// that is more than the name (a volume id, a task id).
    Outside { within: Option<String> },
    /// Should name a guest or node but cannot be read as one.
    Unreadable,
    /// Would act on every guest or node (empty or missing list, `all`, `pool`, ACL path `/`);
    /// `list` is where to name them.
    AllGuests { list: String },
}

impl fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let NotAllowed { argument, what, value, variable, reason } = self;
        match reason {
            Reason::Outside { within: None } => {
                write!(f, "`{argument}` names {what} `{value}`, which is not in {variable}")
            }
            Reason::Outside { within: Some(w) } => {
                write!(f, "`{argument}` names {what} `{value}` (in `{w}`), which is not in {variable}")
            }
            Reason::Unreadable => write!(
                f,
                "`{argument}` should name a {what}, but `{value}` cannot be read as one; with {variable} set, \
                 only names of allowed ones are accepted"
            ),
            Reason::AllGuests { list } => {
                write!(f, "`{argument}` {value}; with {variable} set, name the {what} explicitly in `{list}`")
            }
        }
    }
}

const VMIDS: &str = "PVE_VMID_ALLOWLIST";
const NODES: &str = "PVE_NODE_ALLOWLIST";

impl Allowlist {
    /// The allowlists as a person reads them: `"all"`, or the nodes and VMID ranges allowed.
    pub fn describe(&self) -> serde_json::Value {
        let nodes = match &self.nodes {
            None => serde_json::json!("all"),
            Some(n) => serde_json::json!(n),
        };
        let vmids = match &self.vmids {
            None => serde_json::json!("all"),
            Some(r) => serde_json::json!(
                r.iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect::<Vec<_>>()
            ),
        };
        serde_json::json!({ "nodes": nodes, "vmids": vmids })
    }

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

    /// Checks a call: its arguments (for path segments) and the request built from them (what
    /// PVE would receive). Runs after the arguments were validated.
    pub fn check(&self, tool: &ToolDef, args: &Map<String, Value>, request: &PveRequest) -> Result<(), NotAllowed> {
        if self.is_empty() {
            return Ok(());
        }
        let Some(entry) = references::of(tool.name) else { return Ok(()) };
        for r in entry.references {
            for (argument, value) in sent_values(r, args, request) {
                if r.keys.is_empty() {
                    self.check_names(r.names, &argument, &value)?;
                } else {
                    for v in property_values(&value, r.keys, r.default_key) {
                        self.check_names(r.names, &argument, &v)?;
                    }
                }
            }
        }
        if let Some(scope) = &entry.scope {
            self.check_scope(scope, args, request)?;
        }
        Ok(())
    }

    fn outside(&self, argument: &str, what: &'static str, value: String, within: Option<&str>) -> NotAllowed {
        let variable = if what == "node" { NODES } else { VMIDS };
        let within = within.filter(|w| *w != value).map(str::to_owned);
        NotAllowed { argument: argument.into(), what, value, variable, reason: Reason::Outside { within } }
    }

    fn unreadable(&self, argument: &str, what: &'static str, value: &str) -> NotAllowed {
        let variable = if what == "node" { NODES } else { VMIDS };
        NotAllowed { argument: argument.into(), what, value: clip(value), variable, reason: Reason::Unreadable }
    }

    fn check_node(&self, argument: &str, node: &str, within: Option<&str>) -> Result<(), NotAllowed> {
        if self.node_allowed(node) { Ok(()) } else { Err(self.outside(argument, "node", node.into(), within)) }
    }

    fn check_guest(&self, argument: &str, id: u64, within: Option<&str>) -> Result<(), NotAllowed> {
        if self.vmid_allowed(id) { Ok(()) } else { Err(self.outside(argument, "guest", id.to_string(), within)) }
    }

    /// Checks one value of an argument that names guests or nodes in the form `names`.
    fn check_names(&self, names: Names, argument: &str, value: &str) -> Result<(), NotAllowed> {
        let (nodes, guests) = (self.nodes.is_some(), self.vmids.is_some());
        match names {
            Names::Node if nodes => self.check_node(argument, value.trim(), None),
            Names::Nodes if nodes => {
                // HA node lists carry priorities: `pve1:2,pve2`.
                for node in list_items(value) {
                    self.check_node(argument, node.split(':').next().unwrap_or(node), Some(value))?;
                }
                Ok(())
            }
            Names::Guest | Names::HaResource if guests => {
                let id = guest_id(value).ok_or_else(|| self.unreadable(argument, "guest", value))?;
                self.check_guest(argument, id, None)
            }
            Names::Guests | Names::HaResources if guests => {
                for item in list_items(value) {
                    let id = guest_id(item).ok_or_else(|| self.unreadable(argument, "guest", item))?;
                    self.check_guest(argument, id, None)?;
                }
                Ok(())
            }
            Names::Volume if guests => {
                let ids = volume_guests(value).ok_or_else(|| self.unreadable(argument, "guest", value))?;
                ids.into_iter().try_for_each(|id| self.check_guest(argument, id, Some(value)))
            }
            Names::ReplicationJob if guests => {
                let id = replication_guest(value).ok_or_else(|| self.unreadable(argument, "replication job", value))?;
                self.check_guest(argument, id, Some(value))
            }
            Names::AclPath => self.check_acl_path(argument, value),
            Names::Task => {
                let (node, ids) = task_names(value).ok_or_else(|| self.unreadable(argument, "task id", value))?;
                if nodes {
                    self.check_node(argument, &node, Some(value))?;
                }
                if guests {
                    ids.into_iter().try_for_each(|id| self.check_guest(argument, id, Some(value)))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A permission path: `/vms/<id>` and `/nodes/<node>` are checked; paths covering every guest
    /// (`/`, `/vms`, `/pool/…`) or node (`/`, `/nodes`) are refused under the matching allowlist.
    fn check_acl_path(&self, argument: &str, value: &str) -> Result<(), NotAllowed> {
        let path = value.trim().trim_end_matches('/');
        let mut parts = path.trim_start_matches('/').split('/');
        let (first, second) = (parts.next().unwrap_or(""), parts.next());
        let every = |what: &'static str, variable: &'static str| NotAllowed {
            argument: argument.into(),
            what,
            value: format!("`{}` covers every {}", if path.is_empty() { "/" } else { path }, &what[..what.len() - 1]),
            variable,
            reason: Reason::AllGuests { list: argument.to_owned() },
        };
        match (first, second) {
            ("", _) if self.vmids.is_some() => Err(every("guests", VMIDS)),
            ("", _) if self.nodes.is_some() => Err(every("nodes", NODES)),
            ("vms", None) | ("pool", _) if self.vmids.is_some() => Err(every("guests", VMIDS)),
            ("nodes", None) if self.nodes.is_some() => Err(every("nodes", NODES)),
            ("vms", Some(id)) if self.vmids.is_some() => {
                let id = guest_id(id).ok_or_else(|| self.unreadable(argument, "guest", value))?;
                self.check_guest(argument, id, Some(value))
            }
            ("nodes", Some(node)) if self.nodes.is_some() => self.check_node(argument, node, Some(value)),
            _ => Ok(()),
        }
    }

    /// A call acting on every guest unless narrowed: refused under a VMID allowlist when not narrowed.
    fn check_scope(&self, scope: &Scope, args: &Map<String, Value>, request: &PveRequest) -> Result<(), NotAllowed> {
        if self.vmids.is_none() {
            return Ok(());
        }
        let all = |argument: &str, value: String| NotAllowed {
            argument: argument.into(),
            what: "guests",
            value,
            variable: VMIDS,
            reason: Reason::AllGuests { list: scope.list.to_owned() },
        };
        for (name, value) in &request.params {
            if !scope.widening.contains(&name.as_str()) {
                continue;
            }
            match value.as_str() {
                "0" | "" => {}
                "1" => return Err(all(name, "asks for every guest".into())),
                pool => return Err(all(name, format!("asks for every guest of pool `{}`", clip(pool)))),
            }
        }
        let named = request.params.iter().filter(|(n, _)| n == scope.list).flat_map(|(_, v)| list_items(v)).count();
        if named == 0 {
            let given = args.get(scope.list).is_some_and(|v| !v.is_null());
            if given {
                return Err(all(scope.list, "is empty, which means every guest".into()));
            }
            if scope.absent_means_all {
                return Err(all(scope.list, "is missing, which means every guest".into()));
            }
        }
        Ok(())
    }

    /// Leaves out of a listing (an array, or a pool's `members`) the entries that name a node or
    /// guest outside the allowlists. Entries are read leniently: a field that cannot be read keeps
    /// its entry.
    pub fn filter(&self, tool: &ToolDef, data: &mut Value) {
        if self.is_empty() {
            return;
        }
        match data {
            Value::Array(items) => {
                items.retain(|item| self.entry_allowed(tool.path, item));
                for item in items {
                    self.filter_members(tool, item);
                }
            }
            Value::Object(_) => self.filter_members(tool, data),
            _ => {}
        }
    }

    fn filter_members(&self, tool: &ToolDef, item: &mut Value) {
        if let Some(members @ Value::Array(_)) = item.get_mut("members") {
            self.filter(tool, members);
        }
    }

    fn entry_allowed(&self, path: &str, item: &Value) -> bool {
        let Some(obj) = item.as_object() else { return true };
        let extra = LISTING_FIELDS.iter().filter(|(p, ..)| *p == path);
        let common = ENTRY_FIELDS.iter().map(|(field, names)| (path, *field, *names, None));
        common.chain(extra.copied()).all(|(_, field, names, only_if)| {
            if let Some((key, want)) = only_if
                && obj.get(key).and_then(Value::as_str) != Some(want)
            {
                return true;
            }
            let text = match obj.get(field) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return true,
            };
            match self.check_names(names, field, &text) {
                Ok(()) => true,
                Err(e) => !matches!(e.reason, Reason::Outside { .. }),
            }
        })
    }
}

/// Fields of any listing's entries that name guests or nodes.
const ENTRY_FIELDS: &[(&str, Names)] = &[
    ("node", Names::Node),
    ("vmid", Names::Guests),
    ("sid", Names::HaResource),
    ("volid", Names::Volume),
    ("upid", Names::Task),
    ("guest", Names::Guest),
];

/// More fields, on the listings of one tool path only: (path, field, names, only when
/// `field2 == value`).
type ListingField = (&'static str, &'static str, Names, Option<(&'static str, &'static str)>);
const LISTING_FIELDS: &[ListingField] = &[
    ("/cluster/replication", "id", Names::ReplicationJob, None),
    ("/cluster/replication", "source", Names::Node, None),
    ("/cluster/replication", "target", Names::Node, None),
    ("/nodes/{node}/replication", "id", Names::ReplicationJob, None),
    ("/nodes/{node}/replication", "source", Names::Node, None),
    ("/nodes/{node}/replication", "target", Names::Node, None),
    ("/cluster/status", "name", Names::Node, Some(("type", "node"))),
    ("/cluster/ha/rules", "resources", Names::HaResources, None),
];

/// The values a call sends for one reference: `(argument as sent, value)`.
fn sent_values(r: &Reference, args: &Map<String, Value>, request: &PveRequest) -> Vec<(String, String)> {
    if r.in_path {
        return match args.get(r.param) {
            Some(Value::String(s)) => vec![(r.param.to_owned(), s.clone())],
            Some(Value::Number(n)) => vec![(r.param.to_owned(), n.to_string())],
            _ => Vec::new(),
        };
    }
    request.params.iter().filter(|(name, _)| r.matches(name)).cloned().collect()
}

/// The values of some keys of a PVE property string (`file=local:vm-100-disk-0,size=4G`, or with
/// the default key's `key=` left out); quoted values are unquoted.
fn property_values(text: &str, keys: &[&str], default_key: bool) -> Vec<String> {
    let mut out = Vec::new();
    let is_key = |k: &str| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    for part in split_unquoted(text) {
        match part.split_once('=').map(|(k, v)| (k.trim(), v)) {
            Some((k, v)) if is_key(k) && keys.contains(&k) => out.push(unquote(v)),
            Some((k, _)) if is_key(k) => {}
            _ if default_key => out.push(unquote(&part)),
            _ => {}
        }
    }
    out
}

/// Splits at commas outside double quotes.
fn split_unquoted(text: &str) -> Vec<String> {
    let (mut parts, mut cur, mut quoted, mut escaped) = (Vec::new(), String::new(), false, false);
    for c in text.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                cur.push(c);
                quoted = !quoted;
            }
            ',' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => v.to_owned(),
    }
}

/// Items of a list value: `100,101`, `100 101`, `100;101`.
fn list_items(v: &str) -> impl Iterator<Item = &str> {
    v.split([',', ';', ' ', '\0']).map(str::trim).filter(|p| !p.is_empty())
}

/// A guest id from `100`, `vm:100` or `ct:100`.
fn guest_id(s: &str) -> Option<u64> {
    let s = s.trim();
    s.strip_prefix("vm:").or_else(|| s.strip_prefix("ct:")).unwrap_or(s).parse().ok()
}

/// The guest of a replication job id, `<vmid>-<n>`.
fn replication_guest(s: &str) -> Option<u64> {
    let (guest, n) = s.trim().split_once('-')?;
    n.parse::<u64>().ok()?;
    guest.parse().ok()
}

/// The guests a volume id or path names: `vm-<id>-…`, `base-<id>-…`, `subvol-<id>-…`,
/// `basevol-<id>-…`, `vzdump-{qemu,lxc,openvz}-<id>-…`, a directory storage's `<id>/…` (just after
/// the storage), `images/<id>/`, `private/<id>/`, and PBS's `vm/<id>/`, `ct/<id>/`. `None` when a
/// guest id is there but does not read as a number; an empty list when it names no guest (an ISO,
/// a template, a snippet).
fn volume_guests(volume: &str) -> Option<Vec<u64>> {
    let volume = volume.replace("\\x3a", ":");
    let mut ids = Vec::new();
    // Tokens between separators, each with the separator before it and the token before it.
    let mut prev_token = "";
    let mut prev_sep = '^';
    let mut rest = volume.as_str();
    loop {
        let end = rest.find(['/', ':', '=', ',']).unwrap_or(rest.len());
        let token = &rest[..end];
        let next_sep = rest[end..].chars().next();
        for prefix in ["vm-", "base-", "subvol-", "basevol-", "vzdump-qemu-", "vzdump-lxc-", "vzdump-openvz-"] {
            if let Some(after) = token.strip_prefix(prefix) {
                let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty() && after[digits.len()..].starts_with('-') {
                    ids.push(digits.parse::<u64>().ok()?);
                }
            }
        }
        let numeric = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
        let owner_dir = next_sep == Some('/')
            && (prev_sep == ':' || (prev_sep == '/' && matches!(prev_token, "images" | "private" | "vm" | "ct")));
        if numeric && owner_dir {
            ids.push(token.parse::<u64>().ok()?);
        }
        let Some(sep) = next_sep else { break };
        prev_sep = sep;
        prev_token = token;
        rest = &rest[end + sep.len_utf8()..];
    }
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

/// The node and guests a task id names: `UPID:pve1:…:qmstart:101:root@pam:` → (`pve1`, [101]).
fn task_names(upid: &str) -> Option<(String, Vec<u64>)> {
    let parsed = Upid::parse(upid.trim())?;
    // The id may itself hold `:` (a volume id): it is everything between the type and the user.
    let fields: Vec<&str> = upid.trim().trim_end_matches(':').split(':').collect();
    let id = if fields.len() > 8 { fields[6..fields.len() - 1].join(":") } else { parsed.id.clone() };
    let ids = if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        vec![id.parse().ok()?]
    } else {
        volume_guests(&id)?
    };
    Some((parsed.node, ids))
}

fn clip(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if clean.chars().count() > 80 { format!("{}…", clean.chars().take(80).collect::<String>()) } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::arguments::Arguments;
    use crate::tools::registry;
    use serde_json::json;

    fn list() -> Allowlist {
        Allowlist::parse(Some("pve1"), Some("100-199,300")).unwrap()
    }

    /// Checks a call the way `call::call` does: build the request, then check.
    fn check(tool: &str, v: Value) -> Result<(), NotAllowed> {
        let tool = registry::find(tool).unwrap();
        let args = v.as_object().unwrap().clone();
        let request = (tool.build)(&mut Arguments::new(args.clone())).expect("valid arguments");
        list().check(tool, &args, &request)
    }

    fn refused(tool: &str, v: Value) -> NotAllowed {
        check(tool, v).expect_err("should be refused")
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
        assert!(check("qemu_vm_migrate", json!({"node": "pve1", "vmid": 100, "target": "pve1"})).is_ok());
        let e = refused("qemu_vm_migrate", json!({"node": "pve1", "vmid": 100, "target": "pve2"}));
        assert_eq!((e.argument.as_str(), e.value.as_str()), ("target", "pve2"));
        assert!(check("qemu_vm_clone", json!({"node": "pve1", "vmid": 100, "newid": 250})).is_err());
    }

    #[test]
    fn guest_lists_are_checked_item_by_item() {
        assert!(check("node_vzdump", json!({"node": "pve1", "vmid": "100,101"})).is_ok());
        assert!(check("node_vzdump", json!({"node": "pve1", "vmid": "100,250"})).is_err());
        assert!(check("node_vzdump", json!({"node": "pve1", "all": true})).is_err());
    }

    #[test]
    fn ha_resource_ids_name_guests() {
        assert!(check("ha_resources_get", json!({"sid": "vm:100"})).is_ok());
        assert!(check("ha_resources_get", json!({"sid": "ct:200"})).is_err());
        let mut data = json!([{"sid": "vm:100"}, {"sid": "ct:200"}]);
        list().filter(registry::find("ha_resources_list").unwrap(), &mut data);
        assert_eq!(data, json!([{"sid": "vm:100"}]));
    }

    #[test]
    fn volume_ids_name_their_guests() {
        let cases = [
            ("vm-101-disk-0", vec![101]),
            ("local-lvm:vm-101-disk-0", vec![101]),
            ("local-lvm:base-100-disk-0/vm-101-disk-1", vec![100, 101]),
            ("local-zfs:subvol-250-disk-0", vec![250]),
            ("local:101/vm-101-disk-0.qcow2", vec![101]),
            ("local:backup/vzdump-qemu-101-2025_01_01-00_00_00.vma.zst", vec![101]),
            ("vzdump-lxc-0250-2025_01_01-00_00_00.tar.zst", vec![250]),
            ("pbs:backup/vm/101/2025-01-01T00:00:00Z", vec![101]),
            ("/var/lib/vz/images/101/vm-101-disk-0.raw", vec![101]),
            ("local:iso/debian-12.iso", vec![]),
            ("local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", vec![]),
            ("local:snippets/hook-100.sh", vec![]),
        ];
        for (volume, ids) in cases {
            assert_eq!(volume_guests(volume), Some(ids), "{volume}");
        }
        assert_eq!(volume_guests("vm-99999999999999999999999-disk-0"), None);
    }

    #[test]
    fn property_strings_are_read_by_key_and_default_key() {
        let keys = &["file", "import-from"][..];
        assert_eq!(property_values("local:vm-1-disk-0,size=4G", keys, true), ["local:vm-1-disk-0"]);
        assert_eq!(property_values("size=4G,file=a:vm-1-disk-0", keys, true), ["a:vm-1-disk-0"]);
        assert_eq!(property_values("local:0,import-from=\"x:vm-2-disk-0\"", keys, true), ["local:0", "x:vm-2-disk-0"]);
        assert!(property_values("virtio,bridge=vmbr0", &["node"], false).is_empty());
    }

    #[test]
    fn replication_job_and_task_ids_name_their_guest() {
        assert_eq!(replication_guest("101-0"), Some(101));
        assert_eq!(replication_guest("101"), None);
        let upid = "UPID:pve2:0000ABCD:01234567:65A0B1C2:qmstart:101:root@pam:";
        assert_eq!(task_names(upid), Some(("pve2".into(), vec![101])));
        let upid = "UPID:pve1:0000ABCD:01234567:65A0B1C2:imgdel:local-lvm:vm-250-disk-0:root@pam:";
        assert_eq!(task_names(upid), Some(("pve1".into(), vec![250])));
        let upid = "UPID:pve1:0000ABCD:01234567:65A0B1C2:aptupdate::root@pam:";
        assert_eq!(task_names(upid), Some(("pve1".into(), vec![])));
    }

    #[test]
    fn a_disk_of_another_guest_is_refused() {
        let e =
            refused("qemu_vm_config_update", json!({"node": "pve1", "vmid": 100, "scsi1": "local-lvm:vm-250-disk-0"}));
        assert_eq!((e.argument.as_str(), e.value.as_str()), ("scsi1", "250"));
        assert!(e.to_string().contains("local-lvm:vm-250-disk-0"), "{e}");
        let e = refused(
            "qemu_vm_config_update",
            json!({"node": "pve1", "vmid": 100, "scsi1": {"file": "local-lvm:0", "import-from": "local-lvm:vm-250-disk-0"}}),
        );
        assert_eq!(e.value, "250");
        assert!(
            check("qemu_vm_config_update", json!({"node": "pve1", "vmid": 100, "scsi1": "local-lvm:vm-100-disk-1"}))
                .is_ok()
        );
    }

    #[test]
    fn an_empty_or_missing_guest_list_means_all_and_is_refused() {
        for args in [json!({"node": "pve1"}), json!({"node": "pve1", "vms": null}), json!({"node": "pve1", "vms": ""})]
        {
            let e = refused("node_stopall", args);
            assert_eq!(e.argument, "vms");
            assert!(matches!(&e.reason, Reason::AllGuests { list } if list == "vms"), "{e}");
        }
        assert!(refused("cluster_bulk_action_guest_start", json!({"vms": []})).to_string().contains("is empty"));
        assert_eq!(refused("node_vzdump", json!({"node": "pve1", "vmid": "100", "pool": "lab"})).argument, "pool");
        assert!(check("node_vzdump", json!({"node": "pve1", "vmid": "100", "all": false})).is_ok());
        assert!(check("cluster_backup_update", json!({"id": "job1", "enabled": true})).is_ok());
    }

    #[test]
    fn acl_paths_name_guests_and_nodes() {
        let acl =
            |path: &str| check("access_acl_update", json!({"path": path, "roles": "PVEAuditor", "users": "a@pve"}));
        assert!(acl("/vms/100").is_ok());
        assert!(acl("/storage/local").is_ok());
        assert_eq!(acl("/vms/250").unwrap_err().value, "250");
        assert_eq!(acl("/nodes/pve2").unwrap_err().value, "pve2");
        for every in ["/", "/vms", "/vms/", "/pool/lab"] {
            let e = acl(every).unwrap_err();
            assert!(e.to_string().contains("covers every guest"), "{every}: {e}");
        }
    }

    #[test]
    fn without_a_vmid_allowlist_all_guests_is_fine() {
        let tool = registry::find("node_stopall").unwrap();
        let args = json!({"node": "pve1"}).as_object().unwrap().clone();
        let request = (tool.build)(&mut Arguments::new(args.clone())).unwrap();
        assert!(Allowlist::parse(Some("pve1"), None).unwrap().check(tool, &args, &request).is_ok());
    }

    #[test]
    fn listings_leave_out_what_is_not_allowed() {
        let resources = registry::find("cluster_resources_list").unwrap();
        let mut data = json!([{"vmid": 100, "node": "pve1"}, {"vmid": 200, "node": "pve1"}, {"vmid": 101, "node": "pve2"}, {"storage": "local"}]);
        list().filter(resources, &mut data);
        assert_eq!(data, json!([{"vmid": 100, "node": "pve1"}, {"storage": "local"}]));
    }

    #[test]
    fn listing_fields_name_volumes_tasks_jobs_and_members() {
        let l = list();
        let tool = |n| registry::find(n).unwrap();
        let mut content = json!([{"volid": "local:backup/vzdump-qemu-250-x.vma"}, {"volid": "local:iso/a.iso"}]);
        l.filter(tool("node_storage_content_list"), &mut content);
        assert_eq!(content, json!([{"volid": "local:iso/a.iso"}]));
        let mut jobs = json!([{"id": "250-0"}, {"id": "100-0", "target": "pve2"}, {"id": "100-1", "target": "pve1"}]);
        l.filter(tool("replication_list"), &mut jobs);
        assert_eq!(jobs, json!([{"id": "100-1", "target": "pve1"}]));
        let mut pool = json!({"members": [{"vmid": 100, "node": "pve1"}, {"vmid": 250, "node": "pve1"}]});
        l.filter(tool("pools_get"), &mut pool);
        assert_eq!(pool, json!({"members": [{"vmid": 100, "node": "pve1"}]}));
        let mut status = json!([{"type": "cluster", "name": "c"}, {"type": "node", "name": "pve2"}]);
        l.filter(tool("cluster_status_list"), &mut status);
        assert_eq!(status, json!([{"type": "cluster", "name": "c"}]));
    }
}
