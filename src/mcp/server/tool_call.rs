//! A Proxmox VE tool call from the client: what the client can do for it (progress, a person's
//! answer by elicitation, input-required or the MCP Apps view), the cluster it runs on and the
//! caller the audit log names, the one call path ([`crate::call::prepare`]), and the answer: a
//! shaped result, an MCP task following a long PVE task, or a question for a person. Resources are
//! read through the same path ([`Reader`]).

use rmcp::model::{CallToolRequestParams, CallToolResponse};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::{Map, Value};

use super::PveServer;
use super::client::reach;
use crate::BoxFuture;
use crate::call::{self, CallError, Caller, ClientHooks, Outcome};
use crate::mcp::hooks::{client_can_elicit, client_has_apps};
use crate::mcp::resources::Reader;
use crate::mcp::{result, tasks, whoami};
use crate::policy::gate::{Confirmer, ConsentKind};
use crate::pve::task::ProgressSink;
use crate::tools::discovery;

impl PveServer {
    /// Calls the Proxmox VE tool `name` with `tool_args` (`request` and `args` as the client sent
    /// them; `approved` when a person approved it in the MCP Apps view).
    pub(super) async fn call_pve(
        &self,
        request: &CallToolRequestParams,
        args: &Map<String, Value>,
        name: String,
        tool_args: Map<String, Value>,
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
                let product = crate::call::error::sent_to(&name);
                return Ok(result::error(format!("{name}: {why}; nothing was sent to {product}")).into());
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
        let policy = self.session().policy.clone();
        let caller_of = Caller { person: caller.audit.as_deref(), ..Caller::new(&policy) };
        let prepared = match call::prepare(&self.shared.clusters, caller_of, &name, tool_args.clone()) {
            Ok(p) => p,
            Err(e) => {
                // The cluster it would have run on, named in the error as after a refusal later on.
                let on = self.shared.clusters.choose(&mut tool_args.clone()).ok().and_then(|b| b.cluster.clone());
                return self.answer_error(request, args, &name, on.as_deref(), &caller.key, e, &tool_args, context);
            }
        };
        let (tool, backend) = (prepared.tool, prepared.backend.clone());
        // A client with the tasks extension gets a long PVE task as an MCP task it can poll and
        // cancel, unless it asked for the UPID only (`wait: false`).
        let as_mcp_task = context.client_capabilities().is_some_and(|c| c.supports_tasks())
            && tool.task
            && tool_args.get("wait").and_then(crate::tools::arguments::as_boolean) != Some(false);
        let asked_args = tool_args;
        let prepared = if as_mcp_task { prepared.with_argument("wait", Value::Bool(false)) } else { prepared };
        match prepared.run(io).await {
            Ok(Outcome::Started(upid)) if as_mcp_task => {
                Ok(tasks::follow(&self.shared.options.sealer, backend, tool.name, upid, &caller.key))
            }
            Ok(outcome) => {
                // An empty listing PVE may have filtered for want of a privilege says so.
                let unseen = match &outcome {
                    Outcome::Data(data) if tool.method == crate::pve::request::HttpMethod::Get => {
                        let logins = &self.shared.surface.logins;
                        whoami::unseen(tool.path, &asked_args, data, &backend, logins).await
                    }
                    _ => None,
                };
                let shaped = result::success(outcome, Some(tool), self.shared.options.result_limit);
                let shaped = match unseen {
                    Some(notice) => result::with_unseen(shaped, notice),
                    None => shaped,
                };
                Ok(result::on_cluster(shaped, backend.cluster.as_deref()).into())
            }
            Err(e) => self.answer_error(
                request,
                args,
                &name,
                backend.cluster.as_deref(),
                &caller.key,
                e,
                &asked_args,
                context,
            ),
        }
    }

    /// The answer to a call that did not succeed: a question for a person where the client can
    /// ask one, else one readable error.
    #[allow(clippy::too_many_arguments)]
    fn answer_error(
        &self,
        request: &CallToolRequestParams,
        args: &Map<String, Value>,
        name: &str,
        cluster: Option<&str>,
        caller: &str,
        error: CallError,
        asked_args: &Map<String, Value>,
        context: &RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let reach_modern = reach(context).modern;
        let by_app = self.shared.options.confirm_by_person && client_has_apps(context);
        let on = cluster.map(|c| format!(" (cluster `{c}`)")).unwrap_or_default();
        Ok(match error {
            CallError::UnknownTool(unknown) if request.name == discovery::CALL => {
                result::error(format!("pve_call: unknown tool `{unknown}`; find tools with pve_search"))
            }
            CallError::UnknownTool(unknown) => {
                return Err(McpError::invalid_params(
                    format!("unknown tool `{unknown}`; see tools/list or pve_search"),
                    None,
                ));
            }
            CallError::NeedsConfirmation { prompt, .. } if reach_modern && client_can_elicit(context) => {
                return self.state.pending.ask(&request.name, args, caller, prompt);
            }
            CallError::NeedsConfirmation { prompt, .. } if by_app => {
                self.state.approvals.offer(name, asked_args.clone(), prompt)
            }
            CallError::Cancelled => return Err(McpError::internal_error("cancelled by the client", None)),
            e => {
                tracing::info!(tool = %name, error = %e, "call failed");
                result::error(format!("{name}{on}: {e}"))
            }
        }
        .into())
    }
}

impl Reader for PveServer {
    fn read<'a>(&'a self, tool: &'a str, args: Map<String, Value>) -> BoxFuture<'a, Result<Value, String>> {
        Box::pin(async move {
            let policy = self.session().policy.clone();
            let prepared = call::prepare(&self.shared.clusters, Caller::new(&policy), tool, args)
                .map_err(|e| format!("{tool}: {e}"))?;
            match prepared.run(ClientHooks::default()).await {
                Ok(o @ (Outcome::Data(_) | Outcome::Shaped(_))) => Ok(o.into_data()),
                Ok(_) => Err(format!("{tool}: unexpected task answer")),
                Err(e) => Err(format!("{tool}: {e}")),
            }
        })
    }

    fn admits(&self, tool: &str, args: Map<String, Value>) -> Result<(), String> {
        let policy = self.session().policy.clone();
        call::prepare(&self.shared.clusters, Caller::new(&policy), tool, args)
            .map(drop)
            .map_err(|e| format!("{tool}: {e}"))
    }

    fn allows(&self, tool: &str, args: Map<String, Value>) -> Result<(), String> {
        let policy = self.session().policy.clone();
        let prepared = call::prepare_unaudited(&self.shared.clusters, Caller::new(&policy), tool, args)
            .map_err(|e| format!("{tool}: {e}"))?;
        prepared.would_pass().map_err(|e| format!("{tool}: {e}"))
    }

    fn access(&self) -> String {
        let p = &self.session().policy;
        format!("{}/{:?}", p.tier.as_str(), p.categories)
    }
}
