//! The server's state key (`PVE_MCP_STATE_KEY`, or a file named by `PVE_MCP_STATE_KEY_FILE`): the
//! secret that authenticates what the server hands out and later takes back: code mode's plan ids,
//! input-required confirmation states and MCP task ids. Every replica given the same key accepts
//! the others', and they survive a restart. Without one, a random key is made for the process (once,
//! when its servers are assembled, and given to each): they then last as long as it. Each use
//! signs under its own derived key ([`StateKey::derive`]), so one kind can never pass for another.

use std::path::Path;

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use super::{ConfigError, err};

/// The fewest bytes a configured key may have.
const MIN_LEN: usize = 32;

/// A key for HMAC-SHA256. Its bytes are never shown.
#[derive(Clone)]
pub struct StateKey {
    key: hmac::Key,
    /// Whether it came from the configuration (and so outlives the process).
    pub configured: bool,
}

impl std::fmt::Debug for StateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateKey").field("configured", &self.configured).finish_non_exhaustive()
    }
}

impl StateKey {
    /// A key from configured text (at least 32 bytes; surrounding white space is ignored).
    pub fn from_text(text: &str) -> Option<StateKey> {
        let text = text.trim();
        (text.len() >= MIN_LEN)
            .then(|| StateKey { key: hmac::Key::new(hmac::HMAC_SHA256, text.as_bytes()), configured: true })
    }

    /// A random key for this process only.
    pub fn random() -> StateKey {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes).expect("the system's random source works");
        StateKey { key: hmac::Key::new(hmac::HMAC_SHA256, &bytes), configured: false }
    }

    /// A key of its own for one `purpose` (HMAC of the purpose under this key).
    pub fn derive(&self, purpose: &str) -> hmac::Key {
        let tag = self.sign(&[b"pve-mcp derived key", purpose.as_bytes()]);
        hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref())
    }

    /// The authentication tag of `parts` (each length-prefixed, so their boundaries count).
    pub fn sign(&self, parts: &[&[u8]]) -> hmac::Tag {
        let mut ctx = hmac::Context::with_key(&self.key);
        for p in parts {
            ctx.update(&(p.len() as u64).to_be_bytes());
            ctx.update(p);
        }
        ctx.sign()
    }
}

/// Reads the key from its setting or its file; `None` when neither is set.
pub fn load(text: Option<&str>, file: Option<&Path>) -> Result<Option<StateKey>, ConfigError> {
    let short = || format!("expected at least {MIN_LEN} bytes of random text (e.g. `openssl rand -hex 32`)");
    let file = file.filter(|p| !p.as_os_str().is_empty());
    if text.is_some_and(|t| !t.trim().is_empty()) && file.is_some() {
        return Err(err(
            "PVE_MCP_STATE_KEY",
            "--state-key",
            "and PVE_MCP_STATE_KEY_FILE are both set; give the key one way",
        ));
    }
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        return StateKey::from_text(t).map(Some).ok_or_else(|| err("PVE_MCP_STATE_KEY", "--state-key", short()));
    }
    let Some(path) = file else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|e| {
        err("PVE_MCP_STATE_KEY_FILE", "--state-key-file", format!("cannot read `{}`: {e}", path.display()))
    })?;
    StateKey::from_text(&text)
        .map(Some)
        .ok_or_else(|| err("PVE_MCP_STATE_KEY_FILE", "--state-key-file", format!("`{}`: {}", path.display(), short())))
}

/// The same value with every object's keys sorted, so that key order never changes what is signed
/// (objects keep their insertion order here: serde_json's `preserve_order`).
pub fn canonical(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), canonical(&o[k]))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_key_is_refused_naming_its_setting() {
        let e = load(Some("too short"), None).unwrap_err();
        assert_eq!(e.variable, "PVE_MCP_STATE_KEY");
        assert!(e.message.contains("at least 32 bytes"), "{e}");
    }

    #[test]
    fn the_same_text_makes_the_same_key() {
        let text = "0123456789abcdef0123456789abcdef";
        let a = StateKey::from_text(text).unwrap().sign(&[b"x"]);
        let b = StateKey::from_text(text).unwrap().sign(&[b"x"]);
        assert_eq!(a.as_ref(), b.as_ref());
    }

    #[test]
    fn a_key_given_both_ways_is_refused() {
        let e = load(Some(&"k".repeat(40)), Some(Path::new("/nonexistent"))).unwrap_err();
        assert!(e.message.contains("both set"), "{e}");
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let key = StateKey::from_text(&"k".repeat(40)).unwrap();
        assert!(!format!("{key:?}").contains("kkkk"));
    }

    #[test]
    fn derived_keys_differ_by_purpose() {
        let key = StateKey::from_text(&"k".repeat(40)).unwrap();
        let a = hmac::sign(&key.derive("a"), b"x");
        let b = hmac::sign(&key.derive("b"), b"x");
        assert_ne!(a.as_ref(), b.as_ref());
    }

    #[test]
    fn canonical_sorts_keys_at_every_depth() {
        let a = serde_json::json!({"b": 1, "a": {"d": [{"y": 1, "x": 2}], "c": 3}});
        let b = serde_json::json!({"a": {"c": 3, "d": [{"x": 2, "y": 1}]}, "b": 1});
        assert_eq!(serde_json::to_string(&canonical(&a)).unwrap(), serde_json::to_string(&canonical(&b)).unwrap());
    }

    #[test]
    fn no_setting_means_no_configured_key() {
        assert!(load(None, None).unwrap().is_none());
    }
}
