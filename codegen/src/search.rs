//! Step 3d: the search index for discovery mode, built at compile time from the schema.
//!
//! Each tool is a document of weighted words (see [`crate::text`]): its name, path, summary,
//! description, parameter names and enum values, its method's verb and its category's words.
//! The index maps each word to the tools that have it with a weighted term frequency; the server
//! scores a query with BM25 over it.

use std::collections::BTreeMap;

use crate::Tool;
use crate::model::{Kind, Method, placeholder};
use crate::names::first_sentence;
use crate::text::words;

/// The built index: word → (tool position in the name-sorted table, weight); and document lengths.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    pub terms: BTreeMap<String, Vec<(u16, f32)>>,
    pub lengths: Vec<f32>,
}

/// Field weights.
const NAME: f32 = 3.0;
const PATH: f32 = 2.0;
const SUMMARY: f32 = 2.0;
const DESCRIPTION: f32 = 0.7;
const PARAM: f32 = 1.0;
const VALUE: f32 = 0.3;
const VERB: f32 = 1.5;
const CATEGORY: f32 = 1.0;

/// Builds the index over tools sorted by name.
pub fn build(sorted: &[&Tool]) -> Index {
    let mut index = Index::default();
    for (i, t) in sorted.iter().enumerate() {
        let mut doc: BTreeMap<String, f32> = BTreeMap::new();
        let mut add = |text: &str, w: f32| {
            for word in words(text) {
                *doc.entry(word).or_default() += w;
            }
        };
        add(&t.name.replace('_', " "), NAME);
        let path: Vec<&str> = t.endpoint.segments().filter(|s| placeholder(s).is_none()).collect();
        add(&path.join(" "), PATH);
        let summary = first_sentence(&t.endpoint.description);
        add(&summary, SUMMARY);
        add(&t.endpoint.description, DESCRIPTION);
        for p in &t.endpoint.params {
            add(&p.name, PARAM);
            if let Kind::Enum(values) = &p.kind {
                add(&values.join(" "), VALUE);
            }
        }
        let verb = match t.endpoint.method {
            Method::Get => "show",
            Method::Put => "update",
            Method::Delete => "delete",
            Method::Post if t.name.ends_with("_create") || t.name.ends_with("_add") => "create",
            Method::Post => "run",
        };
        add(verb, VERB);
        match t.category {
            "qemu" => add("vm guest", CATEGORY),
            "lxc" => add("ct guest", CATEGORY),
            other => add(other, CATEGORY),
        }
        let length: f32 = doc.values().sum();
        index.lengths.push(length);
        for (word, weight) in doc {
            index.terms.entry(word).or_default().push((i as u16, weight));
        }
    }
    index
}
