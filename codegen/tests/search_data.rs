//! Search's curated data (`codegen/search/`): the files read; a malformed entry is refused at its
//! file and line; the vendored schema has a tool for every endpoint the data names, and a schema
//! that lacks one fails strict generation, naming the entry's file and line.

use std::path::PathBuf;

use pve_mcp_codegen::search_data::{Place, parse_phrasings, parse_vocabulary, phrasings, vocabulary};
use pve_mcp_codegen::{Error, SearchCheck, generate_for};

fn read(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    std::fs::read_to_string(root.join(path)).unwrap()
}

#[test]
fn every_endpoint_the_search_data_names_is_a_tool_of_the_vendored_schema() {
    if let Err(e) = generate_for(&read("apidoc/apidoc.json"), None, SearchCheck::Strict) {
        panic!("{e}");
    }
}

#[test]
fn an_endpoint_the_schema_lacks_fails_strict_generation_at_its_line() {
    let Err(Error::SearchData(e)) = generate_for(&read("codegen/tests/fixtures/small.json"), None, SearchCheck::Strict)
    else {
        panic!("expected a search data error");
    };
    assert!(e.place.file.starts_with("codegen/search/") && e.place.line > 1, "{e}");
    assert!(e.message.contains("is no endpoint of the schema"), "{e}");
}

#[test]
fn another_schema_leaves_out_the_entries_it_has_no_tool_for() {
    assert!(generate_for(&read("codegen/tests/fixtures/small.json"), None, SearchCheck::Lenient).is_ok());
}

#[test]
fn the_data_files_read() {
    assert_eq!(phrasings().unwrap().iter().map(|p| p.says.len()).sum::<usize>(), 5315);
    assert_eq!(vocabulary().unwrap().len(), 206);
}

#[test]
fn a_syntax_error_names_its_file_and_line() {
    let e = parse_phrasings("x.toml", "\"GET /a\" = [\"one\"]\n\"GET /b\" = [\"two\"\n").unwrap_err();
    assert_eq!(e.place, Place { file: "x.toml", line: 2 });
}

#[test]
fn a_key_that_is_not_an_endpoint_is_refused_at_its_line() {
    let e = parse_phrasings("x.toml", "\"GET /a\" = [\"one\"]\n\n\"qemu_vm_start\" = [\"two\"]\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.toml:3: `qemu_vm_start`: expected `METHOD /path` (GET, POST, PUT or DELETE, one space, a path)"
    );
}

#[test]
fn an_entry_without_phrasings_is_refused() {
    let e = parse_phrasings("x.toml", "\"GET /a\" = []\n").unwrap_err();
    assert_eq!(e.to_string(), "x.toml:1: `GET /a` lists no phrasing");
}

#[test]
fn a_phrase_with_capitals_is_refused() {
    let text = "[[entry]]\nphrase = \"a\"\nterms = \"b\"\nexample = \"c\"\nfinds = [\"GET /a\"]\n\n\
                [[entry]]\nphrase = \"Hard stop\"\nterms = \"stop\"\nexample = \"x\"\nfinds = [\"GET /a\"]\n";
    let e = parse_vocabulary("v.toml", text).unwrap_err();
    assert_eq!(e.place.line, 7, "{e}");
    assert!(e.message.contains("phrase `Hard stop`"), "{e}");
}

#[test]
fn an_unknown_field_is_refused() {
    let text = "[[entry]]\nphrase = \"a\"\nterms = \"b\"\nexample = \"c\"\nfinds = [\"GET /a\"]\ntool = \"x\"\n";
    let e = parse_vocabulary("v.toml", text).unwrap_err();
    assert!(e.message.contains("unknown field `tool`"), "{e}");
}
