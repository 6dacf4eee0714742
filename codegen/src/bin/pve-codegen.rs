//! Maintainer commands of the generator.
//!
//! `pve-codegen docs [SCHEMA] [OUT]`: writes `docs/TOOLS.md` for a schema
//! (defaults: `apidoc/apidoc.json`, `docs/TOOLS.md`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("docs") => {
            let schema = args.get(1).map(String::as_str).unwrap_or("apidoc/apidoc.json");
            let out = args.get(2).map(String::as_str).unwrap_or("docs/TOOLS.md");
            let result = std::fs::read_to_string(schema)
                .map_err(|e| format!("failed to read {schema}: {e}"))
                .and_then(|json| pve_mcp_codegen::generate(&json).map_err(|e| e.to_string()))
                .and_then(|g| {
                    std::fs::write(out, &g.tools_markdown).map_err(|e| format!("failed to write {out}: {e}"))?;
                    Ok(g.tools.len())
                });
            match result {
                Ok(n) => {
                    eprintln!("wrote {out}: {n} tools");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("pve-codegen: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: pve-codegen docs [SCHEMA] [OUT]");
            ExitCode::from(2)
        }
    }
}
