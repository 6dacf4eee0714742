//! Step 3d: the search index for discovery mode, built at compile time from the schema.
//!
//! Each tool is a document of weighted words (see [`crate::text`]): its name, path, summary,
//! description, parameter names, descriptions and enum values, the names and descriptions of the
//! properties it returns (`uptime`, `avail`, `quorate`), its method's verb and its category's words.
//! Weights were chosen by measurement on the `tune` split of `tests/search_tasks.json`.
//! The index maps each word to the tools that have it with a weighted term frequency; the server
//! scores a query with BM25 over it.

use std::collections::{BTreeMap, BTreeSet};

use crate::Tool;
use crate::model::{Kind, Method, placeholder};
use crate::names::first_sentence;
use crate::search_data::{Entry, Phrasing};
use crate::text::Vocabulary;

/// The built index: word → (tool position in the name-sorted table, weight); document lengths;
/// and each operator phrasing as its search words (sorted, once each) with its tool's position,
/// so that a query can also be matched against whole phrasings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    pub terms: BTreeMap<String, Vec<(u16, f32)>>,
    pub lengths: Vec<f32>,
    pub phrasings: Vec<(u16, Vec<String>)>,
    /// Words only the phrasings have, never the schema (`bob`, `nextcloud`, `frozen`), sorted: the
    /// server does not count them as known when it asks whether a query word names something.
    pub phrasing_only: Vec<String>,
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
/// A parameter's description (first sentence).
const PARAM_DESCRIPTION: f32 = 0.6;
/// A returned property's name and its description (first sentence).
const RETURN_NAME: f32 = 1.5;
const RETURN_DESCRIPTION: f32 = 0.3;
/// An operator phrasing of what the tool does ([`crate::search_data`]).
const PHRASING: f32 = 1.0;
/// How much of a parameter's weight counts toward the document length.
const PARAM_LENGTH: f32 = 0.25;

/// Fields PVE returns that its schema does not declare, read from PVE's own handler
/// (`PVE::API2::Nodes::Nodeinfo::status` fills `uptime`, `idle`, `wait`, `swap`, `ksm`, `kversion`
/// besides the declared ones): an operator asks for a node's uptime, and this is where it is.
/// Add an entry only with the handler's code as the source.
const UNDECLARED_RETURNS: &[(Method, &str, &str)] =
    &[(Method::Get, "/nodes/{node}/status", "uptime idle wait swap ksm kversion")];

/// The curated data the index is built with besides the schema: each endpoint's operator
/// phrasings and the operator vocabulary the tokenizer applies.
pub struct Curated<'a> {
    /// An endpoint's [`shape`] → its phrasings, in the data's order.
    phrasings: BTreeMap<String, &'a [String]>,
    /// The vocabulary's (phrase, terms), in the data's order: also emitted for the server.
    pub entries: Vec<(&'a str, &'a str)>,
    vocabulary: Vocabulary<'a>,
}

impl<'a> Curated<'a> {
    pub fn new(phrasings: &'a [Phrasing], vocabulary: &'a [Entry]) -> Self {
        let entries: Vec<(&str, &str)> = vocabulary.iter().map(|e| (e.phrase.as_str(), e.terms.as_str())).collect();
        Curated {
            phrasings: phrasings.iter().map(|p| (shape(&p.endpoint), p.says.as_slice())).collect(),
            vocabulary: Vocabulary::new(entries.iter().copied()),
            entries,
        }
    }

    fn words(&self, text: &str) -> Vec<String> {
        crate::text::words(text, &self.vocabulary)
    }
}

/// `METHOD /path` without its placeholders' names (`/nodes/{}/qemu/{}`): what an endpoint is in
/// every release, where PVE sometimes renamed a placeholder (`{pciid}` in 7.4 is
/// `{pci-id-or-mapping}` in 9), so an older release's endpoint keeps its phrasings.
fn shape(endpoint: &str) -> String {
    let segments = endpoint.split('/').map(|s| if placeholder(s).is_some() { "{}" } else { s });
    segments.collect::<Vec<_>>().join("/")
}

/// One tool's document: weighted words and its length for BM25; which of its words the schema
/// says and which only its phrasings.
struct Doc<'c> {
    curated: &'c Curated<'c>,
    words: BTreeMap<String, f32>,
    length: f32,
    schema: BTreeSet<String>,
    phrased: BTreeSet<String>,
}

impl<'c> Doc<'c> {
    fn new(curated: &'c Curated<'c>) -> Self {
        Doc { curated, words: BTreeMap::new(), length: 0.0, schema: BTreeSet::new(), phrased: BTreeSet::new() }
    }

    fn add(&mut self, text: &str, weight: f32) {
        self.add_counting(text, weight, weight);
    }

    /// Parameters count less toward a document's length: an endpoint with a hundred options (VM
    /// config) should not be pushed down for every word it shares with shorter ones.
    fn add_parameter(&mut self, text: &str, weight: f32) {
        self.add_counting(text, weight, weight * PARAM_LENGTH);
    }

    /// An operator phrasing: counted like a parameter, its words kept apart from the schema's.
    fn add_phrasing(&mut self, text: &str) {
        for word in self.curated.words(text) {
            self.phrased.insert(word.clone());
            *self.words.entry(word).or_default() += PHRASING;
            self.length += PHRASING * PARAM_LENGTH;
        }
    }

    fn add_counting(&mut self, text: &str, weight: f32, counted: f32) {
        for word in self.curated.words(text) {
            self.schema.insert(word.clone());
            *self.words.entry(word).or_default() += weight;
            self.length += counted;
        }
    }
}

/// Builds the index over tools sorted by name.
pub fn build(sorted: &[&Tool], curated: &Curated<'_>) -> Index {
    let mut index = Index::default();
    let (mut schema, mut phrased) = (BTreeSet::new(), BTreeSet::new());
    for (i, t) in sorted.iter().enumerate() {
        let mut doc = Doc::new(curated);
        doc.add(&t.name.replace('_', " "), NAME);
        let path: Vec<&str> = t.endpoint.segments().filter(|s| placeholder(s).is_none()).collect();
        doc.add(&path.join(" "), PATH);
        doc.add(&first_sentence(&t.endpoint.description), SUMMARY);
        doc.add(&t.endpoint.description, DESCRIPTION);
        for p in &t.endpoint.params {
            doc.add_parameter(&p.name, PARAM);
            if let Some(d) = &p.description {
                doc.add_parameter(&first_sentence(d), PARAM_DESCRIPTION);
            }
            if let Kind::Enum(values) = &p.kind {
                doc.add_parameter(&values.join(" "), VALUE);
            }
        }
        for (name, description) in &t.endpoint.returns.properties {
            doc.add_parameter(name, RETURN_NAME);
            doc.add_parameter(&first_sentence(description), RETURN_DESCRIPTION);
        }
        for (method, path, names) in UNDECLARED_RETURNS {
            if t.endpoint.method == *method && t.endpoint.path == *path {
                doc.add_parameter(names, RETURN_NAME);
            }
        }
        if let Some(phrasings) = curated.phrasings.get(&shape(&t.endpoint.id())) {
            for says in phrasings.iter() {
                doc.add_phrasing(says);
                let mut said = curated.words(says);
                said.sort();
                said.dedup();
                index.phrasings.push((i as u16, said));
            }
        }
        let verb = match t.endpoint.method {
            Method::Get => "show",
            Method::Put => "update",
            Method::Delete => "delete",
            Method::Post if t.name.ends_with("_create") || t.name.ends_with("_add") => "create",
            Method::Post => "run",
        };
        doc.add(verb, VERB);
        match t.category {
            "qemu" => doc.add("vm guest", CATEGORY),
            "lxc" => doc.add("ct guest", CATEGORY),
            other => doc.add(other, CATEGORY),
        }
        index.lengths.push(doc.length);
        schema.append(&mut doc.schema);
        phrased.append(&mut doc.phrased);
        for (word, weight) in doc.words {
            index.terms.entry(word).or_default().push((i as u16, weight));
        }
    }
    index.phrasing_only = phrased.difference(&schema).cloned().collect();
    index
}

/// Tools beside a table (PVE's older-only ones) as documents of its index, without a pointer per
/// word: the server scores them on the table's statistics, so they change no score of its tools.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Beside {
    /// Their words the table's index lacks, sorted.
    pub words: Vec<String>,
    /// (term, tool's position among them, weight), sorted by term then tool: a term below the
    /// table's word count is that word of the table's index, from it on a word of `words`.
    pub postings: Vec<(u16, u16, f32)>,
    pub lengths: Vec<f32>,
}

/// The documents of `sorted` (tools beside `table`'s, sorted by name), as [`Beside`] gives them.
/// Phrasings name the table's endpoints only, so these have none.
pub fn beside(table: &Index, sorted: &[&Tool], curated: &Curated<'_>) -> Beside {
    let own = build(sorted, curated);
    let words: Vec<String> = own.terms.keys().filter(|w| !table.terms.contains_key(*w)).cloned().collect();
    let position: BTreeMap<&str, usize> = table.terms.keys().enumerate().map(|(i, w)| (w.as_str(), i)).collect();
    let mut postings = Vec::new();
    for (word, list) in &own.terms {
        let term = position.get(word.as_str()).copied().unwrap_or_else(|| {
            table.terms.len() + words.binary_search(word).expect("a word the table lacks is listed")
        });
        let term = u16::try_from(term).expect("fewer than 65,536 search words");
        postings.extend(list.iter().map(|&(doc, weight)| (term, doc, weight)));
    }
    postings.sort_by_key(|&(term, doc, _)| (term, doc));
    Beside { words, postings, lengths: own.lengths }
}

impl Index {
    /// The phrasings as the server reads them, without a pointer per word: one row per phrasing
    /// (its tool's position, where its words start in the word list, how many), and the word list,
    /// each word as its position in the sorted [`Index::terms`] (every phrasing word is a term: its
    /// tool's document has it).
    pub fn phrasing_table(&self) -> (Vec<(u16, u32, u16)>, Vec<u16>) {
        let position: BTreeMap<&str, u16> = self
            .terms
            .keys()
            .enumerate()
            .map(|(i, w)| (w.as_str(), u16::try_from(i).expect("fewer than 65,536 search words")))
            .collect();
        let (mut rows, mut words) = (Vec::new(), Vec::new());
        for (tool, said) in &self.phrasings {
            let start = u32::try_from(words.len()).expect("fewer than 2^32 phrasing words");
            words.extend(said.iter().map(|w| position[w.as_str()]));
            rows.push((*tool, start, u16::try_from(said.len()).expect("a phrasing of fewer than 65,536 words")));
        }
        (rows, words)
    }
}
