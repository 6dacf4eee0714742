//! Subcommands of the binary that do not serve MCP: `pve-mcp audit verify <file>`.

use std::process::ExitCode;

use crate::call::audit;
use crate::config::{AuditCommand, Command};

/// Runs a subcommand; its exit code: 0 when all is well, 1 when the log is tampered with, 2 when it
/// cannot be checked.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Audit { action: AuditCommand::Verify { file, key_file } } => {
            // An empty PVE_AUDIT_KEY_FILE is unset, like every empty variable.
            let key_file =
                key_file.filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| audit::default_key_file(&file));
            let key = match std::fs::metadata(&key_file) {
                Ok(_) => audit::load_or_create_key(&key_file),
                Err(e) => Err(e),
            };
            let key = match key {
                Ok(k) => k,
                Err(e) => {
                    eprintln!("pve-mcp audit verify: cannot read the key file `{}`: {e}", key_file.display());
                    return ExitCode::from(2);
                }
            };
            match audit::verify(&file, &key) {
                Ok(n) => {
                    println!("{}: {n} lines, chain intact", file.display());
                    ExitCode::SUCCESS
                }
                Err(audit::VerifyError::Io(e)) => {
                    eprintln!("pve-mcp audit verify: cannot read `{}`: {e}", file.display());
                    ExitCode::from(2)
                }
                Err(e) => {
                    println!("{}: {e}", file.display());
                    ExitCode::FAILURE
                }
            }
        }
    }
}
