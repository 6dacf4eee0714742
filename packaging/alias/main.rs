//! `pve-mcp-server`: runs the `pve-mcp` installed beside it with the same arguments and stdio. It
//! exists because `uvx pve-mcp-server` and `pipx run pve-mcp-server` run the command named like the
//! package; the command is `pve-mcp` everywhere else.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let name = if cfg!(windows) { "pve-mcp.exe" } else { "pve-mcp" };
    let beside = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join(name)));
    let binary = beside.filter(|p| p.is_file()).unwrap_or_else(|| PathBuf::from(name));
    let mut command = Command::new(&binary);
    command.args(std::env::args_os().skip(1));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = command.exec();
        eprintln!("pve-mcp-server: cannot run {}: {error}", binary.display());
        ExitCode::FAILURE
    }
    #[cfg(not(unix))]
    match command.status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(error) => {
            eprintln!("pve-mcp-server: cannot run {}: {error}", binary.display());
            ExitCode::FAILURE
        }
    }
}
