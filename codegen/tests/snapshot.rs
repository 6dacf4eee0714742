//! Snapshot of the generated code for a small fixture schema (one endpoint per feature: path
//! parameters, ranges, enums, indexed property strings, arrays). Review a change with
//! `UPDATE_SNAPSHOTS=1 cargo test -p pve-mcp-codegen --test snapshot` and `git diff`.

use std::path::PathBuf;

#[test]
fn fixture_code_matches_the_snapshot() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let schema = std::fs::read_to_string(dir.join("fixtures/small.json")).unwrap();
    let generated = pve_mcp_codegen::generate(&schema).unwrap();
    let snapshot = dir.join("snapshots/small.rs");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &generated.code).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        generated.code == expected,
        "generated code differs from {}; rerun with UPDATE_SNAPSHOTS=1 and review",
        snapshot.display()
    );
}

/// The fixture's tools as code mode's TypeScript declarations (see `typescript.rs`).
#[test]
fn fixture_signatures_match_the_snapshot() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let schema = std::fs::read_to_string(dir.join("fixtures/small.json")).unwrap();
    let generated = pve_mcp_codegen::generate(&schema).unwrap();
    let mut tools: Vec<_> = generated.tools.iter().collect();
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    let text: String = tools.iter().map(|t| format!("{}\n\n", t.signature)).collect();
    let snapshot = dir.join("snapshots/small.d.ts");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        text == expected,
        "signatures differ from {}; rerun with UPDATE_SNAPSHOTS=1 and review",
        snapshot.display()
    );
}
