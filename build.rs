//! Generates the tool table from the vendored PVE schema (see the `codegen` crate).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=apidoc");
    println!("cargo:rerun-if-changed=codegen");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    match pve_mcp_codegen::build(Path::new("apidoc/apidoc.json"), &out) {
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
