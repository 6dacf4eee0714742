//! The MCP protocol handler (rmcp) and its sessions: `initialize`, `tools/list`, `tools/call`, tasks.
//!
//! `tools/list` is one deterministic page, sorted by name, of the session's tools (see
//! [`crate::mcp::catalog`]). `tools/call` dispatches the discovery tools and hands every Proxmox VE tool
//! call, direct or through `pve_call`, to [`crate::call`] with what this client can do (progress
//! notifications, elicitation, input-required round trips); [`crate::mcp::result`] shapes the answer.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, CompleteRequestParams, CompleteResult,
    CompletionInfo, GetPromptRequestParams, GetPromptResponse, GetTaskParams, GetTaskResult, Implementation,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, ServerCapabilities,
    ServerConfig, Tool, UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use super::apps;
use super::discovery_tools::{self, field};
use super::hooks::{
    APPROVE_TOOL, AppApprovals, Elicitation, PendingConfirmations, Progress, client_can_elicit, client_has_apps,
};
use super::resources::{self, Reader};
use super::tasks;
use super::{completion, prompts, whoami};
use crate::BoxFuture;
use crate::call::{Backend, CallError, ClientHooks, Success};
use crate::cluster::{self, Clusters};
use crate::config::{Config, ToolMode};
use crate::mcp::catalog::{self, Detail, Listing, Mode};
use crate::mcp::result;
use crate::mcp::stdio;
use crate::policy::Policy;
use crate::policy::gate::{Confirmer, ConsentKind};
use crate::pve::task::ProgressSink;
use crate::tools::discovery;
use crate::tools::generated::Category;
use crate::tools::registry::{self, ToolDef};

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
    /// Leave out of listings and search the tools the login's PVE privileges cannot pass.
    pub hide_unpermitted: bool,
    /// `PVE_CONFIRM=human`: gated tools point to the MCP Apps confirmation view, and `pve_approve`
    /// (callable by that view only) carries the person's answer.
    pub confirm_by_person: bool,
    /// Longest a `pve_run` program may take.
    pub run_timeout: std::time::Duration,
}

impl ServerOptions {
    pub fn from_config(c: &Config) -> Self {
        ServerOptions {
            mode: c.tool_mode,
            budget: c.tool_budget,
            result_limit: c.result_limit,
            toolsets: c.dynamic_toolsets,
            hide_unpermitted: c.hide_unpermitted,
            confirm_by_person: c.consent.confirm == crate::policy::gate::ConfirmMode::Human,
            run_timeout: c.run_timeout,
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
#[derive(Clone)]
struct Shared {
    /// The clusters this caller may call (one, for an environment-only set-up).
    clusters: Clusters,
    options: ServerOptions,
    /// `tools/list` answers are filled in by the stdio transport (see `with_serialized_listing`).
    serialized_listing: bool,
    /// Live values for completion, and what the login may do.
    surface: Arc<Surface>,
}

/// Caches of the MCP surface beyond tools, shared by a caller's sessions.
#[derive(Default)]
struct Surface {
    completions: completion::Cache,
    logins: whoami::Logins,
}

/// One session's own state.
struct SessionState {
    session: RwLock<Session>,
    /// Confirmations asked through an input-required result (2026-07-28).
    pending: PendingConfirmations,
    /// Calls waiting for a person's answer in the MCP Apps confirmation view.
    approvals: AppApprovals,
}

/// What this session sees: its categories (changed with `pve_toolsets`) and its tool list.
struct Session {
    policy: Policy,
    /// Shared with every session of the same profile.
    listing: Arc<Listing>,
    instructions: String,
}

impl PveServer {
    pub fn new(backend: Backend, options: ServerOptions) -> Self {
        Self::with_clusters(Clusters::single(backend), options)
    }

    /// A server whose calls choose one of several clusters with their `cluster` argument.
    pub fn with_clusters(clusters: Clusters, options: ServerOptions) -> Self {
        let shared = Arc::new(Shared { clusters, options, serialized_listing: false, surface: Arc::default() });
        let state = SessionState::new(&shared);
        PveServer { shared, state }
    }

    /// A server for another session of the same caller: same backend and options, its own tool
    /// selection. (Confirmations and tasks are carried by the client as sealed handles.)
    pub fn new_session(&self) -> Self {
        PveServer { shared: self.shared.clone(), state: SessionState::new(&self.shared) }
    }

    /// How many tools this session lists.
    pub fn listed(&self) -> usize {
        self.session().listing.len()
    }

    /// Whether `tools/list` answers with an empty list marked for [`super::stdio`] to fill in with
    /// the serialized listing (never for a transport that serializes the answer itself).
    pub fn with_serialized_listing(mut self) -> Self {
        Arc::make_mut(&mut self.shared).serialized_listing = true;
        self
    }

    fn session(&self) -> std::sync::RwLockReadGuard<'_, Session> {
        self.state.session.read().unwrap_or_else(|p| p.into_inner())
    }
}

impl SessionState {
    fn new(shared: &Shared) -> Arc<SessionState> {
        Arc::new(SessionState {
            session: RwLock::new(Session::new(shared.clusters.ceiling().clone(), &shared.options)),
            pending: PendingConfirmations,
            approvals: AppApprovals::default(),
        })
    }
}

impl Session {
    fn new(policy: Policy, options: &ServerOptions) -> Session {
        let listing = catalog::listing(&policy, options.mode, options.budget, options.toolsets);
        let listing = with_confirm_view(listing, options);
        let instructions = instructions(&policy, listing.mode, listing.len());
        Session { policy, listing, instructions }
    }
}

/// The listing as `PVE_CONFIRM=human` shows it: gated tools point to the MCP Apps confirmation view,
/// and `pve_approve` is listed for that view.
fn with_confirm_view(listing: Arc<Listing>, options: &ServerOptions) -> Arc<Listing> {
    if !options.confirm_by_person {
        return listing;
    }
    catalog::listing_adjusted(&listing, "pve-mcp/confirm-view", apps::point_gated_tools_to_the_view)
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
        Mode::Code => format!(
            "{reachable} tools are reachable from programs: find them with pve_search (plain words), read their \
             arguments with pve_describe, and run a JavaScript program calling them with pve_run (dry-run writes first)."
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
         pve_whoami tells who pve-mcp logs in as and what PVE lets that login do. Resources: \
         pve://cluster/overview and templates for a node, a guest, a storage's content and a task; \
         prompts: health_check, task_failure, capacity_report, least_privilege_token.\n\
         Tiers: read-only (GET), read-execute (power actions, migrate, backup run), full (create, change, delete).\n\
         Categories:\n{}",
        policy.tier.as_str(),
        cats.join("\n")
    )
}

/// The instructions' word on several clusters: their names and access, and the `cluster` argument.
fn clusters_note(clusters: &Clusters) -> String {
    if clusters.names().is_empty() {
        return String::new();
    }
    let each: Vec<String> = clusters
        .iter()
        .filter_map(|b| b.cluster.as_deref().map(|n| format!("{n} (tier `{}`)", b.policy.tier.as_str())))
        .collect();
    format!(
        "\nClusters: {}. Every tool takes `cluster`, the cluster to call{}; results name it.",
        each.join(", "),
        if each.len() > 1 { " (required)" } else { "" }
    )
}

impl PveServer {
    /// Whether this session may see and call a tool: its own policy within the server's ceiling.
    fn visible(&self) -> impl Fn(&ToolDef) -> bool + use<> {
        let policy = self.session().policy.clone();
        let ceiling = self.shared.clusters.ceiling().clone();
        move |t| policy.check(t).is_ok() && ceiling.check(t).is_ok()
    }

    /// The tools the login can never pass, when `PVE_HIDE_UNPERMITTED` is on (else none).
    async fn hidden(&self) -> BTreeSet<&'static str> {
        if !self.shared.options.hide_unpermitted {
            return BTreeSet::new();
        }
        let policy = self.session().policy.clone();
        let backends: Vec<Arc<Backend>> = self.shared.clusters.iter().cloned().collect();
        whoami::unpermitted(&policy, &backends, &self.shared.surface.logins).await
    }

    /// `pve_whoami`: the login, the access in force and PVE's effective permissions, per cluster.
    async fn whoami(&self) -> CallToolResult {
        let policy = self.session().policy.clone();
        let hide = self.shared.options.hide_unpermitted;
        let mut reports = Vec::new();
        for b in self.shared.clusters.iter() {
            reports.push(whoami::report(&policy.within(&b.policy), b, &self.shared.surface.logins, hide).await);
        }
        let data = if reports.len() == 1 { reports.pop().unwrap_or_default() } else { json!(reports) };
        result::bounded(json!({ "data": data }), None, self.shared.options.result_limit)
    }

    /// Why this session may not see and call a tool, if it may not.
    fn check(&self) -> impl Fn(&ToolDef) -> Result<(), crate::policy::Refusal> + use<> {
        let policy = self.session().policy.clone();
        let ceiling = self.shared.clusters.ceiling().clone();
        move |t| ceiling.check(t).and_then(|_| policy.check(t))
    }

    /// `pve_toolsets`: changes the session's categories within the server's, and tells the client.
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
        let ceiling = &self.shared.clusters.ceiling().categories;
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
        self.shared.surface.logins.forget();
        if let Err(e) = context.peer.notify_tool_list_changed().await {
            tracing::debug!(error = %e, "tools/list_changed not sent");
        }
        let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        result::bounded(
            json!({ "data": { "categories": names, "tools": self.session().listing.len() } }),
            None,
            usize::MAX,
        )
    }
}

impl Reader for PveServer {
    fn read<'a>(&'a self, tool: &'a str, mut args: Map<String, Value>) -> BoxFuture<'a, Result<Value, String>> {
        Box::pin(async move {
            let backend = self.shared.clusters.choose(tool, &mut args).map_err(|e| e.to_string())?;
            let policy = self.session().policy.clone();
            match cluster::call(&backend, &policy, tool, args, ClientHooks::default()).await {
                Ok(Success::Data(data)) => Ok(data),
                Ok(Success::Shaped(mut shaped)) => Ok(shaped.get_mut("data").map(Value::take).unwrap_or(shaped)),
                Ok(_) => Err(format!("{tool}: unexpected task answer")),
                Err(e) => Err(format!("{tool}: {e}")),
            }
        })
    }
}

impl PveServer {
    /// `pve_run`: a program whose every call takes the one call path, with this client's hooks.
    async fn run(&self, args: &Map<String, Value>, context: &RequestContext<RoleServer>) -> CallToolResult {
        let request = match crate::run::Request::parse(args) {
            Ok(r) => r,
            Err(e) => return result::error(format!("pve_run: {e}")),
        };
        let progress = context.meta.get_progress_token().map(|token| Progress { peer: context.peer.clone(), token });
        let modern = context.protocol_version().is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let elicitation = (!modern && client_can_elicit(context)).then(|| Elicitation { peer: context.peer.clone() });
        let policy = self.session().policy.clone();
        let env = crate::run::Env {
            clusters: &self.shared.clusters,
            policy: &policy,
            progress: progress.as_ref().map(|p| p as &dyn ProgressSink),
            confirmer: elicitation.as_ref().map(|e| e as &dyn Confirmer),
            cancel: context.ct.clone(),
            limits: crate::run::engine::Limits::with_wall(self.shared.options.run_timeout),
            person: {
                let caller = self.caller_of(context);
                caller.audit.map(|who| (caller.key, who))
            },
        };
        match crate::run::run(request, env).await {
            Ok(report) => result::bounded(report.to_json(), None, self.shared.options.result_limit * 4),
            Err(e) => result::error(format!("pve_run: {e}")),
        }
    }
}

/// Who calls, for the state handed to the client and for the audit log.
struct CallerOf {
    /// Bound into confirmation states and task ids: the route's name and the token's subject.
    key: String,
    /// The audit log's caller, when the request's token names a subject (OAuth).
    audit: Option<String>,
}

impl PveServer {
    fn caller_of(&self, context: &RequestContext<RoleServer>) -> CallerOf {
        let route = self.shared.clusters.iter().next().and_then(|b| b.caller.clone()).unwrap_or_else(|| "-".into());
        let identity =
            context.extensions.get::<http::request::Parts>().and_then(|p| p.extensions.get::<super::oauth::Identity>());
        match identity {
            Some(id) => {
                CallerOf { key: format!("{route}|{}", id.subject), audit: Some(format!("{} via {route}", id.subject)) }
            }
            None => CallerOf { key: route, audit: None },
        }
    }
}

impl PveServer {
    /// The task of a task id this caller holds, and the backend of its cluster (with the caller's
    /// audit name).
    fn task_of(
        &self,
        id: &str,
        context: &RequestContext<RoleServer>,
    ) -> Result<(tasks::Handle, Arc<Backend>), McpError> {
        let caller = self.caller_of(context);
        let handle = tasks::open(id, &caller.key)?;
        let backend = self.shared.clusters.iter().find(|b| b.cluster == handle.cluster).cloned().ok_or_else(|| {
            McpError::invalid_params("unknown task: it runs on a cluster this caller may not call", None)
        })?;
        let backend = match caller.audit {
            Some(who) => Arc::new(Backend { caller: Some(who), ..(*backend).clone() }),
            None => backend,
        };
        Ok((handle, backend))
    }
}

impl ServerHandler for PveServer {
    fn get_info(&self) -> ServerConfig {
        let caps =
            ServerCapabilities::builder().enable_prompts().enable_resources().enable_tools().enable_completions();
        let mut caps = if self.shared.options.toolsets || self.shared.options.hide_unpermitted {
            caps.enable_tool_list_changed().enable_tasks().build()
        } else {
            caps.enable_tasks().build()
        };
        // The MCP Apps confirmation view is a resource.
        caps.resources = Some(Default::default());
        ServerConfig::new(caps)
            .with_server_info(Implementation::new("pve-mcp", env!("CARGO_PKG_VERSION")).with_title("Proxmox VE"))
            .with_instructions(self.session().instructions.clone() + &clusters_note(&self.shared.clusters))
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        let (handle, backend) = self.task_of(&request.task_id, &context)?;
        tasks::get(&backend, &handle, &request.task_id, self.shared.options.result_limit).await
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        // PVE tasks ask for no input: answers are ignored, as the extension says of unknown keys.
        self.task_of(&request.task_id, &context).map(|_| ())
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let (handle, backend) = self.task_of(&request.task_id, &context)?;
        tasks::cancel(&backend, &handle).await
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        if self.shared.options.hide_unpermitted {
            let hidden = self.hidden().await;
            let o = &self.shared.options;
            let mut session = self.state.session.write().unwrap_or_else(|p| p.into_inner());
            let listing = catalog::listing_without(&session.policy, o.mode, o.budget, o.toolsets, &hidden);
            session.listing = with_confirm_view(listing, o);
        }
        let listing = self.session().listing.clone();
        if self.shared.serialized_listing {
            return Ok(stdio::listing_placeholder(&listing));
        }
        Ok(ListToolsResult::with_all_items(listing.tools()))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let mut listed = resources::list();
        if self.shared.options.confirm_by_person {
            listed.push(apps::view_resource());
        }
        Ok(ListResourcesResult::with_all_items(listed))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let several = self.shared.clusters.names().len() > 1;
        Ok(ListResourceTemplatesResult::with_all_items(resources::templates(several)))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        if request.uri.starts_with("ui://") {
            return apps::read_view(&request.uri).map(Into::into);
        }
        let limit = self.shared.options.result_limit.saturating_mul(4);
        match resources::read(&request.uri, self, limit).await {
            Ok(contents) => Ok(ReadResourceResult::new(vec![contents]).into()),
            Err(e @ resources::ResourceError::Unknown(_)) => Err(McpError::resource_not_found(e.to_string(), None)),
            Err(e) => Err(McpError::invalid_params(format!("{}: {e}", request.uri), None)),
        }
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(prompts::list()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let arguments = request.arguments.clone().unwrap_or_default();
        prompts::get(&request.name, &arguments)
            .map(Into::into)
            .map_err(|e| McpError::invalid_params(e.to_string(), None))
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        let context: Map<String, Value> = request
            .context
            .as_ref()
            .and_then(|c| c.arguments.as_ref())
            .map(|a| a.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
            .unwrap_or_default();
        let clusters = self.shared.clusters.names();
        let cache = &self.shared.surface.completions;
        let (values, total) =
            completion::complete(&request.argument.name, &request.argument.value, &context, &clusters, self, cache)
                .await;
        let has_more = total > values.len();
        let info = CompletionInfo::with_pagination(values, Some(total as u32), has_more)
            .map_err(|e| McpError::internal_error(e, None))?;
        Ok(CompleteResult::new(info))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        if name == APPROVE_TOOL && self.shared.options.confirm_by_person {
            return Some(apps::approve_tool());
        }
        let visible = self.visible();
        if let Some(def) = registry::find(name).filter(|d| visible(d)) {
            return Some(catalog::mcp_tool(def, Detail::Compact));
        }
        if !self.session().listing.contains(name) {
            return None;
        }
        catalog::discovery_tools()
            .into_iter()
            .chain(catalog::code_tools())
            .chain([catalog::toolsets_tool()])
            .find(|t| t.name == name)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        // Over HTTP, this call's slot among the caller's requests in flight: held until the call has
        // run, even if the caller hangs up first.
        let _slot = context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<super::http::CallSlot>())
            .cloned();
        let args = request.arguments.clone().unwrap_or_default();
        let mut approved = false;
        let (name, tool_args) = match request.name.as_ref() {
            whoami::NAME => return Ok(self.whoami().await.into()),
            APPROVE_TOOL if self.shared.options.confirm_by_person => {
                match apps::answer(&self.state.approvals, self.shared.clusters.first(), &args) {
                    Ok((name, tool_args)) => {
                        approved = true;
                        (name, tool_args)
                    }
                    Err(refusal) => return Ok((*refusal).into()),
                }
            }
            discovery::SEARCH => {
                let hidden = self.hidden().await;
                let visible = self.visible();
                return Ok(discovery_tools::search(
                    &args,
                    &move |t: &ToolDef| visible(t) && !hidden.contains(t.name),
                    &self.shared.clusters,
                    self.shared.options.result_limit * 4,
                )
                .into());
            }
            discovery::DESCRIBE => {
                return Ok(discovery_tools::describe(
                    &args,
                    &self.check(),
                    &self.shared.clusters,
                    self.shared.options.result_limit * 4,
                    self.session().listing.contains(crate::run::RUN),
                )
                .into());
            }
            crate::run::RUN if self.session().listing.contains(crate::run::RUN) => {
                return Ok(self.run(&args, &context).await.into());
            }
            discovery::TOOLSETS if self.shared.options.toolsets => {
                return Ok(self.toolsets(&args, &context).await.into());
            }
            discovery::CALL => {
                let Some(name) = field(&args, "name").and_then(Value::as_str) else {
                    return Ok(result::error("pve_call: `name`: is required: a tool name from pve_search").into());
                };
                let mut inner = match field(&args, "arguments") {
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
                // The cluster may also be named next to `name`.
                if let Some(c) = field(&args, cluster::ARG).filter(|_| !inner.contains_key(cluster::ARG)) {
                    inner.insert(cluster::ARG.into(), c.clone());
                }
                (name.to_owned(), inner)
            }
            other => (other.to_owned(), args.clone()),
        };
        let progress = context.meta.get_progress_token().map(|token| Progress { peer: context.peer.clone(), token });
        let modern = context.protocol_version().is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let elicitation = (!modern && client_can_elicit(&context)).then(|| Elicitation { peer: context.peer.clone() });
        let by_app = self.shared.options.confirm_by_person && client_has_apps(&context);
        let caller = self.caller_of(&context);
        let pre_confirmed = match self.state.pending.confirmed_retry(&request, &args, &caller.key) {
            _ if approved => Some(ConsentKind::App),
            Some(Ok(())) => Some(ConsentKind::Elicitation),
            Some(Err(why)) => {
                return Ok(result::error(format!("{name}: {why}; nothing was sent to PVE")).into());
            }
            None => None,
        };
        let io = ClientHooks {
            progress: progress.as_ref().map(|p| p as &dyn ProgressSink),
            confirmer: elicitation.as_ref().map(|e| e as &dyn Confirmer),
            pre_confirmed,
            can_ask_later: (modern && client_can_elicit(&context)) || by_app,
            cancel: context.ct.clone(),
            run: None,
        };
        // A client with the tasks extension gets a long PVE task as an MCP task it can poll and
        // cancel, unless it asked for the UPID only (`wait: false`).
        let as_mcp_task = context.client_capabilities().is_some_and(|c| c.supports_tasks())
            && registry::find(&name).is_some_and(|d| d.task)
            && tool_args.get("wait").and_then(crate::tools::arguments::as_boolean) != Some(false);
        let mut tool_args = tool_args;
        let backend = match self.shared.clusters.choose(&name, &mut tool_args) {
            Ok(b) => b,
            Err(e) => return Ok(result::error(format!("{name}: {e}")).into()),
        };
        // An OAuth caller is named in the audit log by its token's subject.
        let backend = match &caller.audit {
            Some(who) => Arc::new(Backend { caller: Some(who.clone()), ..(*backend).clone() }),
            None => backend,
        };
        crate::pve::release::check_once(
            &backend.client,
            crate::tools::generated::SCHEMA_RELEASE,
            backend.cluster.as_deref(),
        );
        let asked_args = tool_args.clone();
        if as_mcp_task {
            tool_args.insert("wait".into(), Value::Bool(false));
        }
        let policy = self.session().policy.clone();
        let outcome = cluster::call(&backend, &policy, &name, tool_args, io).await;
        let on = backend.cluster.as_deref().map(|c| format!(" (cluster `{c}`)")).unwrap_or_default();
        Ok(match outcome {
            Ok(Success::Started(upid)) if as_mcp_task => {
                return Ok(tasks::follow(backend, &name, upid, &caller.key));
            }
            Ok(success) => result::on_cluster(
                result::success(success, registry::find(&name), self.shared.options.result_limit),
                backend.cluster.as_deref(),
            ),
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
                return self.state.pending.ask(&request.name, &args, &caller.key, prompt);
            }
            Err(CallError::NeedsConfirmation { prompt, .. }) if by_app => {
                self.state.approvals.offer(&name, asked_args, prompt)
            }
            Err(CallError::Cancelled) => return Err(McpError::internal_error("cancelled by the client", None)),
            Err(e) => {
                tracing::info!(tool = %name, error = %e, "call failed");
                result::error(format!("{name}{on}: {e}"))
            }
        }
        .into())
    }
}
