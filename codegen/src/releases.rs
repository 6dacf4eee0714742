//! Every vendored PVE release at once: which releases have each endpoint, parameter, property-string
//! key and enum value (a bitmask over the releases, oldest first, stored only where it differs from
//! its parent's), the union each typed request accepts, the tools only older releases have, and the
//! input schemas a release lists where its parameters differ from the primary schema's.
//!
//! The primary schema (`apidoc/apidoc.json`) stays what the tool table lists with the release
//! unknown: its tools, schemas and search index are generated exactly as without this module.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::Tool;
use crate::error::Error;
use crate::model::{ApiDoc, Endpoint, Kind, Location, Param, SubProperty};

/// At most this many releases: a mask is a `u8`.
pub const MAX: usize = 8;

/// One vendored release: its name (`9.1`, `8` for any 8.y) and parsed schema.
#[derive(Debug, Clone)]
pub struct Release {
    pub name: String,
    pub doc: ApiDoc,
}

/// Which releases have one endpoint, and the exceptions below it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Presence {
    /// Bit `i`: release `i` (oldest first) has the endpoint.
    pub mask: u8,
    /// Parameters (indexed ones by stem) not in every release that has the endpoint.
    pub params: BTreeMap<String, u8>,
    /// (parameter, enum value) not in every release that has the parameter.
    pub values: BTreeMap<(String, String), u8>,
    /// (property-string parameter, key, enum value or empty for the key itself) not in every
    /// release that has the parameter (the key's value: not in every release that has the key).
    pub keys: BTreeMap<(String, String, String), u8>,
}

/// An endpoint's identity across releases: its method and path with the placeholders unnamed, so
/// a placeholder renamed between releases (`{pciid}` → `{pci-id-or-mapping}`) is the same endpoint.
pub fn key(ep: &Endpoint) -> String {
    let path: Vec<&str> =
        ep.segments().map(|s| if crate::model::placeholder(s).is_some() { "{}" } else { s }).collect();
    format!("{} /{}", ep.method.as_str(), path.join("/"))
}

/// Whether two releases' parameters are the same one: the same name, both indexed or neither
/// (`numa` is a flag, `numa[n]` a property string).
fn same(p: &Param, q: &Param) -> bool {
    p.name == q.name && p.indexed.is_some() == q.indexed.is_some()
}

/// The parameters that are not path placeholders (those are named by the newest release's path).
fn args(ep: &Endpoint) -> impl Iterator<Item = &Param> {
    ep.params.iter().filter(|p| p.location != Location::Path)
}

/// What the generator knows across releases.
#[derive(Debug, Clone, Default)]
pub struct Union {
    /// Release names, oldest first (bit order of every mask).
    pub names: Vec<String>,
    /// Per endpoint ([`key`]), the releases that have it.
    pub presence: BTreeMap<String, Presence>,
    /// Per endpoint, its definition in each release that has it (by release index).
    pub by_release: BTreeMap<String, Vec<(usize, Endpoint)>>,
}

/// A release name as (major, minor): `8` is 8.0, so that it sorts before 8.y.
pub fn version(name: &str) -> Option<(u32, u32)> {
    let mut parts = name.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

/// The releases sorted oldest first; names must be versions and unique, at most [`MAX`].
pub fn sorted(mut releases: Vec<Release>) -> Result<Vec<Release>, Error> {
    let bad = |message: String| Error::Schema { at: "apidoc/releases".into(), message };
    for r in &releases {
        version(&r.name).ok_or_else(|| bad(format!("release `{}` is no version (like `9.1` or `8`)", r.name)))?;
    }
    releases.sort_by_key(|r| version(&r.name));
    if releases.windows(2).any(|w| version(&w[0].name) == version(&w[1].name)) {
        return Err(bad("two schemas for the same release".into()));
    }
    if releases.len() > MAX {
        return Err(bad(format!("at most {MAX} releases can be vendored, found {}", releases.len())));
    }
    Ok(releases)
}

/// The set of parameter names (stems) and the enum values of each, per release, for one endpoint.
fn enum_values(kind: &Kind) -> Option<&[String]> {
    match kind {
        Kind::Enum(v) => Some(v),
        Kind::Array(inner) => enum_values(inner),
        _ => None,
    }
}

/// Reads every release (oldest first) into masks.
pub fn union(releases: &[Release]) -> Union {
    let mut u = Union { names: releases.iter().map(|r| r.name.clone()).collect(), ..Union::default() };
    for (i, r) in releases.iter().enumerate() {
        for ep in &r.doc.endpoints {
            u.by_release.entry(key(ep)).or_default().push((i, ep.clone()));
        }
    }
    for (id, defs) in &u.by_release {
        let mask = defs.iter().fold(0u8, |m, (i, _)| m | 1 << i);
        let mut params: BTreeMap<String, u8> = BTreeMap::new();
        for (i, ep) in defs {
            for p in args(ep) {
                *params.entry(p.name.clone()).or_default() |= 1 << i;
            }
        }
        let union_ep = accepted(defs);
        let mut values = BTreeMap::new();
        for p in args(&union_ep) {
            let Some(all) = enum_values(&p.kind) else { continue };
            for v in all {
                let mut m = 0u8;
                for (i, ep) in defs {
                    let Some(q) = ep.params.iter().find(|q| same(p, q)) else { continue };
                    // A release where the parameter is no enum takes any value.
                    if enum_values(&q.kind).is_none_or(|vs| vs.contains(v)) {
                        m |= 1 << i;
                    }
                }
                if m != params[&p.name] {
                    values.insert((p.name.clone(), v.clone()), m);
                }
            }
        }
        let keys = key_masks(defs, &union_ep, &params);
        params.retain(|_, m| *m != mask);
        u.presence.insert(id.clone(), Presence { mask, params, values, keys });
    }
    u
}

/// A parameter's property-string keys, if it is a property string.
fn sub_keys(kind: &Kind) -> Option<&[SubProperty]> {
    match kind {
        Kind::PropertyString(keys) => Some(keys),
        _ => None,
    }
}

/// Which releases have each property-string key and each enum value of one, where that is not
/// every release that has the parameter (or the key). A release where the parameter is a plain
/// value has the default key only (`machine: "q35"` before it took keys), one that names the format
/// an older release gave (`rng0`'s `pve-qm-rng` since 9.1) takes any key; a key that is no enum
/// there takes any value.
fn key_masks(
    defs: &[(usize, Endpoint)],
    union_ep: &Endpoint,
    params: &BTreeMap<String, u8>,
) -> BTreeMap<(String, String, String), u8> {
    let mut out = BTreeMap::new();
    for p in args(union_ep) {
        let Some(keys) = sub_keys(&p.kind) else { continue };
        let in_release =
            |i: usize| defs.iter().find(|(j, _)| *j == i).and_then(|(_, ep)| ep.params.iter().find(|q| same(p, q)));
        // A release that names the format an older one gave (`rng0`'s `pve-qm-rng` since 9.1)
        // takes any key; any other plain value (a pattern, or `wakeonlan`'s `mac-addr` up to 7.4)
        // only the default key's.
        let named_since = |i: usize, q: &Param| {
            q.format.is_some()
                && defs.iter().any(|(j, _)| *j < i && in_release(*j).is_some_and(|o| sub_keys(&o.kind).is_some()))
        };
        for k in keys {
            let mut key_mask = 0u8;
            for (i, _) in defs {
                let Some(q) = in_release(*i) else { continue };
                if sub_keys(&q.kind).map_or(k.default_key || named_since(*i, q), |ks| ks.iter().any(|s| s.key == k.key))
                {
                    key_mask |= 1 << i;
                }
            }
            if key_mask != params[&p.name] {
                out.insert((p.name.clone(), k.key.clone(), String::new()), key_mask);
            }
            let Some(values) = enum_values(&k.kind) else { continue };
            for v in values {
                let mut m = 0u8;
                for (i, _) in defs {
                    let Some(q) = in_release(*i) else { continue };
                    let key = sub_keys(&q.kind).map(|ks| ks.iter().find(|s| s.key == k.key));
                    let takes = match key {
                        None if named_since(*i, q) => true,
                        None => k.default_key && enum_values(&q.kind).is_none_or(|vs| vs.contains(v)),
                        Some(None) => false,
                        Some(Some(s)) => enum_values(&s.kind).is_none_or(|vs| vs.contains(v)),
                    };
                    if takes {
                        m |= 1 << i;
                    }
                }
                if m != key_mask {
                    out.insert((p.name.clone(), k.key.clone(), v.clone()), m);
                }
            }
        }
    }
    out
}

/// The endpoint a typed request is generated from: the newest definition, plus every parameter,
/// property-string key and enum value an older release has (so an 8.x-only parameter is accepted on an 8.x cluster).
pub fn accepted(defs: &[(usize, Endpoint)]) -> Endpoint {
    let mut newest_first: Vec<&Endpoint> = defs.iter().map(|(_, e)| e).collect();
    newest_first.reverse();
    let mut ep = newest_first[0].clone();
    for older in &newest_first[1..] {
        for q in args(older) {
            match ep.params.iter_mut().find(|p| same(p, q)) {
                None => ep.params.push(q.clone()),
                // A property string whose newer releases name its format without giving it
                // (`rng0` since 9.1) keeps the keys the older ones give.
                Some(p) if sub_keys(&p.kind).is_none() && sub_keys(&q.kind).is_some() => p.kind = q.kind.clone(),
                Some(p) => {
                    merge_values(&mut p.kind, &q.kind);
                    if let (Kind::PropertyString(have), Some(older_keys)) = (&mut p.kind, sub_keys(&q.kind)) {
                        for k in older_keys {
                            match have.iter_mut().find(|s| s.key == k.key) {
                                Some(s) => merge_values(&mut s.kind, &k.kind),
                                // One key may be left out: the newest release's, where both have one.
                                None => {
                                    let default_key = k.default_key && !have.iter().any(|s| s.default_key);
                                    have.push(SubProperty { default_key, ..k.clone() });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // The model's order: path placeholders in path order, then the others by name.
    let (path, mut rest): (Vec<Param>, Vec<Param>) = ep.params.into_iter().partition(|p| p.location == Location::Path);
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    ep.params = path.into_iter().chain(rest).collect();
    ep
}

/// Adds the enum values `older` has to `kind`'s.
fn merge_values(kind: &mut Kind, older: &Kind) {
    if let (Some(extra), Some(have)) = (enum_values(older).map(<[String]>::to_vec), enum_values_mut(kind)) {
        for v in extra {
            if !have.contains(&v) {
                have.push(v);
            }
        }
    }
}

fn enum_values_mut(kind: &mut Kind) -> Option<&mut Vec<String>> {
    match kind {
        Kind::Enum(v) => Some(v),
        Kind::Array(inner) => enum_values_mut(inner),
        _ => None,
    }
}

/// The endpoints no primary tool stands for (in older releases only), each as its newest release
/// defines it, sorted by (path, method).
pub fn older_only(u: &Union, primary: usize) -> Vec<Endpoint> {
    u.by_release
        .values()
        .filter(|defs| defs.iter().all(|(i, _)| *i != primary))
        .map(|defs| defs.last().expect("an endpoint is in some release").1.clone())
        .collect()
}

/// Widens each tool's typed request to every release's parameters (and its allowlist references to
/// theirs); its listed schemas stay those of the endpoint it was classified from.
pub fn widen(tools: &mut [Tool], u: &Union) {
    for t in tools {
        let Some(defs) = u.by_release.get(&key(&t.endpoint)) else { continue };
        let accepts = accepted(defs);
        if accepts.params != t.endpoint.params {
            t.references = crate::references::references(&accepts);
            t.scope = crate::references::scope(&accepts);
            t.accepts = Some(accepts);
        }
    }
}

/// One parameter as a release lists it where that differs from the tool's table entry (added in
/// it, or with other rules): the releases, its key in the input schema (`properties`, or
/// `patternProperties` for an indexed one), whether it is required, its full and compact schema
/// and its line of the TypeScript signature. A parameter the release lacks is known from the masks.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    pub param: String,
    pub mask: u8,
    pub key: String,
    pub indexed: bool,
    pub required: bool,
    pub full: String,
    pub compact: String,
    pub line: String,
}

/// The fragments of every tool, by tool name (identical ones of several releases merged).
pub fn fragments(tools: &[&Tool], u: &Union) -> BTreeMap<String, Vec<Fragment>> {
    let mut out = BTreeMap::new();
    for t in tools {
        let Some(defs) = u.by_release.get(&key(&t.endpoint)) else { continue };
        let mut list: Vec<Fragment> = Vec::new();
        for (i, ep) in defs {
            for q in args(ep) {
                let listed = t.endpoint.params.iter().find(|p| same(p, q));
                // A parameter that differs in its text only is listed as the table entry words it:
                // a release's listing differs where a caller's call would (names, types, values).
                if listed.is_some_and(|p| p == q || same_rules(p, q)) {
                    continue;
                }
                let f = fragment(t, q, 1 << i);
                match list.iter_mut().find(|g| Fragment { mask: g.mask, ..f.clone() } == **g) {
                    Some(g) => g.mask |= f.mask,
                    None => list.push(f),
                }
            }
        }
        if !list.is_empty() {
            out.insert(t.name.clone(), list);
        }
    }
    out
}

/// One parameter's listing, cut from a one-parameter endpoint's schemas and signature.
fn fragment(t: &Tool, q: &Param, mask: u8) -> Fragment {
    let mut one = t.endpoint.clone();
    one.params = vec![q.clone()];
    let cut = |schema: serde_json::Value| -> (String, String) {
        let map = if q.indexed.is_some() { &schema["patternProperties"] } else { &schema["properties"] };
        let (key, value) = map.as_object().and_then(|m| m.iter().next()).expect("one parameter, one entry");
        (key.clone(), serde_json::to_string(value).expect("JSON values serialize"))
    };
    let (key, full) = cut(crate::schema::input_schema(&one));
    let (_, compact) = cut(crate::schema::compact_input_schema(&one));
    let signature = crate::typescript::declaration(&t.name, &t.summary, &one, false);
    let line = signature.lines().nth(2).unwrap_or_default().trim_start().to_owned();
    Fragment {
        param: q.name.clone(),
        mask,
        key,
        indexed: q.indexed.is_some(),
        required: !q.optional,
        full,
        compact,
        line,
    }
}

/// The same parameter but for its descriptions: type, values, ranges, keys, optional, index.
fn same_rules(p: &Param, q: &Param) -> bool {
    fn bare(k: &Kind) -> Kind {
        match k {
            Kind::PropertyString(keys) => Kind::PropertyString(
                keys.iter()
                    .map(|s| crate::model::SubProperty { description: None, kind: bare(&s.kind), ..s.clone() })
                    .collect(),
            ),
            Kind::Array(inner) => Kind::Array(Box::new(bare(inner))),
            other => other.clone(),
        }
    }
    p.optional == q.optional
        && p.indexed == q.indexed
        && p.default == q.default
        && p.format == q.format
        && bare(&p.kind) == bare(&q.kind)
}

/// The generated tables: the releases, the tools only older releases have (in their own module,
/// so the primary table and its search index stay as they are), the masks and the variants.
pub fn render(primary: &[Tool], older: &[Tool], u: &Union, search: &crate::search::Beside) -> TokenStream {
    let names = &u.names;
    let all_mask = Literal::u8_unsuffixed(((1u16 << names.len()) - 1) as u8);
    let mut every: Vec<&Tool> = primary.iter().chain(older).collect();
    every.sort_by(|a, b| a.name.cmp(&b.name));
    // One string for every table's strings, so the tables hold no pointers.
    let mut pool = crate::pool::Pool::new();
    let mut tool_rows = Vec::new();
    let mut param_rows = Vec::new();
    let mut value_rows = Vec::new();
    let mut key_rows = Vec::new();
    for t in &every {
        let Some(p) = u.presence.get(&key(&t.endpoint)) else { continue };
        let name = pool.span(&t.name);
        if p.mask != ((1u16 << names.len()) - 1) as u8 {
            let m = Literal::u8_unsuffixed(p.mask);
            tool_rows.push(quote! { crate::tools::releases::ToolRow { tool: #name, releases: #m } });
        }
        for (param, m) in &p.params {
            let (param, m) = (pool.span(param), Literal::u8_unsuffixed(*m));
            param_rows.push(quote! { crate::tools::releases::ParamRow { tool: #name, param: #param, releases: #m } });
        }
        for ((param, value), m) in &p.values {
            let (param, value, m) = (pool.span(param), pool.span(value), Literal::u8_unsuffixed(*m));
            value_rows.push(quote! {
                crate::tools::releases::ValueRow { tool: #name, param: #param, value: #value, releases: #m }
            });
        }
        for ((param, key, value), m) in &p.keys {
            let [param, key, value] = [param, key, value].map(|s| pool.span(s));
            let m = Literal::u8_unsuffixed(*m);
            key_rows.push(quote! {
                crate::tools::releases::KeyRow { tool: #name, param: #param, key: #key, value: #value, releases: #m }
            });
        }
    }
    let mut fragment_rows = Vec::new();
    for (name, list) in fragments(&every, u) {
        for f in list {
            let Fragment { param, mask, key, indexed, required, full, compact, line } = f;
            let m = Literal::u8_unsuffixed(mask);
            let [name, param, key, full, compact, line] =
                [&name, &param, &key, &full, &compact, &line].map(|s| pool.span(s));
            fragment_rows.push(quote! {
                crate::tools::releases::Fragment {
                    tool: #name, param: #param, releases: #m, key: #key, indexed: #indexed,
                    required: #required, full: #full, compact: #compact, line: #line,
                }
            });
        }
    }
    let text = pool.text();
    let older_module = render_older(older, search);
    quote! {
        /// The vendored PVE releases, oldest first: bit `i` of every release mask is `RELEASES[i]`
        /// (`8` stands for any 8.y). The primary schema's is [`SCHEMA_RELEASE`].
        pub static RELEASES: &[&str] = &[ #(#names),* ];

        /// The mask of every release.
        pub const ALL_RELEASES: u8 = #all_mask;

        #older_module

        /// The strings of the five tables below, each once.
        pub static RELEASE_TEXT: &str = #text;

        /// Tools not in every release, sorted by tool; any other is in all.
        pub static TOOL_RELEASES: &[crate::tools::releases::ToolRow] = &[ #(#tool_rows),* ];

        /// Parameters (indexed ones by stem) not in every release of their tool, sorted by tool
        /// then parameter.
        pub static PARAM_RELEASES: &[crate::tools::releases::ParamRow] = &[ #(#param_rows),* ];

        /// Enum values not in every release of their parameter, sorted by tool, parameter, value.
        pub static VALUE_RELEASES: &[crate::tools::releases::ValueRow] = &[ #(#value_rows),* ];

        /// Property-string keys not in every release of their parameter, and their enum values not
        /// in every release of their key (`value` empty: the key itself), sorted by tool, parameter,
        /// key, value.
        pub static KEY_RELEASES: &[crate::tools::releases::KeyRow] = &[ #(#key_rows),* ];

        /// Parameters as the releases list them where that differs from the tool's table entry
        /// (added, or other rules), sorted by tool.
        pub static RELEASE_FRAGMENTS: &[crate::tools::releases::Fragment] = &[ #(#fragment_rows),* ];
    }
}

/// `older`: the requests and table of the tools only older releases have.
fn render_older(older: &[Tool], search: &crate::search::Beside) -> TokenStream {
    let mut by_category: BTreeMap<&str, Vec<&Tool>> = BTreeMap::new();
    for t in older {
        by_category.entry(t.category).or_default().push(t);
    }
    let modules = by_category.iter().map(|(cat, tools)| {
        let m = Ident::new(cat, Span::call_site());
        let items = tools.iter().map(|t| crate::render::render_request(t));
        quote! {
            pub mod #m {
                #[allow(unused_imports)]
                use crate::tools::arguments::{Arguments, ArgErrors, Need, PropertyArg, PveEnum, Rule, SubKey, TextRule};
                #[allow(unused_imports)]
                use crate::pve::request::{HttpMethod, PveRequest, ToWire, path_segment};
                #(#items)*
            }
        }
    });
    let mut sorted: Vec<&Tool> = older.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let entries = sorted.iter().map(|t| crate::render::render_tool_def(t));
    let reference_rows = sorted
        .iter()
        .filter(|t| !t.references.is_empty() || t.scope.is_some())
        .map(|t| crate::render::render_references(t));
    let count = Literal::usize_unsuffixed(older.len());
    let words = search.words.join("\n");
    let postings = search.postings.iter().map(|&(term, doc, weight)| {
        let weight = Literal::f32_unsuffixed(weight);
        quote! { (#term, #doc, #weight) }
    });
    let lengths = search.lengths.iter().map(|l| Literal::f32_unsuffixed(*l));
    quote! {
        /// The tools only older releases have (their endpoints were dropped since), in their own
        /// table beside [`TOOLS`] and out of its search index.
        pub mod older {
            #[allow(unused_imports)]
            use super::Category;
            #(#modules)*

            /// Every older-only tool, sorted by name.
            pub static TOOLS: [crate::tools::registry::ToolDef; #count] = [ #(#entries),* ];

            /// What their arguments name, as [`super::REFERENCES`].
            pub static REFERENCES: &[crate::tools::references::ToolReferences] = &[ #(#reference_rows),* ];

            /// Search: their words [`super::SEARCH_TERMS`] lacks, sorted, one a line.
            pub static SEARCH_WORDS: &str = #words;

            /// Search: (term, position in [`TOOLS`], weight), sorted by term: a term below
            /// [`super::SEARCH_TERMS`]'s length is that word, from it on a word of [`SEARCH_WORDS`].
            /// Scored on the primary index's statistics, so they change no primary tool's score.
            pub static SEARCH_POSTINGS: &[(u16, u16, f32)] = &[ #(#postings),* ];

            /// Search: each one's document length, in [`TOOLS`] order.
            pub static SEARCH_LENGTHS: [f32; #count] = [ #(#lengths),* ];
        }
    }
}

/// Names given to older-only endpoints must not collide with the primary tools' names.
pub fn check_names(primary: &[Tool], older: &[Tool]) -> Result<(), Error> {
    let known: BTreeMap<&str, String> = primary.iter().map(|t| (t.name.as_str(), t.endpoint.id())).collect();
    let mut seen = BTreeSet::new();
    for t in older {
        if let Some(first) = known.get(t.name.as_str()) {
            return Err(Error::DuplicateName { name: t.name.clone(), first: first.clone(), second: t.endpoint.id() });
        }
        seen.insert(t.name.as_str());
    }
    Ok(())
}

/// For `docs/TOOLS.md`: what the "since / until" column says.
pub fn docs_preamble(u: &Union) -> String {
    let labels: Vec<String> =
        u.names.iter().map(|n| if n.contains('.') { n.clone() } else { format!("{n}.x") }).collect();
    format!(
        "One binary serves every vendored PVE release ({}): each cluster is offered the tools and parameters \
         of the release it runs. \"since / until\" says which releases have a tool (`9.1 –`: 9.1 and newer; \
         `– 8.x`: up to 8.x, dropped since); empty: every one. Parameters and enum values follow their release too \
         (see a tool's `pve_describe`).\n\n",
        labels.join(", ")
    )
}

/// For `docs/TOOLS.md`: the "since / until" of an endpoint (`9.1 –`, `– 8`, `6.4 – 8`), empty when
/// every release has it.
pub fn span(u: &Union, ep: &Endpoint) -> String {
    let Some(p) = u.presence.get(&key(ep)) else { return String::new() };
    let all = ((1u16 << u.names.len()) - 1) as u8;
    if p.mask == all {
        return String::new();
    }
    let first = (0..u.names.len()).find(|i| p.mask & 1 << i != 0).unwrap_or(0);
    let last = (0..u.names.len()).rev().find(|i| p.mask & 1 << i != 0).unwrap_or(0);
    let contiguous = (first..=last).all(|i| p.mask & 1 << i != 0);
    let label = |i: usize| if u.names[i].contains('.') { u.names[i].clone() } else { format!("{}.x", u.names[i]) };
    let since = if first == 0 { String::new() } else { label(first) };
    let until = if last + 1 == u.names.len() { String::new() } else { label(last) };
    if contiguous {
        format!("{since} – {until}").trim().to_owned()
    } else {
        (0..u.names.len()).filter(|i| p.mask & 1 << i != 0).map(label).collect::<Vec<_>>().join(", ")
    }
}
