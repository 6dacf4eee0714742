//! The generator over every vendored PVE release: it succeeds, names are valid, unique and stable
//! across releases, every endpoint is either a tool or listed as left out, and output is
//! deterministic.

use std::collections::BTreeMap;
use std::path::PathBuf;

use std::sync::OnceLock;

use pve_mcp_codegen::{Generated, generate, names};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// (release, schema path): the vendored schema plus the older releases kept for this test.
fn releases() -> Vec<(&'static str, PathBuf)> {
    let dir = root().join("apidoc/releases");
    vec![
        ("6.4", dir.join("pve-6.4.json")),
        ("7.4", dir.join("pve-7.4.json")),
        ("8", dir.join("pve-8.json")),
        ("9.1", dir.join("pve-9.1.json")),
        ("9.2", root().join("apidoc/apidoc.json")),
    ]
}

/// Each release's schema text and generated output, made once for all tests.
fn generated() -> &'static [(&'static str, String, Generated)] {
    static ALL: OnceLock<Vec<(&'static str, String, Generated)>> = OnceLock::new();
    ALL.get_or_init(|| {
        releases()
            .into_iter()
            .map(|(release, path)| {
                let json = std::fs::read_to_string(&path).unwrap();
                let g = generate(&json).unwrap_or_else(|e| panic!("PVE {release}: {e}"));
                (release, json, g)
            })
            .collect()
    })
}

fn method_count(json: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    fn walk(nodes: &serde_json::Value) -> usize {
        nodes
            .as_array()
            .map_or(0, |a| a.iter().map(|n| n["info"].as_object().map_or(0, |i| i.len()) + walk(&n["children"])).sum())
    }
    walk(&v)
}

#[test]
fn every_release_generates_and_accounts_for_every_endpoint() {
    for (release, json, g) in generated() {
        assert_eq!(g.tools.len() + g.excluded.len(), method_count(json), "PVE {release}");
        assert!(syn::parse_file(&g.code).is_ok(), "PVE {release}: output parses");
    }
}

#[test]
fn names_are_valid_in_every_release() {
    for (release, _, g) in generated() {
        for t in &g.tools {
            assert!(names::check(&t.name).is_ok(), "PVE {release}: {}", t.name);
        }
    }
}

#[test]
fn an_endpoint_keeps_its_name_in_every_release() {
    let mut seen: BTreeMap<String, (String, &str)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (release, _, g) in generated() {
        for t in &g.tools {
            let id = t.endpoint.id();
            match seen.get(&id) {
                Some((name, first)) if *name != t.name => {
                    problems.push(format!("{id}: `{name}` in PVE {first}, `{}` in PVE {release}", t.name));
                }
                Some(_) => {}
                None => {
                    seen.insert(id, (t.name.clone(), release));
                }
            }
        }
    }
    assert!(problems.is_empty(), "names changed between releases:\n{}", problems.join("\n"));
}

#[test]
fn output_is_deterministic() {
    let (_, json, a) = generated().last().unwrap();
    let b = generate(json).unwrap();
    assert!(a.code == b.code && a.tools_markdown == b.tools_markdown);
}

#[test]
fn docs_tools_md_is_fresh() {
    let schema = root().join("apidoc/apidoc.json");
    let pve = &pve_mcp_codegen::generate_file(&schema, pve_mcp_codegen::SearchCheck::Strict).unwrap().tools_markdown;
    let expected = pve_mcp_codegen::product::tools_markdown_all(pve, &root().join("apidoc")).unwrap();
    let actual = std::fs::read_to_string(root().join("docs/TOOLS.md")).unwrap_or_default();
    assert!(actual == expected, "docs/TOOLS.md is stale: run `cargo run -p pve-mcp-codegen --bin pve-codegen -- docs`");
}
