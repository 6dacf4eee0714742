//! Who a caller is, exactly: the key that everything handed out (confirmation states, task ids,
//! plan ids) and every per-person limit and session is bound to, made from the identity's parts
//! as given and compared exactly; and the escaped, shortened form that only logs and the audit
//! log's `caller` show, never anything that authorises.

use ring::digest;

use crate::policy::inert;

/// Longest subject the display form shows (OIDC allows 255 characters).
const DISPLAY_CHARS: usize = 128;

/// The kinds of identity, each its own space of keys.
pub const STDIO: &str = "local";
pub const TOKEN: &str = "token";
pub const OAUTH: &str = "oauth";

/// The exact key of an identity of `kind` with these parts: `kind:` and the SHA-256 of every part
/// as given, each prefixed with its length, so no two different lists of parts give one key and
/// nothing is dropped or shortened first.
pub fn key(kind: &str, parts: &[&str]) -> String {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in std::iter::once(kind).chain(parts.iter().copied()) {
        ctx.update(&(p.len() as u64).to_be_bytes());
        ctx.update(p.as_bytes());
    }
    let hex: String = ctx.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{kind}:{hex}")
}

/// A subject as logs show it: one inert line, cut to 128 characters. When that changed it, the
/// start of its exact key follows (`[id 0123abcd4567]`), so two subjects that look alike in a log
/// are still told apart.
pub fn display(subject: &str, exact_key: &str) -> String {
    let shown = inert::inert_max(subject, DISPLAY_CHARS);
    if shown == subject {
        return shown;
    }
    let digest = exact_key.rsplit(':').next().unwrap_or(exact_key);
    format!("{shown} [id {}]", &digest[..digest.len().min(12)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_equal_in_their_first_128_characters_have_different_keys() {
        let a = format!("{}a", "x".repeat(128));
        let b = format!("{}b", "x".repeat(128));
        assert_ne!(key(OAUTH, &["https://idp", &a]), key(OAUTH, &["https://idp", &b]));
    }

    #[test]
    fn subjects_differing_only_by_a_control_character_have_different_keys() {
        assert_ne!(key(OAUTH, &["https://idp", "alice"]), key(OAUTH, &["https://idp", "ali\u{7}ce"]));
    }

    #[test]
    fn parts_cannot_be_shifted_from_one_into_the_next() {
        assert_ne!(key(OAUTH, &["ab", "c"]), key(OAUTH, &["a", "bc"]));
        assert_ne!(key(OAUTH, &["a|b"]), key(OAUTH, &["a", "b"]));
    }

    #[test]
    fn kinds_are_separate_spaces_of_keys() {
        assert_ne!(key(TOKEN, &["alice"]), key(OAUTH, &["alice"]));
        assert!(key(TOKEN, &["alice"]).starts_with("token:"));
    }

    #[test]
    fn the_same_identity_always_has_the_same_key() {
        assert_eq!(key(OAUTH, &["https://idp", "u-1"]), key(OAUTH, &["https://idp", "u-1"]));
    }

    #[test]
    fn a_plain_subject_is_displayed_as_it_is() {
        assert_eq!(display("u-1", &key(OAUTH, &["i", "u-1"])), "u-1");
    }

    #[test]
    fn an_altered_subject_is_displayed_with_the_start_of_its_key() {
        let long = "x".repeat(200);
        let k = key(OAUTH, &["i", &long]);
        let shown = display(&long, &k);
        assert!(shown.starts_with(&format!("{}…", "x".repeat(128))), "{shown}");
        assert!(shown.ends_with(&format!("[id {}]", &k[6..18])), "{shown}");
        assert!(!display("a\nb", &k).contains('\n'));
    }
}
