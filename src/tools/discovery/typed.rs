//! What code mode's search hits carry: a tool's TypeScript declaration cut to what the query asks
//! for, so that a program can be written from the search alone, without `pve_describe`.
//!
//! The declaration keeps its doc comment, its required arguments and the optional ones whose name,
//! type or comment shares a word with the query (`bridge` finds `net[n]`, whose object type has a
//! `bridge` key; `live` finds `online`, "use online/live migration"), at most [`MATCHED`] of them;
//! the others are counted in one closing comment that points to `pve_describe`.

/// Optional arguments a cut declaration keeps, at most.
const MATCHED: usize = 10;

/// Words of a request that name no argument.
const STOP: &[&str] = &[
    "a",
    "all",
    "an",
    "and",
    "another",
    "any",
    "are",
    "change",
    "container",
    "containers",
    "ct",
    "each",
    "every",
    "for",
    "from",
    "get",
    "give",
    "guest",
    "guests",
    "in",
    "into",
    "is",
    "it",
    "its",
    "list",
    "machine",
    "make",
    "my",
    "new",
    "node",
    "nodes",
    "of",
    "on",
    "or",
    "set",
    "show",
    "take",
    "the",
    "their",
    "to",
    "virtual",
    "vm",
    "vms",
    "what",
    "which",
    "with",
];

/// The words of `text` as search compares them: lower case, letters and digits, a plural's `s` off.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3)
        .map(|w| {
            let w = w.to_ascii_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.len() >= 3 => stem.to_owned(),
                _ => w,
            }
        })
        .collect()
}

/// Whether a word of the query and a word of the declaration are the same (or one is the other's
/// beginning, for words of five letters or more: `migrate` and `migration`).
fn same(query: &str, word: &str) -> bool {
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    query == word || (query.len() >= 5 && word.len() >= 5 && stem(query) == stem(word))
}

/// `signature` (a generated declaration) cut to the query's arguments.
pub fn for_query(signature: &str, query: &str) -> String {
    let asked: Vec<String> = words(query).into_iter().filter(|w| !STOP.contains(&w.as_str())).collect();
    let lines: Vec<&str> = signature.lines().collect();
    let (Some(open), Some(close)) =
        (lines.iter().position(|l| l.ends_with("(args: {")), lines.iter().rposition(|l| l.starts_with("})")))
    else {
        return signature.to_owned();
    };
    let mut out: Vec<String> = lines[..=open].iter().map(|l| (*l).to_owned()).collect();
    let (mut kept, mut left) = (0, 0);
    for line in &lines[open + 1..close] {
        let name = line.trim_start().split([':', ';']).next().unwrap_or("");
        let required = !name.ends_with('?') && !name.starts_with('[');
        let matches = || words(line).iter().any(|w| asked.iter().any(|a| same(a, w)));
        if required || (kept < MATCHED && !line.trim_start().starts_with("wait?") && matches()) {
            kept += usize::from(!required);
            out.push((*line).to_owned());
        } else {
            left += 1;
        }
    }
    if left > 0 {
        out.push(format!("  // and {left} more optional (pve_describe)"));
    }
    out.extend(lines[close..].iter().map(|l| (*l).to_owned()));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::registry;

    fn cut(tool: &str, query: &str) -> String {
        for_query(registry::find(tool).unwrap().signature, query)
    }

    #[test]
    fn a_cut_declaration_keeps_the_required_arguments_and_those_the_query_names() {
        let s = cut("qemu_vm_config_update", "change a VM's network bridge");
        assert!(s.contains("  node: string;") && s.contains("  vmid: number;"), "{s}");
        assert!(s.contains("[net: `net${number}`]"), "{s}");
        assert!(!s.contains("tags?:") && !s.contains("[scsi:"), "{s}");
        assert!(s.contains("more optional (pve_describe)") && s.ends_with("}): Promise<null>"), "{s}");
    }

    #[test]
    fn a_word_of_the_query_finds_an_argument_by_its_comment() {
        let s = cut("qemu_vm_migrate", "live-migrate a VM to another node");
        assert!(s.contains("online?: boolean;") && s.contains("  target: string;"), "{s}");
        assert!(cut("qemu_vm_config_update", "set the tags of a VM").contains("  tags?: string;"));
    }

    #[test]
    fn a_declaration_the_query_names_nothing_of_keeps_only_its_required_arguments() {
        let s = cut("qemu_vm_shutdown", "shut down a VM");
        assert!(s.starts_with("/** Shutdown virtual machine.") && s.contains("  vmid: number;"), "{s}");
        assert!(!s.contains("forceStop") && !s.contains("wait?"), "{s}");
    }

    #[test]
    fn text_that_is_no_declaration_is_given_back_whole() {
        assert_eq!(for_query("not a declaration", "anything"), "not a declaration");
    }
}
