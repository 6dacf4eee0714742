//! A prepared call's arguments and allowlists: the overlay arguments come out first (the gate's
//! `confirm`, a write's `wait` and `task_timeout`, property strings to merge), the rest is read and
//! checked into the typed request, then every allowlist layer checks what it names (and, for
//! `node_execute`, each inner call is checked like a direct one).

use std::time::Duration;

use serde_json::{Map, Value};

use super::{Backend, CallError, consent, writes};
use crate::policy::Policy;
use crate::policy::gate::GateArgs;
use crate::pve::request::{HttpMethod, PveRequest};
use crate::tools::arguments::{self, ArgErrors, Arguments, FieldError, Rule};
use crate::tools::registry::{self, ToolDef};

/// The task-waiting arguments a write may carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct WaitArgs {
    pub wait: bool,
    pub timeout: Option<Duration>,
}

impl Default for WaitArgs {
    fn default() -> Self {
        WaitArgs { wait: true, timeout: None }
    }
}

/// A call's arguments, read: the typed request and what the overlays took out before it.
#[derive(Debug)]
pub(super) struct Checked {
    pub request: PveRequest,
    /// The arguments the request was read from (the overlay arguments taken out).
    pub args: Map<String, Value>,
    pub gate: GateArgs,
    pub wait: WaitArgs,
    pub plan: writes::Plan,
}

fn take_wait_args(args: &mut Map<String, Value>) -> Result<WaitArgs, FieldError> {
    let mut out = WaitArgs::default();
    if let Some(v) = args.remove("wait").filter(|v| !v.is_null()) {
        out.wait = arguments::as_boolean(&v)
            .ok_or_else(|| FieldError { field: "wait".into(), message: "expected true or false".into() })?;
    }
    if let Some(v) = args.remove("task_timeout").filter(|v| !v.is_null()) {
        let secs = arguments::wire(&v, &Rule::Number { min: Some(1.0), max: Some(86_400.0) })
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .ok_or_else(|| FieldError {
                field: "task_timeout".into(),
                message: "expected seconds from 1 to 86400".into(),
            })?;
        out.timeout = Some(Duration::from_secs_f64(secs));
    }
    Ok(out)
}

/// Reads the arguments into the tool's typed request; every field error at once.
pub(super) fn arguments(tool: &'static ToolDef, mut args: Map<String, Value>) -> Result<Checked, CallError> {
    let mut errors = Vec::new();
    let gate = if tool.gate.is_some() {
        GateArgs::take(&mut args).unwrap_or_else(|(field, message)| {
            errors.push(FieldError { field, message });
            GateArgs::default()
        })
    } else {
        GateArgs::default()
    };
    let wait = if tool.method != HttpMethod::Get {
        take_wait_args(&mut args).unwrap_or_else(|e| {
            errors.push(e);
            WaitArgs::default()
        })
    } else {
        WaitArgs::default()
    };
    let plan = writes::prepare(tool, &mut args).unwrap_or_else(|e| {
        errors.extend(e);
        writes::Plan::default()
    });
    match (tool.build)(&mut Arguments::new(args.clone())) {
        Ok(request) if errors.is_empty() => Ok(Checked { request, args, gate, wait, plan }),
        Ok(_) => Err(CallError::InvalidArguments(ArgErrors(errors), registry::product_of(tool))),
        Err(mut e) => {
            e.0.extend(errors);
            Err(CallError::InvalidArguments(e, registry::product_of(tool)))
        }
    }
}

/// Checks what the call names against every allowlist layer: the request, the request as each
/// merged object would make it, and a batch's inner calls.
pub(super) fn allowlists(
    backend: &Backend,
    policy: &Policy,
    tool: &'static ToolDef,
    checked: &Checked,
) -> Result<(), CallError> {
    backend.allowlist.check(tool, &checked.args, &checked.request)?;
    backend.allowlist.check(tool, &checked.args, &checked.plan.probe(&checked.request))?;
    if tool.path == consent::EXECUTE_PATH {
        consent::check_inner_calls(policy, &backend.allowlist, &checked.args).map_err(CallError::ExecuteInner)?;
    }
    Ok(())
}
