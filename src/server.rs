//! The MCP face of the server (rmcp): `initialize`, `tools/list` and `tools/call`.
//!
//! `tools/list` is one deterministic page, sorted by name, of exactly the tools the policy offers
//! (built once at start-up). `tools/call` hands the call to [`crate::call`] with what this client
//! can do (progress notifications, elicitation, input-required round trips) and turns the outcome
//! into a result: PVE's data as `structuredContent` (`{"data": ...}`, or `{"task": ...}` for a
//! finished task) with a compact text copy, or an `isError` result with one readable message and no
//! `structuredContent`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequest, ElicitRequestParams,
    ElicitationAction, ElicitationSchema, Implementation, InputRequest, InputRequests, InputRequiredResult,
    JsonObject, ListToolsResult, MetaObject, PaginatedRequestParams, ProgressNotificationParam, ProgressToken,
    ProtocolVersion, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use crate::call::{self, Answer, BoxFuture, CallError, Confirmer, Interaction, ProgressSink, Services, Success};
use crate::gate;
use crate::generated::Category;
use crate::registry::{self, ToolDef};

/// The server: shared services and the prebuilt tool list.
#[derive(Clone)]
pub struct PveServer {
    inner: Arc<Inner>,
}

struct Inner {
    services: Services,
    tools: Vec<Tool>,
    instructions: String,
    /// Confirmations asked through an input-required result, kept server-side: the client only
    /// holds the random key, so it cannot forge or alter what was confirmed.
    pending: Mutex<HashMap<String, Pending>>,
}

/// A destructive call waiting for the person's answer (2026-07-28 input-required round trip).
struct Pending {
    tool: String,
    arguments: Map<String, Value>,
    created: Instant,
}

/// How long an unanswered confirmation stays valid.
const PENDING_TTL: Duration = Duration::from_secs(600);

impl PveServer {
    pub fn new(services: Services) -> Self {
        let tools: Vec<Tool> = services.policy.visible_tools().map(mcp_tool).collect();
        let instructions = instructions(&services, tools.len());
        PveServer { inner: Arc::new(Inner { services, tools, instructions, pending: Mutex::new(HashMap::new()) }) }
    }

    /// The tools this server lists.
    pub fn tools(&self) -> &[Tool] {
        &self.inner.tools
    }
}

/// A generated tool as MCP clients see it, with the overlay arguments (gate, task waiting) added.
pub fn mcp_tool(def: &ToolDef) -> Tool {
    let mut schema: JsonObject = serde_json::from_str(def.input_schema).unwrap_or_default();
    let mut additions = gate::schema_additions(def);
    if def.task {
        additions.push(("wait", json!({"type": "boolean", "default": true, "description": "Wait for the PVE task to finish and report its exit status (default). false: return the task id (UPID) at once."})));
        additions.push(("task_timeout", json!({"type": "number", "minimum": 1, "maximum": 86400, "description": "Seconds to wait for the task (default PVE_TASK_TIMEOUT, 600)."})));
    }
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for (name, s) in additions {
            props.insert(name.into(), s);
        }
    }
    let mut description = def.description.to_owned();
    if let Some(g) = def.gate {
        let echo = g.target.map(|t| format!(" and `{}` equal to `{t}`", gate::echo_arg(t))).unwrap_or_default();
        let when = g.only_if.map(|f| format!(" when `{f}` is true")).unwrap_or_default();
        description.push_str(&format!("\nDestructive{when}: ask the user, then pass `confirm: true`{echo}."));
    }
    let mut tool = Tool::new(def.name, description, schema);
    tool.title = Some(def.title.to_owned());
    tool.annotations = Some(
        ToolAnnotations::with_title(def.title)
            .read_only(def.read_only)
            .destructive(def.destructive)
            .idempotent(def.idempotent)
            .open_world(def.open_world),
    );
    let mut meta = MetaObject::new();
    meta.insert("pve-mcp/method".into(), json!(def.method.as_str()));
    meta.insert("pve-mcp/path".into(), json!(def.path));
    meta.insert("pve-mcp/tier".into(), json!(def.tier.as_str()));
    meta.insert("pve-mcp/category".into(), json!(def.category.as_str()));
    tool.meta = Some(meta);
    tool
}

fn instructions(services: &Services, count: usize) -> String {
    let cats: Vec<String> = Category::ALL
        .iter()
        .filter(|c| services.policy.categories.contains(c))
        .map(|c| format!("- {}: {}", c.as_str(), c.description()))
        .collect();
    format!(
        "Proxmox VE API tools: one tool per API endpoint ({count} offered at access tier `{}`).\n\
         Names read scope_resource_verb: qemu_vm_* (VMs), lxc_ct_* (containers), node_* (one node), \
         cluster_*, storage_*, access_*, pools_*, firewall_*, ha_*, sdn_*, ceph_*; verbs list/get/create/update/delete, \
         or the action itself (qemu_vm_start). Most tools need `node` (see nodes_list or cluster_resources_list) \
         and guests need `vmid`. Indexed options such as net0, scsi1 are separate arguments; property \
         strings go as PVE writes them (`virtio,bridge=vmbr0`) or as an object of their keys.\n\
         Writes that start a PVE task wait for it and report its real exit status (`wait: false` returns the UPID).\n\
         Destructive tools need the user's confirmation: `confirm: true` plus the target echoed back.\n\
         Tiers: read-only (GET), read-execute (power actions, migrate, backup run), full (create, change, delete).\n\
         Categories offered:\n{}",
        services.policy.tier.as_str(),
        cats.join("\n")
    )
}

/// A successful result: `structuredContent` and the same data as compact JSON text.
fn success_result(success: Success) -> CallToolResult {
    let structured = match success {
        Success::Data(data) => json!({ "data": data }),
        Success::Task(report) => json!({ "task": report.to_json() }),
        Success::Started(upid) => json!({ "data": upid.text, "task": {"upid": upid.text, "node": upid.node, "type": upid.kind, "status": "running"} }),
    };
    let text = match &structured {
        Value::Object(o) if o.len() == 1 && o.contains_key("data") => serde_json::to_string(&o["data"]),
        other => serde_json::to_string(other),
    }
    .unwrap_or_default();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(structured);
    result
}

/// A failed result: one readable message, `isError`, no `structuredContent`.
pub fn error_result(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

/// Progress notifications for a client that sent a progress token.
struct Progress {
    peer: Peer<RoleServer>,
    token: ProgressToken,
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
struct Elicitation {
    peer: Peer<RoleServer>,
}

fn confirm_schema() -> Option<ElicitationSchema> {
    ElicitationSchema::builder().required_bool("confirm").build().ok()
}

impl Confirmer for Elicitation {
    fn confirm(&self, prompt: String) -> BoxFuture<'_, Answer> {
        Box::pin(async move {
            let Some(schema) = confirm_schema() else { return Answer::Unavailable };
            let params = ElicitRequestParams::FormElicitationParams { meta: None, message: prompt, requested_schema: schema };
            match self.peer.create_elicitation(params).await {
                Ok(r) if r.action == ElicitationAction::Accept && accepted(r.content.as_ref()) => Answer::Accepted,
                Ok(_) => Answer::Declined,
                Err(e) => {
                    tracing::warn!(error = %e, "elicitation failed; refusing the destructive call");
                    Answer::Declined
                }
            }
        })
    }
}

fn accepted(content: Option<&Value>) -> bool {
    content.and_then(|c| c.get("confirm")).is_some_and(|v| v == &json!(true) || v == &json!("true"))
}

fn client_can_elicit(context: &RequestContext<RoleServer>) -> bool {
    context.client_capabilities().is_some_and(|c| c.elicitation.is_some())
}

impl PveServer {
    /// An input-required answer (2026-07-28) asking the person to confirm; the call is kept here.
    fn ask_via_input_required(&self, tool: &str, arguments: Map<String, Value>, prompt: String) -> Result<CallToolResponse, McpError> {
        let schema = confirm_schema().ok_or_else(|| McpError::internal_error("confirmation schema", None))?;
        let key = uuid::Uuid::new_v4().to_string();
        {
            let mut pending = self.inner.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.retain(|_, p| p.created.elapsed() < PENDING_TTL);
            pending.insert(key.clone(), Pending { tool: tool.to_owned(), arguments, created: Instant::now() });
        }
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

    /// Whether a retried call carries a valid, accepted confirmation for exactly this call.
    fn confirmed_retry(&self, request: &CallToolRequestParams, arguments: &Map<String, Value>) -> Option<bool> {
        let key = request.request_state.as_deref()?;
        let pending = self.inner.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(key)?;
        let same = pending.tool == request.name && &pending.arguments == arguments && pending.created.elapsed() < PENDING_TTL;
        let answer = request.input_responses.as_ref().and_then(|r| r.get("confirm"));
        let yes = answer.is_some_and(|a| a.get("action").and_then(Value::as_str) == Some("accept") && accepted(a.get("content")));
        Some(same && yes)
    }
}

impl ServerHandler for PveServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("pve-mcp", env!("CARGO_PKG_VERSION")).with_title("Proxmox VE"))
            .with_instructions(self.inner.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.inner.tools.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        registry::find(name).filter(|t| self.inner.services.policy.check(t).is_ok()).map(mcp_tool)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let args = request.arguments.clone().unwrap_or_default();
        let progress = context.meta.get_progress_token().map(|token| Progress { peer: context.peer.clone(), token });
        let modern = context.protocol_version().is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let elicitation = (!modern && client_can_elicit(&context)).then(|| Elicitation { peer: context.peer.clone() });
        let pre_confirmed = match self.confirmed_retry(&request, &args) {
            Some(true) => true,
            Some(false) => return Ok(error_result(format!("{}: the user did not confirm; nothing was sent to PVE", request.name)).into()),
            None => false,
        };
        let io = Interaction {
            progress: progress.as_ref().map(|p| p as &dyn ProgressSink),
            confirmer: elicitation.as_ref().map(|e| e as &dyn Confirmer),
            pre_confirmed,
            cancel: context.ct.clone(),
        };
        let outcome = call::call(&self.inner.services, &request.name, args.clone(), io).await;
        Ok(match outcome {
            Ok(success) => success_result(success),
            Err(CallError::UnknownTool(name)) => {
                return Err(McpError::invalid_params(format!("unknown tool `{name}`; see tools/list"), None));
            }
            Err(CallError::NeedsConfirmation { prompt, .. }) if modern && client_can_elicit(&context) => {
                return self.ask_via_input_required(&request.name, args, prompt);
            }
            Err(CallError::Cancelled) => return Err(McpError::internal_error("cancelled by the client", None)),
            Err(e) => {
                tracing::info!(tool = %request.name, error = %e, "call failed");
                error_result(format!("{}: {e}", request.name))
            }
        }
        .into())
    }
}
