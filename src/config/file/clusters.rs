//! The `[[cluster]]` tables of the configuration file: each one Proxmox VE cluster (or, with
//! `product = "pbs"`, one Backup Server) with its own name, address, credentials, TLS trust and
//! access. Connections are checked as the environment's
//! are, access is capped by the server's, and every error names the cluster and the key.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::source::{CONNECTION_RENAMES, Source, continuation, in_file_words, key_of_variable, secret};
use super::{Field, FileError, FileSettings, MAX_CLUSTER_NAME};
use crate::config::{Cli, ClusterConfig, Config, parse_categories, pve};
use crate::policy::allowlist::{Allowlist, Setting as AllowlistSetting};
use crate::policy::{Policy, Source as PolicySource};
use crate::pve::connection::Connection;
use crate::pve::product::Product;
use crate::tools::registry::Tier;

/// One `[[cluster]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClusterTable {
    name: Spanned<String>,
    /// `pve` (the default) or `pbs`: which product answers at `base_url`.
    product: Field,
    base_url: Field,
    token_id: Field,
    token_secret: Field,
    token_secret_file: Field,
    token_secret_env: Field,
    user: Field,
    password: Field,
    password_file: Field,
    password_env: Field,
    ca_file: Field,
    #[serde(alias = "tls_fingerprint")]
    fingerprint: Field,
    #[serde(alias = "verify_ssl")]
    verify: Field,
    request_timeout: Field,
    release: Field,
    tier: Field,
    categories: Field,
    node_allowlist: Field,
    vmid_allowlist: Field,
    /// A Datacenter Manager's remotes (`product = "pdm"` only).
    remote_allowlist: Field,
    /// A Backup Server's datastore allowlist.
    datastores: Field,
    /// A Backup Server's namespace allowlist.
    namespaces: Field,
    read_only: Option<Spanned<bool>>,
}

/// A cluster read from its table: its name, its checked connection, the table and where it is.
pub(super) type Named<'a> = (String, Connection, &'a ClusterTable, Range<usize>);

/// With `[[cluster]]` tables, no connection setting may be given outside them: neither at the top
/// of the file nor in the environment.
pub(super) fn no_connection_outside(src: &Source<'_>, file: &FileSettings, cli: &Cli) -> Result<(), FileError> {
    let top_level = [
        ("base_url", &file.base_url),
        ("token_id", &file.token_id),
        ("token_secret", &file.token_secret),
        ("token_secret_file", &file.token_secret_file),
        ("token_secret_env", &file.token_secret_env),
        ("user", &file.user),
        ("password", &file.password),
        ("password_file", &file.password_file),
        ("password_env", &file.password_env),
        ("ca_file", &file.ca_file),
        ("tls_fingerprint", &file.tls_fingerprint),
    ];
    if let Some((key, v)) = top_level.iter().find_map(|(k, v)| v.as_ref().map(|v| (k, v))) {
        return Err(src.error(
            Some(v.span()),
            Some(key),
            "is a connection setting outside the [[cluster]] tables; with clusters, each table holds its own",
        ));
    }
    let env_connection = [
        ("PVE_BASE_URL", cli.base_url.is_some()),
        ("PVE_TOKEN_ID", cli.token_id.is_some()),
        ("PVE_TOKEN_SECRET", cli.token_secret.is_some()),
        ("PVE_USER", cli.user.is_some()),
        ("PVE_PASSWORD", cli.password.is_some()),
        ("PVE_CA_FILE", cli.ca_file.is_some()),
        ("PVE_TLS_FINGERPRINT", cli.tls_fingerprint.is_some()),
        (
            "PBS_URL (or another PBS_ setting; a Backup Server is a [[cluster]] with product = \"pbs\" there)",
            cli.pbs.any(),
        ),
        (
            "PDM_URL (or another PDM_ setting; a Datacenter Manager is a [[cluster]] with product = \"pdm\" there)",
            cli.pdm.any(),
        ),
    ];
    if let Some((variable, _)) = env_connection.iter().find(|(_, set)| *set) {
        return Err(src
            .error(
                None,
                None,
                format!(
                    "its [[cluster]] tables name the clusters, but {variable} is set too; unset it (or configure one cluster with the environment alone)"
                ),
            )
            );
    }
    Ok(())
}

/// The clusters' names (valid, each once) and connections, in the file's order.
pub(super) fn connections<'a>(
    src: &Source<'_>,
    tables: &'a [Spanned<ClusterTable>],
    cli: &Cli,
) -> Result<Vec<Named<'a>>, FileError> {
    let mut connections: Vec<Named<'_>> = Vec::new();
    for table in tables {
        let span = table.span();
        let t = table.get_ref();
        let name = t.name.get_ref().trim().to_owned();
        let valid = !name.is_empty()
            && name.len() <= MAX_CLUSTER_NAME
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !valid {
            return Err(src.error(
                Some(t.name.span()),
                Some("name"),
                format!("`{name}` is not a cluster name; expected 1 to {MAX_CLUSTER_NAME} of a-z, 0-9, `_` and `-`"),
            ));
        }
        if connections.iter().any(|(n, ..)| *n == name) {
            return Err(src.error(Some(t.name.span()), Some("name"), format!("cluster `{name}` appears twice")));
        }
        let connection = cluster_connection(src, &name, t, &span, cli)?;
        connections.push((name, connection, t, span));
    }
    Ok(connections)
}

/// Adds each cluster to `config` with its access (tier, categories, allowlists) within the server's.
pub(super) fn add_with_access(
    src: &Source<'_>,
    config: &mut Config,
    connections: Vec<Named<'_>>,
) -> Result<(), FileError> {
    let server = config.policy();
    for (name, connection, t, span) in connections {
        let access = |key: &str, field: &Field| field.as_ref().map(|v| (v.get_ref().text(), v.span(), key.to_owned()));
        let mut tier = match access("tier", &t.tier) {
            None => server.tier,
            Some((raw, span, key)) => {
                let tier = Tier::parse(raw.trim()).ok_or_else(|| {
                    src.error(
                        Some(span),
                        Some(&key),
                        format!("cluster `{name}`: `{raw}` is not a tier; expected read-only, read-execute or full"),
                    )
                })?;
                if tier > server.tier {
                    tracing::warn!(cluster = %name, asked = tier.as_str(), server = server.tier.as_str(), "the cluster's tier is higher than the server's access_tier (PVE_ACCESS_TIER); capped");
                }
                tier.min(server.tier)
            }
        };
        if t.read_only.as_ref().is_some_and(|r| *r.get_ref()) {
            tier = Tier::ReadOnly;
        }
        let categories = match access("categories", &t.categories) {
            None => server.categories.clone(),
            Some((raw, span, key)) => {
                let own = parse_categories(Some(&raw)).map_err(|e| {
                    src.error(Some(span), Some(&key), format!("cluster `{name}`: {}", in_file_words(&e.message, &[])))
                })?;
                let capped: BTreeSet<_> = own.intersection(&server.categories).copied().collect();
                if capped.len() < own.len() {
                    tracing::warn!(cluster = %name, "the cluster names categories the server's `categories` (PVE_CATEGORIES) leaves out; left out");
                }
                capped
            }
        };
        let nodes = access("node_allowlist", &t.node_allowlist);
        let vmids = access("vmid_allowlist", &t.vmid_allowlist);
        let remotes = access("remote_allowlist", &t.remote_allowlist);
        if let Some((_, at, key)) = remotes.as_ref().filter(|_| connection.product != Product::Pdm) {
            let message = format!(
                "cluster `{name}`: a remote allowlist applies to a Datacenter Manager (product = \"pdm\") only"
            );
            return Err(src.error(Some(at.clone()), Some(key), message));
        }
        let datastores = access("datastores", &t.datastores);
        let namespaces = access("namespaces", &t.namespaces);
        let misplaced = match connection.product {
            Product::Pbs => nodes.as_ref().map(|n| (n, "names PVE nodes; a Backup Server is one node (`localhost`), fenced by `datastores` and `namespaces` instead")),
            Product::Pve => datastores.as_ref().or(namespaces.as_ref()).map(|d| (d, "is a Backup Server's allowlist; it applies to a [[cluster]] with product = \"pbs\" (or \"pdm\", for its Backup Server remotes) only")),
            Product::Pdm => None,
        };
        if let Some(((_, at, key), why)) = misplaced {
            return Err(src.error(Some(at.clone()), Some(key), format!("cluster `{name}`: `{key}` {why}")));
        }
        let text = |f: &Option<(String, Range<usize>, String)>| f.as_ref().map(|v| v.0.clone());
        let own = Allowlist::parse(text(&nodes).as_deref(), text(&vmids).as_deref())
            .and_then(|a| a.with_remotes(text(&remotes).as_deref()))
            .and_then(|a| a.with_pbs(text(&datastores).as_deref(), text(&namespaces).as_deref()))
            .map_err(|e| {
                let written = match e.setting {
                    AllowlistSetting::Nodes => &nodes,
                    AllowlistSetting::Vmids => &vmids,
                    AllowlistSetting::Remotes => &remotes,
                    AllowlistSetting::Datastores => &datastores,
                    AllowlistSetting::Namespaces => &namespaces,
                };
                let at = written.as_ref().map(|v| v.1.clone()).unwrap_or(span.clone());
                src.error(Some(at), Some(e.setting.key()), format!("cluster `{name}`: {}", e.message))
            })?;
        let token_login = matches!(connection.auth, crate::pve::connection::PveAuth::Token { .. });
        let source = PolicySource::Cluster(name.clone());
        let policy =
            Policy::new(tier, categories, token_login).set_by(source.clone(), &server).for_product(connection.product);
        let allowlist = config.allowlist.intersect(&own.set_by(source));
        config.clusters.push(ClusterConfig { name, connection, policy, allowlist });
    }
    Ok(())
}

/// One cluster's connection, checked as the environment's is; errors name the cluster and key. The
/// server's `verify_ssl`, `request_timeout` and `release` are the defaults of its `verify`, `request_timeout`
/// and `release`.
fn cluster_connection(
    src: &Source<'_>,
    name: &str,
    t: &ClusterTable,
    table: &Range<usize>,
    defaults: &Cli,
) -> Result<Connection, FileError> {
    let text = |f: &Field| f.as_ref().map(|v| v.get_ref().text());
    let token_secret = secret(src, "token_secret", &t.token_secret, &t.token_secret_file, &t.token_secret_env)?;
    let password = secret(src, "password", &t.password, &t.password_file, &t.password_env)?;
    let cli = Cli {
        base_url: text(&t.base_url),
        token_id: text(&t.token_id),
        token_secret: token_secret.as_ref().map(|s| s.0.clone()),
        user: text(&t.user),
        password: password.as_ref().map(|s| s.0.clone()),
        ca_file: t.ca_file.as_ref().map(|v| src.path_of(&v.get_ref().text())),
        tls_fingerprint: text(&t.fingerprint),
        verify_ssl: text(&t.verify).or_else(|| defaults.verify_ssl.clone()),
        request_timeout: text(&t.request_timeout).or_else(|| defaults.request_timeout.clone()),
        release: text(&t.release).or_else(|| defaults.release.clone()),
        ..Cli::default()
    };
    let product = match t.product.as_ref() {
        None => Product::Pve,
        Some(v) => {
            let raw = v.get_ref().text();
            Product::parse(raw.trim()).ok_or_else(|| {
                let known: Vec<&str> = Product::ALL.iter().map(|p| p.id()).collect();
                let expected = known.join(" or ");
                let message = format!("cluster `{name}`: `{raw}` is not a product; expected {expected}");
                src.error(Some(v.span()), Some("product"), message)
            })?
        }
    };
    let connection = pve::parse(&cli).map_err(|e| {
        let key = CONNECTION_RENAMES
            .iter()
            .find(|(v, _)| *v == e.variable)
            .map(|(_, k)| (*k).to_owned())
            .unwrap_or_else(|| key_of_variable(e.variable));
        let span = match key.as_str() {
            "base_url" => t.base_url.as_ref().map(|v| v.span()),
            "token_id" => t.token_id.as_ref().map(|v| v.span()),
            "token_secret" => token_secret.as_ref().map(|s| s.1.clone()),
            "user" => t.user.as_ref().map(|v| v.span()),
            "password" => password.as_ref().map(|s| s.1.clone()),
            "ca_file" => t.ca_file.as_ref().map(|v| v.span()),
            "fingerprint" => t.fingerprint.as_ref().map(|v| v.span()),
            "verify" => t.verify.as_ref().map(|v| v.span()),
            "request_timeout" => t.request_timeout.as_ref().map(|v| v.span()),
            "release" => t.release.as_ref().map(|v| v.span()),
            _ => None,
        };
        let message = if key == "token_id" && e.message.starts_with("is not set") {
            format!(
                "cluster `{name}`: no credentials; expected `token_id` and `token_secret`, or `user` and `password`"
            )
        } else {
            format!("cluster `{name}`: {}", continuation(&key, &in_file_words(&e.message, CONNECTION_RENAMES)))
        };
        src.error(Some(span.unwrap_or(table.clone())), Some(&key), message)
    })?;
    if product == Product::Pdm && matches!(connection.auth, crate::pve::connection::PveAuth::Ticket { .. }) {
        let message = format!(
            "cluster `{name}`: a Datacenter Manager hands its login ticket out only as a cookie; give it an API token (token_id and token_secret) instead of user and password"
        );
        return Err(src.error(Some(table.clone()), Some("user"), message));
    }
    Ok(Connection { product, ..connection })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Cli;
    use crate::pve::product::Product;

    const CLUSTERS: &str = r#"access_tier = "full"

[[cluster]]
name = "home"
base_url = "https://home.example:8006"
token_id = "root@pam!mcp"
token_secret = "0b7c9f3e-1d2a-4f5b-9c8d-7e6f5a4b3c2d"

[[cluster]]
name = "backup"
product = "pbs"
base_url = "https://backup.example:8007"
token_id = "root@pam!mcp"
token_secret = "1c8d0a4f-2e3b-4a6c-8d9e-0f1a2b3c4d5e"
"#;

    fn load(text: &str) -> Result<crate::config::Config, String> {
        super::super::load_text(Cli::default(), Path::new("/etc/pve-mcp.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn a_cluster_is_a_pve_unless_its_table_names_another_product() {
        let c = load(CLUSTERS).unwrap();
        let products: Vec<Product> = c.clusters.iter().map(|c| c.connection.product).collect();
        assert_eq!(products, [Product::Pve, Product::Pbs]);
    }

    #[test]
    fn a_pbs_cluster_takes_datastores_namespaces_and_a_vmid_allowlist() {
        let fenced = CLUSTERS.replace(
            "product = \"pbs\"",
            "product = \"pbs\"\nvmid_allowlist = \"100\"\ndatastores = [\"store1\"]\nnamespaces = [\"lab\", \"prod/web\"]",
        );
        let c = load(&fenced).unwrap();
        let shown = c.clusters[1].allowlist.describe();
        assert_eq!(shown["datastores"], serde_json::json!(["store1"]));
        assert_eq!(shown["namespaces"], serde_json::json!(["lab", "prod/web"]));
        assert_eq!(shown["vmids"], serde_json::json!(["100"]));
    }

    #[test]
    fn a_bad_namespace_names_the_cluster_and_its_key() {
        let bad = CLUSTERS.replace("product = \"pbs\"", "product = \"pbs\"\nnamespaces = [\"/lab\"]");
        let e = load(&bad).unwrap_err();
        assert!(e.contains("`namespaces`") && e.contains("cluster `backup`: `/lab` is not a namespace"), "{e}");
    }

    #[test]
    fn a_node_allowlist_on_a_pbs_cluster_is_refused_naming_what_fences_it() {
        let bad = CLUSTERS.replace("product = \"pbs\"", "product = \"pbs\"\nnode_allowlist = [\"pbs1\"]");
        let e = load(&bad).unwrap_err();
        assert!(e.contains("cluster `backup`: `node_allowlist` names PVE nodes") && e.contains("datastores"), "{e}");
    }

    #[test]
    fn datastores_on_a_pve_cluster_are_refused() {
        let bad = CLUSTERS.replace("name = \"home\"", "name = \"home\"\ndatastores = [\"store1\"]");
        let e = load(&bad).unwrap_err();
        assert!(e.contains("cluster `home`: `datastores` is a Backup Server's allowlist"), "{e}");
    }

    const MANAGER: &str = r#"
[[cluster]]
name = "manager"
product = "pdm"
base_url = "https://manager.example:8443"
token_id = "root@pam!mcp"
token_secret = "2d9e1b5a-3f4c-4b7d-9e0f-1a2b3c4d5e6f"
"#;

    #[test]
    fn a_datacenter_manager_is_a_cluster_of_product_pdm() {
        let c = load(&format!("{CLUSTERS}{MANAGER}")).unwrap();
        let products: Vec<Product> = c.clusters.iter().map(|c| c.connection.product).collect();
        assert_eq!(products, [Product::Pve, Product::Pbs, Product::Pdm]);
    }

    #[test]
    fn a_datacenter_manager_takes_a_remote_allowlist_and_the_node_and_vmid_ones() {
        let fenced = MANAGER
            .replace("product = \"pdm\"", "product = \"pdm\"\nremote_allowlist = [\"east\"]\nvmid_allowlist = \"100\"");
        let c = load(&format!("{CLUSTERS}{fenced}")).unwrap();
        let manager = &c.clusters[2].allowlist;
        assert!(manager.vmid_allowed(100) && !manager.vmid_allowed(101));
        assert_eq!(manager.describe()["remotes"], serde_json::json!(["east"]));
    }

    #[test]
    fn a_datacenter_manager_takes_datastores_and_namespaces_for_its_backup_server_remotes() {
        let fenced = MANAGER
            .replace("product = \"pdm\"", "product = \"pdm\"\ndatastores = [\"store1\"]\nnamespaces = [\"lab\"]");
        let c = load(&format!("{CLUSTERS}{fenced}")).unwrap();
        let shown = c.clusters[2].allowlist.describe();
        assert_eq!(shown["datastores"], serde_json::json!(["store1"]));
        assert_eq!(shown["namespaces"], serde_json::json!(["lab"]));
    }

    #[test]
    fn a_remote_allowlist_on_a_cluster_that_is_no_datacenter_manager_is_refused() {
        let e =
            load(&CLUSTERS.replace("product = \"pbs\"", "product = \"pbs\"\nremote_allowlist = \"east\"")).unwrap_err();
        assert!(e.contains("cluster `backup`") && e.contains("Datacenter Manager"), "{e}");
    }

    #[test]
    fn a_datacenter_manager_with_a_password_login_is_refused_asking_for_a_token() {
        let with_password = MANAGER
            .replace("token_id = \"root@pam!mcp\"", "user = \"root@pam\"")
            .replace("token_secret = ", "password = ");
        let e = load(&format!("{CLUSTERS}{with_password}")).unwrap_err();
        assert!(e.contains("cluster `manager`") && e.contains("API token"), "{e}");
    }

    #[test]
    fn an_unknown_product_is_refused_naming_the_cluster_key_and_the_known_ones() {
        let e = load(&CLUSTERS.replace("product = \"pbs\"", "product = \"pmg\"")).unwrap_err();
        assert!(e.contains("product") && e.contains("cluster `backup`") && e.contains("pve or pbs"), "{e}");
    }
}
