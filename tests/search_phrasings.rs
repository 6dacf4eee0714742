//! The operator phrasings (`codegen/search/phrasings/*.toml`): every entry names an endpoint that is
//! a tool, once, with phrasings. (The generator refuses the same at build time; this reads the files
//! as they are now, through the generator's own reader.)

#[path = "../codegen/src/search_data.rs"]
#[allow(dead_code)]
mod search_data;

fn endpoint(t: &pve_mcp::tools::registry::ToolDef) -> String {
    format!("{} {}", t.method.as_str(), t.path)
}

#[test]
fn every_phrasing_names_an_existing_tool() {
    let tools: Vec<String> = pve_mcp::tools::registry::all().iter().map(endpoint).collect();
    let unknown: Vec<String> = search_data::phrasings()
        .unwrap()
        .into_iter()
        .filter(|p| !tools.contains(&p.endpoint))
        .map(|p| format!("{}: {}", p.place, p.endpoint))
        .collect();
    assert!(unknown.is_empty(), "phrasings for endpoints that are no tool: {unknown:?}");
}

#[test]
fn every_tool_has_one_entry_with_phrasings() {
    // Reading the files refuses a second entry for an endpoint and an entry without phrasings.
    let phrasings = search_data::phrasings().unwrap_or_else(|e| panic!("{e}"));
    assert!(phrasings.iter().all(|p| !p.says.is_empty()));
}
