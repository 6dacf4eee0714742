//! The operator phrasings (`codegen/src/phrasings.rs`): every entry names a tool that exists, once.

#[path = "../codegen/src/phrasings.rs"]
#[allow(dead_code)]
mod phrasings;

#[test]
fn every_phrasing_names_an_existing_tool() {
    let names: Vec<&str> = pve_mcp::tools::registry::all().iter().map(|t| t.name).collect();
    let unknown: Vec<&str> = phrasings::PHRASINGS.iter().map(|p| p.tool).filter(|tool| !names.contains(tool)).collect();
    assert!(unknown.is_empty(), "phrasings for tools that do not exist: {unknown:?}");
}

#[test]
fn every_tool_has_one_entry_with_phrasings() {
    let mut seen = std::collections::BTreeSet::new();
    for p in phrasings::PHRASINGS {
        assert!(seen.insert(p.tool), "{} has two entries", p.tool);
        assert!(!p.says.is_empty(), "{} has no phrasings", p.tool);
    }
}
