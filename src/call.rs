//! Steps 5 and 6: a tool call's journey after the protocol layer: find the tool, apply the policy,
//! read and check the arguments into the typed request, send it to PVE, and give back PVE's data.
//! Nothing is sent unless every check before it passed.

use serde_json::{Map, Value};

use crate::arguments::{ArgErrors, Arguments};
use crate::policy::{Policy, Refusal};
use crate::pve_client::{PveClient, PveError};
use crate::registry::{self, ToolDef};

/// Why a call did not give PVE's data.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    #[error("{0}; nothing was sent to PVE")]
    Refused(#[from] Refusal),
    #[error("{0}; nothing was sent to PVE")]
    InvalidArguments(ArgErrors),
    #[error("{0}")]
    Pve(#[from] PveError),
}

/// Runs one tool call.
pub async fn call(policy: &Policy, client: &PveClient, name: &str, args: Map<String, Value>) -> Result<Value, CallError> {
    let tool: &ToolDef = registry::find(name).ok_or_else(|| CallError::UnknownTool(name.to_owned()))?;
    policy.check(tool)?;
    let request = (tool.build)(&mut Arguments::new(args)).map_err(CallError::InvalidArguments)?;
    tracing::info!(tool = tool.name, method = request.method.as_str(), path = %request.path, "calling PVE");
    Ok(client.send(&request).await?)
}
