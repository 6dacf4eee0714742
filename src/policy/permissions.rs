//! What the login may do in PVE (or a Backup Server or Datacenter Manager): its effective privileges (`GET /access/permissions`, path →
//! privileges) and whether a tool's schema permission rule can pass with them.
//!
//! Used to leave tools the login can never use out of listings and search
//! (`PVE_HIDE_UNPERMITTED`), never to refuse a call: PVE stays the judge of every request. So the
//! rule is read generously: a tool is hidden only when no argument values could let it pass (a
//! `{vmid}` in a rule's path may be any guest, a pool ACL may cover guests and storages), and a
//! rule this module does not understand never hides anything.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::tools::arguments::as_boolean;

/// The login's effective privileges: ACL path → privileges held there (propagated below it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Privileges {
    pub by_path: BTreeMap<String, BTreeSet<String>>,
}

impl Privileges {
    /// Reads PVE's answer to `GET /access/permissions` (`{path: {privilege: 1}}`).
    pub fn from_pve(data: &Value) -> Privileges {
        let mut by_path = BTreeMap::new();
        if let Some(paths) = data.as_object() {
            for (path, privs) in paths {
                let held: BTreeSet<String> = match privs {
                    Value::Object(m) => {
                        m.iter().filter(|(_, v)| as_boolean(v) == Some(true)).map(|(k, _)| k.clone()).collect()
                    }
                    _ => BTreeSet::new(),
                };
                by_path.insert(normalize(path), held);
            }
        }
        Privileges { by_path }
    }

    /// Whether `privilege` may be held on some path matching `template` (`/vms/{vmid}`).
    pub fn may_hold(&self, template: &str, privilege: &str) -> bool {
        let wanted: Vec<&str> = segments(template);
        self.by_path.iter().filter(|(_, privs)| privs.contains(privilege)).any(|(path, _)| {
            let held = segments(path);
            // An ACL on a pool may reach any guest or storage of that pool.
            if held.first() == Some(&"pool") && matches!(wanted.first(), Some(&"vms") | Some(&"storage")) {
                return true;
            }
            // Held on an ancestor of (some instance of) the template, or on the path itself.
            held.len() <= wanted.len()
                && held.iter().zip(&wanted).all(|(h, w)| h == w || (w.starts_with('{') && w.ends_with('}')))
        })
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn normalize(path: &str) -> String {
    format!("/{}", segments(path).join("/"))
}

/// Whether a login `userid` (`user@realm`, or `user@realm!token`) holding `privileges` may pass a
/// tool's permission rule (`rule`: the schema's `permissions` object as JSON text).
pub fn may_pass(rule: &str, userid: &str, privileges: &Privileges) -> bool {
    let user = userid.split('!').next().unwrap_or(userid);
    let Ok(Value::Object(rule)) = serde_json::from_str::<Value>(rule) else {
        // No rule: PVE lets only root@pam through.
        return user == "root@pam";
    };
    if let Some(verdict) = router_rule(&rule, user, privileges) {
        return verdict;
    }
    if let Some(check) = rule.get("check") {
        return check_passes(check, privileges).unwrap_or(true);
    }
    match rule.get("user").and_then(Value::as_str) {
        Some("all" | "world") => true,
        Some("root@pam") | None => user == "root@pam",
        Some(_) => true,
    }
}

/// The Backup Server's and the Datacenter Manager's rule forms (their API router's):
/// `{"check": {"path": ["datastore", "{store}"], "privs": [...], "partial": false}}` (`partial`: one
/// of the privileges suffices), `{"or": [...]}`, `{"and": [...]}`, `{"userParam": "userid"}` (the
/// login's own user: may pass) and `{"user": ...}`. `None` for a rule in PVE's form (or none), so
/// PVE's reading decides; a form not understood inside one never hides.
fn router_rule(rule: &serde_json::Map<String, Value>, user: &str, privileges: &Privileges) -> Option<bool> {
    let one = |r: &Value| r.is_object() && may_pass(&r.to_string(), user, privileges) || !r.is_object();
    if let Some(Value::Object(check)) = rule.get("check") {
        let path: Vec<&str> = check.get("path")?.as_array()?.iter().filter_map(Value::as_str).collect();
        let path = format!("/{}", path.join("/"));
        let privs: Vec<&str> = check.get("privs")?.as_array()?.iter().filter_map(Value::as_str).collect();
        let any = check.get("partial").and_then(as_boolean).unwrap_or(false);
        let held = |p: &&str| privileges.may_hold(&path, p);
        return Some(if any { privs.iter().any(held) } else { privs.iter().all(held) });
    }
    if let Some(Value::Array(all)) = rule.get("and") {
        return Some(all.iter().all(one));
    }
    if let Some(Value::Array(any)) = rule.get("or") {
        return Some(any.iter().any(one));
    }
    if rule.contains_key("userParam") {
        return Some(true);
    }
    None
}

/// `Some(verdict)` for the rule forms understood here, `None` for any other (never hides).
fn check_passes(check: &Value, privileges: &Privileges) -> Option<bool> {
    let parts = check.as_array()?;
    match parts.first()?.as_str()? {
        "perm" => {
            let path = parts.get(1)?.as_str()?;
            let privs: Vec<&str> = parts.get(2)?.as_array()?.iter().filter_map(Value::as_str).collect();
            let any = parts.iter().skip(3).any(|o| o.as_str() == Some("any"));
            let held = |p: &&str| privileges.may_hold(path, p);
            Some(if any { privs.iter().any(held) } else { privs.iter().all(held) })
        }
        form @ ("and" | "or") => {
            let mut verdicts = parts.iter().skip(1).map(|c| check_passes(c, privileges));
            Some(if form == "and" { verdicts.all(|v| v != Some(false)) } else { verdicts.any(|v| v != Some(false)) })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn held(data: Value) -> Privileges {
        Privileges::from_pve(&data)
    }

    const START: &str = r#"{"check":["perm","/vms/{vmid}",["VM.PowerMgmt"]]}"#;

    #[test]
    fn a_privilege_on_the_guest_path_or_above_passes() {
        assert!(may_pass(START, "u@pve!t", &held(json!({"/vms/100": {"VM.PowerMgmt": 1}}))));
        assert!(may_pass(START, "u@pve!t", &held(json!({"/vms": {"VM.PowerMgmt": 1}}))));
        assert!(may_pass(START, "u@pve!t", &held(json!({"/": {"VM.PowerMgmt": 1}}))));
    }

    #[test]
    fn a_missing_privilege_does_not_pass() {
        let audit_only = held(json!({"/": {"VM.Audit": 1, "Sys.Audit": 1}}));
        assert!(!may_pass(START, "u@pve!t", &audit_only));
        assert!(!may_pass(START, "u@pve!t", &held(json!({"/storage/local": {"VM.PowerMgmt": 1}}))));
    }

    #[test]
    fn a_pool_acl_may_cover_guests() {
        assert!(may_pass(START, "u@pve!t", &held(json!({"/pool/lab": {"VM.PowerMgmt": 1}}))));
    }

    #[test]
    fn any_needs_one_of_the_privileges_and_all_needs_each() {
        let rule_any = r#"{"check":["perm","/",["Sys.Audit","Sys.Modify"],"any",1]}"#;
        let rule_all = r#"{"check":["perm","/",["Sys.Audit","Sys.Modify"]]}"#;
        let audit = held(json!({"/": {"Sys.Audit": 1}}));
        assert!(may_pass(rule_any, "u@pve", &audit));
        assert!(!may_pass(rule_all, "u@pve", &audit));
    }

    #[test]
    fn root_only_and_open_rules() {
        let none = Privileges::default();
        assert!(may_pass("", "root@pam!mcp", &none));
        assert!(!may_pass("", "u@pve!t", &none));
        assert!(may_pass(r#"{"user":"all"}"#, "u@pve!t", &none));
    }

    const PRUNE: &str =
        r#"{"check":{"partial":true,"path":["datastore","{store}"],"privs":["Datastore.Modify","Datastore.Prune"]}}"#;

    #[test]
    fn a_backup_server_rule_passes_with_its_privileges_on_the_path_or_above() {
        assert!(may_pass(PRUNE, "u@pbs!t", &held(json!({"/datastore/store1": {"Datastore.Prune": true}}))));
        assert!(may_pass(PRUNE, "u@pbs!t", &held(json!({"/": {"Datastore.Modify": true}}))));
        assert!(!may_pass(PRUNE, "u@pbs!t", &held(json!({"/datastore/store1": {"Datastore.Audit": true}}))));
    }

    #[test]
    fn a_backup_server_rule_that_is_not_partial_needs_every_privilege() {
        let rule = r#"{"check":{"partial":false,"path":["system"],"privs":["Sys.Audit","Sys.Modify"]}}"#;
        assert!(!may_pass(rule, "u@pbs!t", &held(json!({"/": {"Sys.Audit": true}}))));
        assert!(may_pass(rule, "u@pbs!t", &held(json!({"/system": {"Sys.Audit": true, "Sys.Modify": true}}))));
    }

    #[test]
    fn a_backup_server_or_rule_passes_on_the_login_s_own_user() {
        let rule = r#"{"or":[{"check":{"partial":false,"path":["access","users"],"privs":["Permissions.Modify"]}},{"userParam":"userid"}]}"#;
        assert!(may_pass(rule, "u@pbs!t", &Privileges::default()));
        let both = r#"{"and":[{"check":{"partial":false,"path":["access","users"],"privs":["Permissions.Modify"]}},{"userParam":"userid"}]}"#;
        assert!(!may_pass(both, "u@pbs!t", &Privileges::default()));
    }

    #[test]
    fn rules_not_understood_never_hide() {
        let rule = r#"{"check":["userid-group",["User.Modify"],"groups_param","update"]}"#;
        assert!(may_pass(rule, "u@pve!t", &Privileges::default()));
    }
}
