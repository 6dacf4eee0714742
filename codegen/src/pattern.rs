//! PVE's parameter patterns are Perl regular expressions, matched against the whole value.
//! These helpers turn them into the syntax the server's regex engine and JSON Schema clients read.

/// Perl → Rust (`fancy-regex`) syntax, anchored at both ends as PVE matches them.
///
/// Perl's `(?^flags:` group resets flags (Rust has no `^` there: a fresh group already has default
/// flags), and `\0` is written `\x00`.
pub fn rust_anchored(perl: &str) -> String {
    format!("^(?:{})$", translate(perl))
}

/// The pattern for a JSON Schema `pattern`, or `None` where JavaScript could not compile it
/// (inline flag groups): such a value is still checked by the server.
pub fn ecma_anchored(perl: &str) -> Option<String> {
    let t = translate(perl);
    if t.contains("(?i") || t.contains("\\z") || t.contains("\\A") || t.contains("(?u") {
        return None;
    }
    Some(format!("^(?:{t})$"))
}

fn translate(perl: &str) -> String {
    let mut out = String::with_capacity(perl.len());
    let mut rest = perl;
    while let Some(i) = rest.find("(?^").or_else(|| rest.find("\\0")) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        if let Some(after) = tail.strip_prefix("(?^") {
            let flags: String = after.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let kept: String = flags.chars().filter(|c| *c != 'u').collect();
            out.push_str("(?");
            out.push_str(&kept);
            rest = &after[flags.len()..];
        } else {
            out.push_str("\\x00");
            rest = &tail[2..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_flag_resets_become_plain_groups() {
        assert_eq!(rust_anchored("(?^:[a-z]+)"), "^(?:(?:[a-z]+))$");
        assert_eq!(rust_anchored("(?^i:ab)"), "^(?:(?i:ab))$");
        assert_eq!(rust_anchored("(?^u:x)"), "^(?:(?:x))$");
    }

    #[test]
    fn nul_escapes_are_hex() {
        assert_eq!(rust_anchored("a\\0b"), "^(?:a\\x00b)$");
    }

    #[test]
    fn case_insensitive_groups_are_not_given_to_javascript() {
        assert_eq!(ecma_anchored("(?^i:ab)"), None);
        assert_eq!(ecma_anchored("\\S+").as_deref(), Some("^(?:\\S+)$"));
    }
}
