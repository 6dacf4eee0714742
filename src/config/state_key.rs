//! The key replicas share to authenticate the state they hand to clients (`PVE_MCP_STATE_KEY`, or
//! `PVE_MCP_STATE_KEY_FILE`): input-required `requestState` handles and MCP task ids. Without one,
//! a random key is drawn at start-up: the state is then good on this process only.

use std::path::Path;

use super::{ConfigError, err};

/// Shortest key accepted, in bytes (e.g. `openssl rand -hex 32`: 64 characters).
pub const MIN_STATE_KEY_LEN: usize = 32;

/// The shared state key. Its bytes never show in debug output or logs.
#[derive(Clone)]
pub struct StateKey {
    bytes: Vec<u8>,
    /// Whether it was configured (shared) rather than drawn for this process.
    pub shared: bool,
}

impl std::fmt::Debug for StateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateKey").field("shared", &self.shared).finish_non_exhaustive()
    }
}

impl StateKey {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A random key for this process alone.
    pub fn random() -> StateKey {
        let mut bytes = vec![0u8; 32];
        let rng = ring::rand::SystemRandom::new();
        if ring::rand::SecureRandom::fill(&rng, &mut bytes).is_err() {
            // Never expected; fall back on two random UUIDs (also from the OS generator).
            bytes = [uuid::Uuid::new_v4().into_bytes(), uuid::Uuid::new_v4().into_bytes()].concat();
        }
        StateKey { bytes, shared: false }
    }
}

/// The key from `PVE_MCP_STATE_KEY` (text) or `PVE_MCP_STATE_KEY_FILE` (its first line); `None` when
/// neither is set.
pub fn parse(raw: Option<&str>, file: Option<&Path>) -> Result<Option<StateKey>, ConfigError> {
    const V: &str = "PVE_MCP_STATE_KEY";
    const F: &str = "--state-key";
    let file = file.filter(|p| !p.as_os_str().is_empty());
    let text = match (raw.map(str::trim).filter(|s| !s.is_empty()), file) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => {
            return Err(err(V, F, "and PVE_MCP_STATE_KEY_FILE are both set; give the key one way"));
        }
        (Some(t), None) => t.to_owned(),
        (None, Some(p)) => std::fs::read_to_string(p)
            .map_err(|e| {
                err("PVE_MCP_STATE_KEY_FILE", "--state-key-file", format!("cannot read `{}`: {e}", p.display()))
            })?
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_owned(),
    };
    if text.len() < MIN_STATE_KEY_LEN {
        return Err(err(
            V,
            F,
            format!(
                "is too short: at least {MIN_STATE_KEY_LEN} characters, the same on every replica (e.g. `openssl rand -hex 32`)"
            ),
        ));
    }
    Ok(Some(StateKey { bytes: text.into_bytes(), shared: true }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_key_is_refused_without_showing_it() {
        let e = parse(Some("tooshort-secret"), None).unwrap_err().to_string();
        assert!(e.starts_with("PVE_MCP_STATE_KEY") && !e.contains("tooshort-secret"), "{e}");
        let k = parse(Some(&"k".repeat(40)), None).unwrap().unwrap();
        assert!(k.shared && !format!("{k:?}").contains("kkkk"));
        assert!(parse(None, None).unwrap().is_none());
    }
}
