//! What the login may do: `pve_whoami` (the identity pve-mcp logs in as, the tier, categories and
//! allowlists in force, and each cluster's effective permissions summarised by path: PVE's, or a
//! Backup Server's own, read with the same `GET /access/permissions`), the set of tools
//! the login can never pass, which `PVE_HIDE_UNPERMITTED` leaves out of listings and search, and
//! the note on an empty listing that the login's privileges may explain ([`unseen`]).
//!
//! PVE's permissions are read once (`GET /access/permissions`, within a short deadline) and kept
//! for a minute; a slow or failing PVE hides nothing and blocks nothing.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::call::Backend;
use crate::policy::Policy;
use crate::policy::permissions::{self, Privileges};
use crate::policy::unseen;
use crate::pve::product::Product;
use crate::pve::request::{HttpMethod, PveRequest};

pub const NAME: &str = "pve_whoami";

/// How long a read of the permissions stays in use.
const FRESH: Duration = Duration::from_secs(60);
/// How long a listing waits for PVE's answer.
pub const DEADLINE: Duration = Duration::from_secs(2);

/// One backend's privileges as read at an instant, or why they could not be read.
type Login = (usize, Instant, Result<Arc<Privileges>, String>);

/// The login's privileges, per backend, as last read.
#[derive(Default)]
pub struct Logins(Mutex<Vec<Login>>);

impl Logins {
    /// The privileges of a backend's login (read from PVE when not fresh), or why not.
    pub async fn privileges(&self, backend: &Backend) -> Result<Arc<Privileges>, String> {
        let key = backend as *const Backend as usize;
        if let Some((_, _, r)) =
            self.0.lock().unwrap_or_else(|p| p.into_inner()).iter().find(|(k, at, _)| *k == key && at.elapsed() < FRESH)
        {
            return r.clone();
        }
        let request = PveRequest::new(HttpMethod::Get, "/access/permissions".into());
        let read = backend.client.send(&request);
        let result = match tokio::time::timeout(DEADLINE, read).await {
            Ok(Ok(data)) => Ok(Arc::new(Privileges::from_pve(&data))),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => {
                Err(format!("{} did not answer within {} s", backend.client.product().short(), DEADLINE.as_secs()))
            }
        };
        let mut cached = self.0.lock().unwrap_or_else(|p| p.into_inner());
        cached.retain(|(k, _, _)| *k != key);
        cached.push((key, Instant::now(), result.clone()));
        result
    }

    /// Forgets what was read (the next use reads again), e.g. on a change of the tool list.
    pub fn forget(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// The tools of `policy` that no backend's login can pass (a backend whose permissions could not
/// be read hides nothing).
pub async fn unpermitted(policy: &Policy, backends: &[Arc<Backend>], logins: &Logins) -> BTreeSet<&'static str> {
    let mut hidden: Option<BTreeSet<&'static str>> = None;
    for b in backends {
        let Ok(privs) = logins.privileges(b).await else { return BTreeSet::new() };
        let identity = b.client.identity();
        let here: BTreeSet<&'static str> = policy
            .visible_tools()
            .filter(|t| !permissions::may_pass(t.permissions, identity, &privs))
            .map(|t| t.name)
            .collect();
        hidden = Some(match hidden {
            None => here,
            Some(h) => h.intersection(&here).copied().collect(),
        });
    }
    hidden.unwrap_or_default()
}

/// Why this answer of a listing may lack rows, from the login's privileges (read only when the
/// answer lacks rows PVE filters by privilege; unreadable privileges give no note).
pub async fn unseen(
    endpoint: &str,
    args: &serde_json::Map<String, Value>,
    data: &Value,
    backend: &Backend,
    logins: &Logins,
) -> Option<String> {
    if !unseen::may_be_hiding(endpoint, args, data) {
        return None;
    }
    let privileges = logins.privileges(backend).await.ok()?;
    unseen::explain(endpoint, args, data, backend.client.identity(), &privileges)
}

/// `pve_whoami`'s answer for one backend.
pub async fn report(policy: &Policy, backend: &Backend, logins: &Logins, hide: bool) -> Value {
    let categories: Vec<&str> = policy.categories.iter().map(|c| c.as_str()).collect();
    let (permissions, note) = match logins.privileges(backend).await {
        Ok(p) => {
            let by_path: serde_json::Map<String, Value> =
                p.by_path.iter().map(|(path, privs)| (path.clone(), json!(privs))).collect();
            let blocked = policy
                .visible_tools()
                .filter(|t| !permissions::may_pass(t.permissions, backend.client.identity(), &p))
                .count();
            let mut note = json!({"tools_the_login_cannot_pass": blocked});
            if p.by_path.values().all(|privs| privs.is_empty()) {
                note["no_privileges"] = json!(no_privileges(backend.client.product(), backend.client.identity()));
            }
            (Value::Object(by_path), note)
        }
        Err(e) => (Value::Null, json!({"permissions_unreadable": e})),
    };
    let mut out = json!({
        "product": backend.client.product().id(),
        "identity": backend.client.identity(),
        "login": if backend.client.uses_token() { "api-token" } else { "user-ticket" },
        "tier": policy.tier.as_str(),
        "categories": categories,
        "allowlists": backend.allowlist.describe(),
        "permissions": permissions,
        "hide_unpermitted": hide,
    });
    if let (Some(o), Some(n)) = (out.as_object_mut(), note.as_object()) {
        o.extend(n.clone());
    }
    if let Some(c) = &backend.cluster {
        out["cluster"] = json!(c);
    }
    out
}

/// What a login that holds no privileges is told, in its product's terms.
fn no_privileges(product: Product, identity: &str) -> String {
    let give = match product {
        Product::Pve => "Give it a role on a path (for reading, the README's MCPReadOnly or PVEAuditor on /)",
        Product::Pbs => {
            "Give it a role on a path in the Backup Server (for reading, Audit on / or DatastoreReader on /datastore)"
        }
        Product::Pdm => {
            "Give it a role on a path in the Datacenter Manager (for reading, Auditor on / or on /resource)"
        }
    };
    format!(
        "{identity} holds no privileges in {}: every listing comes back empty and every other call is refused. \
         {give}; an API token with privilege separation needs ACL entries of its own (see the README's token recipes).",
        product.short()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_server_login_without_privileges_is_told_so_in_the_backup_servers_terms() {
        let text = no_privileges(Product::Pbs, "mcp@pbs!t");
        assert!(text.starts_with("mcp@pbs!t holds no privileges in PBS:"), "{text}");
        assert!(text.contains("DatastoreReader") && !text.contains("PVEAuditor"), "{text}");
    }

    #[test]
    fn a_pve_login_without_privileges_is_told_as_before() {
        let text = no_privileges(Product::Pve, "mcp@pve!t");
        assert!(text.starts_with("mcp@pve!t holds no privileges in PVE:") && text.contains("PVEAuditor"), "{text}");
    }
}
