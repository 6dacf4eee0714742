//! Who calls and what their client can do: the caller's exact identity key (the route's name and
//! an OAuth token's issuer and subject as given, [`crate::mcp::identity`]), bound into confirmation
//! states, task ids and plan ids, and its display form named in the audit log; the task a task id
//! names; and how a call may reach back to the client (progress notifications, a person's answer
//! by elicitation).

use std::sync::Arc;

use rmcp::model::ProtocolVersion;
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};

use super::PveServer;
use crate::call::cluster;
use crate::call::{self, Backend, CallError, Caller};
use crate::mcp::hooks::{Elicitation, Progress, client_can_elicit};
use crate::mcp::identity;
use crate::mcp::oauth::Identity;
use crate::mcp::tasks;
use crate::policy::inert;

/// Who calls, for the state handed to the client and for the audit log.
pub(super) struct CallerOf {
    /// Bound into confirmation states, task ids and plan ids: the exact key of the route's name and
    /// the token's issuer and subject as given (never a display form).
    pub(super) key: String,
    /// The audit log's caller, when the request's token names a subject (OAuth): display only.
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

/// The caller of a request on `route` with this OAuth identity: an exact key per kind of identity
/// (a person of an OAuth mapping, a token file's caller, the local or open caller).
fn caller(route: Option<&str>, identity: Option<&Identity>) -> CallerOf {
    match (identity, route) {
        (Some(id), route) => {
            let route = route.unwrap_or("-");
            CallerOf {
                key: identity::key(identity::OAUTH, &[route, &id.issuer, &id.subject]),
                audit: Some(format!("{} via {}", id.display, inert::inert(route))),
            }
        }
        (None, Some(name)) => CallerOf { key: identity::key(identity::TOKEN, &[name]), audit: None },
        (None, None) => CallerOf { key: identity::key(identity::STDIO, &[]), audit: None },
    }
}

impl PveServer {
    /// Who sends this request: the caller's route (a token file's name, an `[[oauth.map]]` entry's,
    /// or none on stdio and open HTTP), and the OAuth token's issuer and subject if it has them.
    pub(super) fn caller_of(&self, context: &RequestContext<RoleServer>) -> CallerOf {
        let route = self.shared.clusters.iter().next().and_then(|b| b.caller.clone());
        let identity = context.extensions.get::<http::request::Parts>().and_then(|p| p.extensions.get::<Identity>());
        caller(route.as_deref(), identity)
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
                CallError::Cluster(..) => {
                    McpError::invalid_params("unknown task: it runs on a cluster this caller may not call", None)
                }
                e => McpError::invalid_params(format!("task refused: {e}"), None),
            })?;
        Ok((handle, backend))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(sub: &str) -> Identity {
        let claims = serde_json::json!({"iss": "https://idp", "sub": sub});
        crate::mcp::oauth::identity(claims.as_object().unwrap())
    }

    #[test]
    fn people_whose_subjects_share_128_characters_are_different_callers() {
        let prefix = "x".repeat(128);
        let (a, b) = (person(&format!("{prefix}-a")), person(&format!("{prefix}-b")));
        assert_ne!(caller(Some("ops"), Some(&a)).key, caller(Some("ops"), Some(&b)).key);
    }

    #[test]
    fn people_whose_subjects_differ_by_a_control_character_are_different_callers() {
        let (a, b) = (person("alice"), person("alice\n"));
        assert_ne!(caller(Some("ops"), Some(&a)).key, caller(Some("ops"), Some(&b)).key);
    }

    #[test]
    fn a_token_caller_is_never_an_oauth_person_nor_the_local_caller() {
        let named = caller(Some("ops|u-1"), None).key;
        assert_ne!(named, caller(Some("ops"), Some(&person("u-1"))).key);
        assert_ne!(caller(Some("-"), None).key, caller(None, None).key);
    }

    #[test]
    fn the_audit_caller_is_the_display_form() {
        let c = caller(Some("ops"), Some(&person("u-1")));
        assert_eq!(c.audit.as_deref(), Some("u-1 via ops"));
        assert!(c.key.starts_with("oauth:"));
    }
}
