//! How a call reaches back to its MCP client: progress notifications for a progress token, and a
//! person's confirmation, asked by an elicitation request (protocol up to 2025-11-25) or by an
//! input-required result whose sealed state the client carries (2026-07-28).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequest, ElicitRequestParams,
    ElicitationAction, ElicitationSchema, InputRequest, InputRequests, InputRequiredResult, ProgressNotificationParam,
    ProgressToken,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::{Map, Value, json};

use super::state;
use crate::BoxFuture;
use crate::policy::gate::{Confirmer, Consent};
use crate::pve::task::ProgressSink;

/// A gated call waiting in the MCP Apps confirmation view.
struct Pending {
    tool: String,
    arguments: Map<String, Value>,
    created: Instant,
}

/// How long an unanswered confirmation stays valid.
const PENDING_TTL: Duration = Duration::from_secs(600);

/// Progress notifications for a client that sent a progress token.
pub(super) struct Progress {
    pub(super) peer: Peer<RoleServer>,
    pub(super) token: ProgressToken,
}

impl ProgressSink for Progress {
    fn progress(&self, elapsed: Duration, message: String) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let param = ProgressNotificationParam::new(self.token.clone(), elapsed.as_secs_f64()).with_message(message);
            if let Err(e) = self.peer.notify_progress(param).await {
                tracing::debug!(error = %e, "progress notification not sent");
            }
        })
    }
}

/// Confirmation through a server-to-client elicitation request (protocol ≤ 2025-11-25).
pub(super) struct Elicitation {
    pub(super) peer: Peer<RoleServer>,
}

pub(super) fn confirm_schema() -> Option<ElicitationSchema> {
    ElicitationSchema::builder().required_bool("confirm").build().ok()
}

impl Confirmer for Elicitation {
    fn confirm(&self, prompt: String) -> BoxFuture<'_, Consent> {
        Box::pin(async move {
            let Some(schema) = confirm_schema() else { return Consent::Unavailable };
            let params =
                ElicitRequestParams::FormElicitationParams { meta: None, message: prompt, requested_schema: schema };
            match self.peer.create_elicitation(params).await {
                Ok(r) if r.action == ElicitationAction::Accept && accepted(r.content.as_ref()) => Consent::Accepted,
                Ok(_) => Consent::Declined,
                Err(e) => {
                    tracing::warn!(error = %e, "elicitation failed; refusing the destructive call");
                    Consent::Declined
                }
            }
        })
    }
}

pub(super) fn accepted(content: Option<&Value>) -> bool {
    content.and_then(|c| c.get("confirm")).is_some_and(|v| v == &json!(true) || v == &json!("true"))
}

pub(super) fn client_can_elicit(context: &RequestContext<RoleServer>) -> bool {
    context.client_capabilities().is_some_and(|c| c.elicitation.is_some())
}

/// The MCP Apps extension id a client declares in its capabilities.
pub(super) const APPS_EXTENSION: &str = "io.modelcontextprotocol/ui";
/// The confirmation view gated tools point to (`_meta.ui.resourceUri`).
pub(super) const CONFIRM_VIEW_URI: &str = "ui://pve-mcp/confirm";
/// The MIME type of an MCP Apps view.
pub(super) const APP_MIME_TYPE: &str = "text/html;profile=mcp-app";
/// The view itself: shows the prompt and the live target, and answers with `pve_approve`.
pub(super) const CONFIRM_VIEW_HTML: &str = include_str!("confirm_view.html");
/// The tool the view calls with the person's answer; visible to the app only.
pub(super) const APPROVE_TOOL: &str = <crate::tools::params::Approve as crate::tools::params::Params>::TOOL;

pub(super) fn client_has_apps(context: &RequestContext<RoleServer>) -> bool {
    context.client_capabilities().is_some_and(|c| c.extensions.as_ref().is_some_and(|e| e.contains_key(APPS_EXTENSION)))
}

/// Calls waiting for a person's answer in the MCP Apps confirmation view. The view gets a random,
/// one-time approval id (in the result's `_meta`, which hosts keep from the model); the call and
/// its exact arguments stay here, so an answer can only release exactly the call that was shown.
#[derive(Default)]
pub(super) struct AppApprovals(Mutex<HashMap<String, Pending>>);

impl AppApprovals {
    /// The result that shows the confirmation view for a gated call, which is kept here.
    pub(super) fn offer(&self, tool: &str, arguments: Map<String, Value>, prompt: String) -> CallToolResult {
        let key = uuid::Uuid::new_v4().to_string();
        {
            let mut pending = self.0.lock().unwrap_or_else(|p| p.into_inner());
            pending.retain(|_, p| p.created.elapsed() < PENDING_TTL);
            pending.insert(key.clone(), Pending { tool: tool.to_owned(), arguments, created: Instant::now() });
        }
        let product = crate::call::error::sent_to(tool);
        let text = format!(
            "{tool}: waiting for the user to approve or deny in the confirmation view; nothing was sent to {product}. \
             Do not call it again: the user's answer runs it."
        );
        let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
        result.structured_content = Some(json!({"confirmation": {"tool": tool, "prompt": prompt}}));
        let mut meta = rmcp::model::MetaObject::new();
        meta.insert("pve-mcp/approval".into(), json!(key));
        result.meta = Some(meta);
        result
    }

    /// The call an approval id stands for (once: the id is used up), if it is still valid.
    pub(super) fn take(&self, key: &str) -> Option<(String, Map<String, Value>)> {
        let pending = self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key)?;
        (pending.created.elapsed() < PENDING_TTL).then_some((pending.tool, pending.arguments))
    }
}

/// Confirmations asked through an input-required result (2026-07-28). Nothing is kept here: the
/// `requestState` is a sealed handle ([`super::state`]) naming the tool, the arguments' digest, the
/// caller and an expiry, so any replica with the same state key can check the retry, and the
/// client can neither forge nor alter what was confirmed. It holds the server's sealer.
pub(super) struct PendingConfirmations(pub(super) Arc<state::Sealer>);

/// The `requestState` handles' kind.
const CONFIRM_KIND: &str = "pvc1";

impl PendingConfirmations {
    /// An input-required answer (2026-07-28) asking the person to confirm this call of `caller`.
    pub(super) fn ask(
        &self,
        tool: &str,
        arguments: &Map<String, Value>,
        caller: &str,
        prompt: String,
    ) -> Result<CallToolResponse, McpError> {
        let schema = confirm_schema().ok_or_else(|| McpError::internal_error("confirmation schema", None))?;
        let mut payload = Map::new();
        payload.insert("tool".into(), Value::String(tool.to_owned()));
        payload.insert("call".into(), Value::String(state::call_digest(tool, arguments)));
        payload.insert("caller".into(), Value::String(caller.to_owned()));
        payload.insert("exp".into(), Value::from(state::now() + PENDING_TTL.as_secs()));
        payload.insert("nonce".into(), Value::String(uuid::Uuid::new_v4().simple().to_string()));
        let key = self.0.seal(CONFIRM_KIND, &payload);
        let mut requests = InputRequests::new();
        requests.insert(
            "confirm".into(),
            InputRequest::Elicitation(ElicitRequest::new(ElicitRequestParams::FormElicitationParams {
                meta: None,
                message: prompt,
                requested_schema: schema,
            })),
        );
        Ok(InputRequiredResult::new(Some(requests), Some(key)).into())
    }

    /// For a retried call (one with a `requestState`): `Ok` if it carries a valid, accepted
    /// confirmation for exactly this call by this caller, else why not. `None` for a first call.
    pub(super) fn confirmed_retry(
        &self,
        request: &CallToolRequestParams,
        arguments: &Map<String, Value>,
        caller: &str,
    ) -> Option<Result<(), String>> {
        let key = request.request_state.as_deref()?;
        let checked = (|| {
            let payload = self.0.open(CONFIRM_KIND, key).map_err(|e| e.to_string())?;
            let text = |k: &str| payload.get(k).and_then(Value::as_str).unwrap_or("");
            if text("caller") != caller {
                return Err(state::Refused::OtherCaller.to_string());
            }
            if text("tool") != request.name || text("call") != state::call_digest(&request.name, arguments) {
                return Err(state::Refused::OtherCall.to_string());
            }
            let answer = request.input_responses.as_ref().and_then(|r| r.get("confirm"));
            let yes = answer.is_some_and(|a| {
                a.get("action").and_then(Value::as_str) == Some("accept") && accepted(a.get("content"))
            });
            if !yes {
                return Err("the user did not confirm".to_owned());
            }
            let expiry = payload.get("exp").and_then(Value::as_u64).unwrap_or(0);
            if !self.0.spend(text("nonce"), expiry) {
                return Err(state::Refused::Spent.to_string());
            }
            Ok(())
        })();
        Some(checked.map_err(|why| {
            if why.starts_with("the user") {
                why
            } else {
                format!("the confirmation state (requestState) is refused: {why}")
            }
        }))
    }
}
