//! The Proxmox products the generator makes tools for, as data: each one's name, tool prefix,
//! wire facts, schema file and dialect, and the policy rules its tools are classified by.
//!
//! Proxmox VE is the product every table in [`crate::policy`], [`crate::names`] and
//! [`crate::references`] was written for; its tools keep their names unprefixed and its output is
//! what it always was. Another product (Backup Server now, Datacenter Manager and Mail Gateway
//! next) is one more [`Product`] value and one module of reviewed tables ([`crate::pbs`]), with
//! its tools generated into a table of their own (`generated_<id>.rs`), so a server configured for
//! PVE alone carries none of them in its listings.

use crate::model::Endpoint;
use crate::policy::{self, Gate, Tier};
use crate::references::{self, Reference, Scope};

/// How a product writes its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PVE's (Perl): read as it is.
    Perl,
    /// PBS's and PDM's (Rust): rewritten first by [`crate::dialect::to_pve_dialect`].
    Rust,
}

/// The policy rules a product's endpoints are classified by.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub excluded: fn(&Endpoint) -> Option<&'static str>,
    pub tier: fn(&Endpoint) -> Tier,
    pub category: fn(&Endpoint) -> &'static str,
    pub gate: fn(&Endpoint) -> Option<Gate>,
    pub task: fn(&Endpoint) -> bool,
    pub annotations: fn(&Endpoint) -> (bool, bool, bool, bool),
    pub references: fn(&Endpoint) -> Vec<Reference>,
    pub scope: fn(&Endpoint) -> Option<Scope>,
    /// The tool name before the product's prefix.
    pub name: fn(&Endpoint) -> String,
}

/// One Proxmox product.
#[derive(Debug, Clone, Copy)]
pub struct Product {
    /// Short id, as configuration writes it (`product = "pbs"`).
    pub id: &'static str,
    /// The product's name, for documentation.
    pub title: &'static str,
    /// What every tool name of the product starts with (empty for PVE).
    pub tool_prefix: &'static str,
    /// The port its API listens on.
    pub default_port: u16,
    /// The `Authorization` header's prefix for an API token (`PBSAPIToken=`).
    pub token_prefix: &'static str,
    /// The ticket cookie's name.
    pub cookie: &'static str,
    /// The vendored schema, relative to the repository root.
    pub schema_file: &'static str,
    /// The file the tools are generated into, in `OUT_DIR`.
    pub generated_file: &'static str,
    pub dialect: Dialect,
    pub rules: Rules,
}

impl Product {
    /// The full tool name of an endpoint: the prefix, then the product's naming rule.
    pub fn tool_name(&self, ep: &Endpoint) -> String {
        format!("{}{}", self.tool_prefix, (self.rules.name)(ep))
    }

    pub fn is_pve(&self) -> bool {
        self.id == PVE.id
    }
}

/// Proxmox VE: the tables in [`crate::policy`], [`crate::names`] and [`crate::references`].
pub const PVE: Product = Product {
    id: "pve",
    title: "Proxmox VE",
    tool_prefix: "",
    default_port: 8006,
    token_prefix: "PVEAPIToken=",
    cookie: "PVEAuthCookie",
    schema_file: "apidoc/apidoc.json",
    generated_file: "generated.rs",
    dialect: Dialect::Perl,
    rules: Rules {
        excluded: policy::excluded,
        tier: policy::tier,
        category: policy::category,
        gate: policy::gate,
        task: policy::may_return_task,
        annotations: policy::annotations,
        references: references::references,
        scope: references::scope,
        name: crate::names::tool_name,
    },
};

/// Proxmox Backup Server: the tables in [`crate::pbs`].
pub const PBS: Product = Product {
    id: "pbs",
    title: "Proxmox Backup Server",
    tool_prefix: "pbs_",
    default_port: 8007,
    token_prefix: "PBSAPIToken=",
    cookie: "PBSAuthCookie",
    schema_file: "apidoc/pbs-4.json",
    generated_file: "generated_pbs.rs",
    dialect: Dialect::Rust,
    rules: Rules {
        excluded: crate::pbs::excluded,
        tier: crate::pbs::tier,
        category: crate::pbs::category,
        gate: crate::pbs::gate,
        task: crate::pbs::may_return_task,
        annotations: crate::pbs::annotations,
        references: crate::pbs::references,
        scope: crate::pbs::scope,
        name: crate::pbs::tool_name,
    },
};

/// Proxmox Datacenter Manager: the tables in [`crate::pdm`].
pub const PDM: Product = Product {
    id: "pdm",
    title: "Proxmox Datacenter Manager",
    tool_prefix: "pdm_",
    default_port: 8443,
    token_prefix: "PDMAPIToken=",
    cookie: "PDMAuthCookie",
    schema_file: "apidoc/pdm-1.1.json",
    generated_file: "generated_pdm.rs",
    dialect: Dialect::Rust,
    rules: Rules {
        excluded: crate::pdm::excluded,
        tier: crate::pdm::tier,
        category: crate::pdm::category,
        gate: crate::pdm::gate,
        task: crate::pdm::may_return_task,
        annotations: crate::pdm::annotations,
        references: crate::pdm::references,
        scope: crate::pdm::scope,
        name: crate::pdm::tool_name,
    },
};

/// Every product the generator knows, PVE first.
pub const ALL: &[Product] = &[PVE, PBS, PDM];

/// Runs the whole pipeline on the schema text of a product other than PVE (PVE's is
/// [`crate::generate_for`]): the dialect rewritten, its tools classified by its rules and rendered
/// into a table of their own that shares PVE's `Category` type. Its search index is its schema's
/// words and its own phrasings ([`phrasing_files`]), read through PVE's operator vocabulary: the
/// server rewrites every query with that one vocabulary, so each product's index must be built
/// with it too (it is emitted once, in PVE's table).
///
/// Search data is checked leniently here (a test fixture lacks most endpoints the phrasings name);
/// the build checks it strictly ([`build`], [`generate_checked`]).
pub fn generate(json: &str, product: &Product) -> Result<crate::Generated, crate::Error> {
    generate_checked(json, product, crate::SearchCheck::Lenient)
}

/// [`generate`], with the product's phrasings checked as `check` says: strictly for its vendored
/// schema, where an entry naming no tool fails; leniently for another, where such entries are
/// left out.
pub fn generate_checked(
    json: &str,
    product: &Product,
    check: crate::SearchCheck,
) -> Result<crate::Generated, crate::Error> {
    let mut tree: serde_json::Value = serde_json::from_str(json).map_err(|e| crate::Error::Schema {
        at: product.schema_file.into(),
        message: format!("not an apidoc tree: {e}"),
    })?;
    if product.dialect == Dialect::Rust {
        crate::dialect::to_pve_dialect(&mut tree);
    }
    let unstable = crate::dialect::unstable(&tree);
    let unread = match product.id {
        id if id == PDM.id => crate::pdm::UNREADABLE,
        _ => &[],
    };
    let left_out = crate::dialect::remove_methods(&mut tree, unread);
    let doc = crate::model::parse(&tree.to_string())?;
    let (mut tools, mut excluded) = crate::classify_product(&doc, product)?;
    excluded.extend(left_out);
    mark_unstable(&mut tools, &unstable);
    let mut phrasings = crate::search_data::phrasings_in(phrasing_files(product))?;
    let vocabulary = crate::search_data::vocabulary()?;
    // The product's phrasings must name its tools; the vocabulary's examples are PVE's.
    if check == crate::SearchCheck::Strict {
        crate::check_search_data(&tools, &excluded, &phrasings, &[])?;
    } else {
        let known: std::collections::BTreeSet<String> = tools.iter().map(|t| t.endpoint.id()).collect();
        phrasings.retain(|p| known.contains(&p.endpoint));
    }
    let mut curated = crate::search::Curated::new(&phrasings, &vocabulary);
    curated.entries.clear();
    let tokens = crate::render::render_for(&tools, &excluded, None, &curated, product.is_pve());
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| crate::Error::Render(e.to_string()))?;
    let code = prettyplease::unparse(&file);
    let tools_markdown = markdown(product, &tools, &excluded);
    Ok(crate::Generated { code, tools_markdown, tools, excluded, unknown_keys: doc.unknown_keys, fixups: doc.fixups })
}

/// A product's operator phrasings (`codegen/search/<product>/`); none for one without.
pub fn phrasing_files(product: &Product) -> &'static [(&'static str, &'static str)] {
    match product.id {
        id if id == PBS.id => crate::search_data::PBS_PHRASING_FILES,
        id if id == PDM.id => crate::search_data::PDM_PHRASING_FILES,
        _ => &[],
    }
}

/// What the description of a method the schema marks `unstable` ends with.
pub const UNSTABLE_NOTE: &str = "\n\nUnstable: the product marks this method unstable; its arguments or answer may \
change in a later release.";

/// Marks the tools of the methods the schema calls unstable (`METHOD path` ids), in their
/// description (and so in `docs/TOOLS.md`).
fn mark_unstable(tools: &mut [crate::Tool], unstable: &[String]) {
    for t in tools.iter_mut().filter(|t| unstable.contains(&t.endpoint.id())) {
        t.description.push_str(UNSTABLE_NOTE);
    }
}

/// `docs/TOOLS.md`: PVE's tool list, then each other product's whose schema is in `apidoc_dir`.
pub fn tools_markdown_all(pve_markdown: &str, apidoc_dir: &std::path::Path) -> Result<String, crate::Error> {
    let mut out = pve_markdown.to_owned();
    for product in ALL.iter().filter(|p| !p.is_pve()) {
        let file = std::path::Path::new(product.schema_file).file_name().unwrap_or_default();
        let path = apidoc_dir.join(file);
        let Ok(json) = std::fs::read_to_string(&path) else { continue };
        out.push('\n');
        out.push_str(&generate(&json, product)?.tools_markdown);
    }
    Ok(out)
}

/// A product's section of `docs/TOOLS.md`.
fn markdown(product: &Product, tools: &[crate::Tool], excluded: &[(String, &'static str)]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let count = |t: Tier| tools.iter().filter(|x| x.tier == t).count();
    let _ = writeln!(out, "# {} tools\n", product.title);
    let _ = writeln!(
        out,
        "Generated from `{}` with the rules of `codegen/src/{}.rs`. Tool names start with `{}`; the \
         categories are PVE's, holding on {} what the table below says.\n",
        product.schema_file, product.id, product.tool_prefix, product.title
    );
    let _ = writeln!(
        out,
        "{} tools: {} `read-only`, {} `read-execute`, {} `full`; {} gated (need confirmation). \
         {} endpoints are left out (see the end).\n",
        tools.len(),
        count(Tier::ReadOnly),
        count(Tier::ReadExecute),
        count(Tier::Full),
        tools.iter().filter(|t| t.gate.is_some()).count(),
        excluded.len()
    );
    let unstable = tools.iter().filter(|t| t.description.ends_with(UNSTABLE_NOTE)).count();
    let _ = writeln!(
        out,
        "{unstable} of them the schema marks unstable (**unstable** below: their arguments or answer may change in \
         a later release).\n"
    );
    let notes = match product.id {
        id if id == PBS.id => crate::pbs::CATEGORY_NOTES,
        id if id == PDM.id => crate::pdm::CATEGORY_NOTES,
        _ => &[],
    };
    for (cat, _) in crate::policy::CATEGORIES {
        let mut in_cat: Vec<&crate::Tool> = tools.iter().filter(|t| t.category == *cat).collect();
        if in_cat.is_empty() {
            continue;
        }
        in_cat.sort_by(|a, b| a.name.cmp(&b.name));
        let what = notes.iter().find(|(c, _)| c == cat).map_or("", |(_, w)| *w);
        let _ = writeln!(out, "## {} {cat} ({})\n\n{what}.\n", product.id, in_cat.len());
        let _ = writeln!(out, "| tool | method and path | tier | gate | description |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        for t in in_cat {
            let mut desc = crate::names::first_sentence(&t.endpoint.description).replace('|', "\\|");
            if t.description.ends_with(UNSTABLE_NOTE) {
                desc.insert_str(0, "**unstable** ");
            }
            let ep = &t.endpoint;
            let (tier, gate) = (t.tier.as_str(), crate::docs::gate_cell(t));
            let _ = writeln!(out, "| `{}` | `{} {}` | {tier} | {gate} | {desc} |", t.name, ep.method.as_str(), ep.path);
        }
        let _ = writeln!(out);
    }
    let mut named: Vec<&crate::Tool> = tools.iter().filter(|t| !t.references.is_empty() || t.scope.is_some()).collect();
    if !named.is_empty() {
        named.sort_by(|a, b| a.name.cmp(&b.name));
        let pdm = product.id == PDM.id;
        if pdm {
            let _ = writeln!(
                out,
                "## {} remotes, guests and nodes named by arguments\n\nWith `PDM_REMOTE_ALLOWLIST`, `PVE_VMID_ALLOWLIST`, \
                 `PVE_NODE_ALLOWLIST`, `PBS_DATASTORES` or `PBS_NAMESPACES` set, every remote, guest, node, Backup Server \
                 datastore and namespace these arguments name must be allowed (the rules in `codegen/src/{}.rs`); a task \
                 id names its remote, node and guest. A call on every remote is refused under a remote allowlist unless \
                 its list names them. Which listings are filtered, and which summaries refused, is in \
                 `src/policy/allowlist/pdm.rs`.\n\n| tool | names |\n| --- | --- |",
                product.id, product.id
            );
        } else {
            let _ = writeln!(
                out,
                "## {} arguments the allowlists read\n\nWith `PBS_DATASTORES`, `PBS_NAMESPACES` or `PVE_VMID_ALLOWLIST` \
                 set, every datastore, namespace and backup group's guest these arguments name must be allowed (the \
                 reviewed tables in `codegen/src/{}.rs`); a job's id is refused under any of them. \"All guests\" \
                 says when the call would act on every backup group: refused under a VMID allowlist. Read beside \
                 these (`src/policy/allowlist/pbs.rs`): a task id's worker id names its datastore, namespace and \
                 group; under a namespace allowlist, calls on a whole datastore and a tape restore without target \
                 namespaces are refused.\n",
                product.id, product.id
            );
            let _ = writeln!(out, "| tool | names |\n| --- | --- |");
        }
        for t in named {
            let names = if pdm {
                let mut names = crate::references::describe(&t.references, None);
                if let Some(scope) = &t.scope {
                    let every = match scope.list {
                        "" => "acts on every remote".to_owned(),
                        list => format!("every remote unless `{list}` names them"),
                    };
                    names = if names.is_empty() { every } else { format!("{names}; {every}") };
                }
                names
            } else {
                crate::references::describe(&t.references, t.scope.as_ref()).replace('|', "\\|")
            };
            let _ = writeln!(out, "| `{}` | {names} |", t.name);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## {} left out\n\n| endpoint | why |\n| --- | --- |", product.id);
    for (id, why) in excluded {
        let _ = writeln!(out, "| `{id}` | {why} |");
    }
    out
}

/// The build-script entry point for a product other than PVE: reads its schema, writes its
/// [`Product::generated_file`] into `out_dir`.
pub fn build(
    schema: &std::path::Path,
    out_dir: &std::path::Path,
    product: &Product,
) -> Result<crate::Generated, crate::Error> {
    let io = |action, path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| crate::Error::Io { action, path, source }
    };
    let json = std::fs::read_to_string(schema).map_err(io("read", schema))?;
    let generated = generate_checked(&json, product, crate::SearchCheck::Strict)?;
    let target = out_dir.join(product.generated_file);
    std::fs::write(&target, &generated.code).map_err(io("write", &target))?;
    Ok(generated)
}
