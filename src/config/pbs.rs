//! One Proxmox Backup Server beside the environment's PVE, without a configuration file:
//! `PBS_URL` with an API token (`PBS_TOKEN_ID`, `PBS_TOKEN_SECRET`) or a user (`PBS_USER`,
//! `PBS_PASSWORD`), and its TLS trust (`PBS_CA_FILE` or `PBS_TLS_FINGERPRINT`), mirroring the PVE
//! settings. Checked by the PVE connection's own rules, each error naming the PBS variable.

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
}

impl PbsCli {
    /// Whether any PBS setting is given. An empty one is not (a bundle's settings left blank reach
    /// the server as empty variables).
    pub fn any(&self) -> bool {
        let PbsCli { url, token_id, token_secret, user, password, ca_file, tls_fingerprint } = self;
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        [url, token_id, token_secret, user, password, tls_fingerprint].into_iter().any(given)
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

/// Why a Backup Server is refused under an allowlist.
pub const UNFENCED: &str = "is set together with PVE_NODE_ALLOWLIST or PVE_VMID_ALLOWLIST, which do not apply to Backup Server tools yet; unset one or the other";

/// The environment's PVE and the Backup Server as two clusters, `pve` and `pbs`, each with the
/// server's tier, categories and allowlists.
///
/// The allowlists do not read PBS's forms yet (datastores, namespaces, `vm/100` groups): rather than
/// leave a Backup Server unfenced under them, a PBS with an allowlist in force is refused.
pub(super) fn beside_pve(config: &Config, pbs: Connection) -> Result<Vec<ClusterConfig>, ConfigError> {
    if !config.allowlist.is_empty() {
        return Err(super::err("PBS_URL", "--pbs-url", UNFENCED));
    }
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
        ClusterConfig {
            name: Product::Pbs.id().into(),
            connection: pbs,
            policy: pbs_policy,
            allowlist: config.allowlist.clone(),
        },
    ])
}

#[cfg(test)]
mod tests {
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
    fn a_pbs_under_an_allowlist_is_refused_rather_than_left_unfenced() {
        let cli = Cli {
            base_url: Some("https://pve.example:8006".into()),
            token_id: Some("root@pam!mcp".into()),
            token_secret: Some("s".into()),
            vmid_allowlist: Some("100".into()),
            pbs: pbs_token(),
            ..Cli::default()
        };
        let e = Config::from_cli(cli).unwrap_err().to_string();
        assert!(e.starts_with("PBS_URL (--pbs-url): is set together with") && e.contains("PVE_VMID_ALLOWLIST"), "{e}");
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
