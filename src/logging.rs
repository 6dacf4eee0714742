//! Log lines that say what happened and nothing else: control characters from callers (newlines,
//! escape sequences, bidirectional overrides) are escaped in every log and audit line, so nobody
//! can forge a line or hide one.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether a character could break or disguise a log line.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character written as an escape (`\n`, `\t`, `\u001b`). The escapes
/// are also valid inside a JSON string, so a serialized JSON line stays JSON.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Standard error for the log: each formatted event (one `write` of one line) gets its control
/// characters escaped, the line's own final newline kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct EscapedStderr;

impl Write for EscapedStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, newline) = match text.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (&*text, ""),
        };
        let mut err = io::stderr().lock();
        err.write_all(escape_controls(body).as_bytes())?;
        err.write_all(newline.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for EscapedStderr {
    type Writer = EscapedStderr;

    fn make_writer(&'a self) -> Self::Writer {
        EscapedStderr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\nb\r\u{1b}[31m\u{202e}"), "a\\nb\\r\\u001b[31m\\u202e");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_keep_json_valid() {
        let line = serde_json::json!({"v": "x\u{7f}\u{85}\u{2028}"}).to_string();
        let escaped = escape_controls(&line);
        assert!(!escaped.chars().any(unsafe_char));
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["v"], "x\u{7f}\u{85}\u{2028}");
    }
}
