//! The consent settings: whose answer opens a gate (`PVE_CONFIRM`), whether secrets PVE hands back
//! are shown (`PVE_REVEAL_SECRETS`), whether `node_execute` may run at all (`PVE_ALLOW_EXECUTE`),
//! and the key that chains the audit log (`PVE_AUDIT_KEY_FILE`).

use std::path::PathBuf;

use clap::Args;

use super::{ConfigError, boolean, err};
use crate::policy::gate::ConfirmMode;

/// The consent flags, flattened into the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct ConsentCli {
    /// Whose answer opens a confirmation gate: echo (the arguments or a person) or human (only a person)
    #[arg(long, env = "PVE_CONFIRM")]
    pub confirm: Option<String>,
    /// Show secrets PVE returns (new API token values, console tickets, passwords) in results (true/false)
    #[arg(long, env = "PVE_REVEAL_SECRETS")]
    pub reveal_secrets: Option<String>,
    /// Allow node_execute (a batch of API calls run as root), each inner call checked like a direct one (true/false)
    #[arg(long, env = "PVE_ALLOW_EXECUTE")]
    pub allow_execute: Option<String>,
    /// Key file that chains the audit log's lines (HMAC); created (mode 0600) if missing (default: <audit log>.key)
    #[arg(long, env = "PVE_AUDIT_KEY_FILE", value_parser = super::path())]
    pub audit_key_file: Option<PathBuf>,
}

/// The checked consent settings.
#[derive(Debug, Clone, Default)]
pub struct Consent {
    pub confirm: ConfirmMode,
    pub reveal_secrets: bool,
    pub allow_execute: bool,
    pub audit_key_file: Option<PathBuf>,
}

pub(super) fn parse(cli: &ConsentCli) -> Result<Consent, ConfigError> {
    let confirm = match cli.confirm.as_deref().map(str::trim) {
        None | Some("") => ConfirmMode::Echo,
        Some(s) => ConfirmMode::parse(s)
            .ok_or_else(|| err("PVE_CONFIRM", "--confirm", format!("`{s}` is not a mode; expected echo or human")))?,
    };
    Ok(Consent {
        confirm,
        reveal_secrets: boolean(cli.reveal_secrets.as_deref(), false, "PVE_REVEAL_SECRETS", "--reveal-secrets")?,
        allow_execute: boolean(cli.allow_execute.as_deref(), false, "PVE_ALLOW_EXECUTE", "--allow-execute")?,
        audit_key_file: cli.audit_key_file.clone().filter(|p| !p.as_os_str().is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_echo_hidden_secrets_and_no_execute() {
        let c = parse(&ConsentCli::default()).unwrap();
        assert_eq!(c.confirm, ConfirmMode::Echo);
        assert!(!c.reveal_secrets && !c.allow_execute);
    }

    #[test]
    fn an_unknown_confirm_mode_names_the_variable() {
        let e = parse(&ConsentCli { confirm: Some("model".into()), ..Default::default() }).unwrap_err();
        assert!(e.to_string().starts_with("PVE_CONFIRM"), "{e}");
    }
}
