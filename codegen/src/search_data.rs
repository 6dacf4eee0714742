//! Search's curated data, read from `codegen/search/` (its README says who wrote what): the operator
//! phrasings and the operator vocabulary, each entry naming endpoints as `METHOD /path`, checked
//! for form here, with errors naming the file and the line.
//!
//! Self-contained (serde, toml and thiserror only): the server's tests read the same files through
//! this module (`#[path]`), so the generator and the tests agree on what an entry is.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The phrasing files, in the order their entries are read.
pub const PHRASING_FILES: &[(&str, &str)] = &[
    ("codegen/search/phrasings/common.toml", include_str!("../search/phrasings/common.toml")),
    ("codegen/search/phrasings/more.toml", include_str!("../search/phrasings/more.toml")),
    ("codegen/search/phrasings/had-none.toml", include_str!("../search/phrasings/had-none.toml")),
];

/// Proxmox Backup Server's phrasing files: keyed by PBS's own `METHOD /path` (the file is the
/// product's, so a path PVE shares names PBS's endpoint here).
pub const PBS_PHRASING_FILES: &[(&str, &str)] =
    &[("codegen/search/pbs/phrasings.toml", include_str!("../search/pbs/phrasings.toml"))];

/// Proxmox Datacenter Manager's phrasing files, keyed by PDM's own `METHOD /path` likewise.
pub const PDM_PHRASING_FILES: &[(&str, &str)] =
    &[("codegen/search/pdm/phrasings.toml", include_str!("../search/pdm/phrasings.toml"))];

/// The vocabulary file.
pub const VOCABULARY_FILE: (&str, &str) = ("codegen/search/vocabulary.toml", include_str!("../search/vocabulary.toml"));

/// Where an entry is written: its file (as in [`PHRASING_FILES`]) and line, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub file: &'static str,
    pub line: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A data file that does not say what an entry must.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct DataError {
    pub place: Place,
    pub message: String,
}

/// One endpoint's operator phrasings: the questions it answers, in operators' words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrasing {
    /// `METHOD /path`, as in `docs/TOOLS.md`.
    pub endpoint: String,
    /// What operators say when they want it, in the file's order.
    pub says: Vec<String>,
    pub place: Place,
}

/// One vocabulary entry: an operator's phrase and the PVE terms it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The operator's words, lowercase, space separated.
    pub phrase: String,
    /// The PVE terms they stand for, space separated.
    pub terms: String,
    /// A query using the phrase ...
    pub example: String,
    /// ... and the endpoints (`METHOD /path`) of which one is among its top 3 results.
    pub finds: Vec<String>,
    pub place: Place,
}

/// Every PVE phrasing file's entries, in file order; an endpoint has at most one entry in all files.
pub fn phrasings() -> Result<Vec<Phrasing>, DataError> {
    phrasings_in(PHRASING_FILES)
}

/// The entries of these phrasing files (one product's), in file order; an endpoint has at most one.
pub fn phrasings_in(files: &[(&'static str, &str)]) -> Result<Vec<Phrasing>, DataError> {
    let mut all: Vec<Phrasing> = Vec::new();
    let mut seen: BTreeMap<String, Place> = BTreeMap::new();
    for (file, text) in files {
        for p in parse_phrasings(file, text)? {
            if let Some(first) = seen.insert(p.endpoint.clone(), p.place) {
                return Err(DataError {
                    place: p.place,
                    message: format!("`{}` has phrasings already at {first}: keep one entry", p.endpoint),
                });
            }
            all.push(p);
        }
    }
    Ok(all)
}

/// The vocabulary, in file order (the tokenizer tries its phrases in this order).
pub fn vocabulary() -> Result<Vec<Entry>, DataError> {
    parse_vocabulary(VOCABULARY_FILE.0, VOCABULARY_FILE.1)
}

/// One phrasing file: a table of `"METHOD /path" = ["phrasing", ...]`.
pub fn parse_phrasings(file: &'static str, text: &str) -> Result<Vec<Phrasing>, DataError> {
    let table: BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>> = read(file, text)?;
    let mut entries: Vec<_> = table.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
        .into_iter()
        .map(|(key, says)| {
            let place = place_at(file, text, key.span().start);
            let endpoint = endpoint(key.get_ref()).map_err(|message| DataError { place, message })?;
            if says.get_ref().is_empty() {
                return Err(DataError { place, message: format!("`{endpoint}` lists no phrasing") });
            }
            let says = says
                .into_inner()
                .into_iter()
                .map(|s| match s.get_ref().trim() {
                    "" => Err(DataError {
                        place: place_at(file, text, s.span().start),
                        message: "an empty phrasing".into(),
                    }),
                    _ => Ok(s.into_inner()),
                })
                .collect::<Result<_, _>>()?;
            Ok(Phrasing { endpoint, says, place })
        })
        .collect()
}

/// The vocabulary file: `[[entry]]` tables of `phrase`, `terms`, `example` and `finds`.
pub fn parse_vocabulary(file: &'static str, text: &str) -> Result<Vec<Entry>, DataError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        entry: Vec<Spanned<Raw>>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        phrase: String,
        terms: String,
        example: String,
        finds: Vec<String>,
    }
    let parsed: File = read(file, text)?;
    parsed
        .entry
        .into_iter()
        .map(|raw| {
            let place = place_at(file, text, raw.span().start);
            let bad = |message: String| DataError { place, message };
            let Raw { phrase, terms, example, finds } = raw.into_inner();
            if !is_words(&phrase) {
                return Err(bad(format!("phrase `{phrase}`: expected lowercase words (a-z, 0-9), one space apart")));
            }
            if !is_words(&terms) {
                return Err(bad(format!("terms `{terms}` of `{phrase}`: expected lowercase words, one space apart")));
            }
            if example.trim().is_empty() {
                return Err(bad(format!("`{phrase}` has no example query")));
            }
            if finds.is_empty() {
                return Err(bad(format!("`{phrase}` finds no endpoint: expected at least one `METHOD /path`")));
            }
            let finds = finds.iter().map(|f| endpoint(f)).collect::<Result<_, _>>().map_err(bad)?;
            Ok(Entry { phrase, terms, example, finds, place })
        })
        .collect()
}

/// Parses a file, a syntax or shape error placed at its line.
fn read<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, DataError> {
    toml::from_str(text).map_err(|e| DataError {
        place: place_at(file, text, e.span().map_or(0, |s| s.start)),
        message: e.message().trim().to_owned(),
    })
}

fn place_at(file: &'static str, text: &str, offset: usize) -> Place {
    let upto = &text.as_bytes()[..offset.min(text.len())];
    Place { file, line: 1 + upto.iter().filter(|b| **b == b'\n').count() }
}

/// Checks that `key` is `METHOD /path` (an HTTP method PVE uses, one space, an absolute path).
fn endpoint(key: &str) -> Result<String, String> {
    let expected = || format!("`{key}`: expected `METHOD /path` (GET, POST, PUT or DELETE, one space, a path)");
    let (method, path) = key.split_once(' ').ok_or_else(expected)?;
    let path_ok = path.starts_with('/') && !path.contains(char::is_whitespace);
    if !["GET", "POST", "PUT", "DELETE"].contains(&method) || !path_ok {
        return Err(expected());
    }
    Ok(key.to_owned())
}

/// Lowercase ASCII words (letters, digits), one space apart: what the tokenizer's words look like.
fn is_words(text: &str) -> bool {
    !text.is_empty()
        && text.split(' ').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}
