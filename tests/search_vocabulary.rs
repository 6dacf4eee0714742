//! The operator vocabulary (`codegen/search/vocabulary.toml`), entry by entry: each entry's example
//! query finds one of its endpoints among the top 3, and no phrase fires inside unrelated words.

use pve_mcp::tools::discovery::{search, text};

#[path = "../codegen/src/search_data.rs"]
#[allow(dead_code)]
mod search_data;

#[test]
fn every_vocabulary_entry_finds_its_tool_in_the_top_three() {
    let mut wrong = Vec::new();
    for entry in search_data::vocabulary().unwrap() {
        let hits = search(&entry.example, 3, |_| true);
        let found: Vec<String> = hits.iter().map(|h| format!("{} {}", h.tool.method.as_str(), h.tool.path)).collect();
        if !entry.finds.iter().any(|f| found.contains(f)) {
            let (phrase, example, place) = (&entry.phrase, &entry.example, entry.place);
            wrong.push(format!("{place}: {phrase:?} ({example:?}): expected {:?}, got {found:?}", entry.finds));
        }
    }
    assert!(wrong.is_empty(), "vocabulary entries that do not find their tool in the top 3:\n{}", wrong.join("\n"));
}

#[test]
fn the_server_rewrites_with_the_data_files_vocabulary() {
    let data: Vec<(String, String)> =
        search_data::vocabulary().unwrap().into_iter().map(|e| (e.phrase, e.terms)).collect();
    let emitted: Vec<(String, String)> =
        pve_mcp::tools::generated::SEARCH_VOCABULARY.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    assert_eq!(emitted, data);
}

#[test]
fn phrases_match_whole_words_only() {
    let words = |s: &str| text::vocabulary().rewrite(s.split(' ').map(str::to_owned).collect());
    assert_eq!(words("hard stop vm"), ["stop", "vm"]);
    assert_eq!(words("hardstop vm"), ["hardstop", "vm"]);
    assert_eq!(words("free"), ["free"]);
}

#[test]
fn a_backup_right_now_is_not_about_permissions() {
    let hits = search("back up container 200 right now", 3, |_| true);
    assert!(
        hits.iter().all(|h| !h.tool.path.starts_with("/access")),
        "{:?}",
        hits.iter().map(|h| h.tool.name).collect::<Vec<_>>()
    );
}

#[test]
fn a_hard_stop_is_a_stop_not_a_shutdown() {
    assert_eq!(search("hard stop VM 100", 1, |_| true)[0].tool.name, "qemu_vm_stop");
}
