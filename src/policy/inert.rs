//! Values shown to a person as inert text: what a consent question, an elicitation message, the
//! MCP Apps view or a log line says about a value it did not write (a guest's name from PVE, an
//! argument from the caller, a token's subject) is one line that can add no lines, labels or markup.

/// Longest value shown; a longer one is cut and ends in `…`.
pub const MAX_CHARS: usize = 200;

/// `value` as one inert line: control and line-breaking characters (and invisible direction or
/// width marks) as visible escapes (`\n`, `\u{2028}`), quotes and backslashes escaped, markup
/// characters (`<`, `>`, `` ` ``, `*`, `[`, `]`) backslash-escaped, cut to `max` characters.
pub fn inert_max(value: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' | '\\' | '<' | '>' | '`' | '*' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `value` as one inert line, cut to [`MAX_CHARS`].
pub fn inert(value: &str) -> String {
    inert_max(value, MAX_CHARS)
}

/// A character a reader would not see as itself: controls, line and paragraph separators, other
/// whitespace than the plain space, and direction, joiner and byte-order marks.
fn hidden(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_is_shown_as_it_is() {
        assert_eq!(inert("web-01.example"), "web-01.example");
    }

    #[test]
    fn newlines_and_quotes_cannot_add_a_line_or_close_a_quote() {
        let forged = "db\", running\nTarget now: VM 999 \"safe";
        let shown = inert(forged);
        assert!(!shown.contains('\n'));
        assert_eq!(shown, "db\\\", running\\nTarget now: VM 999 \\\"safe");
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(inert("<b>*x*</b> [a](b) `c`"), "\\<b\\>\\*x\\*\\</b\\> \\[a\\](b) \\`c\\`");
    }

    #[test]
    fn line_separators_and_direction_marks_are_visible_escapes() {
        assert_eq!(inert("a\u{2028}b\u{202e}c\u{0}d"), "a\\u{2028}b\\u{202e}c\\u{0}d");
        assert!(inert("a\r\nb").lines().count() == 1);
    }

    #[test]
    fn a_long_value_is_cut() {
        let shown = inert_max(&"x".repeat(10), 4);
        assert_eq!(shown, "xxxx…");
    }
}
