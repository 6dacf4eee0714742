//! The one entrance of a call: which cluster it runs on, which tool it is (looked up once), whether
//! the cluster's PVE release has it and everything the call names, and whether the caller's access
//! allows it (checked once), into a [`Prepared`] call that every way in (`tools/call`, `pve_call`,
//! `pve_run`, resources, MCP task follow-ups) then runs.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::cluster::{ARG, Clusters};
use super::line::Line;
use super::{Backend, CallError, consent};
use crate::policy::Policy;
use crate::pve::product::Product;
use crate::pve::request::HttpMethod;
use crate::pve::task::Upid;
use crate::tools::registry::{self, ToolDef};
use crate::tools::releases::{self, Release};

/// The endpoint that reads a task's status: what a task id names.
const TASK_STATUS: &str = "/nodes/{node}/tasks/{upid}/status";

/// Who makes a call.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The session's policy (never wider than the clusters' ceiling).
    pub policy: &'a Policy,
    /// Whom the audit log names instead of the route's caller (an OAuth token's subject).
    pub person: Option<&'a str>,
    /// The `pve_run` program making the call, by its run id (named in audit lines).
    pub run: Option<&'a str>,
    /// The plan id an approved `pve_run` program runs under (named in audit lines).
    pub plan: Option<&'a str>,
}

impl<'a> Caller<'a> {
    /// A caller with this session policy, named in the audit log by its route.
    pub fn new(policy: &'a Policy) -> Caller<'a> {
        Caller { policy, person: None, run: None, plan: None }
    }
}

/// A call ready to run: its tool, the cluster it runs on (with the caller the audit log names), the
/// access it runs under and its arguments (without `cluster`). Made only by [`prepare`].
#[derive(Debug)]
pub struct Prepared {
    pub tool: &'static ToolDef,
    pub backend: Arc<Backend>,
    /// The caller's access on this cluster: the session's within the cluster's.
    pub(super) policy: Policy,
    pub(super) args: Map<String, Value>,
    /// The values of secret arguments, scrubbed from any text the call gives back.
    pub(super) secrets: Vec<String>,
    pub(super) run: Option<String>,
    pub(super) plan: Option<String>,
}

impl Prepared {
    /// For an MCP task follow-up (`tasks/get`, `tasks/cancel`) of a task this tool started: the
    /// task id is authority only for the task it names, so the allowlists in force now must allow
    /// the node and guest its UPID names, as they would for a fresh call. Nothing is sent here.
    pub fn follow(self, upid: &Upid) -> Result<Arc<Backend>, CallError> {
        let status = registry::route(HttpMethod::Get, TASK_STATUS).ok_or(CallError::UnknownTool(TASK_STATUS.into()))?;
        let args: Map<String, Value> = [
            ("node".to_owned(), Value::String(upid.node.clone())),
            ("upid".to_owned(), Value::String(upid.text.clone())),
        ]
        .into_iter()
        .collect();
        let request = (status.build)(&mut crate::tools::arguments::Arguments::new(args.clone()))
            .map_err(|e| CallError::InvalidArguments(e, registry::product_of(status)))?;
        if let Err(e) = self.backend.allowlist.check(status, &args, &request) {
            let e = CallError::NotAllowed(e);
            Line::new(&self.backend, self.tool, &self.args, self.run.as_deref(), &self.secrets)
                .in_plan(self.plan.as_deref())
                .refused(&e);
            return Err(e);
        }
        Ok(self.backend)
    }

    /// The same call with one argument set (a client following the task itself asks for the UPID
    /// only: `wait: false`).
    pub fn with_argument(mut self, name: &str, value: Value) -> Prepared {
        self.args.insert(name.to_owned(), value);
        self
    }
}

/// Chooses the cluster (the `cluster` argument), looks the tool up and checks the caller's access to
/// it, once. A refusal here is audited, reads included; nothing is sent.
pub fn prepare(
    clusters: &Clusters,
    caller: Caller<'_>,
    name: &str,
    args: Map<String, Value>,
) -> Result<Prepared, CallError> {
    prepare_with(clusters, caller, name, args, true)
}

/// [`prepare`] for a call that is only asked about, never made (whether completion may offer a
/// value): the same checks, and no audit line for a refusal, since no call was refused.
pub fn prepare_unaudited(
    clusters: &Clusters,
    caller: Caller<'_>,
    name: &str,
    args: Map<String, Value>,
) -> Result<Prepared, CallError> {
    prepare_with(clusters, caller, name, args, false)
}

fn prepare_with(
    clusters: &Clusters,
    caller: Caller<'_>,
    name: &str,
    mut args: Map<String, Value>,
    audited: bool,
) -> Result<Prepared, CallError> {
    let given = args.get(ARG).cloned();
    let backend = match clusters.choose_for(&mut args, name) {
        Ok(b) => b,
        Err(e) => {
            let e = CallError::Cluster(e.0, e.1);
            let mut original = args;
            if let Some(v) = given {
                original.insert(ARG.into(), v);
            }
            if audited {
                let first = with_person(clusters.first().clone(), caller.person);
                Line::unknown(&first, name, &original, caller.run).in_plan(caller.plan).refused(&e);
            }
            return Err(e);
        }
    };
    let backend = with_person(backend, caller.person);
    let product = backend.client.product();
    // The release is PVE's; the other products' releases are not tracked yet.
    if product == Product::Pve {
        super::release::learn(&backend.client, backend.cluster.as_deref(), releases::served_as);
    }
    // A cluster runs its own product's tools only: another product's tool is refused naming the
    // clusters that run it; a name no product has is unknown.
    let Some(tool) = registry::find_for(product, name) else {
        let served = |t: &ToolDef| clusters.iter().any(|b| b.client.product() == registry::product_of(t));
        if let Some(other) = registry::find_any(name).filter(|t| served(t)) {
            let e = CallError::Cluster(wrong_product(clusters, other, product, backend.cluster.as_deref()), product);
            if audited {
                Line::unknown(&backend, name, &args, caller.run).in_plan(caller.plan).refused(&e);
            }
            return Err(e);
        }
        if audited {
            Line::unknown(&backend, name, &args, caller.run).in_plan(caller.plan).write_unknown();
        }
        return Err(CallError::UnknownTool(name.to_owned()));
    };
    let secrets = super::audit::secret_values(tool.secret_arguments, &args);
    if let Err(e) = in_release(&backend, tool, &args) {
        if audited {
            Line::new(&backend, tool, &args, caller.run, &secrets).in_plan(caller.plan).refused(&e);
        }
        return Err(super::error::scrubbed(e, &secrets));
    }
    let policy = caller.policy.within(&backend.policy);
    let refusal = match policy.check(tool) {
        Err(refusal) => Some(CallError::Refused(refusal)),
        Ok(()) if tool.path == consent::EXECUTE_PATH && !backend.consent.allow_execute => {
            Some(CallError::ExecuteDisabled)
        }
        Ok(()) => None,
    };
    if let Some(e) = refusal {
        if audited {
            Line::new(&backend, tool, &args, caller.run, &secrets).in_plan(caller.plan).refused(&e);
        }
        return Err(super::error::scrubbed(e, &secrets));
    }
    let (run, plan) = (caller.run.map(str::to_owned), caller.plan.map(str::to_owned));
    Ok(Prepared { tool, backend, policy, args, secrets, run, plan })
}

/// Whether the cluster's release has the tool and every parameter, property-string key and enum
/// value the call names.
/// A refusal makes the server doubt what it knows (the cluster may have been upgraded): its
/// release is read again before the next call.
fn in_release(backend: &Backend, tool: &ToolDef, args: &Map<String, Value>) -> Result<(), CallError> {
    let running = backend.client.release().running();
    let release = running.as_ref().and_then(|r| Release::serving(&r.version)).unwrap_or_else(Release::primary);
    let Err(lacks) = releases::check(tool, args, release) else { return Ok(()) };
    if running.as_ref().is_some_and(|r| !r.pinned) {
        backend.client.release().doubt();
    }
    let cluster = backend.cluster.as_deref().map(|c| format!("cluster `{c}`")).unwrap_or_else(|| "the cluster".into());
    let runs = match &running {
        Some(r) if Release::serving(&r.version).is_some_and(|s| s.label() == r.version) => {
            format!("{cluster} runs {}", r.version)
        }
        Some(r) => format!("{cluster} runs {} (served as PVE {})", r.version, release.label()),
        None => format!("{cluster}'s release is not known yet (served as PVE {}, the newest)", release.label()),
    };
    Err(CallError::NotInRelease(format!("{} {}; {runs}", lacks.what, lacks.needs())))
}

/// The backend with `person` as the caller its audit lines name.
fn with_person(backend: Arc<Backend>, person: Option<&str>) -> Arc<Backend> {
    match person {
        Some(who) => Arc::new(Backend { caller: Some(who.to_owned()), ..(*backend).clone() }),
        None => backend,
    }
}

/// Why `tool`, another product's, is not run on this cluster, and on which clusters it runs.
fn wrong_product(clusters: &Clusters, tool: &ToolDef, product: Product, cluster: Option<&str>) -> String {
    let of = registry::product_of(tool);
    let on = clusters.iter().filter(|b| b.client.product() == of).filter_map(|b| b.cluster.as_deref());
    let on: Vec<String> = on.map(|c| format!("`{c}`")).collect();
    format!(
        "`{}` is a {} tool, and cluster `{}` is a {}: call it with `cluster` {}",
        tool.name,
        of.short(),
        cluster.unwrap_or(product.id()),
        product.short(),
        on.join(" or ")
    )
}
