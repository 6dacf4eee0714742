//! One Proxmox Backup Server beside the environment's PVE, without a configuration file:
//! `PBS_URL` with an API token (`PBS_TOKEN_ID`, `PBS_TOKEN_SECRET`) or a user (`PBS_USER`,
//! `PBS_PASSWORD`), and its TLS trust (`PBS_CA_FILE` or `PBS_TLS_FINGERPRINT`), mirroring the PVE
//! settings. Checked by the PVE connection's own rules, each error naming the PBS variable. Its
//! allowlists: `PBS_DATASTORES` and `PBS_NAMESPACES`, and the server's VMID allowlist on its backup
//! groups.

use std::path::PathBuf;

use clap::Args;

use super::{Cli, ClusterConfig, Config, ConfigError, pve};
use crate::policy::Policy;
use crate::pve::connection::{Connection, PveAuth};
use crate::pve::product::Product;

/// The Backup Server flags, flattened into the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct PbsCli {
    /// Proxmox Backup Server API address beside the PVE, e.g. https://pbs.example.com:8007 (its tools are then offered, prefixed pbs_)
    #[arg(id = "pbs_url", long = "pbs-url", env = "PBS_URL")]
    pub url: Option<String>,
    /// PBS API token id, `user@realm!tokenname`
    #[arg(id = "pbs_token_id", long = "pbs-token-id", env = "PBS_TOKEN_ID")]
    pub token_id: Option<String>,
    /// PBS API token secret. Prefer the environment variable: flags show up in `ps`.
    #[arg(id = "pbs_token_secret", long = "pbs-token-secret", env = "PBS_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,
    /// PBS user for a ticket login (instead of an API token), `user@realm`
    #[arg(id = "pbs_user", long = "pbs-user", env = "PBS_USER")]
    pub user: Option<String>,
    /// Password of PBS_USER
    #[arg(id = "pbs_password", long = "pbs-password", env = "PBS_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// PEM file of the CA (or self-signed certificate) to trust for PBS
    #[arg(id = "pbs_ca_file", long = "pbs-ca-file", env = "PBS_CA_FILE", value_parser = super::path())]
    pub ca_file: Option<PathBuf>,
    /// SHA-256 fingerprint of the PBS certificate to pin (proxmox-backup-manager cert info)
    #[arg(id = "pbs_tls_fingerprint", long = "pbs-tls-fingerprint", env = "PBS_TLS_FINGERPRINT")]
    pub tls_fingerprint: Option<String>,
    /// Comma list of the PBS datastores its tools may reach, e.g. store1,offsite (default: all)
    #[arg(id = "pbs_datastores", long = "pbs-datastores", env = "PBS_DATASTORES")]
    pub datastores: Option<String>,
    /// Comma list of the PBS namespaces its tools may reach, each with everything below it, e.g. lab,prod/web (default: all, the root too)
    #[arg(id = "pbs_namespaces", long = "pbs-namespaces", env = "PBS_NAMESPACES")]
    pub namespaces: Option<String>,
}

impl PbsCli {
    /// Whether any PBS setting is given. An empty one is not (a bundle's settings left blank reach
    /// the server as empty variables).
    pub fn any(&self) -> bool {
        let PbsCli { url, token_id, token_secret, user, password, ca_file, tls_fingerprint, datastores, namespaces } =
            self;
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        [url, token_id, token_secret, user, password, tls_fingerprint, datastores, namespaces].into_iter().any(given)
            || ca_file.as_ref().is_some_and(|p| !p.as_os_str().is_empty())
    }
}

/// The PVE setting each PBS one mirrors: (PVE variable, PBS variable, PBS flag).
const MIRRORED: &[(&str, &str, &str)] = &[
    ("PVE_BASE_URL", "PBS_URL", "--pbs-url"),
    ("PVE_TOKEN_ID", "PBS_TOKEN_ID", "--pbs-token-id"),
    ("PVE_TOKEN_SECRET", "PBS_TOKEN_SECRET", "--pbs-token-secret"),
    ("PVE_USER", "PBS_USER", "--pbs-user"),
    ("PVE_PASSWORD", "PBS_PASSWORD", "--pbs-password"),
    ("PVE_CA_FILE", "PBS_CA_FILE", "--pbs-ca-file"),
    ("PVE_TLS_FINGERPRINT", "PBS_TLS_FINGERPRINT", "--pbs-tls-fingerprint"),
];

/// The Backup Server's connection, if any PBS setting is given; TLS verification and the request
/// timeout are the PVE connection's.
pub(super) fn parse(cli: &Cli) -> Result<Option<Connection>, ConfigError> {
    let pbs = &cli.pbs;
    if !pbs.any() {
        return Ok(None);
    }
    // With a Datacenter Manager and no Backup Server of its own, the datastore and namespace
    // allowlists fence the manager's Backup Server remotes.
    let lists_only = PbsCli { datastores: None, namespaces: None, ..pbs.clone() };
    if !lists_only.any() && cli.pdm.any() {
        return Ok(None);
    }
    if !lists_only.any() {
        return Err(super::err(
            "PBS_URL",
            "--pbs-url",
            "is not set but PBS_DATASTORES or PBS_NAMESPACES is; they fence a Backup Server's datastores, so set PBS_URL \
             and its token too (or PDM_URL, for a Datacenter Manager's Backup Server remotes)",
        ));
    }
    if pbs.url.as_deref().is_none_or(|u| u.trim().is_empty()) {
        return Err(super::err(
            "PBS_URL",
            "--pbs-url",
            "is not set but other PBS_ settings are; expected the Backup Server's address, e.g. https://pbs.example.com:8007",
        ));
    }
    let as_pve = Cli {
        base_url: pbs.url.clone(),
        token_id: pbs.token_id.clone(),
        token_secret: pbs.token_secret.clone(),
        user: pbs.user.clone(),
        password: pbs.password.clone(),
        ca_file: pbs.ca_file.clone(),
        tls_fingerprint: pbs.tls_fingerprint.clone(),
        verify_ssl: cli.verify_ssl.clone(),
        request_timeout: cli.request_timeout.clone(),
        ..Cli::default()
    };
    let connection = pve::parse(&as_pve).map_err(|e| {
        let (variable, flag) = MIRRORED
            .iter()
            .find(|(v, _, _)| *v == e.variable)
            .map_or((e.variable, e.flag), |(_, pbs, flag)| (*pbs, *flag));
        let mut message = e.message;
        for (v, pbs, _) in MIRRORED {
            message = message.replace(v, pbs);
        }
        ConfigError { variable, flag, message: message.replace("PVE", "PBS") }
    })?;
    Ok(Some(Connection { product: Product::Pbs, ..connection }))
}

/// The environment's PVE and the Backup Server as two clusters, `pve` and `pbs`, each with the
/// server's tier and categories. The PVE has the server's allowlists; the Backup Server has them
/// too (its backup groups are fenced by the VMID allowlist; the node allowlist names PVE nodes and
/// does not reach it), and its own datastore and namespace allowlists.
pub(super) fn beside_pve(config: &Config, pbs: Connection, cli: &PbsCli) -> Result<Vec<ClusterConfig>, ConfigError> {
    let pbs_allowlist = config
        .allowlist
        .clone()
        .with_pbs(cli.datastores.as_deref(), cli.namespaces.as_deref())
        .map_err(|e| super::err(e.setting.variable(), e.setting.flag(), e.message))?;
    let server = config.policy();
    let token_login = matches!(pbs.auth, PveAuth::Token { .. });
    let pbs_policy = Policy::new(server.tier, server.categories.clone(), token_login).for_product(Product::Pbs);
    Ok(vec![
        ClusterConfig {
            name: Product::Pve.id().into(),
            connection: config.pve.clone(),
            policy: server.for_product(Product::Pve),
            allowlist: config.allowlist.clone(),
        },
        ClusterConfig { name: Product::Pbs.id().into(), connection: pbs, policy: pbs_policy, allowlist: pbs_allowlist },
    ])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn with_pbs(pbs: PbsCli) -> Result<Config, ConfigError> {
        let cli = Cli {
            base_url: Some("https://pve.example:8006".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("s".into()),
            pbs,
            ..Cli::default()
        };
        Config::from_cli(cli)
    }

    fn pbs_token() -> PbsCli {
        PbsCli {
            url: Some("https://pbs.example:8007".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("t".into()),
            ..PbsCli::default()
        }
    }

    #[test]
    fn without_pbs_settings_the_environment_has_its_one_unnamed_cluster() {
        assert!(with_pbs(PbsCli::default()).unwrap().clusters.is_empty());
    }

    #[test]
    fn a_pbs_beside_the_pve_makes_two_clusters_named_for_their_products() {
        let c = with_pbs(pbs_token()).unwrap();
        let clusters: Vec<(&str, Product)> =
            c.clusters.iter().map(|c| (c.name.as_str(), c.connection.product)).collect();
        assert_eq!(clusters, [("pve", Product::Pve), ("pbs", Product::Pbs)]);
        assert_eq!(c.pve.product, Product::Pve, "the server's connection stays the PVE's");
    }

    #[test]
    fn a_pbs_error_names_the_pbs_variable() {
        let e = with_pbs(PbsCli { token_secret: None, ..pbs_token() }).unwrap_err().to_string();
        assert!(e.starts_with("PBS_TOKEN_SECRET (--pbs-token-secret)"), "{e}");
        assert!(!e.contains("PVE_"), "{e}");
    }

    #[test]
    fn a_pbs_under_the_server_s_vmid_allowlist_is_fenced_by_it() {
        let cli = Cli {
            base_url: Some("https://pve.example:8006".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("s".into()),
            vmid_allowlist: Some("100".into()),
            pbs: pbs_token(),
            ..Cli::default()
        };
        let c = Config::from_cli(cli).unwrap();
        assert!(c.clusters.iter().all(|c| !c.allowlist.is_empty()));
        assert!(c.clusters[1].allowlist.vmid_allowed(100) && !c.clusters[1].allowlist.vmid_allowed(101));
    }

    #[test]
    fn the_pbs_datastores_and_namespaces_fence_only_the_backup_server() {
        let pbs = PbsCli { datastores: Some("store1".into()), namespaces: Some("lab".into()), ..pbs_token() };
        let c = with_pbs(pbs).unwrap();
        assert!(c.clusters[0].allowlist.is_empty(), "the PVE is not fenced by them");
        let shown = c.clusters[1].allowlist.describe();
        assert_eq!((shown["datastores"].clone(), shown["namespaces"].clone()), (json!(["store1"]), json!(["lab"])));
    }

    #[test]
    fn a_bad_datastore_list_names_its_variable_and_item() {
        let e = with_pbs(PbsCli { datastores: Some("store1,,x".into()), ..pbs_token() }).unwrap_err().to_string();
        assert!(e.starts_with("PBS_DATASTORES (--pbs-datastores): `store1,,x` has an empty item"), "{e}");
    }

    #[test]
    fn a_datastore_list_without_a_backup_server_or_a_manager_is_refused() {
        let e = with_pbs(PbsCli { datastores: Some("store1".into()), ..PbsCli::default() }).unwrap_err().to_string();
        assert!(e.starts_with("PBS_URL (--pbs-url): is not set but PBS_DATASTORES"), "{e}");
        assert!(e.contains("PDM_URL"), "a Datacenter Manager's remotes are the other thing it fences: {e}");
    }

    #[test]
    fn empty_pbs_settings_are_no_pbs() {
        let blank = PbsCli {
            url: Some(String::new()),
            token_id: Some(" ".into()),
            ca_file: Some("".into()),
            ..PbsCli::default()
        };
        assert!(with_pbs(blank).unwrap().clusters.is_empty());
    }

    #[test]
    fn pbs_credentials_without_its_address_are_refused() {
        let e = with_pbs(PbsCli { url: None, ..pbs_token() }).unwrap_err().to_string();
        assert!(e.starts_with("PBS_URL (--pbs-url): is not set"), "{e}");
    }
}
