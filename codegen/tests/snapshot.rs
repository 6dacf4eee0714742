//! Snapshots of the generated code for small fixture schemas, one per case the generator treats
//! specially: `small` (path parameters, ranges, enums, indexed property strings, arrays), `tasks`
//! (calls answering with a task id, a gated DELETE, an endpoint left out) and `config` (a
//! configuration read and its update with `digest` and `delete`, property strings with a default
//! key, an endpoint API tokens may not call). Each snapshot is also compiled
//! (`compiled_<fixture>.rs`). Review a change with
//! `UPDATE_SNAPSHOTS=1 cargo test -p pve-mcp-codegen --test snapshot` and `git diff`.

use std::path::{Path, PathBuf};

const FIXTURES: &[&str] = &["small", "tasks", "config"];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn generated(fixture: &str) -> pve_mcp_codegen::Generated {
    let schema = std::fs::read_to_string(dir().join(format!("fixtures/{fixture}.json"))).unwrap();
    pve_mcp_codegen::generate(&schema).unwrap_or_else(|e| panic!("{fixture}: {e}"))
}

fn matches_snapshot(text: &str, snapshot: &Path) -> bool {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(snapshot, text).unwrap();
    }
    text == std::fs::read_to_string(snapshot).unwrap_or_default()
}

#[test]
fn fixture_code_matches_the_snapshot() {
    for fixture in FIXTURES {
        let snapshot = dir().join(format!("snapshots/{fixture}.rs"));
        assert!(
            matches_snapshot(&generated(fixture).code, &snapshot),
            "generated code differs from {}; rerun with UPDATE_SNAPSHOTS=1 and review",
            snapshot.display()
        );
    }
}

/// The fixtures' tools as code mode's TypeScript declarations (see `typescript.rs`).
#[test]
fn fixture_signatures_match_the_snapshot() {
    for fixture in FIXTURES {
        let generated = generated(fixture);
        let mut tools: Vec<_> = generated.tools.iter().collect();
        tools.sort_by(|a, b| a.name.cmp(&b.name));
        let text: String = tools.iter().map(|t| format!("{}\n\n", t.signature)).collect();
        let snapshot = dir().join(format!("snapshots/{fixture}.d.ts"));
        assert!(
            matches_snapshot(&text, &snapshot),
            "signatures differ from {}; rerun with UPDATE_SNAPSHOTS=1 and review",
            snapshot.display()
        );
    }
}

/// What each fixture exists to show is in its output.
#[test]
fn each_fixture_holds_its_special_case() {
    let tasks = generated("tasks");
    let tool = |g: &pve_mcp_codegen::Generated, name: &str| g.tools.iter().find(|t| t.name == name).cloned().unwrap();
    assert!(tool(&tasks, "qemu_vm_start").task);
    assert!(tool(&tasks, "qemu_vm_delete").gate.is_some());
    assert_eq!(tasks.excluded.len(), 1, "{:?}", tasks.excluded);
    let config = generated("config");
    assert_eq!(tool(&config, "lxc_ct_config_update").config_read.as_deref(), Some("lxc_ct_config_get"));
    assert!(!tool(&config, "access_password_update").endpoint.allowtoken);
}
