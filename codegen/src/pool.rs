//! The string of a generated table: its strings appended once each, written into the table as
//! spans (`crate::tools::strings::Span`), so the table holds no pointers (the loader writes each
//! pointer of a static at every start; a pointer-free table stays in the file's pages).

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The strings of one table, each stored once.
#[derive(Debug, Default)]
pub struct Pool {
    text: String,
    seen: HashMap<String, (u32, u32)>,
}

impl Pool {
    pub fn new() -> Pool {
        Pool::default()
    }

    /// Where `s` is in the pool (added if new): (start, length) in bytes.
    pub fn add(&mut self, s: &str) -> (u32, u32) {
        if let Some(span) = self.seen.get(s) {
            return *span;
        }
        let start = u32::try_from(self.text.len()).expect("a table's strings fit in 4 GB");
        let span = (start, u32::try_from(s.len()).expect("a table's string fits in 4 GB"));
        self.text.push_str(s);
        self.seen.insert(s.to_owned(), span);
        span
    }

    /// `s` as a span expression of the pool's string.
    pub fn span(&mut self, s: &str) -> TokenStream {
        let (start, len) = self.add(s);
        let (start, len) = (Literal::u32_unsuffixed(start), Literal::u32_unsuffixed(len));
        quote! { crate::tools::strings::Span::new(#start, #len) }
    }

    /// The pool's string, every string added so far.
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_added_twice_is_stored_once() {
        let mut pool = Pool::new();
        assert_eq!(pool.add("node"), (0, 4));
        assert_eq!(pool.add("vmid"), (4, 4));
        assert_eq!(pool.add("node"), (0, 4));
        assert_eq!(pool.text(), "nodevmid");
    }

    #[test]
    fn an_empty_string_is_an_empty_span() {
        let mut pool = Pool::new();
        pool.add("ab");
        assert_eq!(pool.add(""), (2, 0));
    }
}
