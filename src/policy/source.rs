//! Where a limit was set: the server's own settings, a caller's entry (a token in the token file,
//! an OAuth mapping), a `[[cluster]]` table, or this session's `pve_toolsets`. A refusal names the
//! setting to change from it, so a limit that came from a caller's entry is never reported as the
//! server's variable.

use std::fmt;

/// The setting a limit came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// The server's own settings: the environment, flags, or the configuration file's top level.
    #[default]
    Server,
    /// A caller's entry in the HTTP token file (`PVE_MCP_HTTP_TOKENS`), by its name.
    Token(String),
    /// An `[[oauth.map]]` entry of the configuration file, by its label.
    OAuthMap(String),
    /// A `[[cluster]]` table of the configuration file, by the cluster's name.
    Cluster(String),
    /// This session's categories, changed with `pve_toolsets`.
    Session,
}

impl Source {
    /// The setting that holds `key` for this source; `variable` is the server's own name for it
    /// (`PVE_VMID_ALLOWLIST`).
    pub fn setting(&self, key: &str, variable: &str) -> String {
        match self {
            Source::Server => variable.to_owned(),
            Source::Token(name) => format!("the `{key}` of token `{name}` (PVE_MCP_HTTP_TOKENS)"),
            Source::OAuthMap(label) => format!("the `{key}` of [[oauth.map]] `{label}` (PVE_MCP_CONFIG)"),
            Source::Cluster(name) => format!("the `{key}` of [[cluster]] `{name}` (PVE_MCP_CONFIG)"),
            Source::Session => "this session's categories (pve_toolsets)".to_owned(),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Server => f.write_str("this server"),
            Source::Token(name) => write!(f, "token `{name}`"),
            Source::OAuthMap(label) => write!(f, "OAuth mapping `{label}`"),
            Source::Cluster(name) => write!(f, "cluster `{name}`"),
            Source::Session => f.write_str("this session"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_names_its_variable() {
        assert_eq!(Source::Server.setting("vmid_allowlist", "PVE_VMID_ALLOWLIST"), "PVE_VMID_ALLOWLIST");
    }

    #[test]
    fn a_token_entry_names_its_key_and_the_token_file() {
        let s = Source::Token("alice".into()).setting("vmid_allowlist", "PVE_VMID_ALLOWLIST");
        assert_eq!(s, "the `vmid_allowlist` of token `alice` (PVE_MCP_HTTP_TOKENS)");
    }

    #[test]
    fn an_oauth_mapping_names_its_label_and_the_configuration_file() {
        let s = Source::OAuthMap("ops".into()).setting("tier", "PVE_ACCESS_TIER");
        assert_eq!(s, "the `tier` of [[oauth.map]] `ops` (PVE_MCP_CONFIG)");
    }

    #[test]
    fn a_cluster_table_names_its_key_and_the_configuration_file() {
        let s = Source::Cluster("lab".into()).setting("node_allowlist", "PVE_NODE_ALLOWLIST");
        assert_eq!(s, "the `node_allowlist` of [[cluster]] `lab` (PVE_MCP_CONFIG)");
    }
}
