//! Generates the tool tables from the vendored schemas, PVE's and each other product's (see the
//! `codegen` crate).

use std::path::{Path, PathBuf};

use pve_mcp_codegen::SearchCheck;

/// Build against another schema without replacing the vendored one: `PVE_MCP_APIDOC=<file>`.
const SCHEMA_VARIABLE: &str = "PVE_MCP_APIDOC";

fn main() {
    println!("cargo:rerun-if-changed=apidoc");
    println!("cargo:rerun-if-changed=codegen");
    println!("cargo:rerun-if-env-changed={SCHEMA_VARIABLE}");
    let other = std::env::var_os(SCHEMA_VARIABLE).map(PathBuf::from);
    // The search data (`codegen/search/`) is written for the vendored schema: there, an entry naming
    // an endpoint that is no tool fails the build; another release's schema may lack some.
    let check = if other.is_some() { SearchCheck::Lenient } else { SearchCheck::Strict };
    let schema = other.unwrap_or_else(|| "apidoc/apidoc.json".into());
    println!("cargo:rerun-if-changed={}", schema.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let pve = pve_mcp_codegen::build(Path::new(&schema), &out, check);
    // The other products' tools, each into a table of its own (`generated_pbs.rs`).
    let others = pve_mcp_codegen::product::ALL
        .iter()
        .filter(|p| !p.is_pve())
        .map(|p| pve_mcp_codegen::product::build(Path::new(p.schema_file), &out, p));
    for result in std::iter::once(pve).chain(others) {
        match result {
            Ok(generated) => {
                for (key, at) in &generated.unknown_keys {
                    println!("cargo:warning=apidoc key `{key}` (first at {at}) is not interpreted by codegen");
                }
            }
            Err(e) => {
                eprintln!("error: pve-mcp codegen: {e}");
                std::process::exit(1);
            }
        }
    }
}
