//! The operator vocabulary (`codegen/text/src/vocabulary.rs`), entry by entry: each entry's example
//! query finds its tool among the top 3, and no phrase fires inside unrelated words.

use pve_mcp::tools::discovery::search;

use pve_mcp_text::vocabulary;

#[test]
fn every_vocabulary_entry_finds_its_tool_in_the_top_three() {
    let mut wrong = Vec::new();
    for entry in vocabulary::VOCABULARY {
        let hits = search(entry.example, 3, |_| true);
        let names: Vec<&str> = hits.iter().map(|h| h.tool.name).collect();
        if !entry.finds.split(' ').any(|f| names.contains(&f)) {
            wrong.push(format!("{:?} ({:?}): expected {}, got {names:?}", entry.phrase, entry.example, entry.finds));
        }
    }
    assert!(wrong.is_empty(), "vocabulary entries that do not find their tool in the top 3:\n{}", wrong.join("\n"));
}

#[test]
fn phrases_match_whole_words_only() {
    let words = |s: &str| vocabulary::rewrite(s.split(' ').map(str::to_owned).collect());
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
