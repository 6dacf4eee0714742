//! How a call did not succeed: one variant per reason, each with the text the model reads (saying
//! whether anything was sent to PVE, and what to do next), and the scrubbing of secret values from
//! that text.

use crate::call::writes::WriteError;
use crate::policy::Refusal;
use crate::policy::allowlist::NotAllowed;
use crate::pve::client::PveError;
use crate::pve::product::Product;
use crate::pve::task::{TaskReport, WaitError};
use crate::tools::arguments::ArgErrors;

/// Why a call did not succeed. Every variant before `Pve` means nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    #[error("{0}; nothing was sent to {product}", product = product_of(.0.tool()).short())]
    Refused(#[from] Refusal),
    /// The arguments did not read; the text names the product of the tool, nothing was sent to.
    #[error("{0}; nothing was sent to {product}", product = .1.short())]
    InvalidArguments(ArgErrors, Product),
    /// An allowlist refused it; the text names the product nothing was sent to.
    #[error("{0}; nothing was sent to {product}", product = .0.product.short())]
    NotAllowed(#[from] NotAllowed),
    #[error("{reason}. Nothing was sent to {product}. Ask the user, then call again with {pass}", product = .product.short())]
    NeedsConfirmation { reason: String, pass: String, prompt: String, product: Product },
    #[error("the user did not confirm; nothing was sent to {product}", product = .0.short())]
    Declined(Product),
    #[error(
        "{reason}. Nothing was sent to {product}. This server takes only a person's answer (PVE_CONFIRM=human) \
         and ignores `confirm` arguments, but this client can neither ask through elicitation nor show the MCP \
         Apps confirmation view: use a client that can, or ask the operator",
        product = .product.short()
    )]
    NoWayToAsk { reason: String, product: Product },
    #[error("{0}; refused before asking, nothing was sent to PVE")]
    Forbidden(String),
    #[error(
        "node_execute runs a batch of API calls as root and is refused unless this server is started with \
         PVE_ALLOW_EXECUTE=true; call the tools one by one instead. Nothing was sent to PVE"
    )]
    ExecuteDisabled,
    #[error("node_execute: {0}; nothing was sent to PVE")]
    ExecuteInner(String),
    #[error("{0}")]
    Pve(#[from] PveError),
    /// A write whose connection broke after sending began: PVE may or may not have applied it.
    #[error("{error}. Do not simply call again: first check whether it took effect with {}", .checks.join(" or "))]
    FateUnknown { error: PveError, checks: Vec<String> },
    /// The task was accepted, but the wait did not see its end. Each task variant names the
    /// product that runs the task, whose task tools the text points to.
    #[error("{}", wait_broken(.0, *.1))]
    WaitBroken(Box<WaitError>, Product),
    #[error("{}", task_failed(.0, *.1))]
    TaskFailed(Box<TaskReport>, Product),
    #[error("{}", still_running(.0, *.1))]
    StillRunning(Box<TaskReport>, Product),
    #[error("cancelled by the client; a PVE task already started keeps running")]
    Cancelled,
    /// The cluster's PVE release lacks the tool, a parameter or an enum value the call names (see
    /// [`crate::tools::releases`]).
    #[error("{0}; nothing was sent to PVE")]
    NotInRelease(String),
    /// The chosen cluster does not allow the tool (see [`crate::call::cluster`]); the text names
    /// the product of the tool, to which nothing was sent.
    #[error("{0}; nothing was sent to {product}", product = .1.short())]
    Cluster(String, Product),
    #[error("{0}")]
    Write(#[from] WriteError),
    /// Any of the above whose text echoed a secret argument's value, with that value replaced.
    #[error("{0}")]
    Redacted(String),
    /// A program run stopped this write (it is not the approved plan's next one, or the run is
    /// over its limits).
    #[error("{0}")]
    Stopped(String),
}

/// The product a tool is of, by its name's prefix (`pbs_…`, `pdm_…`).
fn product_of(tool: &str) -> Product {
    Product::ALL.iter().copied().rev().find(|p| tool.starts_with(p.tool_prefix())).unwrap_or_default()
}

/// What a call of `tool` that sent nothing names as the product nothing was sent to (`PVE`, `PBS`,
/// `PDM`), for the texts written outside the call path.
pub fn sent_to(tool: &str) -> &'static str {
    product_of(tool).short()
}

/// What a gated call a `pve_run` program made without approval says (instead of a direct call's
/// advice, `confirm: true`, which a program cannot follow).
pub fn needs_approval_in_run(tool: &str, reason: &str) -> String {
    format!(
        "{tool}: {reason}. Nothing was sent to PVE. In pve_run a gated call needs the user's approval: \
         run the program with dry_run: true, show the user its plan, then run it with approve: <plan_id>"
    )
}

fn wait_broken(e: &WaitError, product: Product) -> String {
    let upid = e.upid();
    format!(
        "{e}. The task was accepted; its end was not seen: it may still be running, or have ended well or \
         badly. Follow it with {} (node `{}`, upid `{}`)",
        crate::tools::checks::task_status_tool(product),
        upid.node,
        upid.text
    )
}

/// `err`, or its text with the call's secret values replaced if it echoed any of them.
pub(super) fn scrubbed(err: CallError, secrets: &[String]) -> CallError {
    if secrets.is_empty()
        || matches!(err, CallError::UnknownTool(_) | CallError::NeedsConfirmation { .. } | CallError::Cancelled)
    {
        return err;
    }
    let text = err.to_string();
    let clean = crate::call::audit::scrub(&text, secrets);
    if clean == text { err } else { CallError::Redacted(clean) }
}

fn task_failed(r: &TaskReport, product: Product) -> String {
    format!(
        "{} task {} failed: {} (UPID {}){}",
        product.short(),
        r.upid.kind,
        r.exit_status.as_deref().unwrap_or("unknown exit status"),
        r.upid.text,
        log_text(&r.log_tail)
    )
}

fn still_running(r: &TaskReport, product: Product) -> String {
    format!(
        "{} task {} is still running after {:.0} s; it was neither failed nor finished. Follow it with \
         {} (node `{}`, upid `{}`) or wait longer with `task_timeout`{}",
        product.short(),
        r.upid.kind,
        r.duration.as_secs_f64(),
        crate::tools::checks::task_status_tool(product),
        r.upid.node,
        r.upid.text,
        log_text(&r.log_tail)
    )
}

fn log_text(lines: &[String]) -> String {
    if lines.is_empty() { String::new() } else { format!("\nLast log lines:\n{}", lines.join("\n")) }
}
