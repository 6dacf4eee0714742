//! Learning a cluster's release on a call: the background `/version` read that
//! [`crate::pve::release::ReleaseState`] records, started from the call path (above the wire).

use crate::pve::release::running_of;
use crate::pve::request::{HttpMethod, PveRequest};
use crate::pve::wire::Pve;

/// Starts a background read of the cluster's `/version` when one is due (never blocks, never fails
/// a call). `cluster` names it in the log when several are configured; `serving` says which
/// schema a release is served as, for the log line.
pub fn learn(client: &Pve, cluster: Option<&str>, serving: fn(&str) -> String) {
    if !client.release().take_read() {
        return;
    }
    let client = client.clone();
    let label = cluster.map(|c| format!("cluster `{c}`: ")).unwrap_or_default();
    client.release().read_started();
    tokio::spawn(async move {
        match client.send(&PveRequest::new(HttpMethod::Get, "/version".into())).await {
            Ok(data) => match running_of(&data) {
                Some(version) => {
                    if client.release().learned(&version) {
                        tracing::info!("{label}runs Proxmox VE {version}: {}", serving(&version));
                    }
                }
                None => tracing::debug!("{label}`/version` names no release"),
            },
            Err(e) => {
                client.release().doubt();
                tracing::debug!(error = %e, "{label}could not read the cluster's version");
            }
        }
        client.release().read_done();
    });
}
