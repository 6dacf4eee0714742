//! Maintainer commands of the generator: `import`, `diff`, `docs` (see `pve-codegen help` and
//! `docs/REGENERATING.md`).

use std::path::PathBuf;
use std::process::ExitCode;

use pve_mcp_codegen::import::{self, ImportOptions, TlsOptions};

const USAGE: &str = "\
pve-codegen: maintainer commands of pve-mcp's generator (run from the repository root)

USAGE:
  pve-codegen import <SOURCE> [OPTIONS]
      Replace the vendored schema with another PVE release's. SOURCE is one of:
        https://NODE:8006      a PVE node (fetches /pve-docs/api-viewer/apidoc.js, no login needed)
        FILE.js                a saved apidoc.js (`const apiSchema = [...]` or `var pveapi = [...]`)
        FILE.json              a plain apidoc JSON file
      The schema is checked (it must read as apidoc and generate) and written normalized; on any
      error the old files are left untouched. The NOTICE is rewritten with origin, release,
      counts, SHA-256 and date, keeping its license text.
      --out FILE         schema to write                     [default: apidoc/apidoc.json]
      --as-release       add (or replace) it as one of the other releases the binary serves:
                         writes apidoc/releases/pve-<release>.json and no NOTICE (add its line to
                         apidoc/NOTICE); needs the release (--release or the file name)
      --notice FILE      NOTICE to rewrite                   [default: NOTICE beside --out]
      --no-notice        do not write a NOTICE
      --release VERSION  the PVE release, e.g. 9.2           [default: from a file name like
                         pve-9.2.json, else unknown]
      --ca-file PEM      trust only these CA certificates (PVE's: /etc/pve/pve-root-ca.pem),
                         like the server's PVE_CA_FILE
      --insecure         do not verify the node's TLS certificate (lab use only)

  pve-codegen diff <OLD.json> <NEW.json>
      Print, as Markdown, how the tools differ between two schemas: tools added and removed,
      and per tool parameters added/removed/changed, tier, category and gate changes.

  pve-codegen docs [SCHEMA] [OUT]
      Write the tool list for a schema, then the other products' whose schemas are beside it
      (pbs-4.json, pdm-1.1.json).           [defaults: apidoc/apidoc.json docs/TOOLS.md]

  pve-codegen help
      Show this text.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("import") => import_cmd(&args[1..]),
        Some("diff") => diff_cmd(&args[1..]),
        Some("docs") => docs_cmd(&args[1..]),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(Failure::Usage(format!("unknown command `{other}`"))),
        None => Err(Failure::Usage("no command given".into())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("pve-codegen: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("pve-codegen: {message}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Usage(String),
    Failed(String),
}

fn failed(e: impl std::fmt::Display) -> Failure {
    Failure::Failed(e.to_string())
}

fn import_cmd(args: &[String]) -> Result<(), Failure> {
    let mut source = None;
    let mut out = PathBuf::from("apidoc/apidoc.json");
    let mut notice: Option<PathBuf> = None;
    let mut no_notice = false;
    let mut as_release = false;
    let mut release = None;
    let mut tls = TlsOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| Failure::Usage(format!("{name} needs a value")))
        };
        match flag {
            "--out" => out = PathBuf::from(value("--out")?),
            "--notice" => notice = Some(PathBuf::from(value("--notice")?)),
            "--no-notice" => no_notice = true,
            "--as-release" => as_release = true,
            "--release" => release = Some(value("--release")?),
            "--ca-file" => tls.ca_file = Some(PathBuf::from(value("--ca-file")?)),
            "--insecure" => tls.insecure = true,
            f if f.starts_with("--") => return Err(Failure::Usage(format!("import: unknown option `{f}`"))),
            _ if source.is_none() => source = Some(arg.clone()),
            _ => return Err(Failure::Usage(format!("import: unexpected argument `{arg}`"))),
        }
    }
    let Some(source) = source else {
        return Err(Failure::Usage("import: which SOURCE? (a node URL, apidoc.js or apidoc JSON file)".into()));
    };
    if as_release {
        let name = release.clone().or_else(|| import::release_from_file_name(std::path::Path::new(&source)));
        let Some(name) = name else {
            return Err(Failure::Usage("import --as-release: which release? pass --release, e.g. 8.4".into()));
        };
        out = PathBuf::from(format!("apidoc/releases/pve-{name}.json"));
        release = Some(name);
        no_notice = no_notice || notice.is_none();
    }
    if tls.insecure {
        eprintln!("pve-codegen: --insecure: the node's TLS certificate is NOT verified; prefer --ca-file");
    }
    let notice = if no_notice {
        None
    } else {
        Some(notice.unwrap_or_else(|| out.parent().map(|d| d.join("NOTICE")).unwrap_or_else(|| "NOTICE".into())))
    };
    let opts = ImportOptions { source, out: out.clone(), notice: notice.clone(), release, tls, date: None };
    let report = import::run(&opts).map_err(failed)?;
    let i = &report.imported;
    let release =
        report.release.as_deref().map_or("unknown (pass --release)".to_owned(), |r| format!("Proxmox VE {r}"));
    eprintln!("imported {}", report.origin);
    eprintln!("  release:   {release}");
    eprintln!("  endpoints: {} paths, {} methods → {} tools ({} left out)", i.paths, i.methods, i.tools, i.excluded);
    eprintln!("  sha256:    {}", i.sha256);
    if report.unchanged {
        eprintln!("{}: unchanged (already this schema)", out.display());
    } else {
        let before = report.previous_sha256.as_deref().map_or("new file".to_owned(), |s| format!("was {s}"));
        eprintln!("{}: written ({before})", out.display());
    }
    if let Some(n) = &notice {
        eprintln!("{}: written", n.display());
    }
    if !report.unchanged {
        eprintln!(
            "next: review with `pve-codegen diff <old schema> {}` (e.g. old from `git show HEAD:apidoc/apidoc.json`), \
             then `pve-codegen docs`, `cargo build --release` and `cargo test`",
            out.display()
        );
    }
    Ok(())
}

fn diff_cmd(args: &[String]) -> Result<(), Failure> {
    let [old, new] = args else {
        return Err(Failure::Usage("diff: expected two schema files, OLD and NEW".into()));
    };
    let read = |p: &String| std::fs::read_to_string(p).map_err(|e| failed(format!("failed to read {p}: {e}")));
    let (old_json, new_json) = (read(old)?, read(new)?);
    let diff = pve_mcp_codegen::diff::diff_schemas(&old_json, &new_json).map_err(failed)?;
    print!("{}", pve_mcp_codegen::diff::to_markdown(&diff, old, new));
    Ok(())
}

fn docs_cmd(args: &[String]) -> Result<(), Failure> {
    if args.len() > 2 {
        return Err(Failure::Usage("docs: at most SCHEMA and OUT".into()));
    }
    let schema = args.first().map(String::as_str).unwrap_or("apidoc/apidoc.json");
    let out = args.get(1).map(String::as_str).unwrap_or("docs/TOOLS.md");
    // The vendored `apidoc.json` is documented with the releases beside it, as the build makes it.
    let g = pve_mcp_codegen::generate_file(std::path::Path::new(schema), pve_mcp_codegen::SearchCheck::Lenient)
        .map_err(failed)?;
    // The other products' tools follow PVE's, from their schemas beside it (`pbs-4.json`).
    let apidoc_dir = std::path::Path::new(schema).parent().unwrap_or(std::path::Path::new("."));
    let markdown = pve_mcp_codegen::product::tools_markdown_all(&g.tools_markdown, apidoc_dir).map_err(failed)?;
    std::fs::write(out, &markdown).map_err(|e| failed(format!("failed to write {out}: {e}")))?;
    eprintln!("wrote {out}: {} tools", g.tools.len());
    Ok(())
}
