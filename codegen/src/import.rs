//! `pve-codegen import`: bring in the apidoc schema of another PVE release.
//!
//! A source is a PVE node's URL (`https://pve:8006`, fetched from
//! [`APIDOC_JS_PATH`]), a saved `apidoc.js` (`const apiSchema = [...];` or, before PVE 7,
//! `var pveapi = [...];`, followed by the API viewer's own JavaScript), or a plain apidoc JSON
//! file. The array is pulled out without running any JavaScript, checked (it must read as an
//! apidoc tree *and* generate), and written in the project's normalized form: the bytes Python's
//! `json.dumps(tree, indent=1, sort_keys=True) + "\n"` gives after children are sorted by path,
//! so two releases diff cleanly and re-importing a vendored file reproduces it byte for byte.
//!
//! Nothing is replaced unless everything checked out: the schema and its `NOTICE` are written to
//! temporary files beside their targets and renamed over them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Where a PVE node serves its API schema (no login needed).
pub const APIDOC_JS_PATH: &str = "/pve-docs/api-viewer/apidoc.js";

/// The license paragraph a new `NOTICE` gets when there is no old one to keep it from.
pub const DEFAULT_LICENSE: &str = "\
License:  This schema is part of Proxmox VE, copyright Proxmox Server Solutions GmbH, and is licensed
          under the GNU Affero General Public License, version 3 or later (AGPL-3.0-or-later).
";

/// Largest body accepted from a node (PVE 9.2's apidoc.js is about 4.3 MB).
pub const MAX_BODY: u64 = 64 * 1024 * 1024;

/// Why an import was refused. The old schema is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input is not PVE's apidoc (HTML, truncated, some other JSON...).
    #[error("{source_name}: {message}")]
    NotApidoc { source_name: String, message: String },
    /// It reads as apidoc but the generator cannot make tools from it.
    #[error("{source_name}: the schema was read but does not generate: {error}")]
    DoesNotGenerate { source_name: String, error: crate::Error },
    /// Fetching from a node failed.
    #[error("fetching {url}: {detail}")]
    Fetch { url: String, detail: String },
    /// The `--ca-file` is unusable.
    #[error("--ca-file {path}: {detail}")]
    CaFile { path: String, detail: String },
    /// Reading or writing a file.
    #[error("failed to {action} {path}: {source}")]
    Io { action: &'static str, path: String, source: std::io::Error },
    /// A bad option value.
    #[error("{0}")]
    Usage(String),
}

/// How to reach a node over HTTPS.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Trust only the certificates in this PEM file (PVE's own CA is `/etc/pve/pve-root-ca.pem`).
    pub ca_file: Option<PathBuf>,
    /// Do not verify the node's certificate at all.
    pub insecure: bool,
}

/// Everything `pve-codegen import` is told.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// A node URL (`http(s)://...`) or a file path.
    pub source: String,
    /// The schema file to (re)write.
    pub out: PathBuf,
    /// The `NOTICE` to rewrite, if any.
    pub notice: Option<PathBuf>,
    /// The PVE release, if the user says (`9.2`); otherwise guessed from a file name.
    pub release: Option<String>,
    pub tls: TlsOptions,
    /// `YYYY-MM-DD` for the NOTICE; today (UTC) if `None`.
    pub date: Option<String>,
}

/// A checked, normalized schema.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The normalized file content.
    pub json: String,
    /// Nodes of the tree (what `../shared/apidoc/README.md` calls paths).
    pub paths: usize,
    /// (method, path) pairs.
    pub methods: usize,
    /// Tools the generator makes from it, and endpoints it leaves out.
    pub tools: usize,
    pub excluded: usize,
    /// Lower-case hex SHA-256 of [`Imported::json`].
    pub sha256: String,
}

/// What [`run`] did.
#[derive(Debug, Clone)]
pub struct Report {
    pub imported: Imported,
    /// The origin as written into the NOTICE (credentials removed).
    pub origin: String,
    pub release: Option<String>,
    /// Whether the schema file already held exactly these bytes.
    pub unchanged: bool,
    /// SHA-256 of the file that was replaced, if there was one.
    pub previous_sha256: Option<String>,
}

/// Runs a whole import: read or fetch, check, normalize, and replace `out` (and the NOTICE).
pub fn run(opts: &ImportOptions) -> Result<Report, ImportError> {
    let release = match &opts.release {
        Some(r) => Some(clean_release(r)?),
        None if is_url(&opts.source) => None,
        None => release_from_file_name(Path::new(&opts.source)),
    };
    let (text, origin) = if is_url(&opts.source) {
        let url = apidoc_url(&opts.source);
        (fetch(&url, &opts.tls)?, redact_url(&url))
    } else {
        (read_text(Path::new(&opts.source))?, opts.source.clone())
    };
    let imported = import_text(&text, &origin)?;
    let previous = std::fs::read(&opts.out).ok();
    let unchanged = previous.as_deref() == Some(imported.json.as_bytes());
    let previous_sha256 = previous.as_deref().map(sha256_hex);

    // Make both files before replacing either.
    let notice = match &opts.notice {
        Some(path) => {
            let existing = std::fs::read_to_string(path).ok();
            let date = match &opts.date {
                Some(d) => d.clone(),
                None => today_utc(),
            };
            let header = opts.out.display().to_string();
            let text = notice_text(&header, &imported, &origin, release.as_deref(), &date, existing.as_deref());
            Some((path, text))
        }
        None => None,
    };
    write_atomic(&opts.out, imported.json.as_bytes())?;
    if let Some((path, text)) = notice {
        write_atomic(path, text.as_bytes())?;
    }
    Ok(Report { imported, origin, release, unchanged, previous_sha256 })
}

fn is_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn read_text(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        action: "read",
        path: path.display().to_string(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| ImportError::NotApidoc {
        source_name: path.display().to_string(),
        message: "not UTF-8 text, so neither apidoc.js nor apidoc JSON".into(),
    })
}

// ---- reading ---------------------------------------------------------------------------------

/// Pulls the apidoc array out of `apidoc.js` text or plain JSON text, without running anything.
/// `source_name` is only used in error messages.
pub fn extract(text: &str, source_name: &str) -> Result<Value, ImportError> {
    let refuse = |message: String| ImportError::NotApidoc { source_name: source_name.to_owned(), message };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(refuse("empty".into()));
    }
    if trimmed.starts_with('<') {
        return Err(refuse(
            "this is an HTML page (a login page, a proxy's or a web server's error page?), not PVE's \
             apidoc.js or apidoc JSON"
                .into(),
        ));
    }
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let value: Value = serde_json::from_str(trimmed).map_err(|e| refuse(json_problem(&e)))?;
        if value.is_object() {
            return Err(refuse("a JSON object, not the apidoc array (`[{\"path\": ...}, ...]`)".into()));
        }
        return Ok(value);
    }
    let Some(start) = assignment_start(text) else {
        return Err(refuse(
            "no `const apiSchema = [...]` (PVE 7 and later) or `var pveapi = [...]` (PVE 6) found: \
             not PVE's apidoc.js"
                .into(),
        ));
    };
    let mut values = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
    match values.next() {
        Some(Ok(value)) => Ok(value),
        Some(Err(e)) => Err(refuse(json_problem(&e))),
        None => Err(refuse("the schema array is missing after `=`".into())),
    }
}

/// Byte offset of the `[` that starts the schema array in apidoc.js.
fn assignment_start(text: &str) -> Option<usize> {
    for name in ["apiSchema", "pveapi"] {
        let mut from = 0;
        while let Some(found) = text[from..].find(name) {
            let at = from + found;
            from = at + name.len();
            // A whole identifier only (not `myApiSchema`, `apiSchemaOld`).
            let before = text[..at].chars().next_back();
            let after = text[from..].chars().next();
            let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
            if before.is_some_and(ident) || after.is_some_and(ident) {
                continue;
            }
            let rest = text[from..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else { continue };
            if rest.starts_with('=') {
                continue; // `==`
            }
            let value = rest.trim_start();
            if value.starts_with('[') {
                return Some(text.len() - value.len());
            }
        }
    }
    None
}

fn json_problem(e: &serde_json::Error) -> String {
    if e.is_eof() {
        format!("the schema ends early (truncated download?): {e}")
    } else {
        format!("not valid JSON: {e}")
    }
}

/// Sorts `children` (and the top-level array) by `path`, recursively: the normalized order.
pub fn sort_children(value: &mut Value) {
    match value {
        Value::Array(items) => {
            let by_path = |v: &Value| v.get("path").and_then(Value::as_str).map(str::to_owned);
            if items.iter().all(|v| by_path(v).is_some()) {
                items.sort_by_key(by_path);
            }
            for item in items {
                sort_children(item);
            }
        }
        Value::Object(map) => {
            if let Some(children) = map.get_mut("children") {
                sort_children(children);
            }
        }
        _ => {}
    }
}

/// Extracts, checks and normalizes a schema. `source_name` is for error messages.
pub fn import_text(text: &str, source_name: &str) -> Result<Imported, ImportError> {
    let refuse = |message: String| ImportError::NotApidoc { source_name: source_name.to_owned(), message };
    let mut value = extract(text, source_name)?;
    let Some(roots) = value.as_array() else {
        return Err(refuse("not a JSON array, so not an apidoc tree".into()));
    };
    if roots.is_empty() {
        return Err(refuse("an empty array: the schema holds no API paths".into()));
    }
    if let Some(bad) = roots.iter().find(|n| n.get("path").and_then(Value::as_str).is_none()) {
        let shown: String = bad.to_string().chars().take(80).collect();
        return Err(refuse(format!("not an apidoc tree: an element has no `path` ({shown}...)")));
    }
    sort_children(&mut value);
    let json = to_normalized_json(&value);
    let doc = crate::model::parse(&json).map_err(|e| refuse(e.to_string()))?;
    if doc.endpoints.is_empty() {
        return Err(refuse("not an apidoc tree: no path has any method (`info`)".into()));
    }
    let generated = crate::generate(&json)
        .map_err(|error| ImportError::DoesNotGenerate { source_name: source_name.to_owned(), error })?;
    let (paths, methods) = count(&value);
    Ok(Imported {
        sha256: sha256_hex(json.as_bytes()),
        paths,
        methods,
        tools: generated.tools.len(),
        excluded: generated.excluded.len(),
        json,
    })
}

/// (nodes, methods) of an apidoc tree.
pub fn count(tree: &Value) -> (usize, usize) {
    let mut paths = 0;
    let mut methods = 0;
    let mut stack: Vec<&Value> = tree.as_array().map(|a| a.iter().collect()).unwrap_or_default();
    while let Some(node) = stack.pop() {
        paths += 1;
        methods += node.get("info").and_then(Value::as_object).map_or(0, |i| i.len());
        if let Some(children) = node.get("children").and_then(Value::as_array) {
            stack.extend(children);
        }
    }
    (paths, methods)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

// ---- the normalized form -----------------------------------------------------------------------

/// Serializes exactly like Python's `json.dumps(value, indent=1, sort_keys=True)` plus a final
/// newline: one-space indent, `", "`-free separators (`","` at line ends, `": "` after keys), keys
/// sorted by code point, non-ASCII and control characters as lower-case `\uXXXX` escapes
/// (`ensure_ascii`), floats as Python's `repr` (`0.1`, `8.0`, `1e-05`, `1e+16`).
///
/// (Integers beyond 64 bits, which PVE's schema does not have, would be read as floats.)
pub fn to_normalized_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_value(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else {
                out.push_str(&python_float(n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_value(out, item, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item, level + 1);
            }
            newline(out, level);
            out.push('}');
        }
    }
}

fn newline(out: &mut String, level: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', level));
}

/// Python's `ensure_ascii` string escaping.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest digits that read back the same, positional for decimal
/// exponents -4..=15 (always with a fraction, `8.0`), otherwise `d.ddde±XX`.
pub fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{:e}", f.abs()); // shortest round-trip digits: `1.2345e-7`, `8e0`
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            let (int, frac) = if digits.len() > int_len {
                (digits[..int_len].to_owned(), digits[int_len..].to_owned())
            } else {
                (format!("{digits:0<int_len$}"), "0".to_owned())
            };
            format!("{sign}{int}.{frac}")
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let mantissa = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{:02}", exp.abs())
    }
}

// ---- NOTICE ----------------------------------------------------------------------------------

/// The new `NOTICE`: what the schema is, where it came from, and its license. The license
/// paragraph (from its `License:` line to the end) is kept from `existing` when there is one.
pub fn notice_text(
    schema_name: &str,
    imported: &Imported,
    origin: &str,
    release: Option<&str>,
    date: &str,
    existing: Option<&str>,
) -> String {
    let kept = existing.and_then(|text| {
        let start = text.lines().position(|l| l.starts_with("License:"))?;
        let mut block: String = text.lines().skip(start).map(|l| format!("{l}\n")).collect();
        while block.ends_with("\n\n") {
            block.pop();
        }
        Some(block)
    });
    let license = kept.unwrap_or_else(|| DEFAULT_LICENSE.to_owned());
    let release = match release {
        Some(r) => format!("Proxmox VE {r}"),
        None => "unknown".to_owned(),
    };
    format!(
        "{schema_name}: the Proxmox VE API schema (apidoc tree)\n\
         \n\
         Origin:   {origin}\n\
         \x20         imported with `pve-codegen import` and re-serialized deterministically (keys sorted,\n\
         \x20         children sorted by path, one-space indent).\n\
         Release:  {release}\n\
         Endpoints: {paths} paths, {methods} methods\n\
         SHA-256:  {sha}\n\
         Imported: {date}\n\
         \n\
         {license}",
        paths = imported.paths,
        methods = imported.methods,
        sha = imported.sha256,
    )
}

/// The PVE release a `NOTICE` names on its `Release:` line (`Release:  Proxmox VE 9.2` → `9.2`),
/// or `None` when it says `unknown` or has no such line.
pub fn release_of_notice(text: &str) -> Option<String> {
    let line = text.lines().find_map(|l| l.strip_prefix("Release:"))?;
    let value = line.trim();
    let value = value.strip_prefix("Proxmox VE").unwrap_or(value).trim();
    let version = value.split_whitespace().next()?;
    version.starts_with(|c: char| c.is_ascii_digit()).then(|| version.to_owned())
}

/// Accepts `9.2`, `9.1.11`, `Proxmox VE 9.2`, `pve-9.2`.
fn clean_release(given: &str) -> Result<String, ImportError> {
    let t = given.trim();
    let t = t.strip_prefix("Proxmox VE").unwrap_or(t).trim();
    let t = t.strip_prefix("pve-").or_else(|| t.strip_prefix("pve")).unwrap_or(t).trim();
    let ok = t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '~' | '+'));
    if ok {
        Ok(t.to_owned())
    } else {
        Err(ImportError::Usage(format!("--release `{given}`: expected a PVE version such as 9.2 or 9.1.11")))
    }
}

/// A release in a file name: `pve-9.1.json` → `9.1`, `pve_8.4.0-apidoc.js` → `8.4.0`,
/// `proxmox-ve-9.2.js` → `9.2`.
pub fn release_from_file_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    for marker in ["proxmox-ve-", "proxmox-ve_", "pve-", "pve_", "pve"] {
        let mut from = 0;
        while let Some(found) = name[from..].find(marker) {
            let start = from + found + marker.len();
            from = start;
            let rest = &name[start..];
            let mut end = 0;
            for (i, c) in rest.char_indices() {
                let next_is_digit = rest[i + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit());
                if c.is_ascii_digit() || (c == '.' && end > 0 && next_is_digit) {
                    end = i + c.len_utf8();
                } else {
                    break;
                }
            }
            if end > 0 {
                return Some(rest[..end].to_owned());
            }
        }
    }
    None
}

/// Today's date in UTC, `YYYY-MM-DD` (or that of `SOURCE_DATE_EPOCH`, for reproducible runs).
pub fn today_utc() -> String {
    let secs =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
        });
    date_of_unix(secs)
}

/// `YYYY-MM-DD` of a Unix time (proleptic Gregorian, UTC).
pub fn date_of_unix(secs: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

// ---- URLs and fetching -----------------------------------------------------------------------

/// The apidoc.js URL of a node URL: `https://pve:8006` → `https://pve:8006/pve-docs/api-viewer/apidoc.js`.
/// A URL that already names a `.js` or `.json` file is used as it is.
pub fn apidoc_url(node: &str) -> String {
    let node = node.trim();
    let without_query = node.split(['?', '#']).next().unwrap_or(node);
    if without_query.ends_with(".js") || without_query.ends_with(".json") {
        return node.to_owned();
    }
    format!("{}{APIDOC_JS_PATH}", without_query.trim_end_matches('/'))
}

/// A URL without credentials, query or fragment: `https://root:pw@pve:8006/x?t=1` → `https://pve:8006/x`.
pub fn redact_url(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

/// GETs `url` and returns its body as text. HTTPS certificates are verified (against Mozilla's
/// roots, or only the `--ca-file` certificates when given) unless `insecure`.
#[cfg(feature = "fetch")]
pub fn fetch(url: &str, tls: &TlsOptions) -> Result<String, ImportError> {
    use ureq::tls::{PemItem, RootCerts, TlsConfig};

    let shown = redact_url(url);
    let fetch_err = |detail: String| ImportError::Fetch { url: shown.clone(), detail };
    let mut tls_config = TlsConfig::builder();
    if let Some(path) = &tls.ca_file {
        let ca_err = |detail: String| ImportError::CaFile { path: path.display().to_string(), detail };
        let pem = std::fs::read(path).map_err(|e| ca_err(e.to_string()))?;
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(&pem) {
            match item {
                Ok(PemItem::Certificate(cert)) => certs.push(cert),
                Ok(_) => {}
                Err(e) => return Err(ca_err(format!("not a PEM certificate file ({e})"))),
            }
        }
        if certs.is_empty() {
            return Err(ca_err("holds no PEM certificate".into()));
        }
        tls_config = tls_config.root_certs(RootCerts::new_with_certs(&certs));
    }
    if tls.insecure {
        tls_config = tls_config.disable_verification(true);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls_config.build())
        .timeout_global(Some(std::time::Duration::from_secs(120)))
        .timeout_connect(Some(std::time::Duration::from_secs(15)))
        .http_status_as_error(false)
        .user_agent(concat!("pve-mcp-codegen/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| {
        let text = e.to_string();
        let tls_problem =
            ["certificate", "Certificate", "UnknownIssuer", "tls", "TLS"].iter().any(|w| text.contains(w));
        if tls_problem && tls.ca_file.is_none() {
            fetch_err(format!(
                "{text}. If the node uses PVE's self-signed certificate, pass its CA with \
                 --ca-file (on the node: /etc/pve/pve-root-ca.pem), or --insecure in a lab"
            ))
        } else {
            fetch_err(text)
        }
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(fetch_err(format!(
            "HTTP {status}; expected 200 (is this a PVE node, and is the pve-docs package installed?)"
        )));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_string()
        .map_err(|e| fetch_err(format!("reading the body: {e}")))
}

/// Without the `fetch` feature there is no HTTP client: download apidoc.js by hand instead.
#[cfg(not(feature = "fetch"))]
pub fn fetch(url: &str, _tls: &TlsOptions) -> Result<String, ImportError> {
    Err(ImportError::Fetch {
        url: redact_url(url),
        detail: "this pve-codegen was built without the `fetch` feature; download apidoc.js (e.g. with \
                 curl) and import the file"
            .into(),
    })
}

// ---- writing ---------------------------------------------------------------------------------

/// Replaces `path` with `contents` all at once: writes a temporary file beside it, then renames.
/// On any failure `path` is untouched.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), ImportError> {
    let io_err = |action: &'static str, p: &Path| {
        let p = p.display().to_string();
        move |source| ImportError::Io { action, path: p, source }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io_err("create", &dir))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("apidoc");
    let tmp = dir.join(format!(".{name}.import-{}.tmp", std::process::id()));
    let result = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&tmp).map_err(io_err("create", &tmp))?;
        file.write_all(contents).map_err(io_err("write", &tmp))?;
        file.sync_all().map_err(io_err("write", &tmp))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(io_err("replace", path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny schema that generates: two paths, three methods.
    const TREE: &str = r#"[{"path":"/version","text":"version","leaf":1,
        "info":{"GET":{"name":"version","method":"GET","description":"API version details.",
          "parameters":{"additionalProperties":0},"returns":{"type":"object"}}}},
      {"path":"/nodes","text":"nodes","leaf":0,
        "info":{"GET":{"name":"index","method":"GET","description":"Cluster node index.",
          "parameters":{"additionalProperties":0},"returns":{"type":"array"}}},
        "children":[{"path":"/nodes/{node}","text":"{node}","leaf":1,
          "info":{"GET":{"name":"index","method":"GET","description":"Node index \u00e9\ud83d\ude00.",
            "parameters":{"properties":{"node":{"type":"string","format":"pve-node","description":"The node."}}},
            "returns":{"type":"array"}}}}]}]"#;

    fn temp_dir(tag: &str) -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pve-codegen-import-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn message(r: Result<Imported, ImportError>) -> String {
        r.expect_err("should be refused").to_string()
    }

    #[test]
    fn api_schema_const_with_trailing_javascript() {
        let js = format!(
            "// generated\nconst apiSchema = {TREE}\n;\nlet x = [1, 2];\nfunction render() {{ return apiSchema.length; }}\n"
        );
        let imported = import_text(&js, "apidoc.js").unwrap();
        assert_eq!((imported.paths, imported.methods, imported.tools), (3, 3, 3));
        assert_eq!(imported.json, import_text(TREE, "tree.json").unwrap().json);
    }

    #[test]
    fn pveapi_var_of_pve_6() {
        let js = format!("var pveapi = {TREE};\nExt.onReady(function() {{ }});");
        assert_eq!(import_text(&js, "apidoc.js").unwrap().methods, 3);
    }

    #[test]
    fn only_a_whole_identifier_assignment_counts() {
        let js = format!("var myapiSchemaX = [1]; if (apiSchema == null) {{}}\nconst apiSchema = {TREE};");
        assert_eq!(import_text(&js, "apidoc.js").unwrap().methods, 3);
    }

    #[test]
    fn children_are_sorted_by_path_and_keys_sorted() {
        let imported = import_text(TREE, "t").unwrap();
        let nodes = imported.json.find("\"path\": \"/nodes\"").unwrap();
        let version = imported.json.find("\"path\": \"/version\"").unwrap();
        assert!(nodes < version);
        assert!(imported.json.starts_with("[\n {\n  \"children\": [\n   {\n    \"info\": {"));
        assert!(imported.json.ends_with("\n]\n"));
        assert!(imported.json.contains("Node index \\u00e9\\ud83d\\ude00."), "ensure_ascii escapes");
    }

    #[test]
    fn an_html_login_page_is_refused() {
        let m = message(import_text("<!DOCTYPE html>\n<html><title>Proxmox VE</title></html>", "https://pve:8006"));
        assert!(m.contains("HTML page"), "{m}");
    }

    #[test]
    fn a_truncated_download_is_refused() {
        let js = format!("const apiSchema = {}", &TREE[..TREE.len() / 2]);
        let m = message(import_text(&js, "apidoc.js"));
        assert!(m.contains("ends early"), "{m}");
        let m = message(import_text(&TREE[..TREE.len() - 3], "x.json"));
        assert!(m.contains("ends early"), "{m}");
    }

    #[test]
    fn json_that_is_not_apidoc_is_refused() {
        for (text, expect) in [
            (r#"{"data": {"version": "9.2"}}"#, "JSON object"),
            ("[]", "empty array"),
            ("[1, 2, 3]", "no `path`"),
            (r#"[{"path": "/x", "text": "x"}]"#, "no path has any method"),
            (
                r#"[{"path": "/x", "info": {"GET": {"parameters": {"properties": {"a": {"type": "wat"}}}}}}]"#,
                "unknown type",
            ),
            ("const other = [];", "no `const apiSchema"),
            ("", "empty"),
        ] {
            let m = message(import_text(text, "src"));
            assert!(m.contains(expect), "{text}: {m}");
        }
    }

    #[test]
    fn python_float_repr() {
        for (f, s) in [
            (0.1, "0.1"),
            (8.0, "8.0"),
            (0.5, "0.5"),
            (-2.25, "-2.25"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (123456.789, "123456.789"),
            (1.2345678901234566e-7, "1.2345678901234566e-07"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(python_float(f), s, "{f:?}");
        }
    }

    #[test]
    fn strings_are_escaped_like_python_ensure_ascii() {
        let v = serde_json::json!({"b": "tab\there \"q\" \\ \u{7f} \u{1} /", "a": [], "c": {}});
        assert_eq!(
            to_normalized_json(&v),
            "{\n \"a\": [],\n \"b\": \"tab\\there \\\"q\\\" \\\\ \\u007f \\u0001 /\",\n \"c\": {}\n}\n"
        );
    }

    #[test]
    fn releases_from_file_names_and_notices() {
        let rel = |n: &str| release_from_file_name(Path::new(n));
        assert_eq!(rel("apidoc/releases/pve-9.1.json").as_deref(), Some("9.1"));
        assert_eq!(rel("pve-8.json").as_deref(), Some("8"));
        assert_eq!(rel("/tmp/pve_8.4.0-apidoc.js").as_deref(), Some("8.4.0"));
        assert_eq!(rel("apidoc.js"), None);
        assert_eq!(rel("pve-.json"), None);
        assert_eq!(release_of_notice("x\nRelease:  Proxmox VE 9.2\nEndpoints: 1").as_deref(), Some("9.2"));
        assert_eq!(release_of_notice("Release:  Proxmox VE 9.1.11 (from a file)").as_deref(), Some("9.1.11"));
        assert_eq!(release_of_notice("Release:  unknown"), None);
        assert_eq!(release_of_notice("no such line"), None);
        assert_eq!(clean_release("Proxmox VE 9.2").unwrap(), "9.2");
        assert!(clean_release("latest").is_err());
    }

    #[test]
    fn vendored_notice_release_is_read() {
        let notice = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../apidoc/NOTICE")).unwrap();
        assert!(release_of_notice(&notice).is_some_and(|r| r.starts_with('9')), "{notice}");
    }

    #[test]
    fn urls() {
        assert_eq!(apidoc_url("https://pve:8006"), "https://pve:8006/pve-docs/api-viewer/apidoc.js");
        assert_eq!(apidoc_url("https://pve:8006/"), "https://pve:8006/pve-docs/api-viewer/apidoc.js");
        assert_eq!(
            apidoc_url("https://pve:8006/pve-docs/api-viewer/apidoc.js"),
            "https://pve:8006/pve-docs/api-viewer/apidoc.js"
        );
        assert_eq!(redact_url("https://root@pam:secret@pve:8006/a?x=1"), "https://pve:8006/a");
        assert_eq!(redact_url("http://127.0.0.1:80"), "http://127.0.0.1:80");
    }

    #[test]
    fn dates() {
        assert_eq!(date_of_unix(0), "1970-01-01");
        assert_eq!(date_of_unix(951_782_400), "2000-02-29");
        assert_eq!(date_of_unix(1_767_225_599), "2025-12-31");
    }

    #[test]
    fn notice_keeps_the_license_and_is_machine_readable() {
        let imported = import_text(TREE, "t").unwrap();
        let old = "old header\n\nRelease:  Proxmox VE 9.2\n\nLicense:  AGPL text\n          more.\n\nTrailer.\n";
        let n =
            notice_text("apidoc/apidoc.json", &imported, "https://pve:8006/x", Some("9.3"), "2026-01-02", Some(old));
        assert!(n.starts_with("apidoc/apidoc.json: the Proxmox VE API schema"), "{n}");
        assert!(n.contains("\nOrigin:   https://pve:8006/x\n"), "{n}");
        assert!(n.contains("\nEndpoints: 3 paths, 3 methods\n"), "{n}");
        assert!(n.contains(&format!("\nSHA-256:  {}\n", imported.sha256)), "{n}");
        assert!(n.contains("\nImported: 2026-01-02\n"), "{n}");
        assert!(n.ends_with("\nLicense:  AGPL text\n          more.\n\nTrailer.\n"), "{n}");
        assert_eq!(release_of_notice(&n).as_deref(), Some("9.3"));
        let fresh = notice_text("a.json", &imported, "a.js", None, "2026-01-02", None);
        assert!(fresh.contains("Release:  unknown\n") && fresh.contains("AGPL-3.0-or-later"), "{fresh}");
        assert_eq!(release_of_notice(&fresh), None);
    }

    #[test]
    fn a_refused_import_leaves_the_old_files_untouched() {
        let dir = temp_dir("refused");
        let out = dir.join("apidoc.json");
        let notice = dir.join("NOTICE");
        std::fs::write(&out, "OLD SCHEMA").unwrap();
        std::fs::write(&notice, "OLD NOTICE").unwrap();
        for (name, text) in [
            ("login.html", "<html>login</html>".to_owned()),
            ("apidoc.js", format!("const apiSchema = {}", &TREE[..40])),
            ("other.json", r#"{"a": 1}"#.to_owned()),
        ] {
            let src = dir.join(name);
            std::fs::write(&src, text).unwrap();
            let opts = ImportOptions {
                source: src.display().to_string(),
                out: out.clone(),
                notice: Some(notice.clone()),
                release: None,
                tls: TlsOptions::default(),
                date: Some("2026-01-02".into()),
            };
            assert!(run(&opts).is_err(), "{name}");
            assert_eq!(std::fs::read_to_string(&out).unwrap(), "OLD SCHEMA", "{name}");
            assert_eq!(std::fs::read_to_string(&notice).unwrap(), "OLD NOTICE", "{name}");
        }
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_good_import_replaces_both_files() {
        let dir = temp_dir("good");
        let out = dir.join("apidoc.json");
        let notice = dir.join("NOTICE");
        std::fs::write(&out, "OLD SCHEMA").unwrap();
        std::fs::write(&notice, "Release:  Proxmox VE 1.0\n\nLicense:  kept.\n").unwrap();
        let src = dir.join("pve-9.3-apidoc.js");
        std::fs::write(&src, format!("const apiSchema = {TREE};\nrender();\n")).unwrap();
        let opts = ImportOptions {
            source: src.display().to_string(),
            out: out.clone(),
            notice: Some(notice.clone()),
            release: None,
            tls: TlsOptions::default(),
            date: Some("2026-01-02".into()),
        };
        let report = run(&opts).unwrap();
        assert!(!report.unchanged);
        assert_eq!(report.release.as_deref(), Some("9.3"));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), report.imported.json);
        let n = std::fs::read_to_string(&notice).unwrap();
        assert_eq!(release_of_notice(&n).as_deref(), Some("9.3"));
        assert!(n.ends_with("License:  kept.\n"), "{n}");
        assert!(run(&opts).unwrap().unchanged);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
