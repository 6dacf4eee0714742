//! Stage 5, the one path every tool call takes, after the protocol layer. [`prepare`] is its one
//! entrance: the cluster, the tool (looked up once), what its release lacks and the caller's access
//! (checked once); [`Prepared::run`] then runs the steps in order — arguments into the typed
//! request ([`check`]), the allowlists, the gate ([`confirm`]), the configuration overlay of writes
//! ([`writes`]), the send and the task wait ([`send`]) — and writes the audit line once, from the
//! typed result ([`line`], into the [`audit`] log). Nothing is sent unless every check before it
//! passed. It owns no protocol detail: how a person is asked, or progress is shown, comes in
//! through [`ClientHooks`]; PVE is reached through the [`crate::pve::wire::Wire`] seam.
//!
//! Beside it: the clusters a call may choose ([`cluster`]), what a person is shown before a gated
//! call and the checks of `node_execute`'s inner calls ([`consent`]), [`CallError`] and the texts
//! the model reads ([`error`]), the hooks a call brings from its client or program run ([`hooks`]),
//! and what a successful call gives back ([`Outcome`]).

pub mod audit;
mod check;
pub mod cluster;
mod confirm;
pub mod consent;
pub mod error;
pub mod hooks;
pub(crate) mod line;
mod outcome;
mod prepare;
mod release;
mod send;
mod steps;
pub mod writes;

#[cfg(test)]
pub(crate) mod stub;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_pbs;
#[cfg(test)]
mod tests_pbs_allowlists;
#[cfg(test)]
mod tests_pdm;
#[cfg(test)]
mod tests_pdm_allowlists;

use std::sync::Arc;
use std::time::Duration;

use crate::config::consent::Consent as ConsentSettings;
use crate::policy::Policy;
use crate::policy::allowlist::Allowlist;
use crate::pve::wire::Pve;

pub use self::audit::AuditLog;
pub use self::error::CallError;
pub use self::hooks::{ClientHooks, RunHooks, Write, WriteDecision, WriteHook};
pub use self::outcome::{Outcome, Shaped};
pub use self::prepare::{Caller, Prepared, prepare, prepare_unaudited};

/// The PVE side a call runs against and the limits around it, for as long as the server (or one
/// HTTP caller) lives: the connection, the policy ceiling, the allowlists, the audit log.
#[derive(Debug, Clone)]
pub struct Backend {
    /// The ceiling: what this server (or HTTP caller) may ever use on this cluster.
    pub policy: Policy,
    pub client: Pve,
    pub allowlist: Allowlist,
    /// Shared by every caller: lines are appended whole.
    pub audit: Option<Arc<AuditLog>>,
    /// Default for how long to wait on a PVE task (`PVE_TASK_TIMEOUT`).
    pub task_timeout: Duration,
    /// Who is calling (an HTTP token's name), for the audit log.
    pub caller: Option<String>,
    /// Which cluster this is, when several are configured (`[[cluster]]` tables): named in
    /// results, errors, progress and audit lines. `None` for the one cluster of the environment.
    pub cluster: Option<String>,
    /// Whose answer opens a gate, whether secrets are shown, whether `node_execute` may run.
    pub consent: ConsentSettings,
}
