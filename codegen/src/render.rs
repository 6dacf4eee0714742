//! Step 3b: Rust code for every tool: a typed request struct per endpoint (with its argument
//! reader and its wire form), grouped in one module per category, and the sorted tool table.
//! The emitted code refers to the server crate's runtime pieces by path:
//! `crate::tools::arguments` (reading and checking arguments), `crate::pve::request` (what is sent
//! to PVE) and `crate::tools::registry` (the tool table's types).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::Tool;
use crate::model::{Endpoint, Kind, Location, Param, StringRules, SubProperty};
use crate::pattern;
use crate::policy::CATEGORIES;

/// Renders the whole generated module body.
pub fn render(
    tools: &[Tool],
    excluded: &[(String, &'static str)],
    release: Option<&str>,
    curated: &crate::search::Curated<'_>,
) -> TokenStream {
    render_for(tools, excluded, release, curated, true)
}

/// Renders a generated module body; `own_categories`: whether it defines the `Category` enum (PVE's
/// table does) or uses PVE's (another product's table, so both tables' tools share one type).
pub fn render_for(
    tools: &[Tool],
    excluded: &[(String, &'static str)],
    release: Option<&str>,
    curated: &crate::search::Curated<'_>,
    own_categories: bool,
) -> TokenStream {
    let category_enum = if own_categories {
        render_categories()
    } else {
        quote! { pub use crate::tools::generated::Category; }
    };
    let mut by_category: BTreeMap<&str, Vec<&Tool>> = BTreeMap::new();
    for t in tools {
        by_category.entry(t.category).or_default().push(t);
    }
    let modules = by_category.iter().map(|(cat, tools)| {
        let m = Ident::new(cat, Span::call_site());
        let doc = format!("Requests of the `{cat}` category.");
        let items = tools.iter().map(|t| render_request(t));
        quote! {
            #[doc = #doc]
            pub mod #m {
                #[allow(unused_imports)]
                use crate::tools::arguments::{Arguments, ArgErrors, Need, PropertyArg, PveEnum, Rule, SubKey, TextRule};
                #[allow(unused_imports)]
                use crate::pve::request::{HttpMethod, PveRequest, ToWire, path_segment};
                #(#items)*
            }
        }
    });
    let mut sorted: Vec<&Tool> = tools.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let entries = sorted.iter().map(|t| render_tool_def(t));
    let excluded_rows = excluded.iter().map(|(id, why)| quote! { (#id, #why) });
    let index = crate::search::build(&sorted, curated);
    let vocabulary_rows = curated.entries.iter().map(|(phrase, terms)| quote! { (#phrase, #terms) });
    let mut words = crate::pool::Pool::new();
    let mut end = 0u32;
    let term_rows: Vec<TokenStream> = index
        .terms
        .iter()
        .map(|(word, postings)| {
            let word = words.span(word);
            end += u32::try_from(postings.len()).expect("a word's postings fit in 4 G");
            let end = Literal::u32_unsuffixed(end);
            quote! { (#word, #end) }
        })
        .collect();
    let posting_rows = index.terms.values().flatten().map(|(i, w)| {
        let (i, w) = (Literal::u16_unsuffixed(*i), Literal::f32_unsuffixed(*w));
        quote! { (#i, #w) }
    });
    let lengths = index.lengths.iter().map(|l| Literal::f32_unsuffixed(*l));
    let phrasing_only: Vec<TokenStream> = index.phrasing_only.iter().map(|w| words.span(w)).collect();
    let search_text = words.text();
    let (phrasings, phrasing_words) = index.phrasing_table();
    let phrasing_rows = phrasings.iter().map(|(tool, start, len)| quote! { (#tool, #start, #len) });
    let phrasing_words = phrasing_words.iter().map(|w| Literal::u16_unsuffixed(*w));
    let reference_rows =
        sorted.iter().filter(|t| !t.references.is_empty() || t.scope.is_some()).map(|t| render_references(t));
    let count = Literal::usize_unsuffixed(tools.len());
    let release = release.unwrap_or("unknown");
    quote! {
        /// The PVE release of the schema these tools were generated from (`unknown` if not known).
        pub const SCHEMA_RELEASE: &str = #release;

        #category_enum

        #(#modules)*

        /// Every tool, sorted by name (so lookups can binary-search).
        pub static TOOLS: [crate::tools::registry::ToolDef; #count] = [ #(#entries),* ];

        /// Endpoints of the schema that are not tools, with the reason.
        pub static EXCLUDED: &[(&str, &str)] = &[ #(#excluded_rows),* ];

        /// What each tool's arguments name (guests, nodes), for the allowlists, sorted by tool name;
        /// tools naming neither are absent.
        pub static REFERENCES: &[crate::tools::references::ToolReferences] = &[ #(#reference_rows),* ];

        /// Search index: the words of [`SEARCH_TERMS`] and [`SEARCH_PHRASING_ONLY`], one string.
        pub static SEARCH_TEXT: &str = #search_text;

        /// Search index: each word (of [`SEARCH_TEXT`]) and where its postings end in
        /// [`SEARCH_POSTINGS`] (they start where the previous word's postings end), sorted by word.
        pub static SEARCH_TERMS: &[(crate::tools::strings::Span, u32)] = &[ #(#term_rows),* ];

        /// Search index: every word's postings, (position in [`TOOLS`], weight), in word order.
        pub static SEARCH_POSTINGS: &[(u16, f32)] = &[ #(#posting_rows),* ];

        /// Search index: each tool's document length (its weights, parameters counting a quarter), in [`TOOLS`] order.
        pub static SEARCH_LENGTHS: [f32; #count] = [ #(#lengths),* ];

        /// Search index: each operator phrasing as its tool's position in [`TOOLS`], where its search
        /// words start in [`SEARCH_PHRASING_WORDS`] and how many there are.
        pub static SEARCH_PHRASINGS: &[(u16, u32, u16)] = &[ #(#phrasing_rows),* ];

        /// Search index: the operator phrasings' search words (each phrasing's sorted), as positions
        /// in [`SEARCH_TERMS`].
        pub static SEARCH_PHRASING_WORDS: &[u16] = &[ #(#phrasing_words),* ];

        /// Search index: the words only operator phrasings have, never the schema, as spans of
        /// [`SEARCH_TEXT`], sorted.
        pub static SEARCH_PHRASING_ONLY: &[crate::tools::strings::Span] = &[ #(#phrasing_only),* ];

        /// The operator vocabulary the index was built with, (phrase, terms) in order: the server's
        /// tokenizer rewrites queries with it (`codegen/search/vocabulary.toml`).
        pub static SEARCH_VOCABULARY: &[(&str, &str)] = &[ #(#vocabulary_rows),* ];
    }
}

fn render_categories() -> TokenStream {
    let variants: Vec<Ident> = CATEGORIES.iter().map(|(n, _)| format_ident!("{}", n.to_upper_camel_case())).collect();
    let names: Vec<&str> = CATEGORIES.iter().map(|(n, _)| *n).collect();
    let descriptions: Vec<&str> = CATEGORIES.iter().map(|(_, d)| *d).collect();
    let docs = CATEGORIES.iter().map(|(n, d)| format!(" `{n}`: {d}."));
    quote! {
        /// A tool's category, from its endpoint's path.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Category {
            #( #[doc = #docs] #variants, )*
        }

        impl Category {
            /// Every category, in documentation order.
            pub const ALL: &'static [Category] = &[ #(Category::#variants),* ];

            /// The category's name as users write it.
            pub fn as_str(self) -> &'static str {
                match self { #(Category::#variants => #names,)* }
            }

            /// What the category holds, in a few words.
            pub fn description(self) -> &'static str {
                match self { #(Category::#variants => #descriptions,)* }
            }

            /// The category with that name.
            pub fn parse(name: &str) -> Option<Category> {
                match name { #(#names => Some(Category::#variants),)* _ => None }
            }
        }
    }
}

pub(crate) fn render_tool_def(t: &Tool) -> TokenStream {
    let name = &t.name;
    let title = &t.title;
    let description = &t.description;
    let summary = &t.summary;
    let compact_schema = &t.compact_schema;
    let permissions = t.endpoint.permissions_rule.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let signature = &t.signature;
    let method = format_ident!("{}", t.endpoint.method.as_str().to_upper_camel_case());
    let path = &t.endpoint.path;
    let tier = format_ident!("{}", t.tier.variant());
    let category = format_ident!("{}", t.category.to_upper_camel_case());
    let (ro, de, id, ow) = t.annotations;
    let gate = match &t.gate {
        None => quote! { None },
        Some(g) => {
            let target = match &g.target {
                Some(t) => quote! { Some(#t) },
                None => quote! { None },
            };
            let only_if = match g.only_if {
                Some(crate::policy::When::True(a)) => quote! { Some(crate::tools::registry::When::True(#a)) },
                Some(crate::policy::When::Names(a, prefix)) => {
                    quote! { Some(crate::tools::registry::When::Names(#a, #prefix)) }
                }
                None => quote! { None },
            };
            let reason = g.reason;
            quote! { Some(crate::tools::registry::Gate { target: #target, only_if: #only_if, reason: #reason }) }
        }
    };
    let task = t.task;
    let allow_token = t.endpoint.allowtoken;
    let secrets = crate::policy::secret_arguments(&t.endpoint);
    let schema = &t.input_schema;
    let output_schema = match &t.output_schema {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    };
    let config_read = match &t.config_read {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    };
    let module = Ident::new(t.category, Span::call_site());
    let ty = format_ident!("{}", t.type_name);
    quote! {
        crate::tools::registry::ToolDef {
            name: #name,
            title: #title,
            description: #description,
            summary: #summary,
            method: crate::pve::request::HttpMethod::#method,
            path: #path,
            tier: crate::tools::registry::Tier::#tier,
            category: Category::#category,
            gate: #gate,
            task: #task,
            allow_token: #allow_token,
            secret_arguments: &[ #(#secrets),* ],
            read_only: #ro,
            destructive: #de,
            idempotent: #id,
            open_world: #ow,
            input_schema: #schema,
            compact_schema: #compact_schema,
            permissions: #permissions,
            output_schema: #output_schema,
            config_read: #config_read,
            property_strings: #module::#ty::PROPERTY_STRINGS,
            signature: #signature,
            build: #module::#ty::build,
        }
    }
}

pub(crate) fn render_references(t: &Tool) -> TokenStream {
    let name = &t.name;
    let refs = t.references.iter().map(|r| {
        let param = &r.param;
        let (in_path, indexed, default_key) = (r.in_path, r.indexed, r.default_key);
        let keys = &r.keys;
        let names = format_ident!("{}", r.names.variant());
        quote! {
            crate::tools::references::Reference {
                param: #param,
                in_path: #in_path,
                indexed: #indexed,
                keys: &[ #(#keys),* ],
                default_key: #default_key,
                names: crate::tools::references::Names::#names,
            }
        }
    });
    let scope = match &t.scope {
        None => quote! { None },
        Some(s) => {
            let (list, absent, widening) = (s.list, s.absent_means_all, s.widening);
            quote! {
                Some(crate::tools::references::Scope { list: #list, absent_means_all: #absent, widening: &[ #(#widening),* ] })
            }
        }
    };
    quote! {
        crate::tools::references::ToolReferences { tool: #name, references: &[ #(#refs),* ], scope: #scope }
    }
}

/// One field of a request struct.
struct Field<'a> {
    param: &'a Param,
    ident: Ident,
    /// The element type (before Option / map wrapping).
    ty: TokenStream,
    enum_def: Option<TokenStream>,
}

pub(crate) fn render_request(t: &Tool) -> TokenStream {
    // The request accepts every vendored release's parameters.
    let ep = t.accepts.as_ref().unwrap_or(&t.endpoint);
    let ty = format_ident!("{}", t.type_name);
    let fields = fields(ep, &t.type_name);

    let mut doc_lines: Vec<String> = ep.description.lines().map(|l| format!(" {}", l.trim_end())).collect();
    if ep.description.is_empty() {
        doc_lines.push(" (The schema gives no description.)".into());
    }
    doc_lines.push(String::new());
    doc_lines.push(format!(" Sends `{} {}`.", ep.method.as_str(), ep.path));
    if let Some(p) = &ep.permissions {
        doc_lines.push(String::new());
        doc_lines.push(format!(" Permissions: {}", p.replace('\n', " ")));
    }
    let enum_defs = fields.iter().filter_map(|f| f.enum_def.clone());
    let struct_fields = fields.iter().map(|f| {
        let ident = &f.ident;
        let inner = &f.ty;
        let full = match (f.param.indexed, f.param.optional) {
            (Some(_), _) => quote! { std::collections::BTreeMap<u32, #inner> },
            (None, true) => quote! { Option<#inner> },
            (None, false) => quote! { #inner },
        };
        let docs = field_doc(f.param);
        quote! { #( #[doc = #docs] )* pub #ident: #full, }
    });
    // A property string's keys are emitted once, in `PROPERTY_STRINGS`, and read from there.
    let property_params: Vec<&Param> = ep.params.iter().filter(|p| matches!(p.kind, Kind::PropertyString(_))).collect();
    let reads = fields.iter().map(|f| {
        let ident = &f.ident;
        let read = read_expr(f, property_params.iter().position(|p| std::ptr::eq(*p, f.param)));
        quote! { let #ident = #read; }
    });
    let assigns = fields.iter().map(|f| {
        let ident = &f.ident;
        if f.param.indexed.is_none() && !f.param.optional {
            let name = &f.param.name;
            quote! { #ident: a.present(#name, #ident)?, }
        } else {
            quote! { #ident, }
        }
    });
    let path_format = ep
        .segments()
        .map(|s| if crate::model::placeholder(s).is_some() { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/");
    let path_format = format!("/{path_format}");
    let path_args = ep.params.iter().filter(|p| p.location == Location::Path).map(|p| {
        let f = fields.iter().find(|f| std::ptr::eq(f.param, p)).expect("every param has a field");
        let ident = &f.ident;
        quote! { path_segment(&self.#ident) }
    });
    let method = format_ident!("{}", ep.method.as_str().to_upper_camel_case());
    let pushes = fields.iter().filter(|f| f.param.location == Location::Arg).map(|f| {
        let ident = &f.ident;
        let name = &f.param.name;
        match (&f.param.kind, f.param.indexed, f.param.optional) {
            (_, Some(_), _) => quote! { r.indexed(#name, &self.#ident); },
            (Kind::Array(_), None, true) => quote! { r.list(#name, self.#ident.as_deref()); },
            (Kind::Array(_), None, false) => quote! { r.list(#name, Some(&self.#ident)); },
            (_, None, true) => quote! { r.opt(#name, self.#ident.as_ref()); },
            (_, None, false) => quote! { r.one(#name, &self.#ident); },
        }
    });
    let known: Vec<&str> = ep.params.iter().filter(|p| p.indexed.is_none()).map(|p| p.name.as_str()).collect();
    let indexed: Vec<&str> = ep.params.iter().filter(|p| p.indexed.is_some()).map(|p| p.name.as_str()).collect();
    let path_names: Vec<&str> = ep.path_params();
    let property_strings = property_params.iter().filter_map(|p| match &p.kind {
        Kind::PropertyString(keys) => {
            let name = &p.name;
            let indexed = p.indexed.is_some();
            let keys = sub_keys(keys);
            Some(quote! { PropertyArg { name: #name, indexed: #indexed, keys: #keys } })
        }
        _ => None,
    });
    quote! {
        #(#enum_defs)*

        #( #[doc = #doc_lines] )*
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ty {
            #(#struct_fields)*
        }

        impl #ty {
            /// Argument names this request accepts (indexed ones as their stem).
            pub const ARGUMENTS: &'static [&'static str] = &[ #(#known),* ];
            /// Stems of indexed arguments (`net` for `net0`, `net1`, ...).
            pub const INDEXED: &'static [&'static str] = &[ #(#indexed),* ];
            /// Arguments that are path segments.
            pub const PATH: &'static [&'static str] = &[ #(#path_names),* ];
            /// Property-string arguments (indexed ones by stem) and their keys.
            pub const PROPERTY_STRINGS: &'static [PropertyArg] = &[ #(#property_strings),* ];

            // `#[cold]` on the three: LLVM puts them in `.text.unlikely.*`, which the linker gathers
            // apart from the code start-up runs, so the pages it touches hold less of them.
            /// Reads and checks the tool's arguments.
            #[cold]
            pub fn from_arguments(a: &mut Arguments) -> Result<Self, ArgErrors> {
                a.expect_only(Self::ARGUMENTS, Self::INDEXED);
                a.check_path_segments(Self::PATH);
                #(#reads)*
                a.finish()?;
                Ok(Self { #(#assigns)* })
            }

            /// The request as it goes to PVE.
            #[cold]
            pub fn to_request(&self) -> PveRequest {
                let mut r = PveRequest::new(HttpMethod::#method, format!(#path_format, #(#path_args),*));
                #(#pushes)*
                r
            }

            /// Arguments in, request out: the tool table's entry point.
            #[cold]
            pub fn build(a: &mut Arguments) -> Result<PveRequest, ArgErrors> {
                Ok(Self::from_arguments(a)?.to_request())
            }
        }
    }
}

fn field_doc(p: &Param) -> Vec<String> {
    let mut lines: Vec<String> = match &p.description {
        Some(d) => d.lines().map(|l| format!(" {}", l.trim_end())).collect(),
        None => vec![" (The schema gives no description.)".into()],
    };
    if let Some(tt) = &p.typetext {
        lines.push(String::new());
        lines.push(format!(" Type: `{}`", tt.replace('`', "'")));
    }
    if let Some(d) = &p.default {
        lines.push(format!(" Default: `{d}`"));
    }
    if p.indexed.is_some() {
        lines.push(format!(" Indexed: passed as `{}0`, `{}1`, ...", p.name, p.name));
    }
    lines
}

fn fields<'a>(ep: &'a Endpoint, type_name: &str) -> Vec<Field<'a>> {
    let mut used = BTreeSet::new();
    ep.params
        .iter()
        .map(|p| {
            let ident = field_ident(&p.name, &mut used);
            let (ty, enum_def) = match &p.kind {
                Kind::Integer { .. } => (quote! { i64 }, None),
                Kind::Number { .. } => (quote! { f64 }, None),
                Kind::Boolean => (quote! { bool }, None),
                Kind::Enum(values) => {
                    let name = format_ident!("{}{}", type_name, p.name.to_upper_camel_case());
                    let def = render_enum(&name, values, p);
                    (quote! { #name }, Some(def))
                }
                Kind::Array(_) => (quote! { Vec<String> }, None),
                Kind::String(_) | Kind::PropertyString(_) | Kind::Any => (quote! { String }, None),
            };
            Field { param: p, ident, ty, enum_def }
        })
        .collect()
}

fn field_ident(name: &str, used: &mut BTreeSet<String>) -> Ident {
    let mut s = name.to_snake_case();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if syn::parse_str::<Ident>(&s).is_err() {
        s.push('_');
    }
    while !used.insert(s.clone()) {
        s.push('_');
    }
    Ident::new(&s, Span::call_site())
}

fn render_enum(name: &Ident, values: &[String], p: &Param) -> TokenStream {
    let mut used = BTreeSet::new();
    let variants: Vec<Ident> = values
        .iter()
        .map(|v| {
            let mut s = v.to_upper_camel_case();
            if s.is_empty() {
                s = "Empty".into();
            }
            if s.starts_with(|c: char| c.is_ascii_digit()) {
                s = format!("V{s}");
            }
            if syn::parse_str::<Ident>(&s).is_err() {
                s.push('_');
            }
            while !used.insert(s.clone()) {
                s.push('_');
            }
            Ident::new(&s, Span::call_site())
        })
        .collect();
    let indices = (0..values.len()).map(Literal::usize_unsuffixed);
    let doc = format!(" Values of `{}`.", p.name);
    let vdocs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum #name {
            #( #[doc = #vdocs] #variants, )*
        }

        impl PveEnum for #name {
            const VALUES: &'static [&'static str] = &[ #(#values),* ];

            fn from_index(i: usize) -> Option<Self> {
                match i { #(#indices => Some(Self::#variants),)* _ => None }
            }

            fn as_str(&self) -> &'static str {
                Self::VALUES[*self as usize]
            }
        }

        impl ToWire for #name {
            fn to_wire(&self) -> String {
                self.as_str().to_owned()
            }
        }
    }
}

/// How `from_arguments` reads one field; `property`: the field's position in `PROPERTY_STRINGS`
/// if it is a property string.
fn read_expr(f: &Field, property: Option<usize>) -> TokenStream {
    let p = f.param;
    let need = if p.optional || p.indexed.is_some() {
        quote! { Need::Optional }
    } else {
        quote! { Need::Required }
    };
    let read = |key: TokenStream, need: TokenStream| -> TokenStream {
        match &p.kind {
            Kind::Integer { minimum, maximum } => {
                let (min, max) = (opt_i64(*minimum), opt_i64(*maximum));
                quote! { a.integer(#key, #need, #min, #max) }
            }
            Kind::Number { minimum, maximum } => {
                let (min, max) = (opt_f64(*minimum), opt_f64(*maximum));
                quote! { a.number(#key, #need, #min, #max) }
            }
            Kind::Boolean => quote! { a.boolean(#key, #need) },
            Kind::Enum(_) => {
                let ty = &f.ty;
                quote! { a.enumeration::<#ty>(#key, #need) }
            }
            Kind::String(rules) => {
                let rule = text_rule(rules);
                quote! { a.text(#key, #need, &#rule) }
            }
            Kind::PropertyString(_) => {
                let at = Literal::usize_unsuffixed(property.expect("a property string is in PROPERTY_STRINGS"));
                quote! { a.property_string(#key, #need, Self::PROPERTY_STRINGS[#at].keys) }
            }
            Kind::Array(item) => {
                let rule = rule(item);
                quote! { a.array(#key, #need, &#rule) }
            }
            Kind::Any => quote! { a.any(#key, #need) },
        }
    };
    match p.indexed {
        Some(max) => {
            let stem = &p.name;
            let max = match max {
                Some(m) => quote! { Some(#m) },
                None => quote! { None },
            };
            let inner = read(quote! { key }, quote! { Need::Optional });
            quote! { a.indexed(#stem, #max, |a, key| #inner) }
        }
        None => {
            let name = &p.name;
            read(quote! { #name }, need)
        }
    }
}

fn opt_i64(v: Option<i64>) -> TokenStream {
    match v {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(v) => {
            let lit = Literal::f64_suffixed(v);
            quote! { Some(#lit) }
        }
        None => quote! { None },
    }
}

fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

fn text_rule(r: &StringRules) -> TokenStream {
    let (min, max) = (opt_u64(r.min_length), opt_u64(r.max_length));
    let pattern = match &r.pattern {
        Some(p) => {
            let anchored = pattern::rust_anchored(p);
            quote! { Some(#anchored) }
        }
        None => quote! { None },
    };
    quote! { TextRule { min_length: #min, max_length: #max, pattern: #pattern } }
}

fn rule(kind: &Kind) -> TokenStream {
    match kind {
        Kind::Integer { minimum, maximum } => {
            let (min, max) = (opt_i64(*minimum), opt_i64(*maximum));
            quote! { Rule::Integer { min: #min, max: #max } }
        }
        Kind::Number { minimum, maximum } => {
            let (min, max) = (opt_f64(*minimum), opt_f64(*maximum));
            quote! { Rule::Number { min: #min, max: #max } }
        }
        Kind::Boolean => quote! { Rule::Boolean },
        Kind::Enum(values) => quote! { Rule::Enum(&[ #(#values),* ]) },
        Kind::String(r) => {
            let r = text_rule(r);
            quote! { Rule::Text(#r) }
        }
        Kind::PropertyString(keys) => {
            let keys = sub_keys(keys);
            quote! { Rule::PropertyString(#keys) }
        }
        Kind::Array(item) => {
            let item = rule(item);
            quote! { Rule::Array(&#item) }
        }
        Kind::Any => quote! { Rule::Any },
    }
}

fn sub_keys(keys: &[SubProperty]) -> TokenStream {
    let items = keys.iter().map(|k| {
        let key = &k.key;
        let optional = k.optional;
        let default_key = k.default_key;
        let rule = rule(&k.kind);
        let alias = match &k.alias_of {
            Some(a) => quote! { Some(#a) },
            None => quote! { None },
        };
        quote! { SubKey { key: #key, rule: #rule, optional: #optional, default_key: #default_key, alias_of: #alias } }
    });
    quote! { &[ #(#items),* ] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_idents_escape_keywords_digits_and_clashes() {
        let mut used = BTreeSet::new();
        assert_eq!(field_ident("type", &mut used).to_string(), "type_");
        assert_eq!(field_ident("8021q", &mut used).to_string(), "n8021q");
        assert_eq!(field_ident("foo-bar", &mut used).to_string(), "foo_bar");
        assert_eq!(field_ident("foo_bar", &mut used).to_string(), "foo_bar_");
    }
}
