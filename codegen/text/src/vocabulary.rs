//! The operator vocabulary: words people use for what PVE calls something else.
//!
//! Each entry maps an operator's phrase (one or more whole words) to the PVE terms it means, the
//! words the schema uses in names, summaries, parameters or returned fields (`free space` → `avail`,
//! `quorate`, `hard stop` → `stop`). The tokenizer ([`super::words`]) rewrites a phrase to its terms
//! in every text it reads, the schema at build time (so the terms are in the generated index) and the
//! query, so both sides meet on PVE's words.
//!
//! Phrases match whole words only, in order, so a word never fires inside another phrase
//! (`rights` is not a word here: "right now" is not about ACLs; `access rights` is).
//! The entries are data, `codegen/search/vocabulary.toml`, read and checked by the generator,
//! which also emits them (phrase and terms) into the server's generated code: this crate holds
//! none, and nothing parses the file at run time.

use std::collections::HashMap;

/// The vocabulary, ready to rewrite words: its entries by the first word of their phrase, in
/// the order given (where phrases overlap, the longer comes first).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary<'a> {
    by_first_word: HashMap<&'a str, Vec<(&'a str, &'a str)>>,
}

impl<'a> Vocabulary<'a> {
    /// A vocabulary of (phrase, terms) entries: lowercase words, space separated.
    pub fn new(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut by_first_word: HashMap<&'a str, Vec<(&'a str, &'a str)>> = HashMap::new();
        for (phrase, terms) in entries {
            by_first_word.entry(phrase.split(' ').next().unwrap_or_default()).or_default().push((phrase, terms));
        }
        Vocabulary { by_first_word }
    }

    /// Rewrites the vocabulary's phrases in a list of lowercase words, whole words only.
    pub fn rewrite(&self, words: Vec<String>) -> Vec<String> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        'next: while i < words.len() {
            // Only the entries whose phrase starts with this word (a map made once: this runs for
            // every word of every text, at query time too).
            for (phrase, terms) in self.by_first_word.get(words[i].as_str()).map(Vec::as_slice).unwrap_or_default() {
                let mut len = 0;
                if phrase.split(' ').all(|p| {
                    len += 1;
                    words.get(i + len - 1).is_some_and(|w| w == p)
                }) {
                    out.extend(terms.split(' ').map(str::to_owned));
                    i += len;
                    continue 'next;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_phrase_is_rewritten_to_its_terms() {
        let v = Vocabulary::new([("hard stop", "stop"), ("free space", "avail")]);
        assert_eq!(v.rewrite(words("hard stop vm")), ["stop", "vm"]);
        assert_eq!(v.rewrite(words("free space on local")), ["avail", "on", "local"]);
    }

    #[test]
    fn a_phrase_matches_whole_words_only() {
        let v = Vocabulary::new([("hard stop", "stop")]);
        assert_eq!(v.rewrite(words("hardstop vm")), ["hardstop", "vm"]);
        assert_eq!(v.rewrite(words("hard")), ["hard"]);
    }

    #[test]
    fn the_first_entry_that_matches_wins() {
        let v = Vocabulary::new([("more disk space", "resize disk"), ("more", "extra")]);
        assert_eq!(v.rewrite(words("more disk space")), ["resize", "disk"]);
        assert_eq!(v.rewrite(words("more disk")), ["extra", "disk"]);
    }
}
