//! Beside the call path: what a person is shown before a gated call, and what comes back.
//!
//! - The live target: read from PVE just before a person is asked (guest name, node, status and
//!   `protection`; a volume's size and owner; the user and role of an ACL change), so the question
//!   names what is about to be affected. A protected guest's delete is refused before asking.
//! - Secrets PVE hands back (a new API token's `value`, console `ticket`s, passwords) are replaced
//!   with a notice unless `PVE_REVEAL_SECRETS=true`.
//! - `node_execute`: refused unless `PVE_ALLOW_EXECUTE=true`; its inner calls are read and checked
//!   here, each like a direct call, before the call path lets the batch through.

use serde_json::{Map, Value, json};

use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::policy::inert::inert;
use crate::pve::request::HttpMethod;
use crate::pve::wire::Wire;
use crate::tools::arguments::Arguments;
use crate::tools::registry::{self, ToolDef};

/// What a person sees about the target of a gated call, and whether PVE forbids it outright.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LiveTarget {
    /// One line naming the target as PVE has it now (empty when nothing could be read).
    pub facts: String,
    /// PVE's own reason why this call would fail (a protected guest's delete).
    pub forbidden: Option<String>,
}

/// The request of the read at `path` (a `GET` endpoint's template), with these arguments.
fn read_request(path: &str, args: Map<String, Value>) -> Option<crate::pve::request::PveRequest> {
    let tool = registry::route(HttpMethod::Get, path)?;
    (tool.build)(&mut Arguments::new(args)).ok()
}

async fn get(client: &dyn Wire, path: &str, args: Map<String, Value>) -> Option<Value> {
    client.send(&read_request(path, args)?).await.ok()
}

/// A value as read (from PVE or the call's arguments), as text.
fn raw(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A fact's value as shown: one inert line, quotes escaped, no markup ([`inert`]), so no value
/// from PVE or from the caller can forge a line or a label of what a person reads.
fn field(v: &Value, key: &str) -> Option<String> {
    raw(v, key).map(|s| inert(&s))
}

/// Reads the live target of a gated call from PVE (reads only; failures leave facts out).
pub async fn live_target(client: &dyn Wire, tool: &ToolDef, args: &Map<String, Value>) -> LiveTarget {
    let mut out = LiveTarget::default();
    // PVE's reads and labels below name PVE's endpoints: another product's target is what the call names.
    if registry::product_of(tool) != crate::pve::product::Product::Pve {
        out.facts = named_target(args);
        return out;
    }
    // As given (for the reads), and as shown.
    let given = |k: &str| args.get(k).and_then(|v| raw(&json!({ "v": v }), "v"));
    let arg = |k: &str| given(k).map(|s| inert(&s));
    let kind = if tool.path.starts_with("/nodes/{node}/qemu/{vmid}") {
        Some(("VM", "/nodes/{node}/qemu/{vmid}"))
    } else if tool.path.starts_with("/nodes/{node}/lxc/{vmid}") {
        Some(("CT", "/nodes/{node}/lxc/{vmid}"))
    } else {
        None
    };
    if let (Some((label, base)), Some(node_given), Some(vmid_given)) = (kind, given("node"), given("vmid")) {
        let ids: Map<String, Value> =
            [("node".to_owned(), json!(node_given)), ("vmid".to_owned(), json!(vmid_given))].into_iter().collect();
        let (node, vmid) = (inert(&node_given), inert(&vmid_given));
        let status = get(client, &format!("{base}/status/current"), ids.clone()).await.unwrap_or(Value::Null);
        let config = get(client, &format!("{base}/config"), ids).await.unwrap_or(Value::Null);
        let name = field(&status, "name").or_else(|| field(&config, "name")).or_else(|| field(&config, "hostname"));
        let protected = field(&config, "protection").is_some_and(|p| p == "1" || p == "true");
        out.facts = format!(
            "{label} {vmid} \"{}\" on node {node}, {}, protection {}",
            name.unwrap_or_else(|| "?".into()),
            field(&status, "status").unwrap_or_else(|| "status unknown".into()),
            if protected { "on" } else { "off" }
        );
        if protected && tool.method == HttpMethod::Delete && tool.path.ends_with("/{vmid}") {
            out.forbidden = Some(format!("can't remove {label} {vmid} - protection mode enabled"));
        }
        return out;
    }
    if tool.path.contains("/content/{volume}")
        && let (Some(node), Some(storage), Some(volume)) = (given("node"), given("storage"), given("volume"))
    {
        let ids: Map<String, Value> =
            [("node".into(), json!(node)), ("storage".into(), json!(storage)), ("volume".into(), json!(volume))]
                .into_iter()
                .collect();
        let (node, storage, volume) = (inert(&node), inert(&storage), inert(&volume));
        let info = get(client, "/nodes/{node}/storage/{storage}/content/{volume}", ids).await.unwrap_or(Value::Null);
        let owner = volume
            .rsplit(':')
            .next()
            .and_then(|v| v.split('-').nth(1).filter(|_| v.starts_with("vm-") || v.starts_with("base-")))
            .map(|id| format!("guest {id}"))
            .unwrap_or_else(|| "no guest".into());
        out.facts = format!(
            "volume {volume} on storage {storage} (node {node}), size {}, owner {owner}",
            field(&info, "size").map(|s| format!("{s} bytes")).unwrap_or_else(|| "unknown".into())
        );
        return out;
    }
    if tool.path == "/access/acl" {
        let who: Vec<String> =
            ["users", "groups", "tokens"].iter().filter_map(|k| arg(k).map(|v| format!("{k} {v}"))).collect();
        let removes = args.get("delete").and_then(crate::tools::arguments::as_boolean).unwrap_or(false);
        out.facts = format!(
            "{} role {} {} {} on path {}",
            if removes { "remove" } else { "grant" },
            arg("roles").unwrap_or_else(|| "?".into()),
            if removes { "from" } else { "to" },
            if who.is_empty() { "nobody named".to_owned() } else { who.join(", ") },
            arg("path").unwrap_or_else(|| "?".into())
        );
        return out;
    }
    if let Some(user) = arg("userid") {
        out.facts = format!("user {user}");
    }
    out
}

/// The arguments naming a Backup Server call's target (datastore, namespace, group, who, path),
/// as given, each shown inert; nothing is read.
fn named_target(args: &Map<String, Value>) -> String {
    const NAMES: &[&str] =
        &["store", "ns", "backup-type", "backup-id", "backup-time", "auth-id", "userid", "group", "role", "path"];
    let shown =
        |k: &&str| args.get(*k).and_then(|v| raw(&json!({ "v": v }), "v")).map(|v| format!("{k} {}", inert(&v)));
    NAMES.iter().filter_map(shown).collect::<Vec<_>>().join(", ")
}

/// The notice that replaces a secret in a result.
pub const HIDDEN: &str =
    "<hidden: a secret; pve-mcp shows secrets PVE returns only when started with PVE_REVEAL_SECRETS=true>";

/// Result keys that hold a secret, whatever the tool.
const SECRET_RESULT_KEYS: &[&str] = &["ticket", "password", "CSRFPreventionToken", "vncticket", "cookie"];

/// Replaces secrets in a result: a new API token's `value`, tickets, passwords. Returns how many.
pub fn hide_secrets(tool: &ToolDef, data: &mut Value) -> usize {
    let token_tool = tool.path.contains("/token/");
    fn walk(v: &mut Value, token_tool: bool) -> usize {
        match v {
            Value::Object(map) => {
                let mut n = 0;
                for (k, item) in map.iter_mut() {
                    let secret =
                        SECRET_RESULT_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s)) || (token_tool && k == "value");
                    if secret && !item.is_null() {
                        *item = json!(HIDDEN);
                        n += 1;
                    } else {
                        n += walk(item, token_tool);
                    }
                }
                n
            }
            Value::Array(items) => items.iter_mut().map(|i| walk(i, token_tool)).sum(),
            _ => 0,
        }
    }
    walk(data, token_tool)
}

/// The tool path whose calls run a batch of other API calls as root.
pub const EXECUTE_PATH: &str = "/nodes/{node}/execute";

/// One inner call of a `node_execute` batch: the tool it is, and its arguments (path values included).
#[derive(Debug)]
pub struct InnerCall {
    pub tool: &'static ToolDef,
    pub args: Map<String, Value>,
}

/// Reads a `node_execute` batch (`commands`: a JSON array of `{method, path, args}`) into the tools
/// its entries are, or says which entry is not a known API call.
pub fn inner_calls(args: &Map<String, Value>) -> Result<Vec<InnerCall>, String> {
    let commands = match args.get("commands") {
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).map_err(|e| format!("`commands`: not JSON: {e}"))?,
        Some(v @ Value::Array(_)) => v.clone(),
        _ => return Err("`commands`: expected a JSON array of {method, path, args}".into()),
    };
    let Value::Array(list) = commands else { return Err("`commands`: expected a JSON array".into()) };
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let method = c.get("method").and_then(Value::as_str).unwrap_or("GET").to_ascii_uppercase();
        let path = c.get("path").and_then(Value::as_str).ok_or(format!("`commands[{i}]`: no `path`"))?;
        let (tool, mut found) = match_path(&method, path)
            .ok_or(format!("`commands[{i}]`: `{method} {path}` is not an API call pve-mcp knows"))?;
        if let Some(Value::Object(a)) = c.get("args") {
            for (k, v) in a {
                found.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        out.push(InnerCall { tool, args: found });
    }
    Ok(out)
}

/// The tool whose path template matches a concrete path, with the values of its placeholders.
fn match_path(method: &str, path: &str) -> Option<(&'static ToolDef, Map<String, Value>)> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    registry::all().iter().filter(|t| t.method.as_str() == method).find_map(|t| {
        let pat: Vec<&str> = t.path.trim_matches('/').split('/').collect();
        if pat.len() != segs.len() {
            return None;
        }
        let mut vals = Map::new();
        for (p, s) in pat.iter().zip(&segs) {
            if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                vals.insert(name.to_owned(), json!(percent_encoding::percent_decode_str(s).decode_utf8_lossy()));
            } else if p != s {
                return None;
            }
        }
        Some((t, vals))
    })
}

/// Checks each inner call of a `node_execute` batch through the same rules as a direct call: the
/// tool exists, the tier and categories allow it, its arguments are valid, the allowlists pass, and
/// it is not gated (a gated call is made directly, where its gate asks). `policy` is the caller's
/// access on the cluster.
pub fn check_inner_calls(policy: &Policy, allowlist: &Allowlist, args: &Map<String, Value>) -> Result<(), String> {
    let calls = inner_calls(args)?;
    for (i, inner) in calls.iter().enumerate() {
        let t = inner.tool;
        let at = |e: String| format!("`commands[{i}]` ({}): {e}", t.name);
        policy.check(t).map_err(|e| at(e.to_string()))?;
        if t.path == EXECUTE_PATH {
            return Err(at("a batch may not run another batch".into()));
        }
        let request = (t.build)(&mut Arguments::new(inner.args.clone())).map_err(|e| at(e.to_string()))?;
        allowlist.check(t, &inner.args, &request).map_err(|e| at(e.to_string()))?;
        if let Some(g) = t.gate
            && g.only_if.is_none_or(|w| crate::policy::gate::applies(w, &inner.args))
        {
            return Err(at(format!("gated ({}); call it directly, where its gate asks for confirmation", g.reason)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_backup_server_target_is_what_the_call_names_with_nothing_read() {
        let stub = crate::call::stub::Stub::new().pbs();
        let tool = registry::find_for(crate::pve::product::Product::Pbs, "pbs_access_acl_update").unwrap();
        let args = json!({"auth-id": "ops@pbs", "role": "DatastoreAdmin", "path": "/datastore/store1"});
        let target = live_target(&stub, tool, args.as_object().unwrap()).await;
        assert_eq!(target.facts, "auth-id ops@pbs, role DatastoreAdmin, path /datastore/store1");
        assert!(stub.sent().is_empty());
    }

    #[test]
    fn a_new_tokens_value_is_hidden() {
        let t = registry::find("access_users_token_add").unwrap();
        let mut data = json!({"full-tokenid": "root@pam!x", "value": "s3cr3t", "info": {"privsep": 1}});
        assert_eq!(hide_secrets(t, &mut data), 1);
        assert_eq!(data["value"], HIDDEN);
        assert_eq!(data["full-tokenid"], "root@pam!x");
    }

    #[test]
    fn a_console_ticket_is_hidden() {
        let t = registry::find("node_termproxy").unwrap();
        let mut data = json!({"ticket": "PVEVNC:abc", "port": 5900, "user": "root@pam"});
        assert_eq!(hide_secrets(t, &mut data), 1);
        assert_eq!(data["port"], 5900);
    }

    #[test]
    fn an_execute_batch_names_its_tools() {
        let args: Map<String, Value> =
            [("commands".into(), json!(r#"[{"method":"DELETE","path":"/nodes/pve1/qemu/101"}]"#))]
                .into_iter()
                .collect();
        let calls = inner_calls(&args).unwrap();
        assert_eq!(calls[0].tool.name, "qemu_vm_delete");
        assert_eq!(calls[0].args["vmid"], "101");
    }
}
