//! The strings of large generated tables as spans of one string per table, so that those tables
//! hold no pointers: the loader writes every pointer a static holds at each start, which makes
//! its pages private memory of every process, while pointer-free tables stay in the file's pages
//! and are read only when used.

/// A string of a generated table: where it starts in the table's string, and its length in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    start: u32,
    len: u32,
}

impl Span {
    /// The span of `len` bytes from `start` (the generator writes these).
    pub const fn new(start: u32, len: u32) -> Span {
        Span { start, len }
    }

    /// The string it spans in `text`, the table's string it was made for.
    pub fn of(self, text: &'static str) -> &'static str {
        let start = self.start as usize;
        &text[start..start + self.len as usize]
    }
}

/// The position of `word` among `spans` (which are sorted by the strings they span in `text`).
pub fn search(spans: &[Span], text: &'static str, word: &str) -> Result<usize, usize> {
    spans.binary_search_by(|s| s.of(text).cmp(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_reads_its_bytes_of_the_text() {
        assert_eq!(Span::new(3, 4).of("ab cdef gh"), "cdef");
    }

    #[test]
    fn search_finds_a_word_among_sorted_spans() {
        let text = "alphabetagamma";
        let spans = [Span::new(0, 5), Span::new(5, 4), Span::new(9, 5)];
        assert_eq!(search(&spans, text, "beta"), Ok(1));
        assert_eq!(search(&spans, text, "delta"), Err(2));
    }
}
