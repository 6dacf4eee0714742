//! The audit line of one call: what was called (the path as sent, the arguments as their schema
//! types them), how the gate was passed, and how the call ended, written once from its typed result;
//! and the lines of what follows a call (a task's end or cancellation, a person's answer in the MCP
//! Apps view), so every line is built in this one place.

use serde_json::{Map, Value};

use super::audit::{self, Ending, Entry};
use super::{Backend, CallError, Outcome};
use crate::policy::gate::ConsentKind;
use crate::pve::request::HttpMethod;
use crate::pve::task::{TaskReport, Upid};
use crate::tools::registry::ToolDef;

/// What a call's steps learn on the way that its audit line reports.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    /// The path as sent (arguments filled in), once the request is built.
    pub path: Option<String>,
    /// How a gated call was consented to (`none` once it is refused at the gate).
    pub consent: Option<ConsentKind>,
    /// Whether the request went out to PVE (before that, a failure is a refusal).
    pub sent: bool,
    /// The task PVE started for it.
    pub upid: Option<Upid>,
}

/// One call's audit line, before it is known how the call ends.
#[derive(Clone)]
pub(crate) struct Line<'a> {
    backend: &'a Backend,
    tool: &'a str,
    def: Option<&'static ToolDef>,
    arguments: Map<String, Value>,
    /// Whether the line shows the arguments (a follow-up of a task has none of its own).
    with_arguments: bool,
    /// The method and path it shows, when it is not the tool's own (a task's cancellation).
    method: Option<&'static str>,
    path: Option<String>,
    run: Option<&'a str>,
    /// The approved plan id of the run, if any.
    plan: Option<&'a str>,
    secrets: &'a [String],
}

impl<'a> Line<'a> {
    /// The line of a call of `def` with `args` (as the caller gave them, without `cluster`).
    pub fn new(
        backend: &'a Backend,
        def: &'static ToolDef,
        args: &Map<String, Value>,
        run: Option<&'a str>,
        secrets: &'a [String],
    ) -> Line<'a> {
        Line {
            backend,
            tool: def.name,
            def: Some(def),
            arguments: audit::typed_arguments(def, args),
            with_arguments: true,
            method: Some(def.method.as_str()),
            path: Some(audit::filled_path(def, args)),
            run,
            plan: None,
            secrets,
        }
    }

    /// The line of what follows a task the tool `tool` started (its end, seen in the background;
    /// its cancellation), or of a person's answer in the MCP Apps view: no arguments of its own.
    pub fn follow_up(backend: &'a Backend, tool: &'a str) -> Line<'a> {
        let def = crate::tools::registry::find_any(tool);
        Line {
            backend,
            tool: def.map_or("", |d| d.name),
            def,
            arguments: Map::new(),
            with_arguments: false,
            method: None,
            path: None,
            run: None,
            plan: None,
            secrets: &[],
        }
    }

    /// Writes the line of a task's end, seen after its call answered.
    pub fn task_ended(&self, ending: Ending, report: &TaskReport) {
        self.write_at(None, ending, None, Some(&report.upid.text), report.exit_status.as_deref(), None);
    }

    /// Writes the line of a task stopped on the caller's request (`DELETE` of `path`).
    pub fn cancelled(&self, path: &str, upid: &str, message: Option<String>) {
        let line = Line { method: Some("DELETE"), ..self.clone() };
        line.write_at(Some(path), Ending::Cancelled, message, Some(upid), None, None);
    }

    /// Writes the line of a gated call a person refused in the MCP Apps view.
    pub fn denied(&self, message: &str) {
        self.write_at(None, Ending::Refused, Some(message.into()), None, None, Some(ConsentKind::None));
    }

    /// The line of a call that named no known tool, or no cluster: the arguments as given.
    pub fn unknown(backend: &'a Backend, tool: &'a str, args: &Map<String, Value>, run: Option<&'a str>) -> Line<'a> {
        Line {
            backend,
            tool,
            def: None,
            arguments: args.clone(),
            with_arguments: true,
            method: None,
            path: None,
            run,
            plan: None,
            secrets: &[],
        }
    }

    /// The same line, naming the approved plan its run runs under.
    pub fn in_plan(self, plan: Option<&'a str>) -> Line<'a> {
        Line { plan, ..self }
    }

    /// The arguments as the schema types them (what a program's plan digests, too).
    pub fn arguments(&self) -> &Map<String, Value> {
        &self.arguments
    }

    /// Writes the line of a call refused before anything was looked at further (no tool, no
    /// cluster, the policy); always audited, reads included.
    pub fn refused(&self, error: &CallError) {
        self.write(Ending::Refused, Some(error.to_string()), None, None);
    }

    /// Writes the line of a call of a tool that does not exist.
    pub fn write_unknown(&self) {
        self.write(Ending::Refused, Some("unknown tool".into()), None, None);
    }

    /// Writes the line for how the call ended, if it is one the log keeps: every write, and the
    /// refusals of reads by policy, allowlist or cluster.
    pub fn ended(&self, result: &Result<Outcome, CallError>, trace: &Trace) {
        let write = self.def.is_some_and(|d| d.method != HttpMethod::Get);
        let always = matches!(
            result,
            Err(CallError::UnknownTool(_) | CallError::Refused(_) | CallError::NotAllowed(_) | CallError::Cluster(..))
        );
        if !write && !always {
            return;
        }
        let report = |r: &TaskReport| (Some(r.upid.text.clone()), r.exit_status.clone());
        let (ending, message, (upid, exit)) = match result {
            Ok(Outcome::Planned(_)) => (Ending::Planned, None, (None, None)),
            Ok(Outcome::Started(upid)) => (Ending::Started, None, (Some(upid.text.clone()), None)),
            Ok(o) => (
                Ending::Ok,
                None,
                o.task().map_or((None, None), |r| (Some(r.upid.text.clone()), r.exit_status.clone())),
            ),
            Err(CallError::TaskFailed(r, _)) => (Ending::TaskFailed, None, report(r)),
            Err(CallError::StillRunning(r, _)) => (Ending::StillRunning, None, report(r)),
            // A program's gated call: the run's advice, not a direct call's (`confirm: true`).
            Err(CallError::NeedsConfirmation { reason, .. }) if self.run.is_some() => {
                (Ending::Refused, Some(super::error::needs_approval_in_run(self.tool, reason)), (None, None))
            }
            Err(e) if !trace.sent => (Ending::Refused, Some(e.to_string()), (None, None)),
            Err(e) => (Ending::Error, Some(e.to_string()), (trace.upid.as_ref().map(|u| u.text.clone()), None)),
        };
        let path = trace.path.as_deref().or(self.path.as_deref());
        self.write_at(path, ending, message, upid.as_deref(), exit.as_deref(), trace.consent);
    }

    fn write(&self, ending: Ending, message: Option<String>, upid: Option<&str>, exit: Option<&str>) {
        self.write_at(self.path.as_deref(), ending, message, upid, exit, None);
    }

    fn write_at(
        &self,
        path: Option<&str>,
        ending: Ending,
        message: Option<String>,
        upid: Option<&str>,
        exit: Option<&str>,
        consent: Option<ConsentKind>,
    ) {
        let Some(log) = &self.backend.audit else { return };
        log.record(&Entry {
            caller: self.backend.caller.as_deref(),
            cluster: self.backend.cluster.as_deref(),
            tool: self.tool,
            method: self.method,
            path,
            arguments: self.with_arguments.then_some(&self.arguments),
            secrets: self.def.map_or(&[][..], |d| d.secret_arguments),
            outcome: ending,
            message: message.map(|m| audit::scrub(&m, self.secrets)),
            upid,
            exit_status: exit,
            consent: consent.map(ConsentKind::as_str),
            run: self.run,
            plan: self.plan,
        });
    }
}
