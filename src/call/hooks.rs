//! What a call brings besides its arguments: how it may reach back to its client (progress, a
//! person's confirmation, cancellation), and, for a call made by a `pve_run` program, the run's say
//! over its writes. The protocol side ([`crate::mcp`]) and code mode ([`crate::run`]) implement these;
//! the call path only uses them.

use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use crate::policy::gate::{Confirmer, ConsentKind};
use crate::pve::task::ProgressSink;

/// How this particular call may reach back to its client: progress, a person's confirmation,
/// cancellation.
#[derive(Default)]
pub struct ClientHooks<'a> {
    pub progress: Option<&'a dyn ProgressSink>,
    pub confirmer: Option<&'a dyn Confirmer>,
    /// A person already confirmed this exact call, and how (a validated input-required round
    /// trip, or the MCP Apps confirmation view).
    pub pre_confirmed: Option<ConsentKind>,
    /// The client can ask a person after this call returns (an input-required result, or the MCP
    /// Apps view): a gated call is refused with the live target in its prompt, for the asking.
    pub can_ask_later: bool,
    pub cancel: CancellationToken,
    /// The `pve_run` program making this call: its run id (named in audit lines) and its say over
    /// writes (dry runs, approved plans; see [`crate::run`]).
    pub run: Option<RunHooks<'a>>,
}

/// What a program run adds to each of its calls.
#[derive(Clone, Copy)]
pub struct RunHooks<'a> {
    pub id: &'a str,
    pub writes: &'a dyn WriteHook,
}

/// A write a program is about to make, after every check passed and before its gate.
#[derive(Debug, Clone)]
pub struct Write<'a> {
    pub tool: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    /// The arguments as the program gave them (without `cluster`).
    pub arguments: &'a Map<String, Value>,
    pub cluster: Option<&'a str>,
    /// Whether the tool's confirmation gate applies to these arguments.
    pub gated: bool,
}

/// What a program run decides for one of its writes.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteDecision {
    /// Send it; a gated write still needs a person's answer (elicitation).
    Send,
    /// Send it: it is the next write of a plan a person approved (its gate is passed).
    Approved,
    /// Do not send it (a dry run): the call gives back this placeholder.
    Hold(Value),
    /// Do not send it, nor anything after it: why.
    Stop(String),
}

/// Decides each write of a program run (implemented by [`crate::run`]).
pub trait WriteHook: Send + Sync {
    fn decide(&self, write: &Write<'_>) -> WriteDecision;
    /// The write decided last is being sent now (from here on it is not cut off by the run's end).
    fn sending(&self) {}
}
