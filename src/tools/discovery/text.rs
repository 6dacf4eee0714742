//! The search tokenizer as the server reads queries: `pve_mcp_text` with the operator vocabulary the
//! generator emitted ([`SEARCH_VOCABULARY`]), the same one the index was built with.

use std::sync::OnceLock;

pub use pve_mcp_text::{Vocabulary, bare, canonical};

use crate::tools::generated::SEARCH_VOCABULARY;

/// The vocabulary, by first word: made at the first search (not at start-up), from static data.
pub fn vocabulary() -> &'static Vocabulary<'static> {
    static VOCABULARY: OnceLock<Vocabulary<'static>> = OnceLock::new();
    VOCABULARY.get_or_init(|| Vocabulary::new(SEARCH_VOCABULARY.iter().copied()))
}

/// The search words of a text, read as the index's were (see [`pve_mcp_text::words`]).
pub fn words(text: &str) -> Vec<String> {
    pve_mcp_text::words(text, vocabulary())
}
