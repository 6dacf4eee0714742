//! Confirmation gates: destructive tools (see `docs/TOOLS.md`, column "gate") need `confirm: true`
//! and the target echoed back (`confirm_vmid` equal to `vmid`, `confirm_name` equal to the snapshot,
//! storage, user... id) before anything is sent. A client that supports elicitation is asked instead
//! (see `server.rs`); without either, the call is refused with exactly what to pass.

use serde_json::{Map, Value, json};

use crate::BoxFuture;
use crate::tools::arguments::as_boolean;
use crate::tools::registry::ToolDef;

/// What the person behind the client said when asked to confirm a gated call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Accepted,
    Declined,
    /// The client cannot be asked (no elicitation support).
    Unavailable,
}

/// Asks the person behind the client to confirm a gated call (in MCP, elicitation).
pub trait Confirmer: Send + Sync {
    fn confirm(&self, prompt: String) -> BoxFuture<'_, Consent>;
}

/// The gate arguments a call carried, removed from its arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateArgs {
    pub confirm: Option<bool>,
    pub confirm_vmid: Option<String>,
    pub confirm_name: Option<String>,
}

impl GateArgs {
    /// Removes the gate arguments from a call's arguments.
    pub fn take(args: &mut Map<String, Value>) -> Result<GateArgs, (String, String)> {
        let confirm = match args.remove("confirm") {
            None | Some(Value::Null) => None,
            Some(v) => Some(as_boolean(&v).ok_or_else(|| ("confirm".to_owned(), "expected true or false".to_owned()))?),
        };
        Ok(GateArgs {
            confirm,
            confirm_vmid: args.remove("confirm_vmid").and_then(text),
            confirm_name: args.remove("confirm_name").and_then(text),
        })
    }
}

/// What the gate says about a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not gated, or the gate does not apply to these arguments.
    Open,
    /// Gated and confirmed by the arguments.
    Confirmed,
    /// Gated and not (correctly) confirmed: why, and what to pass.
    Closed { reason: String, pass: String, prompt: String },
}

/// The echo argument for a gate target.
pub fn echo_arg(target: &str) -> &'static str {
    if target == "vmid" { "confirm_vmid" } else { "confirm_name" }
}

/// Checks a call against its tool's gate. `args` are the call's arguments (gate arguments removed).
pub fn check(tool: &ToolDef, args: &Map<String, Value>, given: &GateArgs) -> Verdict {
    let Some(gate) = tool.gate else { return Verdict::Open };
    if let Some(flag) = gate.only_if
        && !args.get(flag).and_then(as_boolean).unwrap_or(false)
    {
        return Verdict::Open;
    }
    let target = gate.target.and_then(|t| args.get(t).and_then(|v| text(v.clone())).map(|v| (t, v)));
    let what = describe(tool, target.as_ref());
    let mut pass = vec!["`confirm: true`".to_owned()];
    if let Some((t, v)) = &target {
        pass.push(format!("`{}: {}`", echo_arg(t), json!(v)));
    }
    let pass = pass.join(" and ");
    let prompt = format!("Confirm: {what}. This cannot be undone.");
    if given.confirm != Some(true) {
        return Verdict::Closed {
            reason: format!("destructive ({what}): needs the user's confirmation"),
            pass,
            prompt,
        };
    }
    if let Some((t, expected)) = &target {
        let echoed = if *t == "vmid" { &given.confirm_vmid } else { &given.confirm_name };
        match echoed {
            Some(v) if v.trim() == expected.trim() => {}
            Some(v) => {
                return Verdict::Closed {
                    reason: format!(
                        "`{}` is `{v}` but `{t}` is `{expected}`: the confirmation names another target",
                        echo_arg(t)
                    ),
                    pass,
                    prompt,
                };
            }
            None => {
                return Verdict::Closed {
                    reason: format!("destructive ({what}): the target must be echoed back"),
                    pass,
                    prompt,
                };
            }
        }
    }
    Verdict::Confirmed
}

fn describe(tool: &ToolDef, target: Option<&(&str, String)>) -> String {
    let action = format!("{} {}", tool.method.as_str(), tool.path);
    match target {
        Some((t, v)) => format!("{} on {t} {v}: {action}", tool.title),
        None => format!("{}: {action}", tool.title),
    }
}

/// Input-schema properties the gate adds to a gated tool (described fully, or left to the tool's
/// description, which already says what to pass).
pub fn schema_additions(tool: &ToolDef, described: bool) -> Vec<(&'static str, Value)> {
    let Some(gate) = tool.gate else { return Vec::new() };
    let when = gate.only_if.map(|f| format!(" Needed only when `{f}` is true.")).unwrap_or_default();
    let confirm = if described {
        json!({"type": "boolean", "description": format!("Destructive: set true to confirm, after the user agreed.{when}")})
    } else {
        json!({"type": "boolean"})
    };
    let mut out = vec![("confirm", confirm)];
    if let Some(target) = gate.target {
        let echo = if described {
            json!({"type": "string", "description": format!("Repeat the value of `{target}` to confirm the target.")})
        } else {
            json!({"type": "string"})
        };
        out.push((echo_arg(target), echo));
    }
    out
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::registry;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn delete_vm() -> &'static ToolDef {
        registry::find("qemu_vm_delete").unwrap()
    }

    #[test]
    fn ungated_tools_are_open() {
        let t = registry::find("qemu_vm_start").unwrap();
        assert_eq!(check(t, &map(json!({"node": "pve1", "vmid": 100})), &GateArgs::default()), Verdict::Open);
    }

    #[test]
    fn a_gated_call_without_confirmation_says_what_to_pass() {
        let Verdict::Closed { pass, .. } =
            check(delete_vm(), &map(json!({"node": "pve1", "vmid": 100})), &GateArgs::default())
        else {
            panic!("not closed")
        };
        assert_eq!(pass, "`confirm: true` and `confirm_vmid: \"100\"`");
    }

    #[test]
    fn the_echoed_target_must_match() {
        let args = map(json!({"node": "pve1", "vmid": 100}));
        let wrong = GateArgs { confirm: Some(true), confirm_vmid: Some("101".into()), confirm_name: None };
        assert!(matches!(check(delete_vm(), &args, &wrong), Verdict::Closed { .. }));
        let right = GateArgs { confirm: Some(true), confirm_vmid: Some("100".into()), confirm_name: None };
        assert_eq!(check(delete_vm(), &args, &right), Verdict::Confirmed);
    }

    #[test]
    fn restore_is_gated_only_with_force() {
        let t = registry::find("qemu_vm_create").unwrap();
        let plain = map(json!({"node": "pve1", "vmid": 100}));
        assert_eq!(check(t, &plain, &GateArgs::default()), Verdict::Open);
        let forced = map(json!({"node": "pve1", "vmid": 100, "force": true}));
        assert!(matches!(check(t, &forced, &GateArgs::default()), Verdict::Closed { .. }));
    }

    #[test]
    fn take_removes_gate_arguments() {
        let mut args = map(json!({"vmid": 100, "confirm": "true", "confirm_vmid": 100}));
        let g = GateArgs::take(&mut args).unwrap();
        assert_eq!(g.confirm, Some(true));
        assert_eq!(g.confirm_vmid.as_deref(), Some("100"));
        assert_eq!(args.len(), 1);
    }
}
