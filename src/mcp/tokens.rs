//! How many tokens a result costs a model, estimated from above: the count the result limit
//! (`PVE_RESULT_LIMIT`) is held to.
//!
//! Four bytes a token undercounts PVE's answers by about half (numbers, identifiers and JSON
//! punctuation are 2–2.7 bytes a cl100k token). A real tokenizer would cost megabytes of binary for
//! its tables, so each run of one byte class is priced instead, as cl100k splits text: letters 4 to a
//! token plus one for each capital after the first (mixed case and random identifiers split
//! finer); digits 3 to a token (cl100k's own grouping); each punctuation character one (less one
//! before letters, which take it in); a space before a letter or punctuation nothing, other
//! whitespace one a run; every byte of a non-ASCII character one. The sum, plus a tenth, is at or
//! above cl100k's count on PVE's resources, tasks, configurations and logs (1.0–1.4 times), on
//! hexadecimal and base64 text, words, CJK and emoji (pinned in the tests below against figures
//! measured with tiktoken).

/// A byte's class.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Space,
    Punct,
    Other,
}

fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b' ' | b'\t' | b'\r' | b'\n' => Class::Space,
        0..=127 => Class::Punct,
        _ => Class::Other,
    }
}

/// Each run of one class in `text`: where it ends (a byte offset) and the tokens it costs.
fn runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= b.len() {
            return None;
        }
        let c = class(b[i]);
        let start = i;
        while i < b.len() && class(b[i]) == c {
            i += 1;
        }
        let len = i - start;
        let next = b.get(i).map(|&n| class(n));
        let cost = match c {
            Class::Letter => {
                let capitals = b[start + 1..i].iter().filter(|x| x.is_ascii_uppercase()).count();
                len.div_ceil(4) + capitals
            }
            Class::Digit => len.div_ceil(3),
            Class::Space if len == 1 && b[start] == b' ' && matches!(next, Some(Class::Letter | Class::Punct)) => 0,
            Class::Space => 1,
            Class::Punct if next == Some(Class::Letter) => len - 1,
            Class::Punct | Class::Other => len,
        };
        Some((i, cost))
    })
}

/// The margin over the sum of the runs: a tenth, rounded up.
fn with_margin(sum: usize) -> usize {
    sum.saturating_add(sum.div_ceil(10))
}

/// The tokens `text` costs, at or above cl100k's count.
pub fn estimate(text: &str) -> usize {
    with_margin(runs(text).map(|(_, cost)| cost).sum())
}

/// The longest beginning of `text` (a byte offset at a character boundary) estimated within `limit`
/// tokens.
pub fn prefix_within(text: &str, limit: usize) -> usize {
    if estimate(text) <= limit {
        return text.len();
    }
    // The largest sum of run costs whose estimate is within the limit.
    let mut most = limit / 11 * 10;
    while with_margin(most + 1) <= limit {
        most += 1;
    }
    let (mut sum, mut start) = (0, 0);
    let mut cut = text.len();
    for (end, cost) in runs(text) {
        if sum + cost > most {
            // Part of this run: each of its bytes costs at most one token.
            cut = (start + (most - sum)).min(end);
            break;
        }
        sum += cost;
        start = end;
    }
    // A cut run can change what the run before it costs (a space or punctuation then ends the text).
    while !text.is_char_boundary(cut) || estimate(&text[..cut]) > limit {
        cut -= 1;
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures measured with tiktoken 0.14 (cl100k_base) on the same texts.
    fn at_or_above(text: &str, cl100k: usize) {
        let e = estimate(text);
        assert!(e >= cl100k, "estimated {e} tokens, cl100k counts {cl100k}: {text}");
        // Within half again for ASCII; a non-ASCII character is priced for the rarest (a byte a token).
        let most = if text.is_ascii() { cl100k * 3 / 2 + 2 } else { cl100k * 3 };
        assert!(e <= most, "estimated {e} tokens, far above cl100k's {cl100k}: {text}");
    }

    #[test]
    fn a_cluster_resources_entry_is_estimated_at_or_above_cl100k() {
        at_or_above(
            r#"{"id":"qemu/100","type":"qemu","node":"pve1","vmid":100,"name":"web-00","status":"running","maxmem":8589934592,"mem":3466785261,"cpu":0.13436424411240122,"maxcpu":4,"uptime":8474337,"disk":0,"maxdisk":34359738368,"tags":"prod;web"}"#,
            89,
        );
    }

    #[test]
    fn a_task_entry_with_its_upid_is_estimated_at_or_above_cl100k() {
        at_or_above(
            r#"{"upid":"UPID:pve1:0004B2D1:0A3C9F12:6752B3A4:qmstart:100:root@pam!mcp:","node":"pve1","pid":307921,"starttime":1760000000,"type":"qmstart","id":"100","user":"root@pam","status":"OK"}"#,
            83,
        );
    }

    #[test]
    fn a_config_line_with_a_mac_address_is_estimated_at_or_above_cl100k() {
        at_or_above(r#"{"net0":"virtio=BC:24:11:5A:3B:7C,bridge=vmbr0,firewall=1,tag=1234"}"#, 38);
    }

    #[test]
    fn hexadecimal_and_non_ascii_text_is_estimated_at_or_above_cl100k() {
        at_or_above("3f9a0c1b7e22d45f8a6b0c9d1e2f3a4b5c6d7e8f", 38);
        at_or_above("aGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0IHRleHQ=", 30);
        at_or_above("虚拟机配置存储网络", 10);
        at_or_above("🙂🚀", 5);
    }

    #[test]
    fn an_empty_text_costs_nothing() {
        assert_eq!(estimate(""), 0);
        assert_eq!(prefix_within("", 10), 0);
    }

    #[test]
    fn the_prefix_within_a_limit_is_estimated_within_it_and_ends_at_a_character() {
        let text = r#"{"name":"虚拟机","vmid":100,"tags":"prod;web"}"#.repeat(50);
        for limit in [0, 1, 7, 40, 333] {
            let cut = prefix_within(&text, limit);
            assert!(text.is_char_boundary(cut));
            assert!(estimate(&text[..cut]) <= limit, "limit {limit}: {}", estimate(&text[..cut]));
        }
        assert_eq!(prefix_within(&text, usize::MAX), text.len());
    }
}
