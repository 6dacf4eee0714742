//! The MCP face of the server (rmcp): `initialize`, `tools/list` and `tools/call`.
//!
//! `tools/list` is one deterministic page, sorted by name, of exactly the tools the policy offers
//! (built once at start-up). `tools/call` hands the call to [`crate::call`] and turns the outcome
//! into a result: PVE's `data` as `structuredContent` (`{"data": ...}`) with a compact text copy,
//! or an `isError` result with one readable message and no `structuredContent`.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, JsonObject,
    ListToolsResult, MetaObject, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Value, json};

use crate::call::{self, CallError};
use crate::generated::Category;
use crate::policy::Policy;
use crate::pve_client::PveClient;
use crate::registry::{self, ToolDef};

/// The server: policy, PVE client and the prebuilt tool list.
#[derive(Clone)]
pub struct PveServer {
    inner: Arc<Inner>,
}

struct Inner {
    policy: Policy,
    client: PveClient,
    tools: Vec<Tool>,
    instructions: String,
}

impl PveServer {
    pub fn new(policy: Policy, client: PveClient) -> Self {
        let tools: Vec<Tool> = policy.visible_tools().map(mcp_tool).collect();
        let instructions = instructions(&policy, tools.len());
        PveServer { inner: Arc::new(Inner { policy, client, tools, instructions }) }
    }

    /// The tools this server lists.
    pub fn tools(&self) -> &[Tool] {
        &self.inner.tools
    }
}

/// A generated tool as MCP clients see it.
pub fn mcp_tool(def: &ToolDef) -> Tool {
    let schema: JsonObject = serde_json::from_str(def.input_schema).unwrap_or_default();
    let mut tool = Tool::new(def.name, def.description, schema);
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

fn instructions(policy: &Policy, count: usize) -> String {
    let cats: Vec<String> = Category::ALL
        .iter()
        .filter(|c| policy.categories.contains(c))
        .map(|c| format!("- {}: {}", c.as_str(), c.description()))
        .collect();
    format!(
        "Proxmox VE API tools: one tool per API endpoint ({count} offered at access tier `{}`).\n\
         Names read scope_resource_verb: qemu_vm_* (VMs), lxc_ct_* (containers), node_* (one node), \
         cluster_*, storage_*, access_*, pools_*, firewall_*, ha_*, sdn_*, ceph_*; verbs list/get/create/update/delete, \
         or the action itself (qemu_vm_start). Most tools need `node` (see nodes_list or cluster_resources_get) \
         and guests need `vmid`. Indexed options such as net0, scsi1 are passed as separate arguments; property \
         strings as PVE writes them (`virtio,bridge=vmbr0`) or as an object of their keys.\n\
         Tiers: read-only (GET), read-execute (power actions, migrate, backup run), full (create, change, delete).\n\
         Categories offered:\n{}",
        policy.tier.as_str(),
        cats.join("\n")
    )
}

/// A successful result: `structuredContent` `{"data": ...}` and the data as compact JSON text.
pub fn data_result(data: Value) -> CallToolResult {
    let text = serde_json::to_string(&data).unwrap_or_default();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json!({ "data": data }));
    result
}

/// A failed result: one readable message, `isError`, no `structuredContent`.
pub fn error_result(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

impl ServerHandler for PveServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new("pve-mcp", env!("CARGO_PKG_VERSION")).with_title("Proxmox VE"),
            )
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
        registry::find(name).filter(|t| self.inner.policy.check(t).is_ok()).map(mcp_tool)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let args = request.arguments.unwrap_or_default();
        let work = call::call(&self.inner.policy, &self.inner.client, &request.name, args);
        let outcome = tokio::select! {
            _ = context.ct.cancelled() => return Err(McpError::internal_error("cancelled by the client", None)),
            outcome = work => outcome,
        };
        Ok(match outcome {
            Ok(data) => data_result(data),
            Err(CallError::UnknownTool(name)) => {
                return Err(McpError::invalid_params(format!("unknown tool `{name}`; see tools/list"), None));
            }
            Err(e) => {
                tracing::info!(tool = %request.name, error = %e, "call failed");
                error_result(format!("{}: {e}", request.name))
            }
        }
        .into())
    }
}
