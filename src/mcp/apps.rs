//! The MCP Apps confirmation view (`PVE_CONFIRM=human`): gated tools point to a `ui://` view
//! (`_meta.ui.resourceUri`); a host that shows views renders it with the gated call's prompt and
//! the live target, and the person's Approve or Deny comes back through `pve_approve`, a tool only
//! the view may call (`_meta.ui.visibility: ["app"]`), carrying the call's one-time approval id.

use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResult, ReadResourceResult, Resource, ResourceContents, Tool};
use serde_json::{Map, Value, json};

use super::hooks::{APP_MIME_TYPE, APPROVE_TOOL, AppApprovals, CONFIRM_VIEW_HTML, CONFIRM_VIEW_URI};
use super::result;
use crate::call::Backend;
use crate::tools::discovery;
use crate::tools::params::{self, Answer, Approve};
use crate::tools::registry;

fn ui_meta(visibility: Option<&[&str]>) -> Value {
    match visibility {
        Some(v) => json!({ "resourceUri": CONFIRM_VIEW_URI, "visibility": v }),
        None => json!({ "resourceUri": CONFIRM_VIEW_URI }),
    }
}

/// Adds the confirmation view to every gated tool (and `pve_call`, which may call one), and lists
/// `pve_approve` for the view.
pub(super) fn point_gated_tools_to_the_view(tools: &mut Vec<Tool>) {
    for t in tools.iter_mut() {
        let gated = registry::find_any(&t.name).is_some_and(|d| d.gate.is_some()) || t.name == discovery::CALL;
        if gated {
            t.meta.get_or_insert_with(Default::default).insert("ui".into(), ui_meta(None));
        }
    }
    tools.push(approve_tool());
}

/// `pve_approve`: the view's answer. Hosts offer it to the view only, never to the model.
pub(super) fn approve_tool() -> Tool {
    let schema = params::listed(<Approve as params::Params>::TOOL);
    let mut tool =
        Tool::new(APPROVE_TOOL, "The person's answer from the confirmation view (called by the view only).", schema);
    let mut meta = rmcp::model::MetaObject::new();
    meta.insert("ui".into(), ui_meta(Some(&["app"])));
    tool.meta = Some(meta);
    tool
}

/// The view as a listed resource.
pub(super) fn view_resource() -> Resource {
    let mut r = Resource::new(CONFIRM_VIEW_URI, "pve-mcp confirmation")
        .with_description("Shows a gated Proxmox VE call and its live target, with Approve and Deny.");
    r.mime_type = Some(APP_MIME_TYPE.into());
    r
}

/// The view's HTML, for `resources/read`.
pub(super) fn read_view(uri: &str) -> Result<ReadResourceResult, McpError> {
    if uri != CONFIRM_VIEW_URI {
        return Err(McpError::resource_not_found(format!("no resource `{uri}`"), None));
    }
    Ok(ReadResourceResult::new(vec![ResourceContents::TextResourceContents {
        uri: CONFIRM_VIEW_URI.into(),
        mime_type: Some(APP_MIME_TYPE.into()),
        text: CONFIRM_VIEW_HTML.into(),
        meta: None,
    }]))
}

/// The call an approval releases (the person approved), or the answer to give (denied, unknown,
/// used or expired id).
pub(super) fn answer(
    approvals: &AppApprovals,
    backend: &Backend,
    args: &Map<String, Value>,
) -> Result<(String, Map<String, Value>), Box<CallToolResult>> {
    let Approve { approval, answer } = params::read(args).unwrap_or_default();
    let Some((tool, arguments)) = approvals.take(&approval) else {
        return Err(Box::new(result::error(
            "pve_approve: this approval is unknown, already used or expired; nothing was sent to PVE",
        )));
    };
    if answer == Answer::Approve {
        return Ok((tool, arguments));
    }
    crate::call::line::Line::follow_up(backend, &tool).denied("the user denied it in the confirmation view");
    let product = crate::call::error::sent_to(&tool);
    Err(Box::new(result::error(format!("{tool}: the user denied it; nothing was sent to {product}"))))
}
