//! Stage 5 overlay, in the call path: writes that do what the operator meant.
//!
//! On a configuration update (a write whose tool has a `config_read`, see the codegen):
//! - a property-string argument given as an **object** is merged into the current value, read
//!   first with the configuration's GET (keys not given are kept, a key given as `null` is
//!   removed); a **string** replaces the value as written. An indexed entry that does not exist
//!   yet is made from the object alone;
//! - a merged write carries the `digest` of the configuration it was based on (a caller's own
//!   `digest` passes through), and PVE's refusal of a stale digest becomes [`ConfigChanged`];
//! - a top-level argument given as `null` joins PVE's `delete` list;
//! - the result lists the keys that changed, with before and after (read back after the write),
//!   and, on a running guest, this write's keys PVE keeps as pending (its `…/pending` read) until
//!   the next start, before → after.
//!
//! Other writes that PVE answers with nothing get a short confirmation naming the target, and
//! configuration reads give each property string also as an object of its keys.
//!
//! The order keeps the call path's promise: [`prepare`] runs before the typed request is read
//! (checking every given sub-key, so a bad one is refused before anything is sent), [`resolve`]
//! after the allowlists and the gate (the read, the merge, and a second full check of the merged
//! arguments; a failed read sends nothing).

use serde_json::{Map, Value, json};

use crate::pve::client::PveError;
use crate::pve::request::{HttpMethod, PveRequest};
use crate::pve::wire::Wire;
use crate::tools::arguments::{
    self, Arguments, FieldError, PropertyArg, Rule, SubKey, canonical, key_alias_of, property_pairs,
};
use crate::tools::registry::{self, ToolDef};

/// Arguments that control a write rather than name a setting: a `null` for them is "not given".
const CONTROL: &[&str] =
    &["digest", "delete", "revert", "skiplock", "force", "background_delay", "wait", "task_timeout", "confirm"];

/// PVE's words when a `digest` no longer matches (PVE::Tools::assert_if_modified, and the qemu
/// config path's own check).
const DIGEST_REFUSALS: &[&str] = &["detected modified configuration", "checksum mismatch", "digest mismatch"];

/// What [`prepare`] took out of the arguments, to be done by [`resolve`].
#[derive(Debug, Default)]
pub struct Plan {
    /// Property strings to merge: argument, its keys, the object given.
    merges: Vec<(String, &'static PropertyArg, Map<String, Value>)>,
    /// Settings to delete (top-level `null`s).
    deletes: Vec<String>,
}

impl Plan {
    /// The request as it would be if each object given were the whole value: what the allowlists
    /// check before the current configuration is read, so a merge that names another guest sends
    /// nothing at all.
    pub fn probe(&self, request: &PveRequest) -> PveRequest {
        let mut probe = request.clone();
        for (name, arg, given) in &self.merges {
            probe.params.push((name.clone(), merge(None, arg.keys, given)));
        }
        probe
    }
}

/// Why a write could not be prepared or merged.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("could not read the current configuration to merge {what} ({source}); nothing was sent to PVE")]
    ReadFailed { what: String, source: PveError },
    #[error("{0}; nothing was sent to PVE")]
    Invalid(arguments::ArgErrors),
    #[error(
        "the configuration of {target} changed since it was read (PVE refused the stale digest: {detail}); \
         nothing was written. Read it again and redo the change"
    )]
    ConfigChanged { target: String, detail: String },
}

/// Before the typed read: takes the objects to merge and the `null`s to delete out of `args`,
/// checking every sub-key given. Tools that are not configuration updates are left alone.
pub fn prepare(tool: &ToolDef, args: &mut Map<String, Value>) -> Result<Plan, Vec<FieldError>> {
    let mut plan = Plan::default();
    if tool.config_read.is_none() {
        return Ok(plan);
    }
    let mut errors = Vec::new();
    let schema: Value = serde_json::from_str(tool.input_schema).unwrap_or_default();
    let path_params: Vec<&str> =
        tool.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
    // `delete` as a list of settings (a boolean `delete` elsewhere means "remove instead of add"):
    // PVE's a string, a Backup Server's an array of the settings it can remove.
    let delete_type = schema.pointer("/properties/delete/type").and_then(Value::as_str);
    let deletable = matches!(delete_type, Some("string" | "array"));
    let names: Vec<String> = args.keys().cloned().collect();
    for name in names {
        if args[&name].is_null() {
            let control = CONTROL.contains(&name.as_str())
                || name.starts_with("confirm_")
                || path_params.contains(&name.as_str());
            if deletable && !control {
                if let Some(removable) = removable(&schema) {
                    if removable.contains(&name.as_str()) {
                        plan.deletes.push(name.clone());
                        args.remove(&name);
                    } else {
                        errors.push(FieldError {
                            field: name.clone(),
                            message: format!("cannot be removed (null); removable: {}", removable.join(", ")),
                        });
                    }
                } else if accepts(&schema, &name) {
                    plan.deletes.push(name.clone());
                    args.remove(&name);
                } else {
                    errors.push(FieldError {
                        field: name.clone(),
                        message: "unknown argument: there is no such setting to remove".into(),
                    });
                }
            }
            continue;
        }
        let Some(arg) = tool.property_strings.iter().find(|p| p.matches(&name)) else { continue };
        let given = match &args[&name] {
            Value::Object(o) => o.clone(),
            Value::String(s) if s.trim_start().starts_with('{') => match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(o)) => o,
                _ => continue,
            },
            _ => continue,
        };
        errors.extend(check_given(&name, arg.keys, &given));
        args.remove(&name);
        plan.merges.push((name, arg, given));
    }
    if errors.is_empty() { Ok(plan) } else { Err(errors) }
}

/// The settings an array-form `delete` (a Backup Server's) may name, from its items' enum.
fn removable(schema: &Value) -> Option<Vec<&str>> {
    let values = schema.pointer("/properties/delete/items/enum")?.as_array()?;
    Some(values.iter().filter_map(Value::as_str).collect())
}

/// Whether the input schema accepts this argument name (a property, or an indexed one).
fn accepts(schema: &Value, name: &str) -> bool {
    if schema.get("properties").and_then(Value::as_object).is_some_and(|p| p.contains_key(name)) {
        return true;
    }
    schema.get("patternProperties").and_then(Value::as_object).is_some_and(|p| {
        p.keys().any(|k| {
            k.strip_prefix('^')
                .and_then(|k| k.strip_suffix("[0-9]+$"))
                .and_then(|stem| name.strip_prefix(stem))
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        })
    })
}

/// Each given sub-key must exist, and each non-null value must fit its rule.
fn check_given(name: &str, keys: &[SubKey], given: &Map<String, Value>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (k, v) in given {
        let Some(key) = keys.iter().find(|s| s.key == k) else {
            let names: Vec<&str> = keys.iter().filter(|s| s.alias_of.is_none()).map(|s| s.key).collect();
            errors.push(FieldError {
                field: format!("{name}.{k}"),
                message: format!("unknown key; expected one of {}", names.join(", ")),
            });
            continue;
        };
        if v.is_null() {
            continue;
        }
        match arguments::wire(v, &key.rule) {
            Ok(s) if s.contains(',') && !matches!(key.rule, Rule::Array(_)) => errors.push(FieldError {
                field: format!("{name}.{k}"),
                message: "must not contain `,` (it separates keys)".into(),
            }),
            Ok(_) => {}
            Err(e) => {
                errors.extend(e.into_iter().map(|(p, m)| FieldError { field: format!("{name}.{k}{p}"), message: m }))
            }
        }
    }
    errors
}

/// The configuration as read before the write, for the report of what changed.
#[derive(Debug, Clone)]
pub struct Before {
    read: &'static ToolDef,
    read_args: Map<String, Value>,
    config: Option<Value>,
}

/// After the allowlists and the gate: reads the current configuration, merges the objects into
/// it, adds the digest and the `delete` list to `args`. The caller then reads `args` into the
/// typed request again (the full check of the merged values).
pub async fn resolve(
    client: &dyn Wire,
    tool: &ToolDef,
    plan: Plan,
    args: &mut Map<String, Value>,
) -> Result<Option<Before>, WriteError> {
    // The read is in the write's own product's table: a Backup Server's update merges into the
    // Backup Server's configuration, never looks in PVE's.
    let product = registry::product_of(tool);
    let Some(read) = tool.config_read.and_then(|r| registry::find_for(product, r)) else { return Ok(None) };
    let read_args: Map<String, Value> = read
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .filter_map(|p| args.get(p).map(|v| (p.to_owned(), v.clone())))
        .collect();
    let current = match read_config(client, read, &read_args).await {
        Ok(c) => Some(c),
        Err(source) if !plan.merges.is_empty() => {
            let names: Vec<String> = plan.merges.iter().map(|(n, _, _)| format!("`{n}`")).collect();
            return Err(WriteError::ReadFailed { what: names.join(", "), source });
        }
        Err(_) => None,
    };
    if let Some(current) = &current {
        for (name, arg, given) in &plan.merges {
            let now = current.get(name).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            args.insert(name.clone(), Value::String(merge(now.as_deref(), arg.keys, given)));
        }
        let merged: Vec<&str> = plan.merges.iter().map(|(n, _, _)| n.as_str()).collect();
        let errors = check_merged(tool, args, &merged);
        if !errors.is_empty() {
            return Err(WriteError::Invalid(arguments::ArgErrors(errors)));
        }
        let has_digest = serde_json::from_str::<Value>(tool.input_schema)
            .ok()
            .and_then(|s| s.pointer("/properties/digest").cloned())
            .is_some();
        if !plan.merges.is_empty()
            && has_digest
            && args.get("digest").is_none_or(Value::is_null)
            && let Some(d) = current.get("digest").and_then(Value::as_str)
        {
            args.insert("digest".into(), json!(d));
        }
    }
    if !plan.deletes.is_empty() {
        let mut list: Vec<String> = match args.get("delete") {
            Some(Value::String(s)) => s.split([',', ';', ' ']).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        list.extend(plan.deletes);
        let array = serde_json::from_str::<Value>(tool.input_schema)
            .ok()
            .and_then(|s| s.pointer("/properties/delete/type").cloned())
            .is_some_and(|t| t == "array");
        args.insert("delete".into(), if array { json!(list) } else { json!(list.join(",")) });
    }
    Ok(Some(Before { read, read_args, config: current }))
}

/// The check of merged values: each must still have its required keys (a new entry made from the
/// object alone, or a merge that removed one).
fn check_merged(tool: &ToolDef, args: &Map<String, Value>, merged: &[&str]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (name, v) in args.iter().filter(|(n, _)| merged.contains(&n.as_str())) {
        let Some(arg) = tool.property_strings.iter().find(|p| p.matches(name)) else { continue };
        let Value::String(s) = v else { continue };
        let have: Vec<String> = property_pairs(s, arg.keys).into_iter().map(|(k, _)| k).collect();
        for key in arg.keys.iter().filter(|k| !k.optional && k.alias_of.is_none()) {
            if !have.iter().any(|h| canonical(arg.keys, h) == key.key) {
                errors.push(FieldError { field: format!("{name}.{}", key.key), message: "is required".into() });
            }
        }
    }
    errors
}

async fn read_config(client: &dyn Wire, read: &ToolDef, read_args: &Map<String, Value>) -> Result<Value, PveError> {
    let request = (read.build)(&mut Arguments::new(read_args.clone())).map_err(|e| PveError::Decode {
        status: 0,
        detail: format!("the configuration read could not be built: {e}"),
    })?;
    client.send(&request).await
}

/// The current value with the given keys merged in, in PVE's form: kept keys in their order,
/// new ones after, `null`s removed. A key and its plain alias are one setting: the given one
/// replaces the other, under the name given (which the cluster's release was checked to have); a
/// key alias (`virtio: <mac>`) sets its default key (`model=virtio`) and its target (`macaddr`).
fn merge(current: Option<&str>, keys: &[SubKey], given: &Map<String, Value>) -> String {
    let mut pairs = current.map(|c| property_pairs(c, keys)).unwrap_or_default();
    for (k, v) in given {
        let target = canonical(keys, k);
        let name = if key_alias_of(keys, k).is_some() { target } else { k.as_str() };
        let rule = keys.iter().find(|s| s.key == target).map(|s| s.rule).unwrap_or(Rule::Any);
        let value = if v.is_null() { None } else { arguments::wire(v, &rule).ok() };
        // A key alias (`virtio: <mac>`) also sets its default key (`model=virtio`).
        if let (Some(d), Some(_)) = (key_alias_of(keys, k), &value) {
            match pairs.iter().position(|(key, _)| key == d.key) {
                Some(i) => pairs[i].1 = k.clone(),
                None => pairs.push((d.key.to_owned(), k.clone())),
            }
        }
        match (pairs.iter().position(|(key, _)| canonical(keys, key) == target), value) {
            (Some(i), Some(value)) => pairs[i] = (name.to_owned(), value),
            (Some(i), None) => {
                pairs.remove(i);
            }
            (None, Some(value)) => pairs.push((name.to_owned(), value)),
            (None, None) => {}
        }
    }
    // The default key first, as PVE writes it (`virtio,bridge=vmbr0`).
    pairs.sort_by_key(|(k, _)| !is_default(keys, k));
    pairs
        .into_iter()
        .enumerate()
        .map(|(i, (k, v))| match () {
            _ if i == 0 && is_default(keys, &k) => v,
            _ if v.is_empty() => k,
            _ => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn is_default(keys: &[SubKey], key: &str) -> bool {
    keys.iter().any(|s| s.key == key && s.default_key)
}

/// Whether PVE refused the write because the digest is stale.
pub fn is_digest_refusal(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    DIGEST_REFUSALS.iter().any(|r| m.contains(r))
}

/// A stale-digest refusal as the clear error, or `None` for any other error.
pub fn config_changed(tool: &ToolDef, path: &str, message: &str) -> Option<WriteError> {
    let _ = tool;
    is_digest_refusal(message)
        .then(|| WriteError::ConfigChanged { target: format!("`{path}`"), detail: message.trim().to_owned() })
}

/// After a successful configuration write: the keys that changed, with before and after (or the
/// short confirmation when the configuration is not one object of settings).
pub async fn changes(client: &dyn Wire, before: &Before, request: &PveRequest) -> Value {
    let Some(b) = before.config.as_ref().and_then(Value::as_object) else {
        return confirmation(request.method, &request.path);
    };
    let after = read_config(client, before.read, &before.read_args).await.ok();
    let Some(a) = after.as_ref().and_then(Value::as_object) else {
        let mut out = confirmation(request.method, &request.path);
        out["note"] = json!("the configuration could not be read back to show what changed");
        return out;
    };
    let mut changed = Map::new();
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).filter(|k| k.as_str() != "digest").collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (old, new) = (b.get(k), a.get(k));
        if old != new {
            changed.insert(k.clone(), json!({"before": old, "after": new}));
        }
    }
    let pending = read_pending(client, before, request).await;
    // What waits is not in effect (PVE's configuration read may show it already).
    for k in pending.iter().flat_map(Map::keys) {
        changed.remove(k);
    }
    let mut out = json!({ "changed": changed });
    match pending {
        Some(p) if !p.is_empty() => {
            out["pending"] = Value::Object(p);
            out["note"] = json!(
                "`pending`: PVE keeps these for the running guest until its next start; `changed` is in effect now"
            );
        }
        _ if !out["changed"].as_object().is_some_and(Map::is_empty) => {}
        Some(_) => out["note"] = json!("no change is visible in the configuration, and none of it is pending"),
        None => {
            out["note"] = json!(
                "no change is visible in the configuration; on a running guest changes may wait as pending until its next start"
            )
        }
    }
    out
}

/// This write's keys that PVE keeps as pending, from the guest's `…/pending` read (`None` when the
/// configuration has no such read, or it failed).
async fn read_pending(client: &dyn Wire, before: &Before, request: &PveRequest) -> Option<Map<String, Value>> {
    let guest = before.read.path.strip_suffix("/config")?;
    let read = registry::route(HttpMethod::Get, &format!("{guest}/pending"))?;
    let list = read_config(client, read, &before.read_args).await.ok()?;
    let mut written: Vec<&str> = Vec::new();
    for (k, v) in &request.params {
        match k.as_str() {
            "delete" => written.extend(v.split([',', ';', ' ']).filter(|s| !s.is_empty())),
            k if !CONTROL.contains(&k) => written.push(k),
            _ => {}
        }
    }
    Some(pending_of(&list, &written))
}

/// The entries of a `…/pending` answer (`[{key, value, pending, delete}]`) for the keys written,
/// as before → after (`null` after for a pending delete).
fn pending_of(list: &Value, written: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for item in list.as_array().into_iter().flatten() {
        let Some(key) = item.get("key").and_then(Value::as_str).filter(|k| written.contains(k)) else { continue };
        let deleted = match item.get("delete") {
            Some(Value::Number(n)) => n.as_u64() != Some(0),
            Some(Value::String(s)) => !s.is_empty() && s != "0",
            Some(Value::Bool(b)) => *b,
            _ => false,
        };
        let after = match item.get("pending") {
            _ if deleted => Value::Null,
            Some(p) => p.clone(),
            None => continue,
        };
        out.insert(key.to_owned(), json!({ "before": item.get("value"), "after": after }));
    }
    out
}

/// The short confirmation of a write that PVE answered with nothing.
pub fn confirmation(method: HttpMethod, path: &str) -> Value {
    json!({ "done": format!("{} {path}", method.as_str()) })
}

/// For a configuration read: each property string of the answer as an object of its keys, under
/// the same key names the matching update accepts (`None` when there is none to give).
pub fn property_objects(tool: &ToolDef, data: &Value) -> Option<Value> {
    if tool.method != HttpMethod::Get {
        return None;
    }
    let write = registry::all().iter().find(|t| t.config_read == Some(tool.name))?;
    let config = data.as_object()?;
    let mut out = Map::new();
    for (name, v) in config {
        let Some(arg) = write.property_strings.iter().find(|p| p.matches(name)) else { continue };
        let Value::String(s) = v else { continue };
        // Plain values of a default key (`memory: "2048"`) stay as they are.
        if !s.contains('=') && !s.contains(',') {
            continue;
        }
        let object: Map<String, Value> =
            property_pairs(s, arg.keys).into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        out.insert(name.clone(), Value::Object(object));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

#[cfg(test)]
mod tests;
