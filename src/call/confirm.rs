//! A prepared call's gate: a program run's say over its writes (a dry run holds them, an approved
//! plan passes them), a confirmation already given, the caller's `confirm` arguments, or a person
//! asked with the live target named. A refusal here sends nothing.

use serde_json::{Map, Value};

use super::check::Checked;
use super::hooks::{ClientHooks, Write, WriteDecision};
use super::{Backend, CallError, consent};
use crate::policy::gate::{self, ConfirmMode, Consent, ConsentKind, GateArgs, Verdict};
use crate::pve::request::HttpMethod;
use crate::tools::registry::ToolDef;

/// How the call may go on.
#[derive(Debug)]
pub(super) enum Pass {
    /// Send it.
    Send,
    /// Do not send it: a dry run's write, with the placeholder the program gets.
    Hold(Value),
}

/// Decides whether the call passes its gate; `consent` records how (for the audit line).
pub(super) async fn gate(
    backend: &Backend,
    tool: &'static ToolDef,
    checked: &Checked,
    original: &Map<String, Value>,
    io: &ClientHooks<'_>,
    consent: &mut Option<ConsentKind>,
) -> Result<Pass, CallError> {
    let args = &checked.args;
    // A program's writes: its run decides (dry run, approved plan). Inside a run, the gate opens
    // only for an approved plan or a person's answer, never for the program's own `confirm`.
    let mut approved = false;
    let mut gate_args = checked.gate.clone();
    if let Some(run) = io.run
        && tool.method != HttpMethod::Get
    {
        let gated = !matches!(gate::check(tool, args, &GateArgs::default()), Verdict::Open);
        let write = Write {
            tool: tool.name,
            method: tool.method.as_str(),
            path: &checked.request.path,
            arguments: original,
            cluster: backend.cluster.as_deref(),
            gated,
        };
        match run.writes.decide(&write) {
            WriteDecision::Send => gate_args = GateArgs::default(),
            // With PVE_CONFIRM=human a plan id is the model's word, not a person's: the gate still asks.
            WriteDecision::Approved if backend.consent.confirm == ConfirmMode::Human => gate_args = GateArgs::default(),
            WriteDecision::Approved => approved = true,
            WriteDecision::Hold(placeholder) => return Ok(Pass::Hold(placeholder)),
            WriteDecision::Stop(why) => return Err(CallError::Stopped(why)),
        }
    }
    if approved {
        *consent = tool.gate.map(|_| ConsentKind::Plan);
        return Ok(Pass::Send);
    }
    if let Some(kind) = io.pre_confirmed {
        *consent = tool.gate.map(|_| kind);
        return Ok(Pass::Send);
    }
    let (reason, pass, prompt) = match gate::check_in(backend.consent.confirm, tool, args, &gate_args) {
        Verdict::Open => return Ok(Pass::Send),
        Verdict::Confirmed => {
            *consent = Some(ConsentKind::Echo);
            return Ok(Pass::Send);
        }
        Verdict::Closed { reason, pass, prompt } => (reason, pass, prompt),
    };
    let human = backend.consent.confirm == ConfirmMode::Human;
    let product = crate::tools::registry::product_of(tool);
    let confirmer = io.confirmer.filter(|_| human || gate_args.confirm.is_none());
    *consent = Some(ConsentKind::None);
    if confirmer.is_none() && !io.can_ask_later {
        if human {
            return Err(CallError::NoWayToAsk { reason, product });
        }
        return Err(CallError::NeedsConfirmation { reason, pass, prompt, product });
    }
    // A person is about to be asked: name the target as PVE has it now.
    let live = consent::live_target(backend.client.as_ref(), tool, args).await;
    if let Some(why) = live.forbidden {
        return Err(CallError::Forbidden(why));
    }
    let prompt = if live.facts.is_empty() { prompt } else { format!("{prompt}\nTarget now: {}.", live.facts) };
    let Some(confirmer) = confirmer else {
        return Err(CallError::NeedsConfirmation { reason, pass, prompt, product });
    };
    match confirmer.confirm(prompt.clone()).await {
        Consent::Accepted => {
            *consent = Some(ConsentKind::Elicitation);
            Ok(Pass::Send)
        }
        Consent::Declined => Err(CallError::Declined(product)),
        Consent::Unavailable => Err(CallError::NeedsConfirmation { reason, pass, prompt, product }),
    }
}
