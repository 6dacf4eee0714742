//! On first use of each cluster, the server reads its `/version`; when its major.minor differs from the
//! release the tools were generated from, it logs one warning naming both and how to regenerate.

use serde_json::Value;

use crate::pve::request::HttpMethod;
use crate::pve::request::PveRequest;
use crate::pve::wire::Pve;

/// Checks the cluster's version against `schema` (the release the tools were generated from) once
/// per cluster (per client and its clones), in the background; never fails a call. `cluster` names
/// it in the warning when several are configured.
pub fn check_once(client: &Pve, schema: &'static str, cluster: Option<&str>) {
    if !client.first_release_check() {
        return;
    }
    let client = client.clone();
    let label = cluster.map(|c| format!("cluster `{c}`: ")).unwrap_or_default();
    tokio::spawn(async move {
        match client.send(&PveRequest::new(HttpMethod::Get, "/version".into())).await {
            Ok(data) => {
                if let Some(message) = mismatch(&data, schema) {
                    tracing::warn!("{label}{message}");
                }
            }
            Err(e) => tracing::debug!(error = %e, "{label}could not read the cluster's version"),
        }
    });
}

/// The warning, if the cluster's release differs from the schema's.
pub fn mismatch(version: &Value, schema: &str) -> Option<String> {
    let running =
        version.get("release").and_then(Value::as_str).or_else(|| version.get("version").and_then(Value::as_str))?;
    let schema_parts: Vec<&str> = schema.split('.').take(2).collect();
    if schema == "unknown" || schema_parts.is_empty() {
        return None;
    }
    let running_parts: Vec<&str> = running.split('.').take(schema_parts.len()).collect();
    (running_parts != schema_parts).then(|| {
        format!(
            "the cluster runs Proxmox VE {running}, but these tools were generated from the PVE {schema} schema: \
             endpoints may differ. Regenerate: `pve-codegen import https://<node>:8006` then rebuild (docs/REGENERATING.md)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_major_minor_is_quiet() {
        assert!(mismatch(&json!({"version": "9.2.3", "release": "9.2"}), "9.2").is_none());
    }

    #[test]
    fn another_release_is_named_with_both_versions() {
        let m = mismatch(&json!({"version": "8.4.1", "release": "8.4"}), "9.2").unwrap();
        assert!(m.contains("8.4") && m.contains("9.2") && m.contains("pve-codegen import"), "{m}");
    }

    #[test]
    fn a_major_only_schema_compares_majors() {
        assert!(mismatch(&json!({"version": "8.4.1"}), "8").is_none());
        assert!(mismatch(&json!({"version": "7.4.1"}), "8").is_some());
    }
}
