//! `tools/call`: which tool answers. The server's own tools are answered here: `pve_whoami`,
//! `pve_toolsets` (the session's categories), `pve_run` (a program, every call of which takes the
//! one call path) and the discovery tools `pve_search` and `pve_describe`. `pve_call` is unwrapped to
//! the tool it names and `pve_approve` to the call a person approved in the MCP Apps view; every
//! Proxmox VE tool call then goes on to [`super::tool_call`].

use std::collections::BTreeSet;

use rmcp::model::{CallToolRequestParams, CallToolResponse, CallToolResult};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::{Map, Value, json};

use super::client::reach;
use super::{PveServer, Session};
use crate::call::cluster;
use crate::mcp::apps;
use crate::mcp::discovery_tools;
use crate::mcp::hooks::APPROVE_TOOL;
use crate::mcp::result;
use crate::mcp::whoami;
use crate::policy::gate::Confirmer;
use crate::pve::task::ProgressSink;
use crate::tools::discovery;
use crate::tools::generated::Category;
use crate::tools::params::{self, Call, Toolsets};
use crate::tools::registry::ToolDef;

impl PveServer {
    /// Answers a `tools/call`: one of the server's own tools, or a Proxmox VE tool call.
    pub(super) async fn dispatch(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
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
                    &self.above_tier(),
                    &self.shared.clusters,
                    self.shared.options.result_limit,
                    self.session().listing.contains(crate::run::RUN),
                )
                .into());
            }
            discovery::DESCRIBE => {
                return Ok(discovery_tools::describe(
                    &args,
                    &self.check(),
                    &self.shared.clusters,
                    &self.shared.options.cluster_names,
                    self.shared.options.result_limit,
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
            discovery::CALL => match pve_call_target(&args) {
                Ok(target) => target,
                Err(message) => return Ok(result::error(message).into()),
            },
            other => (other.to_owned(), args.clone()),
        };
        self.call_pve(&request, &args, name, tool_args, approved, &context).await
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

    /// `pve_toolsets`: changes the session's categories within the server's, and tells the client.
    async fn toolsets(&self, args: &Map<String, Value>, context: &RequestContext<RoleServer>) -> CallToolResult {
        let Toolsets { enable, disable } = match params::read(args) {
            Ok(t) => t,
            Err(e) => return result::error(format!("pve_toolsets: {e}")),
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
            let policy = session.policy.toggled(&enable, &disable);
            *session = Session::new(policy, &self.shared.options, self.shared.clusters.listed());
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

    /// `pve_run`: a program whose every call takes the one call path, with this client's hooks.
    async fn run(&self, args: &Map<String, Value>, context: &RequestContext<RoleServer>) -> CallToolResult {
        let request = match params::read::<crate::run::Request>(args) {
            Ok(r) => r,
            Err(e) => return result::error(format!("pve_run: {e}")),
        };
        let reach = reach(context);
        let policy = self.session().policy.clone();
        let env = crate::run::Env {
            clusters: &self.shared.clusters,
            policy: &policy,
            progress: reach.progress.as_ref().map(|p| p as &dyn ProgressSink),
            confirmer: reach.elicitation.as_ref().map(|e| e as &dyn Confirmer),
            cancel: context.ct.clone(),
            limits: crate::run::engine::Limits::with_wall(self.shared.options.run_timeout),
            state_key: self.shared.options.sealer.state_key(),
            nonces: &*self.shared.options.sealer,
            // Plan ids are bound to the caller's exact key; audit lines name the person, else the
            // route (as without a person). Only the local caller has neither: its plans bind to "".
            person: {
                let caller = self.caller_of(context);
                let who = caller.audit.or_else(|| self.shared.clusters.first().caller.clone());
                who.map(|who| (caller.key, who))
            },
        };
        match crate::run::run(request, env).await {
            Ok(report) => result::bounded(report.to_json(), None, self.shared.options.result_limit),
            Err(e) => result::error(format!("pve_run: {e}")),
        }
    }
}

/// The tool `pve_call` names and its arguments (`cluster` may also be named next to `name`), or the
/// error saying why they cannot be read.
fn pve_call_target(args: &Map<String, Value>) -> Result<(String, Map<String, Value>), String> {
    let Call { name, arguments: mut inner, cluster } = params::read(args).map_err(|e| format!("pve_call: {e}"))?;
    if let Some(c) = cluster.filter(|_| !inner.contains_key(cluster::ARG)) {
        inner.insert(cluster::ARG.into(), c);
    }
    Ok((name, inner))
}
