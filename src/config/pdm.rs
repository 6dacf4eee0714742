//! One Proxmox Datacenter Manager beside the environment's PVE (and Backup Server), without a
//! configuration file: `PDM_URL` with an API token (`PDM_TOKEN_ID`, `PDM_TOKEN_SECRET`) and its TLS
//! trust (`PDM_CA_FILE` or `PDM_TLS_FINGERPRINT`), mirroring the PBS settings. A ticket login is
//! not offered: PDM hands its ticket out only as a cookie. Checked by the PVE connection's own
//! rules, each error naming the PDM variable.

use std::path::PathBuf;

use clap::Args;

use super::{Cli, ClusterConfig, Config, ConfigError, pve};
use crate::policy::Policy;
use crate::pve::connection::Connection;
use crate::pve::product::Product;

/// The Datacenter Manager flags, flattened into the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct PdmCli {
    /// Proxmox Datacenter Manager API address beside the PVE, e.g. https://pdm.example.com:8443 (its tools are then offered, prefixed pdm_)
    #[arg(id = "pdm_url", long = "pdm-url", env = "PDM_URL")]
    pub url: Option<String>,
    /// PDM API token id, `user@realm!tokenname`
    #[arg(id = "pdm_token_id", long = "pdm-token-id", env = "PDM_TOKEN_ID")]
    pub token_id: Option<String>,
    /// PDM API token secret. Prefer the environment variable: flags show up in `ps`.
    #[arg(id = "pdm_token_secret", long = "pdm-token-secret", env = "PDM_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<String>,
    /// PEM file of the CA (or self-signed certificate) to trust for PDM
    #[arg(id = "pdm_ca_file", long = "pdm-ca-file", env = "PDM_CA_FILE", value_parser = super::path())]
    pub ca_file: Option<PathBuf>,
    /// SHA-256 fingerprint of the PDM certificate to pin
    #[arg(id = "pdm_tls_fingerprint", long = "pdm-tls-fingerprint", env = "PDM_TLS_FINGERPRINT")]
    pub tls_fingerprint: Option<String>,
    /// Comma list of the PDM remotes its tools may reach (default: all)
    #[arg(id = "pdm_remote_allowlist", long = "pdm-remote-allowlist", env = "PDM_REMOTE_ALLOWLIST")]
    pub remote_allowlist: Option<String>,
}

impl PdmCli {
    /// Whether any PDM setting is given. An empty one is not (a bundle's settings left blank reach
    /// the server as empty variables).
    pub fn any(&self) -> bool {
        let PdmCli { url, token_id, token_secret, ca_file, tls_fingerprint, remote_allowlist: _ } = self;
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        [url, token_id, token_secret, tls_fingerprint].into_iter().any(given)
            || ca_file.as_ref().is_some_and(|p| !p.as_os_str().is_empty())
    }
}

/// The PVE setting each PDM one mirrors: (PVE variable, PDM variable, PDM flag).
const MIRRORED: &[(&str, &str, &str)] = &[
    ("PVE_BASE_URL", "PDM_URL", "--pdm-url"),
    ("PVE_TOKEN_ID", "PDM_TOKEN_ID", "--pdm-token-id"),
    ("PVE_TOKEN_SECRET", "PDM_TOKEN_SECRET", "--pdm-token-secret"),
    ("PVE_CA_FILE", "PDM_CA_FILE", "--pdm-ca-file"),
    ("PVE_TLS_FINGERPRINT", "PDM_TLS_FINGERPRINT", "--pdm-tls-fingerprint"),
];

/// The Datacenter Manager's connection, if any PDM setting is given; TLS verification and the
/// request timeout are the PVE connection's.
pub(super) fn parse(cli: &Cli) -> Result<Option<Connection>, ConfigError> {
    let pdm = &cli.pdm;
    if !pdm.any() {
        if pdm.remote_allowlist.as_deref().is_some_and(|r| !r.trim().is_empty()) {
            return Err(super::err(
                "PDM_REMOTE_ALLOWLIST",
                "--pdm-remote-allowlist",
                "is set but PDM_URL is not; a remote allowlist fences a Datacenter Manager's remotes, so set PDM_URL and its token too",
            ));
        }
        return Ok(None);
    }
    if pdm.url.as_deref().is_none_or(|u| u.trim().is_empty()) {
        return Err(super::err(
            "PDM_URL",
            "--pdm-url",
            "is not set but other PDM_ settings are; expected the Datacenter Manager's address, e.g. https://pdm.example.com:8443",
        ));
    }
    if pdm.token_id.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(super::err(
            "PDM_TOKEN_ID",
            "--pdm-token-id",
            "is not set; expected a PDM API token id, `user@realm!tokenname` (PDM hands a login ticket out only as a cookie, so a password login is not offered)",
        ));
    }
    let as_pve = Cli {
        base_url: pdm.url.clone(),
        token_id: pdm.token_id.clone(),
        token_secret: pdm.token_secret.clone(),
        ca_file: pdm.ca_file.clone(),
        tls_fingerprint: pdm.tls_fingerprint.clone(),
        verify_ssl: cli.verify_ssl.clone(),
        request_timeout: cli.request_timeout.clone(),
        ..Cli::default()
    };
    let connection = pve::parse(&as_pve).map_err(|e| {
        let (variable, flag) = MIRRORED
            .iter()
            .find(|(v, _, _)| *v == e.variable)
            .map_or((e.variable, e.flag), |(_, pdm, flag)| (*pdm, *flag));
        let mut message = e.message;
        for (v, pdm, _) in MIRRORED {
            message = message.replace(v, pdm);
        }
        ConfigError { variable, flag, message: message.replace("PVE", "PDM") }
    })?;
    Ok(Some(Connection { product: Product::Pdm, ..connection }))
}

/// Adds the Datacenter Manager as the cluster `pdm`, with the server's tier, categories and
/// allowlists (which fence the nodes and guests of its remotes as they do a PVE's), its own
/// remote allowlist, and the Backup Server's datastore and namespace allowlists (`PBS_DATASTORES`,
/// `PBS_NAMESPACES`, which fence its Backup Server remotes' datastores as they do a Backup
/// Server's), after the environment's PVE (made the cluster `pve` if no Backup Server did so
/// already).
pub(super) fn beside_pve(
    config: &mut Config,
    pdm: Connection,
    cli: &PdmCli,
    pbs: &super::pbs::PbsCli,
) -> Result<(), ConfigError> {
    let allowlist = config
        .allowlist
        .clone()
        .with_remotes(cli.remote_allowlist.as_deref())
        .and_then(|a| a.with_pbs(pbs.datastores.as_deref(), pbs.namespaces.as_deref()))
        .map_err(|e| super::err(e.setting.variable(), e.setting.flag(), e.message))?;
    let server = config.policy();
    let pdm_policy = Policy::new(server.tier, server.categories.clone(), true).for_product(Product::Pdm);
    if config.clusters.is_empty() {
        config.clusters.push(ClusterConfig {
            name: Product::Pve.id().into(),
            connection: config.pve.clone(),
            policy: server.for_product(Product::Pve),
            allowlist: config.allowlist.clone(),
        });
    }
    config.clusters.push(ClusterConfig {
        name: Product::Pdm.id().into(),
        connection: pdm,
        policy: pdm_policy,
        allowlist,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pdm: PdmCli, pbs: super::super::pbs::PbsCli) -> Result<Config, ConfigError> {
        let cli = Cli {
            base_url: Some("https://pve.example:8006".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("s".into()),
            pdm,
            pbs,
            ..Cli::default()
        };
        Config::from_cli(cli)
    }

    fn with_pdm(pdm: PdmCli) -> Result<Config, ConfigError> {
        with(pdm, Default::default())
    }

    fn pdm_token() -> PdmCli {
        PdmCli {
            url: Some("https://pdm.example:8443".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("t".into()),
            ..PdmCli::default()
        }
    }

    fn clusters(c: &Config) -> Vec<(&str, Product)> {
        c.clusters.iter().map(|c| (c.name.as_str(), c.connection.product)).collect()
    }

    #[test]
    fn a_pdm_beside_the_pve_makes_two_clusters_named_for_their_products() {
        let c = with_pdm(pdm_token()).unwrap();
        assert_eq!(clusters(&c), [("pve", Product::Pve), ("pdm", Product::Pdm)]);
        assert_eq!(c.pve.product, Product::Pve, "the server's connection stays the PVE's");
        assert_eq!(c.clusters[1].connection.base_url.as_str(), "https://pdm.example:8443/");
    }

    #[test]
    fn a_pdm_beside_a_pve_and_a_pbs_makes_three_clusters() {
        let pbs = super::super::pbs::PbsCli {
            url: Some("https://pbs.example:8007".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("t".into()),
            ..Default::default()
        };
        let c = with(pdm_token(), pbs).unwrap();
        assert_eq!(clusters(&c), [("pve", Product::Pve), ("pbs", Product::Pbs), ("pdm", Product::Pdm)]);
    }

    #[test]
    fn a_pdm_error_names_the_pdm_variable() {
        let e = with_pdm(PdmCli { token_secret: None, ..pdm_token() }).unwrap_err().to_string();
        assert!(e.starts_with("PDM_TOKEN_SECRET (--pdm-token-secret)"), "{e}");
        assert!(!e.contains("PVE_"), "{e}");
    }

    #[test]
    fn a_pdm_without_a_token_id_is_refused_naming_why_no_password_is_offered() {
        let e = with_pdm(PdmCli { token_id: None, ..pdm_token() }).unwrap_err().to_string();
        assert!(e.starts_with("PDM_TOKEN_ID (--pdm-token-id): is not set") && e.contains("cookie"), "{e}");
    }

    #[test]
    fn pdm_credentials_without_its_address_are_refused() {
        let e = with_pdm(PdmCli { url: None, ..pdm_token() }).unwrap_err().to_string();
        assert!(e.starts_with("PDM_URL (--pdm-url): is not set"), "{e}");
    }

    #[test]
    fn empty_pdm_settings_are_no_pdm() {
        let blank = PdmCli { url: Some(String::new()), token_id: Some(" ".into()), ..PdmCli::default() };
        assert!(with_pdm(blank).unwrap().clusters.is_empty());
    }

    #[test]
    fn a_pdm_is_fenced_by_the_server_s_allowlists_and_its_own_remote_allowlist() {
        let cli = Cli {
            base_url: Some("https://pve.example:8006".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("s".into()),
            vmid_allowlist: Some("100".into()),
            pdm: PdmCli { remote_allowlist: Some("east".into()), ..pdm_token() },
            ..Cli::default()
        };
        let c = Config::from_cli(cli).unwrap();
        let (pve, pdm) = (&c.clusters[0].allowlist, &c.clusters[1].allowlist);
        assert!(pdm.vmid_allowed(100) && !pdm.vmid_allowed(101));
        assert_eq!(pdm.describe()["remotes"], serde_json::json!(["east"]));
        assert!(pve.describe().get("remotes").is_none(), "the PVE has no remotes to fence");
    }

    #[test]
    fn the_datastore_and_namespace_allowlists_fence_the_pdm_s_backup_server_remotes() {
        let lists = super::super::pbs::PbsCli {
            datastores: Some("store1".into()),
            namespaces: Some("lab".into()),
            ..Default::default()
        };
        let c = with(pdm_token(), lists).unwrap();
        assert_eq!(clusters(&c), [("pve", Product::Pve), ("pdm", Product::Pdm)], "no Backup Server of its own");
        let shown = c.clusters[1].allowlist.describe();
        assert_eq!(
            (&shown["datastores"], &shown["namespaces"]),
            (&serde_json::json!(["store1"]), &serde_json::json!(["lab"]))
        );
        assert!(c.clusters[0].allowlist.describe().get("datastores").is_none(), "the PVE has no datastores to fence");
    }

    #[test]
    fn a_bad_remote_allowlist_is_refused_naming_the_setting() {
        let e = with_pdm(PdmCli { remote_allowlist: Some("east,,west".into()), ..pdm_token() }).unwrap_err();
        assert!(e.to_string().starts_with("PDM_REMOTE_ALLOWLIST (--pdm-remote-allowlist)"), "{e}");
    }
}
