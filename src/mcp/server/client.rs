//! Who calls and what their client can do: the caller's identity (the route's name and an OAuth
//! token's subject), bound into confirmation states and task ids and named in the audit log; the
//! task a task id names; and how a call may reach back to the client (progress notifications, a
//! person's answer by elicitation).

use std::sync::Arc;

use rmcp::model::ProtocolVersion;
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};

use super::PveServer;
use crate::call::cluster;
use crate::call::{self, Backend, CallError, Caller};
use crate::mcp::hooks::{Elicitation, Progress, client_can_elicit};
use crate::mcp::oauth::Identity;
use crate::mcp::tasks;

/// Who calls, for the state handed to the client and for the audit log.
pub(super) struct CallerOf {
    /// Bound into confirmation states and task ids: the route's name and the token's subject.
    pub(super) key: String,
    /// The audit log's caller, when the request's token names a subject (OAuth).
    pub(super) audit: Option<String>,
}

/// How a call of this request may reach back to its client.
pub(super) struct Reach {
    /// Progress notifications, when the client sent a progress token.
    pub(super) progress: Option<Progress>,
    /// Asking a person during the call, for a client that can elicit on a protocol before 2026-07-28.
    pub(super) elicitation: Option<Elicitation>,
    /// The protocol is 2026-07-28 or later: a person is asked after the call (input-required).
    pub(super) modern: bool,
}

/// What this request's client can do for a call.
pub(super) fn reach(context: &RequestContext<RoleServer>) -> Reach {
    let progress = context.meta.get_progress_token().map(|token| Progress { peer: context.peer.clone(), token });
    let modern = context.protocol_version().is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
    let elicitation = (!modern && client_can_elicit(context)).then(|| Elicitation { peer: context.peer.clone() });
    Reach { progress, elicitation, modern }
}

impl PveServer {
    /// Who sends this request: the caller's route, and the OAuth token's subject if it has one.
    pub(super) fn caller_of(&self, context: &RequestContext<RoleServer>) -> CallerOf {
        let route = self.shared.clusters.iter().next().and_then(|b| b.caller.clone()).unwrap_or_else(|| "-".into());
        let identity = context.extensions.get::<http::request::Parts>().and_then(|p| p.extensions.get::<Identity>());
        match identity {
            Some(id) => {
                CallerOf { key: format!("{route}|{}", id.subject), audit: Some(format!("{} via {route}", id.subject)) }
            }
            None => CallerOf { key: route, audit: None },
        }
    }

    /// The task of a task id this caller holds, and the backend of its cluster (with the caller's
    /// audit name), judged by the caller's access now: the tool that started it must still be
    /// allowed, and the node and guest its UPID names must pass the allowlists in force
    /// ([`crate::call::Prepared::follow`]).
    pub(super) fn task_of(
        &self,
        id: &str,
        context: &RequestContext<RoleServer>,
    ) -> Result<(tasks::Handle, Arc<Backend>), McpError> {
        let caller = self.caller_of(context);
        let handle = tasks::open(&self.shared.options.sealer, id, &caller.key)?;
        let mut args = serde_json::Map::new();
        if let Some(c) = &handle.cluster {
            args.insert(cluster::ARG.into(), serde_json::Value::String(c.clone()));
        }
        let policy = self.session().policy.clone();
        let who = Caller { person: caller.audit.as_deref(), ..Caller::new(&policy) };
        let backend = call::prepare(&self.shared.clusters, who, handle.tool(), args)
            .and_then(|p| p.follow(&handle.upid))
            .map_err(|e| match e {
                CallError::Cluster(_) => {
                    McpError::invalid_params("unknown task: it runs on a cluster this caller may not call", None)
                }
                e => McpError::invalid_params(format!("task refused: {e}"), None),
            })?;
        Ok((handle, backend))
    }
}
