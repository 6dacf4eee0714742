//! State handed to clients, self-contained so any replica can continue it: the input-required
//! confirmation state (`requestState`, 2026-07-28) and MCP task ids. Each is a JSON payload (what
//! a replica needs: tool, arguments digest, caller, expiry; or the PVE task's UPID and cluster)
//! followed by an HMAC-SHA256 tag (ring) under a key derived from the one the replicas share
//! (`PVE_MCP_STATE_KEY`).
//! A handle altered by one byte, minted under another key, presented by another caller or for
//! other arguments is refused. Without a configured key, a random one is drawn at start-up.
//!
//! The [`Sealer`] is a value each server is given (in its options), not a process-wide one: the
//! assembly gives every server of a process the same one, so they share its key and its spent
//! nonces.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde_json::{Map, Value};

use crate::config::state_key::StateKey;

/// Seals and opens handles with the replicas' key.
pub struct Sealer {
    /// The configured state key, if any; without one a random key is drawn on first use.
    configured: Option<StateKey>,
    /// The state key (code mode signs its plan ids under it) and the key derived from it for
    /// handles: made on first use, so a start that hands nothing out pays for no key.
    keys: OnceLock<(StateKey, hmac::Key)>,
    /// Nonces of confirmations and of `pve_run` plans already used on this replica, with their expiry.
    spent: Mutex<HashMap<String, u64>>,
}

/// Now, in seconds since the epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Why a handle was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("it is not a handle of this server (altered, or sealed with another PVE_MCP_STATE_KEY)")]
    Forged,
    #[error("it has expired")]
    Expired,
    #[error("it was issued to another caller")]
    OtherCaller,
    #[error("it was issued for another call (other tool or arguments)")]
    OtherCall,
    #[error("it has already been used")]
    Spent,
}

impl Sealer {
    pub fn new(key: &StateKey) -> Sealer {
        Sealer::lazy(Some(key.clone()))
    }

    /// A sealer of the configured key, or (`None`) of a random one drawn when it is first needed.
    pub fn lazy(configured: Option<StateKey>) -> Sealer {
        Sealer { configured, keys: OnceLock::new(), spent: Mutex::new(HashMap::new()) }
    }

    fn keys(&self) -> &(StateKey, hmac::Key) {
        self.keys.get_or_init(|| {
            let key = self.configured.clone().unwrap_or_else(StateKey::random);
            let derived = key.derive("mcp-state");
            (key, derived)
        })
    }

    /// The state key it seals under (code mode's plan ids are signed under a key derived from it).
    pub fn state_key(&self) -> &StateKey {
        &self.keys().0
    }

    /// `payload` as a handle of `kind` (`kind` is under the tag: a handle of one kind never opens as
    /// another).
    pub fn seal(&self, kind: &str, payload: &Map<String, Value>) -> String {
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap_or_default());
        let tag = hmac::sign(&self.keys().1, format!("{kind}.{body}").as_bytes());
        format!("{kind}.{body}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// The payload of a handle of `kind` sealed with this key, if it is one and has not expired
    /// (`exp`, seconds since the epoch).
    pub fn open(&self, kind: &str, handle: &str) -> Result<Map<String, Value>, Refused> {
        let rest = handle.strip_prefix(kind).and_then(|r| r.strip_prefix('.')).ok_or(Refused::Forged)?;
        let (body, tag) = rest.rsplit_once('.').ok_or(Refused::Forged)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| Refused::Forged)?;
        hmac::verify(&self.keys().1, format!("{kind}.{body}").as_bytes(), &tag).map_err(|_| Refused::Forged)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| Refused::Forged)?;
        let Ok(Value::Object(payload)) = serde_json::from_slice(&bytes) else { return Err(Refused::Forged) };
        if payload.get("exp").and_then(Value::as_u64).is_none_or(|e| e < now()) {
            return Err(Refused::Expired);
        }
        Ok(payload)
    }

    /// Marks a confirmation's nonce used on this replica; false if it already was.
    pub fn spend(&self, nonce: &str, expiry: u64) -> bool {
        let mut spent = self.spent.lock().unwrap_or_else(|p| p.into_inner());
        let now = now();
        spent.retain(|_, e| *e >= now);
        spent.insert(nonce.to_owned(), expiry).is_none()
    }
}

/// Plans are single-use through the same spent-nonce set as confirmations.
impl crate::run::plan::Nonces for Sealer {
    fn is_spent(&self, nonce: &str) -> bool {
        let spent = self.spent.lock().unwrap_or_else(|p| p.into_inner());
        spent.get(nonce).is_some_and(|e| *e >= now())
    }

    fn spend(&self, nonce: &str, expiry: u64) -> bool {
        Sealer::spend(self, nonce, expiry)
    }
}

/// A digest of a call: its tool and arguments, with object keys in order (so the client's key order
/// does not matter), hex SHA-256.
pub fn call_digest(tool: &str, arguments: &Map<String, Value>) -> String {
    let text = serde_json::to_string(&(tool, crate::config::state_key::canonical(&Value::Object(arguments.clone()))))
        .unwrap_or_default();
    crate::pve::tls::sha256(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sealer(k: &str) -> Sealer {
        Sealer::new(&StateKey::from_text(&k.repeat(40)).unwrap())
    }

    fn payload(exp: u64) -> Map<String, Value> {
        json!({"caller": "alice", "exp": exp}).as_object().unwrap().clone()
    }

    #[test]
    fn a_handle_opens_on_any_replica_with_the_same_key_only() {
        let handle = sealer("a").seal("c", &payload(now() + 60));
        assert_eq!(sealer("a").open("c", &handle).unwrap()["caller"], "alice");
        assert_eq!(sealer("b").open("c", &handle), Err(Refused::Forged));
        assert_eq!(sealer("a").open("t", &handle), Err(Refused::Forged));
    }

    #[test]
    fn a_handle_altered_by_one_byte_is_refused() {
        let s = sealer("a");
        let handle = s.seal("c", &payload(now() + 60));
        for i in 0..handle.len() {
            let mut bytes = handle.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            if altered != handle {
                assert!(s.open("c", &altered).is_err(), "byte {i}");
            }
        }
    }

    #[test]
    fn an_expired_handle_is_refused() {
        let s = sealer("a");
        assert_eq!(s.open("c", &s.seal("c", &payload(now() - 1))), Err(Refused::Expired));
    }

    #[test]
    fn a_plan_nonce_is_spent_once() {
        use crate::run::plan::Nonces;
        let s = sealer("a");
        assert!(!s.is_spent("plan.n"));
        assert!(Nonces::spend(&s, "plan.n", now() + 60));
        assert!(s.is_spent("plan.n"));
        assert!(!Nonces::spend(&s, "plan.n", now() + 60));
    }

    #[test]
    fn the_call_digest_ignores_key_order_but_not_values() {
        let a = json!({"node": "pve1", "vmid": 101}).as_object().unwrap().clone();
        let b = json!({"vmid": 101, "node": "pve1"}).as_object().unwrap().clone();
        let c = json!({"vmid": 100, "node": "pve1"}).as_object().unwrap().clone();
        assert_eq!(call_digest("t", &a), call_digest("t", &b));
        assert_ne!(call_digest("t", &a), call_digest("t", &c));
        assert_ne!(call_digest("t", &a), call_digest("u", &a));
    }
}
