//! The configuration file (`PVE_MCP_CONFIG`, `--config`): TOML that can hold every setting the
//! environment can (the variable's name without `PVE_`/`PVE_MCP_`, in lower case: `access_tier`,
//! `http_tokens`, ...), plus any number of `[[cluster]]` tables, each one Proxmox VE cluster with
//! its own address, credentials, TLS trust and access. docs/CONFIG.md describes the format.
//!
//! The environment (and the command line) overrides the file for the settings both have; the
//! credentials and the TLS trust are each taken whole from one place. Unknown keys are errors. A bad
//! file stops start-up with one line naming the file, the line and the key.
//!
//! The `[[cluster]]` tables are read in `clusters` (file/clusters.rs), and the file's text, its
//! lines and keys, its secrets and its messages in file words in `source` (file/source.rs). The
//! rest stays one file because it is one pass: the file's settings laid under the command line's,
//! every step keeping the file's spans so an error can name the line and key.

mod clusters;
mod source;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use self::clusters::ClusterTable;
use self::source::{Source, continuation, in_file_words, key_of_variable, secret, unknown_key};
use super::{Cli, Config, ConfigError};

/// Why start-up stopped: a setting (named by its variable), or the configuration file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    Setting(#[from] ConfigError),
    #[error("{0}")]
    File(#[from] FileError),
}

/// A problem in the configuration file: where, which key, what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("PVE_MCP_CONFIG (--config): `{}`{}{}: {message}", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default(), key.as_ref().map(|k| format!(", `{k}`")).unwrap_or_default())]
pub struct FileError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

/// Longest cluster name.
pub const MAX_CLUSTER_NAME: usize = 32;

/// A value of a setting: written as TOML's own type or as the environment's text.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Setting {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    List(Vec<Item>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Item {
    Text(String),
    Int(i64),
}

impl Setting {
    /// The setting as the environment would give it (lists joined with commas).
    fn text(&self) -> String {
        match self {
            Setting::Bool(b) => b.to_string(),
            Setting::Int(i) => i.to_string(),
            Setting::Float(f) => f.to_string(),
            Setting::Text(s) => s.clone(),
            Setting::List(items) => items
                .iter()
                .map(|i| match i {
                    Item::Text(s) => s.clone(),
                    Item::Int(n) => n.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

type Field = Option<Spanned<Setting>>;

/// The file: the environment's settings, and the clusters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    base_url: Field,
    token_id: Field,
    token_secret: Field,
    token_secret_file: Field,
    token_secret_env: Field,
    user: Field,
    password: Field,
    password_file: Field,
    password_env: Field,
    access_tier: Field,
    categories: Field,
    verify_ssl: Field,
    ca_file: Field,
    tls_fingerprint: Field,
    request_timeout: Field,
    release: Field,
    task_timeout: Field,
    node_allowlist: Field,
    vmid_allowlist: Field,
    audit_log: Field,
    tool_mode: Field,
    tool_budget: Field,
    result_limit: Field,
    dynamic_toolsets: Field,
    hide_unpermitted: Field,
    http: Field,
    http_tokens: Field,
    http_allowed_origins: Field,
    http_allowed_hosts: Field,
    http_max_body: Field,
    http_max_concurrent: Field,
    http_max_sessions: Field,
    confirm: Field,
    reveal_secrets: Field,
    allow_execute: Field,
    audit_key_file: Field,
    run_timeout: Field,
    oauth_issuer: Field,
    oauth_audience: Field,
    oauth_scopes: Field,
    oauth_also_audiences: Field,
    state_key: Field,
    state_key_file: Field,
    /// `[[oauth.map]]`: token scopes and claims to access.
    oauth: Option<Spanned<OAuthTable>>,
    #[serde(default, alias = "clusters")]
    cluster: Vec<Spanned<ClusterTable>>,
}

/// The `[oauth]` table: its `[[oauth.map]]` entries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OAuthTable {
    #[serde(default)]
    map: Vec<Spanned<super::oauth::MapEntry>>,
}

impl Config {
    /// The configuration: the configuration file if `--config`/`PVE_MCP_CONFIG` names one, with
    /// the environment and command line over it; else the environment alone.
    pub fn load(mut cli: Cli) -> Result<Config, LoadError> {
        let Some(path) = cli.config.take().filter(|p| !p.as_os_str().is_empty()) else {
            return Ok(Config::from_cli(cli)?);
        };
        let text = std::fs::read_to_string(&path).map_err(|e| FileError {
            path: path.clone(),
            line: None,
            key: None,
            message: format!("cannot read it: {e}"),
        })?;
        load_text(cli, &path, &text)
    }
}

fn load_text(mut cli: Cli, path: &Path, text: &str) -> Result<Config, LoadError> {
    let src = Source { path, text };
    let file: FileSettings = toml::from_str(text).map_err(|e| {
        let key = e.span().and_then(|s| src.key_at(&s));
        let message = e.message().replace('\n', " ");
        let message = if message.contains("untagged enum Setting") {
            "expected text, a number, true or false, or a list of them".to_owned()
        } else {
            unknown_key(message.trim())
        };
        src.error(e.span(), key.as_deref(), message)
    })?;

    // Where each setting taken from the file was written, by key.
    let mut from_file: Vec<(&'static str, Range<usize>)> = Vec::new();
    macro_rules! take {
        ($($field:ident),* $(,)?) => {$(
            if cli.$field.is_none()
                && let Some(v) = &file.$field
            {
                cli.$field = Some(v.get_ref().text().into());
                from_file.push((stringify!($field), v.span()));
            }
        )*};
    }
    macro_rules! take_path {
        ($($field:ident),* $(,)?) => {$(
            if cli.$field.is_none()
                && let Some(v) = &file.$field
            {
                cli.$field = Some(src.path_of(&v.get_ref().text()));
                from_file.push((stringify!($field), v.span()));
            }
        )*};
    }
    take!(
        access_tier,
        categories,
        request_timeout,
        release,
        task_timeout,
        node_allowlist,
        vmid_allowlist,
        tool_mode,
        tool_budget,
        result_limit,
        dynamic_toolsets,
        hide_unpermitted,
        http,
        http_allowed_origins,
        http_allowed_hosts,
        http_max_body,
        http_max_concurrent,
        http_max_sessions,
        verify_ssl,
        run_timeout,
        oauth_issuer,
        oauth_audience,
        oauth_scopes,
        oauth_also_audiences,
        state_key,
    );
    take_path!(audit_log, http_tokens, state_key_file);
    // The consent settings (a flattened group of flags).
    for (key, setting, target) in [
        ("confirm", &file.confirm, &mut cli.consent.confirm),
        ("reveal_secrets", &file.reveal_secrets, &mut cli.consent.reveal_secrets),
        ("allow_execute", &file.allow_execute, &mut cli.consent.allow_execute),
    ] {
        if target.is_none()
            && let Some(v) = setting
        {
            *target = Some(v.get_ref().text());
            from_file.push((key, v.span()));
        }
    }
    if cli.consent.audit_key_file.is_none()
        && let Some(v) = &file.audit_key_file
    {
        cli.consent.audit_key_file = Some(src.path_of(&v.get_ref().text()));
        from_file.push(("audit_key_file", v.span()));
    }

    // The connection of the environment's one cluster: address, then credentials and TLS trust,
    // each group whole from the environment if it gives any of it.
    let env_credentials =
        cli.token_id.is_some() || cli.token_secret.is_some() || cli.user.is_some() || cli.password.is_some();
    let env_trust = cli.ca_file.is_some() || cli.tls_fingerprint.is_some();
    if !file.cluster.is_empty() {
        clusters::no_connection_outside(&src, &file, &cli)?;
    } else {
        take!(base_url);
        if !env_credentials {
            take!(token_id, user);
            for (key, direct, f, e, slot) in [
                (
                    "token_secret",
                    &file.token_secret,
                    &file.token_secret_file,
                    &file.token_secret_env,
                    &mut cli.token_secret,
                ),
                ("password", &file.password, &file.password_file, &file.password_env, &mut cli.password),
            ] {
                if let Some((value, span)) = secret(&src, key, direct, f, e)? {
                    *slot = Some(value);
                    from_file.push((key, span));
                }
            }
        }
        if !env_trust {
            take!(tls_fingerprint);
            take_path!(ca_file);
        }
    }

    // Clusters: names, connections.
    let connections = clusters::connections(&src, &file.cluster, &cli)?;

    let first = connections.first().map(|(_, c, ..)| c.clone());
    let mut config = Config::from_cli_with(cli, first).map_err(|e| {
        let key = key_of_variable(e.variable);
        match from_file.iter().find(|(k, _)| *k == key) {
            Some((k, span)) => LoadError::File(src.error(
                Some(span.clone()),
                Some(k),
                continuation(k, &in_file_words(&e.message, &[])),
            )),
            None => LoadError::Setting(e),
        }
    })?;

    // OAuth: the access mapping, checked now; capped by the server's access when served.
    if let Some(table) = &file.oauth {
        let Some(oauth) = config.oauth.as_mut() else {
            return Err(src
                .error(
                    Some(table.span()),
                    Some("oauth"),
                    "maps OAuth tokens to access, but `oauth_issuer` and `oauth_audience` (PVE_MCP_OAUTH_ISSUER, PVE_MCP_OAUTH_AUDIENCE) are not set",
                )
                .into());
        };
        for entry in &table.get_ref().map {
            entry.get_ref().check().map_err(|m| src.error(Some(entry.span()), Some("oauth.map"), m))?;
            oauth.map.push(entry.get_ref().clone());
        }
    }

    // Clusters: access, within the server's.
    clusters::add_with_access(&src, &mut config, connections)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pve::connection::PveAuth;
    use crate::tools::registry::Tier;

    const SECRET: &str = "0b7c9f3e-1d2a-4f5b-9c8d-7e6f5a4b3c2d";

    fn load(cli: Cli, text: &str) -> Result<Config, LoadError> {
        load_text(cli, Path::new("/etc/pve-mcp.toml"), text)
    }

    fn error_of(text: &str) -> String {
        load(Cli::default(), text).unwrap_err().to_string()
    }

    fn two_clusters() -> String {
        format!(
            r#"access_tier = "full"

[[cluster]]
name = "home"
base_url = "https://home.example:8006"
token_id = "root@pam!mcp"
token_secret = "{SECRET}"

[[cluster]]
name = "lab"
base_url = "https://lab.example:8006"
user = "root@pam"
password = "pw"
read_only = true
node_allowlist = ["lab1"]
"#
        )
    }

    #[test]
    fn clusters_are_read_in_order_with_their_own_access() {
        let c = load(Cli::default(), &two_clusters()).unwrap();
        let names: Vec<&str> = c.clusters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["home", "lab"]);
        assert_eq!(c.clusters[0].policy.tier, Tier::Full);
        assert_eq!(c.clusters[1].policy.tier, Tier::ReadOnly);
        assert!(matches!(c.clusters[1].connection.auth, PveAuth::Ticket { .. }));
        assert!(c.clusters[0].allowlist.is_empty() && !c.clusters[1].allowlist.is_empty());
        assert_eq!(c.pve.base_url.as_str(), "https://home.example:8006/", "pve is the first cluster's");
    }

    #[test]
    fn a_cluster_tier_is_capped_by_the_servers() {
        let text = two_clusters().replace("access_tier = \"full\"", "access_tier = \"read-execute\"")
            + "\n[[cluster]]\nname = \"x\"\nbase_url = \"https://x:8006\"\ntoken_id = \"a@pam!b\"\ntoken_secret = \"s\"\ntier = \"full\"\n";
        let c = load(Cli::default(), &text).unwrap();
        assert_eq!(c.clusters[2].policy.tier, Tier::ReadExecute);
    }

    #[test]
    fn an_unknown_key_names_the_file_line_and_key() {
        let e = error_of("access_tier = \"full\"\ncolour = \"blue\"\n");
        assert!(e.contains("/etc/pve-mcp.toml") && e.contains("line 2") && e.contains("colour"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }

    #[test]
    fn a_misspelt_key_names_the_key_probably_meant_not_every_key() {
        let e = error_of("acess_tier = \"full\"\n");
        assert!(e.contains("line 1") && e.contains("did you mean `access_tier`?"), "{e}");
        assert!(!e.contains("base_url"), "not every valid key: {e}");
        let e = error_of(&two_clusters().replace("read_only = true", "readonly = true"));
        assert!(e.contains("did you mean `read_only`?"), "{e}");
    }

    #[test]
    fn an_unknown_key_in_a_cluster_names_its_line() {
        let e = error_of(&two_clusters().replace("read_only = true", "readonly = true"));
        assert!(e.contains("line 14") && e.contains("readonly"), "{e}");
    }

    #[test]
    fn a_bad_cluster_tier_names_the_cluster_line_and_key() {
        let e = error_of(&two_clusters().replace("read_only = true", "tier = \"admin\""));
        assert!(
            e.contains("line 14") && e.contains("`tier`") && e.contains("cluster `lab`") && e.contains("`admin`"),
            "{e}"
        );
    }

    #[test]
    fn cluster_names_are_short_lower_case_words() {
        let e = error_of(&two_clusters().replace("name = \"lab\"", "name = \"Lab 2\""));
        assert!(e.contains("line 10") && e.contains("`name`") && e.contains("a-z"), "{e}");
        let e = error_of(&two_clusters().replace("name = \"lab\"", "name = \"home\""));
        assert!(e.contains("appears twice"), "{e}");
        let long = "x".repeat(33);
        assert!(error_of(&two_clusters().replace("name = \"lab\"", &format!("name = \"{long}\""))).contains("1 to 32"));
    }

    #[test]
    fn a_cluster_without_credentials_or_address_is_named() {
        let e = error_of("[[cluster]]\nname = \"a\"\nbase_url = \"https://a:8006\"\n");
        assert!(e.contains("cluster `a`") && e.contains("no credentials") && e.contains("line 1"), "{e}");
        let e = error_of(&format!("[[cluster]]\nname = \"a\"\ntoken_id = \"a@pam!b\"\ntoken_secret = \"{SECRET}\"\n"));
        assert!(e.contains("cluster `a`") && e.contains("`base_url`"), "{e}");
        let e = error_of(&two_clusters().replace("token_id = \"root@pam!mcp\"", "token_id = \"root\""));
        assert!(e.contains("line 6") && e.contains("`token_id`") && e.contains("`root`"), "{e}");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let cli = Cli { access_tier: Some("read-only".into()), ..Cli::default() };
        let c = load(cli, &two_clusters()).unwrap();
        assert_eq!(c.access_tier, Tier::ReadOnly);
        assert_eq!(c.clusters[0].policy.tier, Tier::ReadOnly, "capped by the environment's tier");
    }

    #[test]
    fn one_cluster_may_be_configured_at_the_top_level() {
        let text = format!(
            "base_url = \"https://pve:8006\"\ntoken_id = \"root@pam!mcp\"\ntoken_secret = \"{SECRET}\"\ntool_mode = \"direct\"\ncategories = [\"qemu\", \"nodes\"]\n"
        );
        let c = load(Cli::default(), &text).unwrap();
        assert!(c.clusters.is_empty());
        assert_eq!(c.tool_mode, super::super::ToolMode::Direct);
        assert_eq!(c.categories.len(), 2);
        // The environment's credentials are taken whole: the file's are not mixed in.
        let cli = Cli { user: Some("root@pam".into()), password: Some("pw".into()), ..Cli::default() };
        assert!(matches!(load(cli, &text).unwrap().pve.auth, PveAuth::Ticket { .. }));
    }

    #[test]
    fn the_consent_and_session_settings_are_keys_of_the_file() {
        let text = format!(
            "base_url = \"https://pve:8006\"\ntoken_id = \"root@pam!mcp\"\ntoken_secret = \"{SECRET}\"\nconfirm = \"human\"\nreveal_secrets = true\nallow_execute = true\naudit_key_file = \"audit.key\"\nhttp_max_sessions = 4\n"
        );
        let c = load(Cli::default(), &text).unwrap();
        assert_eq!(c.consent.confirm, crate::policy::gate::ConfirmMode::Human);
        assert!(c.consent.reveal_secrets && c.consent.allow_execute);
        assert_eq!(c.consent.audit_key_file.as_deref(), Some(Path::new("/etc/audit.key")));
        let e = error_of(&text.replace("confirm = \"human\"", "confirm = \"maybe\""));
        assert!(e.contains("line 4") && e.contains("`confirm`"), "{e}");
    }

    #[test]
    fn a_bad_top_level_setting_names_its_line_and_key() {
        let e = error_of(&format!(
            "base_url = \"https://pve:8006\"\ntoken_id = \"root@pam!mcp\"\ntoken_secret = \"{SECRET}\"\n\ntool_mode = \"fast\"\n"
        ));
        assert!(e.contains("line 5") && e.contains("`tool_mode`") && e.contains("`fast`"), "{e}");
    }

    #[test]
    fn connection_settings_beside_clusters_are_refused() {
        let e = error_of(&format!("base_url = \"https://pve:8006\"\n{}", two_clusters()));
        assert!(e.contains("line 1") && e.contains("`base_url`") && e.contains("[[cluster]]"), "{e}");
        let cli = Cli { base_url: Some("https://pve:8006".into()), ..Cli::default() };
        let e = load(cli, &two_clusters()).unwrap_err().to_string();
        assert!(e.contains("PVE_BASE_URL"), "{e}");
    }

    #[test]
    fn secrets_may_come_from_a_file_or_another_variable_but_one_way() {
        let dir = std::env::temp_dir().join(format!("pve-mcp-file-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("secret"), format!("{SECRET}\n")).unwrap();
        let text = two_clusters().replace(&format!("token_secret = \"{SECRET}\""), "token_secret_file = \"secret\"");
        let c = load_text(Cli::default(), &dir.join("pve-mcp.toml"), &text).unwrap();
        assert!(matches!(&c.clusters[0].connection.auth, PveAuth::Token { secret, .. } if secret.expose() == SECRET));
        let e = error_of(&two_clusters().replace("password = \"pw\"", "password = \"pw\"\npassword_env = \"X\""));
        assert!(e.contains("one way"), "{e}");
        let e = error_of(&two_clusters().replace("password = \"pw\"", "password_env = \"PVE_MCP_TEST_SURELY_UNSET\""));
        assert!(e.contains("PVE_MCP_TEST_SURELY_UNSET") && e.contains("not set"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_documented_example_has_only_known_keys() {
        let doc = include_str!("../../docs/CONFIG.md");
        let example = doc.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).unwrap();
        let file: FileSettings = toml::from_str(example).unwrap_or_else(|e| panic!("docs/CONFIG.md: {e}"));
        assert_eq!(file.cluster.len(), 3);
        // With its secrets and CA file at hand, it is a valid configuration.
        let at_hand = example
            .replace("token_secret_file = \"/etc/pve-mcp/home.secret\"", "token_secret = \"s\"")
            .replace("password_env = \"LAB_PVE_PASSWORD\"", "password = \"p\"")
            .replace("token_secret_env = \"WORK_PVE_SECRET\"", "token_secret = \"s\"")
            .replace("ca_file = \"/etc/pve-mcp/home-ca.pem\"", "");
        let c = load(Cli::default(), &at_hand).unwrap_or_else(|e| panic!("docs/CONFIG.md: {e}"));
        let tiers: Vec<Tier> = c.clusters.iter().map(|c| c.policy.tier).collect();
        assert_eq!(tiers, [Tier::Full, Tier::ReadOnly, Tier::ReadExecute]);
        let tokens = doc.split("```toml\n").nth(2).and_then(|s| s.split("```").next()).unwrap();
        assert!(tokens.contains("clusters = "));
    }

    #[test]
    fn top_level_tls_verification_and_timeout_are_the_clusters_defaults() {
        let text = format!(
            "verify_ssl = false\nrequest_timeout = 5\n{}",
            two_clusters().replace("read_only = true", "verify = true")
        );
        let c = load(Cli::default(), &text).unwrap();
        assert!(!c.clusters[0].connection.verify_tls && c.clusters[1].connection.verify_tls);
        assert_eq!(c.clusters[0].connection.request_timeout, std::time::Duration::from_secs(5));
    }

    #[test]
    fn each_cluster_may_pin_its_release_and_a_bad_one_names_the_cluster_and_key() {
        let text = two_clusters().replace("read_only = true", "read_only = true\nrelease = \"8.4\"");
        let c = load(Cli::default(), &format!("release = \"9.1\"\n{text}")).unwrap();
        let pins: Vec<Option<&str>> = c.clusters.iter().map(|c| c.connection.release.as_deref()).collect();
        assert_eq!(pins, [Some("9.1"), Some("8.4")]);
        let e = load(Cli::default(), &two_clusters().replace("read_only = true", "release = \"soon\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("cluster `lab`") && e.contains("`release`") && e.contains("`soon`"), "{e}");
    }

    #[test]
    fn a_value_of_the_wrong_shape_says_what_is_expected() {
        let e = error_of("tool_budget = { a = 1 }\n");
        assert!(e.contains("line 1") && e.contains("`tool_budget`") && e.contains("expected text, a number"), "{e}");
    }

    #[test]
    fn errors_never_show_a_secret() {
        let e = error_of(&two_clusters().replace(&format!("token_secret = \"{SECRET}\""), "token_secret = \"a b\""));
        assert!(!e.contains("a b") && e.contains("`token_secret`"), "{e}");
    }

    fn one_cluster(extra: &str) -> String {
        format!(
            "base_url = \"https://pve.example:8006\"\ntoken_id = \"root@pam!mcp\"\ntoken_secret = \"{SECRET}\"\nhttp = \"8080\"\n{extra}"
        )
    }

    #[test]
    fn oauth_settings_and_their_mapping_are_read_in_order() {
        let c = load(
            Cli::default(),
            &one_cluster(
                "oauth_issuer = \"https://sso.example.com/realms/ops\"\noauth_audience = \"https://mcp.example.com/mcp\"\n\
                 oauth_scopes = [\"pve.read\"]\n[[oauth.map]]\nclaim = \"groups\"\nvalue = \"ops\"\ntier = \"full\"\n\
                 [[oauth.map]]\nscope = \"pve.read\"\n",
            ),
        )
        .unwrap();
        let o = c.oauth.unwrap();
        assert_eq!((o.issuer.as_str(), o.scopes.len(), o.map.len()), ("https://sso.example.com/realms/ops", 1, 2));
        assert_eq!(o.map[1].label(), "scope=pve.read");
    }

    #[test]
    fn an_oauth_map_without_an_issuer_or_saying_nothing_is_refused() {
        let e = error_of(&one_cluster("[[oauth.map]]\nscope = \"a\"\n"));
        assert!(e.contains("`oauth`") && e.contains("oauth_issuer"), "{e}");
        let e = error_of(&one_cluster(
            "oauth_issuer = \"https://sso.example.com\"\noauth_audience = \"https://mcp.example.com/mcp\"\n[[oauth.map]]\ntier = \"full\"\n",
        ));
        assert!(e.contains("oauth.map") && e.contains("`scope`"), "{e}");
    }

    #[test]
    fn a_plain_http_issuer_is_refused_unless_on_loopback() {
        let e = error_of(&one_cluster(
            "oauth_issuer = \"http://sso.example.com\"\noauth_audience = \"https://mcp.example.com/mcp\"\n",
        ));
        assert!(e.contains("oauth_issuer") && e.contains("https"), "{e}");
    }
}
