//! Plans: the writes a dry run would make, and the plan id that binds a later run to exactly them.
//!
//! A plan id is self-contained: a version, an expiry, one digest per write (SHA-256 of the write's
//! tool, method, path, cluster and arguments in a canonical form, cut to 16 bytes), and an
//! HMAC-SHA256 tag over all of that and the caller, made with the server's state key
//! ([`crate::config::state_key`]). No server keeps plans: any replica with the same key accepts
//! the id until it expires, and only for the caller it was made for.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest;
use serde_json::{Map, Value, json};

use crate::call::Write;
use crate::config::state_key::{StateKey, canonical};

/// How long a plan id may be approved after its dry run.
pub const PLAN_TTL: Duration = Duration::from_secs(3600);

const PREFIX: &str = "plan1.";
const VERSION: u8 = 1;
const DIGEST_LEN: usize = 16;
const TAG_LEN: usize = 16;

/// One digest of a write.
pub type WriteDigest = [u8; DIGEST_LEN];

/// A write a dry run would make.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedWrite {
    pub tool: String,
    pub method: String,
    pub path: String,
    pub arguments: Map<String, Value>,
    pub cluster: Option<String>,
    pub gated: bool,
}

impl PlannedWrite {
    pub fn of(w: &Write<'_>) -> PlannedWrite {
        PlannedWrite {
            tool: w.tool.to_owned(),
            method: w.method.to_owned(),
            path: w.path.to_owned(),
            arguments: w.arguments.clone(),
            cluster: w.cluster.map(str::to_owned),
            gated: w.gated,
        }
    }

    /// What the digest covers: everything that decides what PVE is asked to do.
    pub fn digest(&self) -> WriteDigest {
        let subject = json!({
            "tool": self.tool,
            "method": self.method,
            "path": self.path,
            "cluster": self.cluster,
            "arguments": canonical(&Value::Object(self.arguments.clone())),
        });
        let text = serde_json::to_vec(&canonical(&subject)).unwrap_or_default();
        let d = digest::digest(&digest::SHA256, &text);
        let mut out = [0u8; DIGEST_LEN];
        out.copy_from_slice(&d.as_ref()[..DIGEST_LEN]);
        out
    }

    /// As listed in a dry run's result.
    pub fn to_json(&self) -> Value {
        let mut o = json!({
            "tool": self.tool,
            "method": self.method,
            "path": self.path,
            "arguments": crate::call::audit::redact(&self.arguments),
            "gated": self.gated,
        });
        if let Some(c) = &self.cluster {
            o["cluster"] = json!(c);
        }
        o
    }
}

/// Why a plan id cannot be approved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("`approve`: not a plan id (expected the `plan_id` of a dry run, `plan1.…`)")]
    Malformed,
    #[error(
        "`approve`: this plan id was not issued by this server for this caller (or the server's state key changed: \
         without PVE_MCP_STATE_KEY, plan ids last until a restart); dry-run the program again"
    )]
    NotOurs,
    #[error("`approve`: this plan expired {0} s ago; dry-run the program again for a new plan")]
    Expired(u64),
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A plan id for these writes, for `caller`, expiring after [`PLAN_TTL`].
pub fn issue(key: &StateKey, caller: &str, writes: &[PlannedWrite]) -> String {
    issue_at(key, caller, writes.iter().map(PlannedWrite::digest).collect(), now_secs() + PLAN_TTL.as_secs())
}

fn issue_at(key: &StateKey, caller: &str, digests: Vec<WriteDigest>, expires: u64) -> String {
    let mut payload = vec![VERSION];
    payload.extend_from_slice(&expires.to_be_bytes());
    payload.extend_from_slice(&(digests.len() as u32).to_be_bytes());
    for d in &digests {
        payload.extend_from_slice(d);
    }
    let tag = key.sign(&[b"pve-mcp plan", caller.as_bytes(), &payload]);
    payload.extend_from_slice(&tag.as_ref()[..TAG_LEN]);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(payload))
}

/// The write digests of a plan id this server issued for `caller`, if it has not expired.
pub fn verify(key: &StateKey, caller: &str, id: &str) -> Result<Vec<WriteDigest>, PlanError> {
    let bytes =
        id.trim().strip_prefix(PREFIX).and_then(|b| URL_SAFE_NO_PAD.decode(b).ok()).ok_or(PlanError::Malformed)?;
    if bytes.len() < 1 + 8 + 4 + TAG_LEN || bytes[0] != VERSION {
        return Err(PlanError::Malformed);
    }
    let (payload, tag) = bytes.split_at(bytes.len() - TAG_LEN);
    let expected = key.sign(&[b"pve-mcp plan", caller.as_bytes(), payload]);
    // Constant-time comparison of the tag.
    use subtle::ConstantTimeEq;
    if !bool::from(expected.as_ref()[..TAG_LEN].ct_eq(tag)) {
        return Err(PlanError::NotOurs);
    }
    let expires = u64::from_be_bytes(payload[1..9].try_into().map_err(|_| PlanError::Malformed)?);
    let count = u32::from_be_bytes(payload[9..13].try_into().map_err(|_| PlanError::Malformed)?) as usize;
    let digests = &payload[13..];
    if digests.len() != count * DIGEST_LEN {
        return Err(PlanError::Malformed);
    }
    let now = now_secs();
    if now > expires {
        return Err(PlanError::Expired(now - expires));
    }
    Ok(digests.chunks(DIGEST_LEN).map(|c| c.try_into().expect("chunk of DIGEST_LEN")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(vmid: u64) -> PlannedWrite {
        let mut arguments = Map::new();
        arguments.insert("node".into(), json!("pve1"));
        arguments.insert("vmid".into(), json!(vmid));
        PlannedWrite {
            tool: "qemu_vm_start".into(),
            method: "POST".into(),
            path: format!("/nodes/pve1/qemu/{vmid}/status/start"),
            arguments,
            cluster: None,
            gated: false,
        }
    }

    fn key() -> StateKey {
        StateKey::from_text("0123456789abcdef0123456789abcdef").unwrap()
    }

    #[test]
    fn a_plan_id_gives_back_the_digests_of_its_writes() {
        let writes = [write(100), write(101)];
        let id = issue(&key(), "alice", &writes);
        let digests = verify(&key(), "alice", &id).unwrap();
        assert_eq!(digests, vec![writes[0].digest(), writes[1].digest()]);
    }

    #[test]
    fn a_plan_id_is_refused_for_another_caller() {
        let id = issue(&key(), "alice", &[write(100)]);
        assert_eq!(verify(&key(), "bob", &id), Err(PlanError::NotOurs));
    }

    #[test]
    fn a_plan_id_is_refused_under_another_key() {
        let id = issue(&StateKey::random(), "", &[write(100)]);
        assert_eq!(verify(&key(), "", &id), Err(PlanError::NotOurs));
    }

    #[test]
    fn an_expired_plan_id_is_refused() {
        let id = issue_at(&key(), "", vec![write(100).digest()], now_secs() - 10);
        assert!(matches!(verify(&key(), "", &id), Err(PlanError::Expired(_))));
    }

    #[test]
    fn text_that_is_not_a_plan_id_is_malformed() {
        assert_eq!(verify(&key(), "", "hello"), Err(PlanError::Malformed));
        assert_eq!(verify(&key(), "", "plan1.AAAA"), Err(PlanError::Malformed));
    }

    #[test]
    fn key_order_of_the_arguments_does_not_change_a_digest() {
        let a = write(100);
        let mut b = a.clone();
        b.arguments = a.arguments.iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect();
        assert_eq!(a.digest(), b.digest());
        assert_ne!(a.digest(), write(101).digest());
    }
}
