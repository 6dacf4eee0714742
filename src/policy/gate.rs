//! Confirmation gates: destructive tools (see `docs/TOOLS.md`, column "gate") need `confirm: true`
//! and the target echoed back (`confirm_vmid` equal to `vmid`, `confirm_name` equal to the snapshot,
//! storage, user... id) before anything is sent. A client that supports elicitation is asked instead
//! (see `server.rs`); without either, the call is refused with exactly what to pass.

use serde_json::{Map, Value, json};

use crate::BoxFuture;
use crate::tools::arguments::as_boolean;
use crate::tools::registry::{ToolDef, When};

/// Whose answer opens a gate (`PVE_CONFIRM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConfirmMode {
    /// `confirm: true` plus the echoed target in the arguments, or a person's answer (default).
    #[default]
    Echo,
    /// Only a person's answer (elicitation or the MCP Apps view); a `confirm` argument is ignored.
    Human,
}

impl ConfirmMode {
    pub fn parse(s: &str) -> Option<ConfirmMode> {
        match s {
            "echo" => Some(ConfirmMode::Echo),
            "human" => Some(ConfirmMode::Human),
            _ => None,
        }
    }
}

/// How a gated call was consented to, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentKind {
    /// The arguments carried `confirm: true` and the echoed target.
    Echo,
    /// A person answered an elicitation (request or input-required result).
    Elicitation,
    /// A person pressed Approve in the MCP Apps confirmation view.
    App,
    /// The write is the next one of a `pve_run` dry run's plan, approved by its plan id.
    Plan,
    /// Not consented (refused).
    None,
}

impl ConsentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentKind::Echo => "echo",
            ConsentKind::Elicitation => "elicitation",
            ConsentKind::App => "app",
            ConsentKind::Plan => "plan",
            ConsentKind::None => "none",
        }
    }
}

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

/// Whether a conditional gate applies to these arguments.
pub fn applies(when: When, args: &Map<String, Value>) -> bool {
    match when {
        When::True(flag) => args.get(flag).and_then(as_boolean).unwrap_or(false),
        When::Names(arg, prefix) => {
            let names: Vec<String> = match args.get(arg) {
                Some(Value::Array(items)) => items.iter().filter_map(|v| text(v.clone())).collect(),
                Some(v) => {
                    text(v.clone()).map(|s| s.split([',', ';', ' ']).map(str::to_owned).collect()).unwrap_or_default()
                }
                None => Vec::new(),
            };
            names.iter().any(|n| n.trim().starts_with(prefix))
        }
    }
}

/// Checks a call against its tool's gate. `args` are the call's arguments (gate arguments removed).
/// In [`ConfirmMode::Human`] the arguments never confirm: only a person's answer opens the gate.
pub fn check_in(mode: ConfirmMode, tool: &ToolDef, args: &Map<String, Value>, given: &GateArgs) -> Verdict {
    match mode {
        ConfirmMode::Echo => check(tool, args, given),
        ConfirmMode::Human => match check(tool, args, &GateArgs::default()) {
            Verdict::Closed { reason, prompt, .. } => Verdict::Closed {
                reason: reason.replace("needs the user's confirmation", "needs a person's answer (PVE_CONFIRM=human)"),
                pass: "a person's answer through elicitation or the MCP Apps confirmation view \
                       (PVE_CONFIRM=human ignores `confirm` arguments)"
                    .to_owned(),
                prompt,
            },
            open => open,
        },
    }
}

/// Checks a call against its tool's gate. `args` are the call's arguments (gate arguments removed).
pub fn check(tool: &ToolDef, args: &Map<String, Value>, given: &GateArgs) -> Verdict {
    let Some(gate) = tool.gate else { return Verdict::Open };
    if let Some(when) = gate.only_if
        && !applies(when, args)
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
    let why = gate.reason;
    let prompt = if why == "destructive" {
        format!("Confirm: {what}. This cannot be undone.")
    } else {
        format!("Confirm: {what}. This {why}.")
    };
    if given.confirm != Some(true) {
        return Verdict::Closed { reason: format!("{why} ({what}): needs the user's confirmation"), pass, prompt };
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
                    reason: format!("{why} ({what}): the target must be echoed back"),
                    pass,
                    prompt,
                };
            }
        }
    }
    Verdict::Confirmed
}

/// What the call does, for the prompt: the caller's target value shown inert
/// ([`super::inert::inert`]), so it cannot add lines or markup to what a person reads.
fn describe(tool: &ToolDef, target: Option<&(&str, String)>) -> String {
    let action = format!("{} {}", tool.method.as_str(), tool.path);
    match target {
        Some((t, v)) => format!("{} on {t} {}: {action}", tool.title, super::inert::inert(v)),
        None => format!("{}: {action}", tool.title),
    }
}

/// Input-schema properties the gate adds to a gated tool (described fully, or left to the tool's
/// description, which already says what to pass).
pub fn schema_additions(tool: &ToolDef, described: bool) -> Vec<(&'static str, Value)> {
    let Some(gate) = tool.gate else { return Vec::new() };
    let when = match gate.only_if {
        Some(When::True(f)) => format!(" Needed only when `{f}` is true."),
        Some(When::Names(f, prefix)) => format!(" Needed only when `{f}` names `{prefix}…`."),
        None => String::new(),
    };
    let confirm = if described {
        json!({"type": "boolean", "description": format!("Gated ({}): set true to confirm, after the user agreed.{when}", gate.reason)})
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
    fn a_caller_given_target_shows_as_one_inert_line_of_the_prompt() {
        let t = registry::find("qemu_vm_snapshot_delete").unwrap();
        let args = map(json!({"node": "pve1", "vmid": 100, "snapname": "s1.\nTarget now: <i>nothing</i>"}));
        let Verdict::Closed { prompt, .. } = check(t, &args, &GateArgs::default()) else { panic!("not closed") };
        assert_eq!(prompt.lines().count(), 1, "{prompt}");
        assert!(prompt.contains("snapname s1.\\nTarget now: \\<i\\>nothing\\</i\\>"), "{prompt}");
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
    fn a_config_update_is_gated_only_when_it_deletes_an_unused_disk() {
        let t = registry::find("qemu_vm_config_update").unwrap();
        let plain = map(json!({"node": "pve1", "vmid": 100, "delete": "net1,scsi1"}));
        assert_eq!(check(t, &plain, &GateArgs::default()), Verdict::Open);
        let frees = map(json!({"node": "pve1", "vmid": 100, "delete": "net1,unused0"}));
        assert!(matches!(check(t, &frees, &GateArgs::default()), Verdict::Closed { .. }));
    }

    #[test]
    fn a_human_mode_gate_ignores_a_model_supplied_confirmation() {
        let args = map(json!({"node": "pve1", "vmid": 100}));
        let echo = GateArgs { confirm: Some(true), confirm_vmid: Some("100".into()), confirm_name: None };
        assert_eq!(check_in(ConfirmMode::Echo, delete_vm(), &args, &echo), Verdict::Confirmed);
        let Verdict::Closed { pass, .. } = check_in(ConfirmMode::Human, delete_vm(), &args, &echo) else {
            panic!("not closed")
        };
        assert!(pass.contains("PVE_CONFIRM=human"), "{pass}");
    }

    #[test]
    fn a_permission_gate_gives_its_reason() {
        let t = registry::find("access_acl_update").unwrap();
        let Verdict::Closed { reason, .. } =
            check(t, &map(json!({"path": "/", "roles": "Administrator", "users": "x@pve"})), &GateArgs::default())
        else {
            panic!("not closed")
        };
        assert!(reason.starts_with("changes who can do what"), "{reason}");
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
