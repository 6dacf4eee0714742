//! A Proxmox VE tool call from the client: what the client can do for it (progress, a person's
//! answer by elicitation, input-required or the MCP Apps view), the cluster it runs on and the
//! caller the audit log names, the one call path ([`crate::cluster::call`]), and the answer: a
//! shaped result, an MCP task following a long PVE task, or a question for a person. Resources are
//! read through the same path ([`Reader`]).

use std::sync::Arc;

use rmcp::model::{CallToolRequestParams, CallToolResponse};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::{Map, Value};

use super::PveServer;
use super::client::reach;
use crate::BoxFuture;
use crate::call::{Backend, CallError, ClientHooks, Success};
use crate::cluster;
use crate::mcp::hooks::{client_can_elicit, client_has_apps};
use crate::mcp::resources::Reader;
use crate::mcp::{result, tasks};
use crate::policy::gate::{Confirmer, ConsentKind};
use crate::pve::task::ProgressSink;
use crate::tools::discovery;
use crate::tools::registry;

impl PveServer {
    /// Calls the Proxmox VE tool `name` with `tool_args` (`request` and `args` as the client sent
    /// them; `approved` when a person approved it in the MCP Apps view).
    pub(super) async fn call_pve(
        &self,
        request: &CallToolRequestParams,
        args: &Map<String, Value>,
        name: String,
        mut tool_args: Map<String, Value>,
        approved: bool,
        context: &RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let reach = reach(context);
        let by_app = self.shared.options.confirm_by_person && client_has_apps(context);
        let caller = self.caller_of(context);
        let pre_confirmed = match self.state.pending.confirmed_retry(request, args, &caller.key) {
            _ if approved => Some(ConsentKind::App),
            Some(Ok(())) => Some(ConsentKind::Elicitation),
            Some(Err(why)) => {
                return Ok(result::error(format!("{name}: {why}; nothing was sent to PVE")).into());
            }
            None => None,
        };
        let io = ClientHooks {
            progress: reach.progress.as_ref().map(|p| p as &dyn ProgressSink),
            confirmer: reach.elicitation.as_ref().map(|e| e as &dyn Confirmer),
            pre_confirmed,
            can_ask_later: (reach.modern && client_can_elicit(context)) || by_app,
            cancel: context.ct.clone(),
            run: None,
        };
        // A client with the tasks extension gets a long PVE task as an MCP task it can poll and
        // cancel, unless it asked for the UPID only (`wait: false`).
        let as_mcp_task = context.client_capabilities().is_some_and(|c| c.supports_tasks())
            && registry::find(&name).is_some_and(|d| d.task)
            && tool_args.get("wait").and_then(crate::tools::arguments::as_boolean) != Some(false);
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
                return Ok(tasks::follow(&self.shared.options.sealer, backend, &name, upid, &caller.key));
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
            Err(CallError::NeedsConfirmation { prompt, .. }) if reach.modern && client_can_elicit(context) => {
                return self.state.pending.ask(&request.name, args, &caller.key, prompt);
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
