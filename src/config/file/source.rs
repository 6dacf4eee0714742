//! The configuration file's text as error messages see it: the line and key at a position,
//! paths relative to the file's folder, a secret given directly, by file or by variable, and the
//! environment's messages reworded with the file's keys.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::{Field, FileError, Setting};

/// The file's text and where it is, for error messages.
pub(super) struct Source<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl Source<'_> {
    pub(super) fn line_of(&self, span: &Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())].matches('\n').count() + 1
    }

    pub(super) fn error(&self, span: Option<Range<usize>>, key: Option<&str>, message: impl Into<String>) -> FileError {
        FileError {
            path: self.path.to_owned(),
            line: span.as_ref().map(|s| self.line_of(s)),
            key: key.map(str::to_owned),
            message: message.into(),
        }
    }

    /// A relative path in the file is relative to the file's folder.
    pub(super) fn path_of(&self, raw: &str) -> PathBuf {
        let p = PathBuf::from(raw);
        if p.is_relative() && !raw.is_empty() { self.path.parent().map(|d| d.join(&p)).unwrap_or(p) } else { p }
    }

    /// The key written at the start of the line of `span` (`key = ...`), if any.
    pub(super) fn key_at(&self, span: &Range<usize>) -> Option<String> {
        let line = self.text[..span.start.min(self.text.len())].rsplit('\n').next().unwrap_or("");
        let rest = &self.text[span.start.min(self.text.len())..];
        let whole = format!("{line}{}", rest.split('\n').next().unwrap_or(""));
        let (key, _) = whole.split_once('=')?;
        let key = key.trim().trim_matches('"');
        (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || "_-.\"".contains(c)))
            .then(|| key.to_owned())
    }
}

/// The settings' variable names and their file keys: a variable is its key in upper case with
/// `PVE_` (`PVE_MCP_` for the server's own) in front.
pub(super) fn key_of_variable(variable: &str) -> String {
    variable.strip_prefix("PVE_MCP_").or_else(|| variable.strip_prefix("PVE_")).unwrap_or(variable).to_lowercase()
}

/// A message of the environment's checks, with its variables named as file keys.
pub(super) fn in_file_words(message: &str, renames: &[(&str, &str)]) -> String {
    let mut out = message.to_owned();
    for (variable, key) in renames {
        out = out.replace(variable, &format!("`{key}`"));
    }
    out
}

/// The environment's messages continue the variable's name (`is not set; ...`): in the file they
/// continue the key's.
pub(super) fn continuation(key: &str, message: &str) -> String {
    if message.starts_with(|c: char| c.is_ascii_lowercase()) {
        format!("`{key}` {message}")
    } else {
        message.to_owned()
    }
}

pub(super) const CONNECTION_RENAMES: &[(&str, &str)] = &[
    ("PVE_TOKEN_SECRET", "token_secret"),
    ("PVE_TOKEN_ID", "token_id"),
    ("PVE_PASSWORD", "password"),
    ("PVE_USER", "user"),
    ("PVE_CA_FILE", "ca_file"),
    ("PVE_TLS_FINGERPRINT", "fingerprint"),
    ("PVE_VERIFY_SSL=false", "verify = false"),
    ("PVE_VERIFY_SSL", "verify"),
    ("PVE_BASE_URL", "base_url"),
];

/// A secret given directly, from a file (`*_file`) or from another environment variable
/// (`*_env`): exactly one of them.
pub(super) fn secret(
    src: &Source<'_>,
    key: &str,
    direct: &Field,
    file: &Field,
    env: &Field,
) -> Result<Option<(String, Range<usize>)>, FileError> {
    let given: Vec<(&str, &Spanned<Setting>)> =
        [(key.to_owned(), direct), (format!("{key}_file"), file), (format!("{key}_env"), env)]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v)))
            .map(|(k, v)| {
                (
                    if k == key {
                        key
                    } else if k.ends_with("_file") {
                        "file"
                    } else {
                        "env"
                    },
                    v,
                )
            })
            .collect();
    let Some((how, value)) = given.first() else { return Ok(None) };
    let span = value.span();
    if given.len() > 1 {
        return Err(src.error(
            Some(given[1].1.span()),
            Some(key),
            format!("give the secret one way: `{key}`, `{key}_file` or `{key}_env`, not several"),
        ));
    }
    let raw = value.get_ref().text();
    let text = match *how {
        "file" => {
            let path = src.path_of(&raw);
            let read = std::fs::read_to_string(&path).map_err(|e| {
                src.error(
                    Some(span.clone()),
                    Some(&format!("{key}_file")),
                    format!("cannot read `{}`: {e}", path.display()),
                )
            })?;
            read.trim_end_matches(['\n', '\r']).to_owned()
        }
        "env" => std::env::var(raw.trim()).map_err(|_| {
            src.error(
                Some(span.clone()),
                Some(&format!("{key}_env")),
                format!("the environment variable `{}` is not set (or not UTF-8)", raw.trim()),
            )
        })?,
        _ => raw,
    };
    Ok(Some((text, span)))
}

/// serde's "unknown field `colour`, expected one of `base_url`, ..." (every valid key on one
/// line) as "unknown key `colour`; did you mean `...`?" naming the closest valid key, or pointing to
/// docs/CONFIG.md when none is close. Other messages are returned unchanged.
pub(super) fn unknown_key(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else { return message.to_owned() };
    let Some((key, valid)) = rest.split_once('`') else { return message.to_owned() };
    let valid: Vec<&str> = valid.split('`').skip(1).step_by(2).collect();
    match closest(key, &valid) {
        Some(near) => format!("unknown key `{key}`; did you mean `{near}`?"),
        None => format!("unknown key `{key}`; docs/CONFIG.md lists the keys"),
    }
}

/// The candidate closest to `word` by edit distance (case ignored), if it is close enough to be
/// a slip: at most a third of the word's length, and at least 2, edits away.
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERDE: &str =
        "unknown field `acess_tier`, expected one of `base_url`, `token_id`, `access_tier`, `categories`";

    #[test]
    fn an_unknown_key_names_the_closest_valid_one() {
        assert_eq!(unknown_key(SERDE), "unknown key `acess_tier`; did you mean `access_tier`?");
    }

    #[test]
    fn an_unknown_key_far_from_every_valid_one_points_to_the_docs() {
        let m = unknown_key("unknown field `colour`, expected one of `base_url`, `token_id`");
        assert_eq!(m, "unknown key `colour`; docs/CONFIG.md lists the keys");
    }

    #[test]
    fn other_messages_are_unchanged() {
        assert_eq!(unknown_key("invalid type: map"), "invalid type: map");
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("readonly", "read_only"), 1);
        assert_eq!(edit_distance("tier", "tire"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
