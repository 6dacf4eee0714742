//! `pve-mcp-codegen`: turns Proxmox VE's apidoc schema into pve-mcp's typed requests and tool table.
//!
//! The pipeline is three steps, one module each, each testable on its own:
//! 1. [`model`]: read the apidoc tree into a typed model (endpoints, parameters, kinds);
//! 2. [`names`] and [`policy`]: classify (tool name, tier, category, gate, annotations);
//! 3. [`schema`], [`render`] and [`docs`]: emit the input JSON Schemas, the Rust code and
//!    `docs/TOOLS.md`; [`search`] builds the search index, with the curated data of
//!    `codegen/search/` ([`search_data`]: operator phrasings and vocabulary, keyed by endpoint).
//!
//! Output is deterministic: endpoints are sorted by (path, method), tools by name, and nothing
//! depends on hash order or time. `build.rs` calls [`build`]; nothing here touches the network.

pub mod dialect;
pub mod diff;
pub mod docs;
pub mod error;
pub mod import;
pub mod indexes;
pub mod model;
pub mod names;
pub mod output;
pub mod pattern;
pub mod pbs;
pub mod pdm;
pub mod policy;
pub mod pool;
pub mod product;
pub mod references;
pub mod releases;
pub mod render;
pub mod schema;
pub mod search;
pub mod search_data;
pub use pve_mcp_text as text;
pub mod typescript;

use std::collections::BTreeMap;
use std::path::Path;

pub use error::Error;
pub use model::{ApiDoc, Endpoint};
pub use policy::Tier;

/// One endpoint, classified: everything the renderers need.
#[derive(Debug, Clone)]
pub struct Tool {
    pub name: String,
    /// Rust type name of the request struct.
    pub type_name: String,
    pub title: String,
    /// The MCP tool description (full).
    pub description: String,
    /// One sentence: the description's first, for compact listings and search results.
    pub summary: String,
    pub tier: Tier,
    pub category: &'static str,
    /// The confirmation gate, if any.
    pub gate: Option<policy::Gate>,
    /// May answer with a task id (UPID) that the server waits for.
    pub task: bool,
    /// Arguments that name guests or nodes (for the allowlists).
    pub references: Vec<references::Reference>,
    /// Set when the call acts on every guest unless a guest list narrows it.
    pub scope: Option<references::Scope>,
    /// (readOnly, destructive, idempotent, openWorld).
    pub annotations: (bool, bool, bool, bool),
    /// The input JSON Schema, serialized.
    pub input_schema: String,
    /// The compact input JSON Schema, serialized.
    pub compact_schema: String,
    /// The output JSON Schema (lenient), serialized, when PVE declares returned properties.
    pub output_schema: Option<String>,
    /// For a configuration update (a PUT, or a POST beside a PUT, with `delete` or `digest`, and a GET
    /// on its path):
    /// the GET's tool name, read to merge property strings, fill `digest` and report changes.
    pub config_read: Option<String>,
    /// The signature as a compact TypeScript declaration (code mode).
    pub signature: String,
    pub endpoint: Endpoint,
    /// The typed request's endpoint when it accepts more than `endpoint` lists: every vendored
    /// release's parameters and enum values ([`releases::widen`]).
    pub accepts: Option<Endpoint>,
}

/// What one run of the generator produces.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The Rust source, formatted with prettyplease.
    pub code: String,
    /// `docs/TOOLS.md`.
    pub tools_markdown: String,
    pub tools: Vec<Tool>,
    /// `METHOD path` of each endpoint left out, with the reason.
    pub excluded: Vec<(String, &'static str)>,
    /// Schema keys the model does not interpret (key → one place it was seen).
    pub unknown_keys: BTreeMap<String, String>,
    /// Upstream schema bugs repaired while reading.
    pub fixups: Vec<String>,
}

/// Endpoints left out: `METHOD path` and the reason.
pub type Excluded = Vec<(String, &'static str)>;

/// Classifies every endpoint of a parsed PVE schema.
pub fn classify(doc: &ApiDoc) -> Result<(Vec<Tool>, Excluded), Error> {
    classify_product(doc, &product::PVE)
}

/// Classifies every endpoint of a parsed schema of `product`, by that product's rules.
pub fn classify_product(doc: &ApiDoc, product: &product::Product) -> Result<(Vec<Tool>, Excluded), Error> {
    let rules = &product.rules;
    let mut tools = Vec::new();
    let mut excluded = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for ep in &doc.endpoints {
        if let Some(why) = (rules.excluded)(ep) {
            excluded.push((ep.id(), why));
            continue;
        }
        let name = product.tool_name(ep);
        names::check(&name).map_err(|reason| Error::InvalidName { endpoint: ep.id(), reason })?;
        if let Some(first) = seen.insert(name.clone(), ep.id()) {
            return Err(Error::DuplicateName { name, first, second: ep.id() });
        }
        let schema = serde_json::to_string(&schema::input_schema(ep)).expect("JSON values serialize");
        let compact_schema = serde_json::to_string(&schema::compact_input_schema(ep)).expect("JSON values serialize");
        let summary = match names::first_sentence(&ep.description) {
            s if s.is_empty() => names::title(ep, &name),
            s => s,
        };
        let task = (rules.task)(ep);
        let signature = typescript::declaration(&name, &summary, ep, task);
        tools.push(Tool {
            type_name: heck::ToUpperCamelCase::to_upper_camel_case(name.as_str()),
            title: names::title(ep, &name),
            description: tool_description(ep),
            tier: (rules.tier)(ep),
            category: (rules.category)(ep),
            gate: (rules.gate)(ep),
            task,
            references: (rules.references)(ep),
            scope: (rules.scope)(ep),
            annotations: (rules.annotations)(ep),
            input_schema: schema,
            compact_schema,
            output_schema: output::output_schema(ep).map(|s| serde_json::to_string(&s).expect("JSON values serialize")),
            config_read: None,
            signature,
            summary,
            endpoint: ep.clone(),
            accepts: None,
            name,
        });
    }
    link_config_reads(&mut tools);
    Ok((tools, excluded))
}

/// Links each configuration update to the GET tool of its path, and says in its description how
/// partial property strings and `null` behave there.
fn link_config_reads(tools: &mut [Tool]) {
    let reads: BTreeMap<String, String> = tools
        .iter()
        .filter(|t| t.endpoint.method == model::Method::Get)
        .map(|t| (t.endpoint.path.clone(), t.name.clone()))
        .collect();
    for t in tools.iter_mut() {
        let ep = &t.endpoint;
        // A PUT, or the POST twin of one (qemu's asynchronous config update); a POST alone on a
        // collection creates something and has no current value to merge into.
        let write = ep.method == model::Method::Put
            || (ep.method == model::Method::Post && ep.sibling_methods.contains(&model::Method::Put));
        let config_args = ep.params.iter().any(|p| p.name == "delete" || p.name == "digest");
        if let (true, true, Some(read)) = (write, config_args, reads.get(&ep.path)) {
            t.config_read = Some(read.clone());
            t.description.push_str(CONFIG_UPDATE_NOTE);
        }
    }
}

/// How a configuration update treats partial input, in its description.
pub const CONFIG_UPDATE_NOTE: &str = "\n\nPartial updates: a property-string argument given as an object is merged into the \
current value (keys not given are kept, a key set to null is removed; the write carries the digest of the \
configuration it was based on); given as a string it replaces the value. A top-level argument set to null \
is deleted (`delete`). The result lists the changed keys with before and after.";

fn tool_description(ep: &Endpoint) -> String {
    let mut d = ep.description.trim().to_owned();
    if d.is_empty() {
        d = "(The schema gives no description.)".into();
    }
    format!("{d}\n\n{} {}", ep.method.as_str(), ep.path)
}

/// How the search data's endpoints (`codegen/search/`) are checked against the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchCheck {
    /// The schema the data is written for (the vendored one): an entry naming an endpoint that is
    /// no tool of it fails generation, naming the entry's file and line.
    Strict,
    /// Another schema (an older or newer release, a test fixture): entries for endpoints it lacks
    /// are left out. The data's form is checked all the same.
    Lenient,
}

/// Runs the whole pipeline on apidoc JSON text (release unknown; search data checked leniently).
pub fn generate(apidoc_json: &str) -> Result<Generated, Error> {
    generate_for(apidoc_json, None, SearchCheck::Lenient)
}

/// Runs the whole pipeline on apidoc JSON text of a known PVE release (`9.2`).
pub fn generate_for(apidoc_json: &str, release: Option<&str>, check: SearchCheck) -> Result<Generated, Error> {
    let doc = model::parse(apidoc_json)?;
    let (tools, excluded) = classify(&doc)?;
    let phrasings = search_data::phrasings()?;
    let vocabulary = search_data::vocabulary()?;
    if check == SearchCheck::Strict {
        check_search_data(&tools, &excluded, &phrasings, &vocabulary)?;
    }
    let curated = search::Curated::new(&phrasings, &vocabulary);
    let tokens = render::render(&tools, &excluded, release, &curated);
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| Error::Render(e.to_string()))?;
    let code = prettyplease::unparse(&file);
    let tools_markdown = docs::tools_markdown(&tools, &excluded, &doc.fixups);
    Ok(Generated { code, tools_markdown, tools, excluded, unknown_keys: doc.unknown_keys, fixups: doc.fixups })
}

/// Runs the whole pipeline on the primary schema and the other vendored releases (`older`, any
/// order): the primary's tools as [`generate_for`] makes them, their requests widened to every
/// release's parameters, the older-only tools and the release tables ([`releases`]).
pub fn generate_releases(
    apidoc_json: &str,
    release: Option<&str>,
    check: SearchCheck,
    older: Vec<releases::Release>,
) -> Result<Generated, Error> {
    let doc = model::parse(apidoc_json)?;
    let name = release.unwrap_or("unknown").to_owned();
    let mut all = older;
    all.push(releases::Release { name: name.clone(), doc: doc.clone() });
    let all = if all.len() == 1 { all } else { releases::sorted(all)? };
    let primary = all.iter().position(|r| r.name == name).expect("the primary is among the releases");
    let union = releases::union(&all);
    let (mut tools, excluded) = classify(&doc)?;
    releases::widen(&mut tools, &union);
    let older_doc =
        ApiDoc { endpoints: releases::older_only(&union, primary), unknown_keys: BTreeMap::new(), fixups: Vec::new() };
    let (mut older_tools, _) = classify(&older_doc)?;
    releases::widen(&mut older_tools, &union);
    releases::check_names(&tools, &older_tools)?;
    let phrasings = search_data::phrasings()?;
    let vocabulary = search_data::vocabulary()?;
    if check == SearchCheck::Strict {
        check_search_data(&tools, &excluded, &phrasings, &vocabulary)?;
    }
    let curated = search::Curated::new(&phrasings, &vocabulary);
    let mut tokens = render::render(&tools, &excluded, release, &curated);
    // The older-only tools as documents beside the primary table's search index.
    let beside = search::beside(&search::build(&by_name(&tools), &curated), &by_name(&older_tools), &curated);
    tokens.extend(releases::render(&tools, &older_tools, &union, &beside));
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| Error::Render(e.to_string()))?;
    let code = prettyplease::unparse(&file);
    let mut documented = tools.clone();
    documented.extend(older_tools.iter().cloned());
    let releases = (union.names.len() > 1).then_some(&union);
    let tools_markdown = docs::tools_markdown_with(&documented, &excluded, &doc.fixups, releases);
    tools.extend(older_tools);
    Ok(Generated { code, tools_markdown, tools, excluded, unknown_keys: doc.unknown_keys, fixups: doc.fixups })
}

/// Tools sorted by name, as the tables list them.
fn by_name(list: &[Tool]) -> Vec<&Tool> {
    let mut sorted: Vec<&Tool> = list.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
}

/// The generator's output for a schema file as the build makes it: the vendored `apidoc.json` with
/// the releases beside it, any other file alone.
pub fn generate_file(schema: &Path, check: SearchCheck) -> Result<Generated, Error> {
    let json = std::fs::read_to_string(schema).map_err(|source| Error::Io {
        action: "read",
        path: schema.display().to_string(),
        source,
    })?;
    let vendored = schema.file_name().is_some_and(|n| n == "apidoc.json");
    let older = if vendored { vendored_releases(schema)? } else { Vec::new() };
    generate_releases(&json, schema_release(schema).as_deref(), check, older)
}

/// The other vendored releases beside a primary `apidoc.json`: every `pve-<release>.json` of its
/// `releases/` folder, the release read from the file name.
pub fn vendored_releases(schema: &Path) -> Result<Vec<releases::Release>, Error> {
    let dir = schema.with_file_name("releases");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(Vec::new()) };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut out = Vec::new();
    for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let read = |source| Error::Io { action: "read", path: path.display().to_string(), source };
        let json = std::fs::read_to_string(&path).map_err(read)?;
        let name = import::release_from_file_name(&path).ok_or_else(|| Error::Schema {
            at: path.display().to_string(),
            message: "no release in the file name (name it like `pve-9.1.json`)".into(),
        })?;
        let doc = model::parse(&json)?;
        out.push(releases::Release { name, doc });
    }
    Ok(out)
}

/// Every endpoint the search data names is a tool of this schema.
pub(crate) fn check_search_data(
    tools: &[Tool],
    excluded: &Excluded,
    phrasings: &[search_data::Phrasing],
    vocabulary: &[search_data::Entry],
) -> Result<(), Error> {
    let known: std::collections::BTreeSet<String> = tools.iter().map(|t| t.endpoint.id()).collect();
    let named = phrasings
        .iter()
        .map(|p| (&p.endpoint, p.place))
        .chain(vocabulary.iter().flat_map(|e| e.finds.iter().map(|f| (f, e.place))));
    for (endpoint, place) in named {
        if known.contains(endpoint) {
            continue;
        }
        let message = match excluded.iter().find(|(id, _)| id == endpoint) {
            Some((_, why)) => format!("`{endpoint}` is no tool: the generator leaves it out ({why})"),
            None => format!("`{endpoint}` is no endpoint of the schema (see docs/TOOLS.md for each tool's)"),
        };
        return Err(search_data::DataError { place, message }.into());
    }
    Ok(())
}

/// The PVE release of a schema file: from the `NOTICE` beside `apidoc.json`, else from the file
/// name (`pve-9.1.json`).
pub fn schema_release(schema: &Path) -> Option<String> {
    let notice = schema.with_file_name("NOTICE");
    if schema.file_name().is_some_and(|n| n == "apidoc.json")
        && let Some(r) = std::fs::read_to_string(&notice).ok().and_then(|t| import::release_of_notice(&t))
    {
        return Some(r);
    }
    import::release_from_file_name(schema)
}

/// The build-script entry point: reads `schema`, writes `generated.rs` into `out_dir`, and prints
/// cargo warnings for schema keys the model does not know. `check`: [`SearchCheck::Strict`] for
/// the vendored schema, [`SearchCheck::Lenient`] for another one.
pub fn build(schema: &Path, out_dir: &Path, check: SearchCheck) -> Result<Generated, Error> {
    let json = std::fs::read_to_string(schema).map_err(|source| Error::Io {
        action: "read",
        path: schema.display().to_string(),
        source,
    })?;
    // The vendored schema brings its older releases; another one (`PVE_MCP_APIDOC`) is served alone.
    let older = if check == SearchCheck::Strict { vendored_releases(schema)? } else { Vec::new() };
    let generated = generate_releases(&json, schema_release(schema).as_deref(), check, older)?;
    let target = out_dir.join("generated.rs");
    std::fs::write(&target, &generated.code).map_err(|source| Error::Io {
        action: "write",
        path: target.display().to_string(),
        source,
    })?;
    Ok(generated)
}
