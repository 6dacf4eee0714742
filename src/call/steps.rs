//! A prepared call's steps, in order: its arguments into the typed request, the allowlists, the
//! gate, the send and the task wait; then its audit line, written once from the typed result.

use std::time::Duration;

use super::check;
use super::confirm::{self, Pass};
use super::hooks::ClientHooks;
use super::line::{Line, Trace};
use super::prepare::Prepared;
use super::send;
use super::{CallError, Outcome};
use crate::BoxFuture;
use crate::pve::task::ProgressSink;

impl Prepared {
    /// Runs the call with what its client (or program) brings. Nothing is sent unless every check
    /// before it passed; an error that would echo the value of a secret argument has it replaced.
    pub async fn run(self, io: ClientHooks<'_>) -> Result<Outcome, CallError> {
        let line = Line::new(&self.backend, self.tool, &self.args, self.run.as_deref(), &self.secrets)
            .in_plan(self.plan.as_deref());
        let labeled = match (io.progress, self.backend.cluster.as_deref()) {
            (Some(inner), Some(cluster)) => Some(Labeled { inner, cluster }),
            _ => None,
        };
        let io = ClientHooks { progress: labeled.as_ref().map(|l| l as &dyn ProgressSink).or(io.progress), ..io };
        let mut trace = Trace::default();
        let result = self.steps(&line, &io, &mut trace).await;
        line.ended(&result, &trace);
        result.map_err(|e| super::error::scrubbed(e, &self.secrets))
    }

    /// Whether the call would pass the checks [`Prepared::run`] makes before its gate (its
    /// arguments, the allowlists): nothing is sent and no audit line written. What completion asks
    /// before it offers a value, so it never offers one a call would refuse.
    pub fn would_pass(&self) -> Result<(), CallError> {
        let checked = check::arguments(self.tool, self.args.clone())?;
        check::allowlists(&self.backend, &self.policy, self.tool, &checked)
    }

    async fn steps(&self, line: &Line<'_>, io: &ClientHooks<'_>, trace: &mut Trace) -> Result<Outcome, CallError> {
        let checked = check::arguments(self.tool, self.args.clone())?;
        check::allowlists(&self.backend, &self.policy, self.tool, &checked)?;
        match confirm::gate(&self.backend, self.tool, &checked, line.arguments(), io, &mut trace.consent).await? {
            Pass::Hold(placeholder) => {
                trace.path = Some(checked.request.path.clone());
                Ok(Outcome::Planned(placeholder))
            }
            Pass::Send => send::send(&self.backend, self.tool, checked, io, trace).await,
        }
    }
}

/// Progress of a call on a named cluster: each message starts with the cluster's name.
struct Labeled<'a> {
    inner: &'a dyn ProgressSink,
    cluster: &'a str,
}

impl ProgressSink for Labeled<'_> {
    fn progress(&self, elapsed: Duration, message: String) -> BoxFuture<'_, ()> {
        self.inner.progress(elapsed, format!("[{}] {message}", self.cluster))
    }
}
