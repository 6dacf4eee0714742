//! `pve-codegen import` over real schemas: importing any vendored release reproduces it byte for
//! byte (from plain JSON and from an apidoc.js wrapping it in another order and layout), a
//! node's apidoc.js is fetched over HTTP, and `diff` between two releases makes sense.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use pve_mcp_codegen::import::{self, ImportOptions, TlsOptions, import_text};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn releases() -> Vec<PathBuf> {
    let dir = root().join("apidoc/releases");
    let mut files: Vec<PathBuf> =
        ["pve-6.4.json", "pve-7.4.json", "pve-8.json", "pve-9.1.json"].iter().map(|f| dir.join(f)).collect();
    files.push(root().join("apidoc/apidoc.json"));
    files
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pve-codegen-it-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The same tree with every object's keys and every `children` list in reverse order.
fn scrambled(v: &Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, item) in map.iter().rev() {
                let item = match item {
                    Value::Array(children) if k == "children" => {
                        Value::Array(children.iter().rev().map(scrambled).collect())
                    }
                    _ => scrambled(item),
                };
                out.insert(k.clone(), item);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(scrambled).collect()),
        other => other.clone(),
    }
}

#[test]
fn importing_a_vendored_release_reproduces_it_byte_for_byte() {
    for path in releases() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let imported = import_text(&text, &name).unwrap_or_else(|e| panic!("{e}"));
        assert!(imported.json == text, "{name}: re-import differs");
        assert_eq!(imported.sha256, import::sha256_hex(text.as_bytes()));

        // As PVE serves it: compact, unsorted, inside JavaScript.
        let value: Value = serde_json::from_str(&text).unwrap();
        let mut roots: Vec<Value> = value.as_array().unwrap().iter().rev().map(scrambled).collect();
        roots.rotate_left(1);
        let js = format!(
            "const apiSchema = {};\n\nExt.onReady(function() {{ var store = Ext.create('Ext.data.TreeStore', {{ root: {{ children: apiSchema }} }}); }});\n",
            serde_json::to_string(&roots).unwrap()
        );
        let from_js = import_text(&js, "apidoc.js").unwrap_or_else(|e| panic!("{name} as apidoc.js: {e}"));
        assert!(from_js.json == text, "{name}: import from apidoc.js differs");
    }
}

#[test]
fn the_vendored_notice_counts_match_the_vendored_schema() {
    let text = std::fs::read_to_string(root().join("apidoc/apidoc.json")).unwrap();
    let imported = import_text(&text, "apidoc.json").unwrap();
    let notice = std::fs::read_to_string(root().join("apidoc/NOTICE")).unwrap();
    assert!(notice.contains(&format!("Endpoints: {} paths, {} methods", imported.paths, imported.methods)), "{notice}");
    assert!(notice.contains(&imported.sha256), "apidoc/NOTICE's SHA-256 is stale");
}

/// Serves `body` with `status` to one request on 127.0.0.1 and returns (url, request line).
fn serve_once(status: &str, content_type: &str, body: String) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let status = status.to_owned();
    let content_type = content_type.to_owned();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                break;
            }
        }
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        stream.flush().unwrap();
        request_line.trim_end().to_owned()
    });
    (url, handle)
}

fn options(source: &str, dir: &Path) -> ImportOptions {
    ImportOptions {
        source: source.to_owned(),
        out: dir.join("apidoc.json"),
        notice: Some(dir.join("NOTICE")),
        release: Some("9.1".into()),
        tls: TlsOptions::default(),
        date: Some("2026-01-02".into()),
    }
}

#[cfg(feature = "fetch")]
#[test]
fn a_node_url_is_fetched_from_the_api_viewer() {
    let text = std::fs::read_to_string(root().join("apidoc/releases/pve-9.1.json")).unwrap();
    let (url, server) = serve_once(
        "200 OK",
        "application/javascript",
        format!("const apiSchema = {text};\nExt.onReady(function() {{}});\n"),
    );
    let dir = temp_dir("fetch");
    std::fs::write(dir.join("NOTICE"), "old\n\nLicense:  AGPL-3.0-or-later, kept.\n").unwrap();
    // Credentials in the URL never reach the NOTICE.
    let with_user = url.replace("http://", "http://root:secret@");
    let report = import::run(&options(&format!("{with_user}/"), &dir)).unwrap();
    assert_eq!(server.join().unwrap(), "GET /pve-docs/api-viewer/apidoc.js HTTP/1.1");
    assert_eq!(std::fs::read_to_string(dir.join("apidoc.json")).unwrap(), text);
    let notice = std::fs::read_to_string(dir.join("NOTICE")).unwrap();
    assert!(notice.contains(&format!("Origin:   {url}/pve-docs/api-viewer/apidoc.js\n")), "{notice}");
    assert!(!notice.contains("secret"));
    assert!(notice.contains("Release:  Proxmox VE 9.1\n"), "{notice}");
    assert_eq!(import::release_of_notice(&notice).as_deref(), Some("9.1"));
    assert!(notice.ends_with("License:  AGPL-3.0-or-later, kept.\n"), "{notice}");
    assert_eq!(report.imported.methods, 649);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "fetch")]
#[test]
fn a_login_page_or_error_status_from_a_node_changes_nothing() {
    let dir = temp_dir("login");
    std::fs::write(dir.join("apidoc.json"), "OLD").unwrap();
    let (url, server) = serve_once("200 OK", "text/html", "<!DOCTYPE html><html>Proxmox VE Login</html>".into());
    let err = import::run(&options(&url, &dir)).unwrap_err().to_string();
    server.join().unwrap();
    assert!(err.contains("HTML page"), "{err}");
    let (url, server) = serve_once("404 Not Found", "text/plain", "no such file".into());
    let err = import::run(&options(&url, &dir)).unwrap_err().to_string();
    server.join().unwrap();
    assert!(err.contains("HTTP 404"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("apidoc.json")).unwrap(), "OLD");
    assert!(!dir.join("NOTICE").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "fetch")]
#[test]
fn https_to_something_that_is_not_tls_fails_cleanly() {
    // A plain-HTTP answer to a TLS handshake.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let https = format!("https://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    let err = import::fetch(&import::apidoc_url(&https), &TlsOptions::default()).unwrap_err().to_string();
    server.join().unwrap();
    assert!(err.starts_with(&format!("fetching {https}/pve-docs/api-viewer/apidoc.js: ")), "{err}");
}

#[cfg(feature = "fetch")]
#[test]
fn a_ca_file_without_certificates_is_refused() {
    let dir = temp_dir("ca");
    let pem = dir.join("ca.pem");
    std::fs::write(&pem, "not a certificate\n").unwrap();
    let tls = TlsOptions { ca_file: Some(pem), insecure: false };
    let err = import::fetch("https://127.0.0.1:1/pve-docs/api-viewer/apidoc.js", &tls).unwrap_err().to_string();
    assert!(err.contains("holds no PEM certificate"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_between_two_fixtures() {
    let dir = root().join("codegen/tests/fixtures");
    let old = std::fs::read_to_string(dir.join("diff-old.json")).unwrap();
    let new = std::fs::read_to_string(dir.join("diff-new.json")).unwrap();
    let d = pve_mcp_codegen::diff::diff_schemas(&old, &new).unwrap();
    let md = pve_mcp_codegen::diff::to_markdown(&d, "diff-old.json", "diff-new.json");
    let expected = std::fs::read_to_string(dir.join("diff.md")).unwrap_or_default();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(dir.join("diff.md"), &md).unwrap();
        return;
    }
    assert!(md == expected, "diff output changed (UPDATE_SNAPSHOTS=1 rewrites fixtures/diff.md):\n{md}");
    // Deterministic, and nothing for identical input.
    assert_eq!(
        md,
        pve_mcp_codegen::diff::to_markdown(
            &pve_mcp_codegen::diff::diff_schemas(&old, &new).unwrap(),
            "diff-old.json",
            "diff-new.json"
        )
    );
    assert!(pve_mcp_codegen::diff::diff_schemas(&new, &new).unwrap().is_empty());
}

#[test]
fn diff_between_pve_9_1_and_9_2_makes_sense() {
    let old = std::fs::read_to_string(root().join("apidoc/releases/pve-9.1.json")).unwrap();
    let new = std::fs::read_to_string(root().join("apidoc/apidoc.json")).unwrap();
    let d = pve_mcp_codegen::diff::diff_schemas(&old, &new).unwrap();
    assert_eq!(d.new_tools as isize - d.old_tools as isize, d.added.len() as isize - d.removed.len() as isize);
    assert!(!d.added.is_empty(), "PVE 9.2 adds endpoints");
    for row in d.added.iter().chain(&d.removed) {
        assert!(row.path.starts_with('/') && !row.name.is_empty());
    }
    let md = pve_mcp_codegen::diff::to_markdown(&d, "9.1", "9.2");
    assert!(md.contains("## Added tools"));
}
