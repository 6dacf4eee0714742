//! The MCP protocol handler (rmcp) and its sessions: `initialize`, `tools/list`, `tools/call`, tasks.
//!
//! `tools/list` is one deterministic page, sorted by name, of the session's tools (see
//! [`crate::mcp::catalog`]). `tools/call` dispatches the discovery tools and hands every Proxmox VE tool
//! call, direct or through `pve_call`, to [`crate::call`] with what this client can do (progress
//! notifications, elicitation, input-required round trips); [`crate::mcp::result`] shapes the answer.
//!
//! Here: the handler and the session's state (what it lists, its policy). Beside it:
//! `dispatch` (which tool answers a `tools/call`; the server's own tools), `tool_call` (a
//! Proxmox VE tool call with this client's hooks, and its answer), `client` (who calls, the task a
//! task id names, what the client can do) and `instructions` (what `initialize` says).

mod client;
mod dispatch;
mod instructions;
mod tool_call;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, CompleteRequestParams, CompleteResult, CompletionInfo,
    GetPromptRequestParams, GetPromptResponse, GetTaskParams, GetTaskResult, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Reference, ServerCapabilities, ServerConfig,
    Tool, UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use self::instructions::{clusters_note, family_note, instructions, releases_note};
use super::apps;
use super::hooks::{APPROVE_TOOL, AppApprovals, PendingConfirmations};
use super::resources;
use super::state::Sealer;
use super::tasks;
use super::{completion, prompts, whoami};
use crate::call::Backend;
use crate::call::cluster::Clusters;
use crate::config::{Config, ToolMode};
use crate::mcp::catalog::{self, Detail, Listing};
use crate::mcp::stdio;
use crate::policy::Policy;
use crate::pve::product::Product;
use crate::tools::registry::{self, ToolDef};
use crate::tools::releases::Listed;

/// How tools are offered, and what seals the state handed to clients (from the configuration).
/// Values, not process-wide settings: two servers of one process may be given different ones.
#[derive(Clone)]
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
    /// The configuration file's cluster names, all of them: every tool's `cluster` argument is an
    /// enum of them. Empty for the environment's one cluster (schemas without the argument).
    pub cluster_names: Arc<[String]>,
    /// Seals and opens what is handed to clients (confirmation states, task ids) under the state
    /// key; code mode's plan ids are signed under its key too.
    pub sealer: Arc<Sealer>,
}

impl std::fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerOptions")
            .field("mode", &self.mode)
            .field("budget", &self.budget)
            .field("cluster_names", &self.cluster_names)
            .finish_non_exhaustive()
    }
}

impl ServerOptions {
    /// The options of the configuration. Without a configured state key, a random one is drawn
    /// here: give the servers of one process clones of one value, so they share it.
    pub fn from_config(c: &Config) -> Self {
        ServerOptions {
            mode: c.tool_mode,
            budget: c.tool_budget,
            result_limit: c.result_limit,
            toolsets: c.dynamic_toolsets,
            hide_unpermitted: c.hide_unpermitted,
            confirm_by_person: c.consent.confirm == crate::policy::gate::ConfirmMode::Human,
            run_timeout: c.run_timeout,
            cluster_names: c.clusters.iter().map(|c| c.name.clone()).collect(),
            sealer: Arc::new(Sealer::lazy(c.state_key.clone())),
        }
    }
}

/// How many tenths of a second a finished call waits for the release read it started (a read ends
/// within the client's timeout; a later call follows what it learns anyway).
const RELEASE_READ_POLLS: usize = 300;

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
    /// The PVE releases the listing shows (`None`: the primary schema's, while not known).
    release: Option<Listed>,
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

    /// The clusters this server's calls may run against.
    pub fn clusters(&self) -> &Clusters {
        &self.shared.clusters
    }

    /// How this server offers its tools and seals what it hands out.
    pub fn options(&self) -> &ServerOptions {
        &self.shared.options
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
            session: RwLock::new(Session::new(
                shared.clusters.ceiling().clone(),
                &shared.options,
                shared.clusters.listed(),
            )),
            pending: PendingConfirmations(shared.options.sealer.clone()),
            approvals: AppApprovals::default(),
        })
    }
}

impl Session {
    fn new(policy: Policy, options: &ServerOptions, release: Option<Listed>) -> Session {
        let o = options;
        let listing = catalog::listing(&policy, o.mode, o.budget, o.toolsets, &o.cluster_names, release.clone());
        let listing = with_confirm_view(listing, options);
        let instructions = instructions(&policy, listing.mode, listing.len());
        Session { policy, listing, release, instructions }
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

    /// Why this session may not call a tool, when its tier is all that stands in the way (with
    /// every tier allowed, the session could call it).
    fn above_tier(&self) -> impl Fn(&ToolDef) -> Option<crate::policy::Refusal> + use<> {
        let check = self.check();
        let mut policy = self.session().policy.clone();
        let mut ceiling = self.shared.clusters.ceiling().clone();
        policy.tier = crate::tools::registry::Tier::Full;
        ceiling.tier = crate::tools::registry::Tier::Full;
        move |t| match check(t) {
            Err(r @ crate::policy::Refusal::Tier { .. }) if policy.check(t).is_ok() && ceiling.check(t).is_ok() => {
                Some(r)
            }
            _ => None,
        }
    }

    /// Why this session may not see and call a tool, if it may not.
    fn check(&self) -> impl Fn(&ToolDef) -> Result<(), crate::policy::Refusal> + use<> {
        let policy = self.session().policy.clone();
        let ceiling = self.shared.clusters.ceiling().clone();
        move |t| ceiling.check(t).and_then(|_| policy.check(t))
    }
}

impl ServerHandler for PveServer {
    fn get_info(&self) -> ServerConfig {
        let caps =
            ServerCapabilities::builder().enable_prompts().enable_resources().enable_tools().enable_completions();
        // The listing changes with toolsets, with permissions, and when a cluster's release is learned.
        let mut caps = caps.enable_tool_list_changed().enable_tasks().build();
        // The MCP Apps confirmation view is a resource.
        caps.resources = Some(Default::default());
        ServerConfig::new(caps)
            .with_server_info(Implementation::new("pve-mcp", env!("CARGO_PKG_VERSION")).with_title("Proxmox VE"))
            .with_instructions(
                self.session().instructions.clone()
                    + &clusters_note(&self.shared.clusters)
                    + &releases_note(&self.shared.clusters)
                    + &family_note(&self.shared.clusters),
            )
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
            let release = self.shared.clusters.listed();
            let listing = catalog::listing_without(
                &session.policy,
                o.mode,
                o.budget,
                o.toolsets,
                &hidden,
                &o.cluster_names,
                release.clone(),
            );
            session.listing = with_confirm_view(listing, o);
            session.release = release;
        }
        self.follow_release();
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
        let mut listed = resources::list(&resources::Offer::of(&self.shared.clusters));
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
        let offer = resources::Offer::of(&self.shared.clusters);
        Ok(ListResourceTemplatesResult::with_all_items(resources::templates(&offer)))
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
        // A template's arguments are its product's; a prompt's are PVE's.
        let product = match &request.r#ref {
            Reference::Resource(r) => resources::product_of_uri(&r.uri),
            _ => Product::Pve,
        };
        let clusters: Vec<&str> = match product {
            Product::Pve => self.shared.clusters.names(),
            other => (self.shared.clusters.iter())
                .filter(|b| b.client.product() == other)
                .filter_map(|b| b.cluster.as_deref())
                .collect(),
        };
        let cache = &self.shared.surface.completions;
        let (argument, typed) = (&request.argument.name, &request.argument.value);
        // A Backup Server's or Manager's template with none configured completes nothing, reading nothing.
        let served = product == Product::Pve || self.shared.clusters.iter().any(|b| b.client.product() == product);
        let (values, total) = match served {
            true => completion::complete(argument, typed, &context, &clusters, product, self, cache).await,
            false => (Vec::new(), 0),
        };
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
        let release = self.session().release.clone();
        let def = registry::find(name)
            .filter(|d| release.as_ref().is_none_or(|r| r.has(d)))
            .map(|d| release.as_ref().map_or(d, |r| r.entry(d)));
        if let Some(def) = def.filter(|d| visible(d)) {
            return Some(catalog::mcp_tool(def, Detail::Compact, &self.shared.options.cluster_names));
        }
        if !self.session().listing.contains(name) {
            return None;
        }
        catalog::discovery_tools(&self.shared.options.cluster_names)
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
            .and_then(|p| p.extensions.get::<super::slot::CallSlot>())
            .cloned();
        let peer = context.peer.clone();
        let answer = self.dispatch(request, context).await;
        // The call may have taught the server its cluster's release: a listing that changed says so,
        // now or, while the read the call started is under way, as soon as it is answered.
        if self.follow_release() {
            let _ = peer.notify_tool_list_changed().await;
        } else if self.shared.clusters.reading_release() {
            let server = self.clone();
            tokio::spawn(async move {
                for _ in 0..RELEASE_READ_POLLS {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    if !server.shared.clusters.reading_release() {
                        break;
                    }
                }
                if server.follow_release() {
                    let _ = peer.notify_tool_list_changed().await;
                }
            });
        }
        answer
    }
}

impl PveServer {
    /// Lists what the clusters' releases have, once they are known (or changed): true when the
    /// listing changed.
    fn follow_release(&self) -> bool {
        let release = self.shared.clusters.listed();
        if self.session().release == release {
            return false;
        }
        let o = &self.shared.options;
        let mut session = self.state.session.write().unwrap_or_else(|p| p.into_inner());
        let listing =
            catalog::listing(&session.policy, o.mode, o.budget, o.toolsets, &o.cluster_names, release.clone());
        let listing = with_confirm_view(listing, o);
        let changed = listing.json() != session.listing.json();
        session.listing = listing;
        session.release = release;
        changed
    }
}
