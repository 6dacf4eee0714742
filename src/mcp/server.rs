//! The MCP face of the server (rmcp): `initialize`, `tools/list` and `tools/call`.
//!
//! `tools/list` is one deterministic page, sorted by name, of the session's tools (see
//! [`crate::mcp::catalog`]). `tools/call` dispatches the discovery tools and hands every Proxmox VE tool
//! call, direct or through `pve_call`, to [`crate::call`] with what this client can do (progress
//! notifications, elicitation, input-required round trips); [`crate::mcp::result`] shapes the answer.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, CreateTaskResult, ElicitRequest,
    ElicitRequestParams, ElicitationAction, ElicitationSchema, GetTaskParams, GetTaskResult, Implementation,
    InputRequest, InputRequests, InputRequiredResult, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ProgressToken, ProtocolVersion, ServerCapabilities, ServerConfig, Tool,
    UpdateTaskParams,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::task_manager::{TaskExit, TaskManager, TaskOptions};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use crate::BoxFuture;
use crate::call::{self, Backend, CallError, ClientHooks, Success};
use crate::config::{Config, ToolMode};
use crate::mcp::catalog::{self, Detail, Mode};
use crate::mcp::result;
use crate::policy::Policy;
use crate::policy::gate::{Confirmer, Consent};
use crate::pve::request::HttpMethod;
use crate::pve::request::{PveRequest, path_segment};
use crate::pve::task::ProgressSink;
use crate::pve::task::{self, TaskOutcome, Upid};
use crate::tools::discovery;
use crate::tools::generated::Category;
use crate::tools::registry;

/// How tools are offered (from the configuration).
#[derive(Debug, Clone, Copy)]
pub struct ServerOptions {
    pub mode: ToolMode,
    /// Token budget of `tools/list` in mode auto.
    pub budget: usize,
    /// Largest result, in tokens.
    pub result_limit: usize,
    /// Offer `pve_toolsets`.
    pub toolsets: bool,
}

impl ServerOptions {
    pub fn from_config(c: &Config) -> Self {
        ServerOptions {
            mode: c.tool_mode,
            budget: c.tool_budget,
            result_limit: c.result_limit,
            toolsets: c.dynamic_toolsets,
        }
    }
}

/// The server of one MCP session: what all sessions of a caller share, and this session's own state.
#[derive(Clone)]
pub struct PveServer {
    shared: Arc<Shared>,
    state: Arc<SessionState>,
}

/// What every session of one caller shares.
struct Shared {
    backend: Backend,
    options: ServerOptions,
}

/// One session's own state.
struct SessionState {
    session: RwLock<Session>,
    /// Confirmations asked through an input-required result, kept server-side: the client only
    /// holds the random key, so it cannot forge or alter what was confirmed.
    pending: Mutex<HashMap<String, Pending>>,
    /// PVE tasks followed as MCP tasks, for clients with the tasks extension.
    tasks: TaskManager,
}

/// What this session sees: its categories (changed with `pve_toolsets`) and its tool list.
struct Session {
    policy: Policy,
    tools: Vec<Tool>,
    instructions: String,
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
    pub fn new(backend: Backend, options: ServerOptions) -> Self {
        let shared = Arc::new(Shared { backend, options });
        let state = SessionState::new(&shared);
        PveServer { shared, state }
    }

    /// A server for another session of the same caller: same backend and options, its own tool
    /// selection, pending confirmations and tasks.
    pub fn new_session(&self) -> Self {
        PveServer { shared: self.shared.clone(), state: SessionState::new(&self.shared) }
    }

    /// The tools this session lists.
    pub fn tools(&self) -> Vec<Tool> {
        self.session().tools.clone()
    }

    fn session(&self) -> std::sync::RwLockReadGuard<'_, Session> {
        self.state.session.read().unwrap_or_else(|p| p.into_inner())
    }
}

impl SessionState {
    fn new(shared: &Shared) -> Arc<SessionState> {
        Arc::new(SessionState {
            session: RwLock::new(Session::new(shared.backend.policy.clone(), &shared.options)),
            pending: Mutex::new(HashMap::new()),
            tasks: TaskManager::new(),
        })
    }
}

impl Session {
    fn new(policy: Policy, options: &ServerOptions) -> Session {
        let (mode, tools) = catalog::session_tools(&policy, options.mode, options.budget, options.toolsets);
        let instructions = instructions(&policy, mode, tools.len());
        Session { policy, tools, instructions }
    }
}

fn instructions(policy: &Policy, mode: Mode, listed: usize) -> String {
    let reachable = policy.visible_tools().count();
    let cats: Vec<String> = Category::ALL
        .iter()
        .filter(|c| policy.categories.contains(c))
        .map(|c| format!("- {}: {}", c.as_str(), c.description()))
        .collect();
    let how = match mode {
        Mode::Direct => format!("All {reachable} tools are listed directly."),
        Mode::Discover => format!(
            "{reachable} tools are reachable; {listed} are listed. Find the others with pve_search (plain words), \
             read their arguments with pve_describe, and call them with pve_call (or by name)."
        ),
    };
    format!(
        "Proxmox VE API: one tool per API endpoint, access tier `{}`. {how}\n\
         Names read scope_resource_verb: qemu_vm_* (VMs), lxc_ct_* (containers), node_* (one node), cluster_*, \
         storage_*, access_*, pools_*, firewall_*, ha_*, sdn_*, ceph_*; verbs list/get/create/update/delete or the \
         action (qemu_vm_start). Most tools need `node` (nodes_list, cluster_resources_list) and guests `vmid`. \
         Indexed options (net0, scsi1) are separate arguments; property strings go as PVE writes them \
         (`virtio,bridge=vmbr0`) or as an object of their keys.\n\
         Writes that start a PVE task wait for it and report its real exit status (`wait: false` returns the UPID).\n\
         Destructive tools need the user's confirmation: `confirm: true` plus the target echoed back.\n\
         Tiers: read-only (GET), read-execute (power actions, migrate, backup run), full (create, change, delete).\n\
         Categories:\n{}",
        policy.tier.as_str(),
        cats.join("\n")
    )
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

fn accepted(content: Option<&Value>) -> bool {
    content.and_then(|c| c.get("confirm")).is_some_and(|v| v == &json!(true) || v == &json!("true"))
}

fn client_can_elicit(context: &RequestContext<RoleServer>) -> bool {
    context.client_capabilities().is_some_and(|c| c.elicitation.is_some())
}

/// Arguments of a discovery tool, or an error result naming the field.
fn field<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    args.get(name).filter(|v| !v.is_null())
}

impl PveServer {
    /// An input-required answer (2026-07-28) asking the person to confirm; the call is kept here.
    fn ask_via_input_required(
        &self,
        tool: &str,
        arguments: Map<String, Value>,
        prompt: String,
    ) -> Result<CallToolResponse, McpError> {
        let schema = confirm_schema().ok_or_else(|| McpError::internal_error("confirmation schema", None))?;
        let key = uuid::Uuid::new_v4().to_string();
        {
            let mut pending = self.state.pending.lock().unwrap_or_else(|p| p.into_inner());
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
        let pending = self.state.pending.lock().unwrap_or_else(|p| p.into_inner()).remove(key)?;
        let same =
            pending.tool == request.name && &pending.arguments == arguments && pending.created.elapsed() < PENDING_TTL;
        let answer = request.input_responses.as_ref().and_then(|r| r.get("confirm"));
        let yes = answer
            .is_some_and(|a| a.get("action").and_then(Value::as_str) == Some("accept") && accepted(a.get("content")));
        Some(same && yes)
    }

    fn search(&self, args: &Map<String, Value>) -> CallToolResult {
        let Some(query) = field(args, "query").and_then(Value::as_str).filter(|q| !q.trim().is_empty()) else {
            return result::error("pve_search: `query`: is required: what you want to do, in plain words");
        };
        let limit = match field(args, "limit") {
            None => 8,
            Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())) {
                Some(n @ 1..=25) => n as usize,
                _ => return result::error("pve_search: `limit`: expected an integer from 1 to 25"),
            },
        };
        let category = match field(args, "category").and_then(Value::as_str) {
            None => None,
            Some(c) => match Category::parse(c) {
                Some(c) => Some(c),
                None => return result::error(format!("pve_search: `category`: unknown category `{c}`")),
            },
        };
        let policy = self.session().policy.clone();
        let ceiling = &self.shared.backend.policy;
        let hits = discovery::search(query, limit, |t| {
            policy.check(t).is_ok() && ceiling.check(t).is_ok() && category.is_none_or(|c| t.category == c)
        });
        let tools: Vec<Value> = hits.iter().map(discovery::hit_json).collect();
        result::bounded(json!({ "data": tools }), None, self.shared.options.result_limit * 4)
    }

    fn describe(&self, args: &Map<String, Value>) -> CallToolResult {
        let names: Vec<String> = match field(args, "names") {
            Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
            Some(Value::String(s)) => s.split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect(),
            _ => return result::error("pve_describe: `names`: is required: an array of tool names from pve_search"),
        };
        if names.is_empty() || names.len() > 10 {
            return result::error("pve_describe: `names`: expected 1 to 10 tool names");
        }
        let policy = self.session().policy.clone();
        let mut tools = Vec::new();
        let mut unknown = Vec::new();
        for name in names {
            match registry::find(&name)
                .filter(|t| policy.check(t).is_ok() && self.shared.backend.policy.check(t).is_ok())
            {
                Some(def) => {
                    let tool = catalog::mcp_tool(def, Detail::Full);
                    tools.push(json!({
                        "name": def.name,
                        "title": def.title,
                        "method": def.method.as_str(),
                        "path": def.path,
                        "tier": def.tier.as_str(),
                        "category": def.category.as_str(),
                        "description": tool.description,
                        "inputSchema": tool.input_schema.as_ref(),
                        "annotations": tool.annotations,
                    }));
                }
                None => unknown.push(name),
            }
        }
        result::bounded(json!({ "data": tools, "unknown": unknown }), None, self.shared.options.result_limit * 4)
    }

    async fn toolsets(&self, args: &Map<String, Value>, context: &RequestContext<RoleServer>) -> CallToolResult {
        let read = |key: &str| -> Result<Vec<Category>, String> {
            let Some(v) = field(args, key) else { return Ok(Vec::new()) };
            let names: Vec<String> = match v {
                Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
                Value::String(s) => s.split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect(),
                _ => return Err(format!("`{key}`: expected an array of category names")),
            };
            names.iter().map(|n| Category::parse(n).ok_or_else(|| format!("`{key}`: unknown category `{n}`"))).collect()
        };
        let (enable, disable) = match (read("enable"), read("disable")) {
            (Ok(e), Ok(d)) => (e, d),
            (Err(e), _) | (_, Err(e)) => return result::error(format!("pve_toolsets: {e}")),
        };
        let ceiling = &self.shared.backend.policy.categories;
        if let Some(c) = enable.iter().find(|c| !ceiling.contains(c)) {
            return result::error(format!(
                "pve_toolsets: category `{}` is not offered by this server (PVE_CATEGORIES); the session cannot go beyond it",
                c.as_str()
            ));
        }
        let categories: BTreeSet<Category> = {
            let mut session = self.state.session.write().unwrap_or_else(|p| p.into_inner());
            let mut policy = session.policy.clone();
            policy.categories.extend(enable.iter().copied());
            for c in &disable {
                policy.categories.remove(c);
            }
            *session = Session::new(policy, &self.shared.options);
            session.policy.categories.clone()
        };
        if let Err(e) = context.peer.notify_tool_list_changed().await {
            tracing::debug!(error = %e, "tools/list_changed not sent");
        }
        let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        result::bounded(
            json!({ "data": { "categories": names, "tools": self.session().tools.len() } }),
            None,
            usize::MAX,
        )
    }
}

impl PveServer {
    /// Follows a started PVE task as an MCP task: `tasks/get` reports its state, and `tasks/cancel`
    /// stops the PVE task (`DELETE /nodes/{node}/tasks/{upid}`).
    fn follow_as_mcp_task(&self, name: &str, upid: Upid) -> CallToolResponse {
        let inner = self.shared.clone();
        let tool = registry::find(name);
        let message = format!("PVE task {} ({}) running", upid.kind, upid.text);
        let task = self.state.tasks.spawn(TaskOptions::new().with_status_message(message), move |ctx| {
            Box::pin(async move {
                let cancel = tokio_util::sync::CancellationToken::new();
                let waiting =
                    task::wait(&inner.backend.client, upid.clone(), inner.backend.task_timeout, None, &cancel);
                let outcome = tokio::select! {
                    _ = ctx.cancelled() => {
                        cancel.cancel();
                        let stop = PveRequest::new(
                            HttpMethod::Delete,
                            format!("/nodes/{}/tasks/{}", path_segment(&upid.node), path_segment(&upid.text)),
                        );
                        let stopped = inner.backend.client.send(&stop).await;
                        if let Err(e) = &stopped {
                            tracing::warn!(upid = %upid.text, error = %e, "could not stop the PVE task");
                        }
                        if let Some(log) = &inner.backend.audit {
                            log.record(&crate::audit::Entry {
                                caller: inner.backend.caller.as_deref(),
                                tool: tool.map_or("", |t| t.name),
                                method: Some("DELETE"),
                                path: Some(&stop.path),
                                outcome: "cancelled",
                                message: stopped.err().map(|e| format!("could not stop the PVE task: {e}")),
                                upid: Some(&upid.text),
                                ..Default::default()
                            });
                        }
                        return Err(TaskExit::Cancelled);
                    }
                    outcome = waiting => outcome,
                };
                if let (Some(log), Ok(Some(o))) = (&inner.backend.audit, &outcome) {
                    let (what, report) = match o {
                        TaskOutcome::Succeeded(r) => ("ok", r),
                        TaskOutcome::Failed(r) => ("task-failed", r),
                        TaskOutcome::StillRunning(r) => ("still-running", r),
                    };
                    log.record(&crate::audit::Entry {
                        caller: inner.backend.caller.as_deref(),
                        tool: tool.map_or("", |t| t.name),
                        outcome: what,
                        upid: Some(&report.upid.text),
                        exit_status: report.exit_status.as_deref(),
                        ..Default::default()
                    });
                }
                Ok(match outcome {
                    Ok(Some(TaskOutcome::Succeeded(r))) => {
                        result::success(Success::Task(r), tool, inner.options.result_limit)
                    }
                    Ok(Some(TaskOutcome::Failed(r))) => result::error(CallError::TaskFailed(r).to_string()),
                    Ok(Some(TaskOutcome::StillRunning(r))) => result::error(CallError::StillRunning(r).to_string()),
                    Ok(None) => return Err(TaskExit::Cancelled),
                    Err(e) => result::error(format!("while waiting for {}: {e}", upid.text)),
                })
            })
        });
        CreateTaskResult::new(task).into()
    }
}

impl ServerHandler for PveServer {
    fn get_info(&self) -> ServerConfig {
        let caps = ServerCapabilities::builder().enable_tools();
        let caps = if self.shared.options.toolsets {
            caps.enable_tool_list_changed().enable_tasks().build()
        } else {
            caps.enable_tasks().build()
        };
        ServerConfig::new(caps)
            .with_server_info(Implementation::new("pve-mcp", env!("CARGO_PKG_VERSION")).with_title("Proxmox VE"))
            .with_instructions(self.session().instructions.clone())
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        Ok(GetTaskResult::new(self.state.tasks.get_task(&request.task_id)?))
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.state.tasks.update_task(&request.task_id, request.input_responses)
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.state.tasks.cancel_task(&request.task_id)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        if let Some(t) = self.session().tools.iter().find(|t| t.name == name) {
            return Some(t.clone());
        }
        let policy = self.session().policy.clone();
        registry::find(name).filter(|t| policy.check(t).is_ok()).map(|d| catalog::mcp_tool(d, Detail::Compact))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        crate::pve::release::check_once(&self.shared.backend.client, crate::tools::generated::SCHEMA_RELEASE);
        let args = request.arguments.clone().unwrap_or_default();
        let (name, tool_args) = match request.name.as_ref() {
            discovery::SEARCH => return Ok(self.search(&args).into()),
            discovery::DESCRIBE => return Ok(self.describe(&args).into()),
            discovery::TOOLSETS if self.shared.options.toolsets => {
                return Ok(self.toolsets(&args, &context).await.into());
            }
            discovery::CALL => {
                let Some(name) = field(&args, "name").and_then(Value::as_str) else {
                    return Ok(result::error("pve_call: `name`: is required: a tool name from pve_search").into());
                };
                let inner = match field(&args, "arguments") {
                    None => Map::new(),
                    Some(Value::Object(o)) => o.clone(),
                    Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
                        Ok(Value::Object(o)) => o,
                        _ => {
                            return Ok(result::error(
                                "pve_call: `arguments`: expected an object (or JSON text of one)",
                            )
                            .into());
                        }
                    },
                    Some(_) => return Ok(result::error("pve_call: `arguments`: expected an object").into()),
                };
                (name.to_owned(), inner)
            }
            other => (other.to_owned(), args.clone()),
        };
        let progress = context.meta.get_progress_token().map(|token| Progress { peer: context.peer.clone(), token });
        let modern = context.protocol_version().is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let elicitation = (!modern && client_can_elicit(&context)).then(|| Elicitation { peer: context.peer.clone() });
        let pre_confirmed = match self.confirmed_retry(&request, &args) {
            Some(true) => true,
            Some(false) => {
                return Ok(result::error(format!("{name}: the user did not confirm; nothing was sent to PVE")).into());
            }
            None => false,
        };
        let io = ClientHooks {
            progress: progress.as_ref().map(|p| p as &dyn ProgressSink),
            confirmer: elicitation.as_ref().map(|e| e as &dyn Confirmer),
            pre_confirmed,
            cancel: context.ct.clone(),
        };
        // A client with the tasks extension gets a long PVE task as an MCP task it can poll and
        // cancel, unless it asked for the UPID only (`wait: false`).
        let as_mcp_task = context.client_capabilities().is_some_and(|c| c.supports_tasks())
            && registry::find(&name).is_some_and(|d| d.task)
            && tool_args.get("wait").and_then(crate::tools::arguments::as_boolean) != Some(false);
        let mut tool_args = tool_args;
        if as_mcp_task {
            tool_args.insert("wait".into(), Value::Bool(false));
        }
        let policy = self.session().policy.clone();
        let outcome = call::call(&self.shared.backend, &policy, &name, tool_args, io).await;
        Ok(match outcome {
            Ok(Success::Started(upid)) if as_mcp_task => return Ok(self.follow_as_mcp_task(&name, upid)),
            Ok(success) => result::success(success, registry::find(&name), self.shared.options.result_limit),
            Err(CallError::UnknownTool(unknown)) if request.name == discovery::CALL => {
                result::error(format!("pve_call: unknown tool `{unknown}`; find tools with pve_search"))
            }
            Err(CallError::UnknownTool(unknown)) => {
                return Err(McpError::invalid_params(
                    format!("unknown tool `{unknown}`; see tools/list or pve_search"),
                    None,
                ));
            }
            Err(CallError::NeedsConfirmation { prompt, .. }) if modern && client_can_elicit(&context) => {
                return self.ask_via_input_required(&request.name, args, prompt);
            }
            Err(CallError::Cancelled) => return Err(McpError::internal_error("cancelled by the client", None)),
            Err(e) => {
                tracing::info!(tool = %name, error = %e, "call failed");
                result::error(format!("{name}: {e}"))
            }
        }
        .into())
    }
}
