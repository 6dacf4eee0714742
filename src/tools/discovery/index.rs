//! One product's search data as a value the ranker reads ([`super::rank`]): its tool table, the
//! index generated at build time (word → postings, document lengths, operator phrasings, the words
//! only phrasings have), and for PVE the tools only older releases have, scored on the primary
//! table's statistics. What the ranker derives from it (phrasings by word, each tool's shape and
//! name words) is made on a product's first search, never at start-up.

use std::sync::OnceLock;

use crate::pve::product::Product;
use crate::tools::generated as pve;
use crate::tools::registry::{self, ToolDef};
use crate::tools::strings::{self, Span};

/// A product's generated search index and its tools.
pub(super) struct Index {
    pub(super) product: Product,
    pub(super) tools: &'static [ToolDef],
    /// The words of `terms` and `phrasing_only`.
    text: &'static str,
    /// Each word and where its postings end in `postings`, sorted by word.
    terms: &'static [(Span, u32)],
    /// Every word's (position in `tools`, weight), in word order.
    postings: &'static [(u16, f32)],
    /// The words only operator phrasings have, sorted.
    phrasing_only: &'static [Span],
    lengths: &'static [f32],
    /// Each phrasing: its tool's position, where its words start in `phrasing_words`, how many.
    phrasings: &'static [(u16, u32, u16)],
    /// The phrasings' words, as positions in `terms`.
    phrasing_words: &'static [u16],
    /// Tools beside the table (PVE's older-only ones), as documents of the same index.
    extra: Option<Extra>,
}

/// Tools beside a table, scored on its statistics (its document count, frequencies and average
/// length), so that adding them changes no score of the table's tools.
struct Extra {
    tools: &'static [ToolDef],
    /// Their words the table's index lacks, sorted, one a line.
    words: &'static str,
    /// (term, tool, weight), sorted by term: a term below the table's word count is that word of
    /// the table's index, above it a word of `words`.
    postings: &'static [(u16, u16, f32)],
    lengths: &'static [f32],
}

/// A word of the index: its postings in the table and among the extra tools (by their position
/// after the table's), and its inverse document frequency.
pub(super) struct Term {
    pub(super) postings: &'static [(u16, f32)],
    extra: &'static [(u16, u16, f32)],
    pub(super) idf: f32,
}

impl Term {
    /// Every (tool position, weight) of the word, the extra tools' after the table's.
    pub(super) fn all(&self, table: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let extra = self.extra.iter().map(move |&(_, doc, tf)| (table + doc as usize, tf));
        self.postings.iter().map(|&(doc, tf)| (doc as usize, tf)).chain(extra)
    }
}

static PVE: Index = Index {
    product: Product::Pve,
    tools: &pve::TOOLS,
    text: pve::SEARCH_TEXT,
    terms: pve::SEARCH_TERMS,
    postings: pve::SEARCH_POSTINGS,
    phrasing_only: pve::SEARCH_PHRASING_ONLY,
    lengths: &pve::SEARCH_LENGTHS,
    phrasings: pve::SEARCH_PHRASINGS,
    phrasing_words: pve::SEARCH_PHRASING_WORDS,
    extra: Some(Extra {
        tools: &pve::older::TOOLS,
        words: pve::older::SEARCH_WORDS,
        postings: pve::older::SEARCH_POSTINGS,
        lengths: &pve::older::SEARCH_LENGTHS,
    }),
};

static PBS: Index = Index {
    product: Product::Pbs,
    tools: &crate::tools::generated_pbs::TOOLS,
    text: crate::tools::generated_pbs::SEARCH_TEXT,
    terms: crate::tools::generated_pbs::SEARCH_TERMS,
    postings: crate::tools::generated_pbs::SEARCH_POSTINGS,
    phrasing_only: crate::tools::generated_pbs::SEARCH_PHRASING_ONLY,
    lengths: &crate::tools::generated_pbs::SEARCH_LENGTHS,
    phrasings: crate::tools::generated_pbs::SEARCH_PHRASINGS,
    phrasing_words: crate::tools::generated_pbs::SEARCH_PHRASING_WORDS,
    extra: None,
};

static PDM: Index = Index {
    product: Product::Pdm,
    tools: &crate::tools::generated_pdm::TOOLS,
    text: crate::tools::generated_pdm::SEARCH_TEXT,
    terms: crate::tools::generated_pdm::SEARCH_TERMS,
    postings: crate::tools::generated_pdm::SEARCH_POSTINGS,
    phrasing_only: crate::tools::generated_pdm::SEARCH_PHRASING_ONLY,
    lengths: &crate::tools::generated_pdm::SEARCH_LENGTHS,
    phrasings: crate::tools::generated_pdm::SEARCH_PHRASINGS,
    phrasing_words: crate::tools::generated_pdm::SEARCH_PHRASING_WORDS,
    extra: None,
};

impl Index {
    /// A product's index.
    pub(super) fn of(product: Product) -> &'static Index {
        match product {
            Product::Pve => &PVE,
            Product::Pbs => &PBS,
            Product::Pdm => &PDM,
        }
    }

    /// How many tools the table has (the extra tools come after).
    pub(super) fn table_len(&self) -> usize {
        self.tools.len()
    }

    /// How many tools the index ranks: the table's and the extra ones.
    pub(super) fn len(&self) -> usize {
        self.tools.len() + self.extra.as_ref().map_or(0, |e| e.tools.len())
    }

    /// The tool at a position: the table's, then the extra ones.
    pub(super) fn tool(&self, i: usize) -> &'static ToolDef {
        match i.checked_sub(self.tools.len()) {
            None => &self.tools[i],
            Some(j) => &self.extra.as_ref().expect("a position past the table is an extra tool").tools[j],
        }
    }

    /// Whether the index has extra tools `visible` allows (else the ranker skips them all).
    pub(super) fn extra_visible(&self, visible: &dyn Fn(&ToolDef) -> bool) -> bool {
        self.extra.as_ref().is_some_and(|e| e.tools.iter().any(visible))
    }

    /// The document length of the tool at a position.
    pub(super) fn length(&self, i: usize) -> f32 {
        match i.checked_sub(self.lengths.len()) {
            None => self.lengths[i],
            Some(j) => self.extra.as_ref().map_or(0.0, |e| e.lengths[j]),
        }
    }

    /// The table's average document length (the extra tools' do not count).
    pub(super) fn average_length(&self) -> f32 {
        self.lengths.iter().sum::<f32>() / (self.lengths.len() as f32).max(1.0)
    }

    /// A search word of the index, with its postings and rarity; `extra`: also among the extra tools.
    pub(super) fn term(&self, word: &str, extra: bool) -> Option<Term> {
        let position = self.position(word);
        let extra_postings = match (position, self.extra.as_ref().filter(|_| extra)) {
            (Some(p), Some(e)) => e.postings_of(p),
            (None, Some(e)) => e.word(word).map_or(&[][..], |k| e.postings_of(self.terms.len() + k)),
            _ => &[],
        };
        if position.is_none() && extra_postings.is_empty() {
            return None;
        }
        let table = position.map_or(&[][..], |p| self.postings_at(p));
        // The table's statistics: a word it has is as rare as it is there.
        let df = if position.is_some() { table.len() } else { extra_postings.len() };
        Some(Term { postings: table, extra: extra_postings, idf: self.idf(df) })
    }

    /// A word's position in the table's index, if it has it.
    pub(super) fn position(&self, word: &str) -> Option<usize> {
        self.terms.binary_search_by(|(w, _)| w.of(self.text).cmp(word)).ok()
    }

    /// Whether `word` is one only operator phrasings have, never the schema.
    pub(super) fn phrasing_only(&self, word: &str) -> bool {
        strings::search(self.phrasing_only, self.text, word).is_ok()
    }

    /// The word at a position of the table's index.
    #[cfg(test)]
    pub(super) fn word(&self, position: usize) -> &'static str {
        self.terms[position].0.of(self.text)
    }

    /// The postings of the table's word at a position.
    fn postings_at(&self, position: usize) -> &'static [(u16, f32)] {
        let start = position.checked_sub(1).map_or(0, |p| self.terms[p].1 as usize);
        &self.postings[start..self.terms[position].1 as usize]
    }

    /// The inverse document frequency of the table's word at a position.
    pub(super) fn idf_at(&self, position: usize) -> f32 {
        self.idf(self.postings_at(position).len())
    }

    fn idf(&self, df: usize) -> f32 {
        let (n, df) = (self.lengths.len() as f32, df as f32);
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// How many words the table's index has.
    pub(super) fn words(&self) -> usize {
        self.terms.len()
    }

    /// How many operator phrasings the index has.
    pub(super) fn phrasing_count(&self) -> usize {
        self.phrasings.len()
    }

    /// The search words (positions in the table's index) of the operator phrasing at `p`, and its tool.
    pub(super) fn phrasing(&self, p: usize) -> (usize, &'static [u16]) {
        let (tool, start, len) = self.phrasings[p];
        (tool as usize, &self.phrasing_words[start as usize..start as usize + len as usize])
    }

    /// Lazily made data of this product's index, one slot per product.
    pub(super) fn derived<T>(&self, slots: &'static [OnceLock<T>; 3], make: impl FnOnce(&Index) -> T) -> &'static T {
        let slot = Product::ALL.iter().position(|p| *p == self.product).expect("every product is in ALL");
        slots[slot].get_or_init(|| make(self))
    }
}

impl Extra {
    /// The position of a word of `words`, if it is one.
    fn word(&self, word: &str) -> Option<usize> {
        // Only PVE's index has extra tools: one list.
        static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
        let words = WORDS.get_or_init(|| self.words.lines().collect());
        words.binary_search(&word).ok()
    }

    fn postings_of(&self, term: usize) -> &'static [(u16, u16, f32)] {
        let start = self.postings.partition_point(|p| (p.0 as usize) < term);
        let end = self.postings.partition_point(|p| (p.0 as usize) <= term);
        &self.postings[start..end]
    }
}

/// Each product's index whose tools `visible` allows any of, PVE's first (PVE's always).
pub(super) fn searched(visible: &dyn Fn(&ToolDef) -> bool) -> Vec<&'static Index> {
    Product::ALL
        .iter()
        .map(|p| Index::of(*p))
        .filter(|i| i.product == Product::Pve || registry::all_of(i.product).iter().any(visible))
        .collect()
}
