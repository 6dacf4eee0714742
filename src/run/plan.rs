//! Plans: the writes a dry run would make, and the plan id that binds a later run to exactly them.
//!
//! A plan id is self-contained: a version, an expiry (seconds, 4 bytes), a random nonce (also the
//! seed of the dry run's `Math.random`), the dry run's first clock readings (`Date.now()`), one
//! digest per write (SHA-256 of the write's tool, method, path, cluster and arguments in a
//! canonical form, cut to 8 bytes: the id is read and written by the model, so every byte costs
//! tokens, and finding another write with the same 64 bits is out of a program's reach), and an
//! HMAC-SHA256 tag over all of that and the caller, made with the server's state key
//! ([`crate::config::state_key`]). No server keeps plans: any replica with the same key accepts
//! the id until it expires, and only for the caller it was made for. A plan is used once: its
//! nonce is spent (see [`Nonces`]) when its first write is sent.

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
const VERSION: u8 = 3;
const NONCE_LEN: usize = 16;
/// Clock readings of a dry run a plan id carries, at most.
pub const CLOCK_READINGS: usize = 32;
const DIGEST_LEN: usize = 8;
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

/// What a plan id holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Spent when its first write is sent; the seed of the dry run's `Math.random`.
    pub nonce: [u8; NONCE_LEN],
    /// The dry run's first `Date.now()` readings (ms since the epoch), replayed in the approved run.
    pub clock: Vec<u64>,
    pub digests: Vec<WriteDigest>,
    /// When it expires (seconds since the epoch).
    pub expires: u64,
}

impl Plan {
    /// The nonce as text, as the spent-nonce set keeps it.
    pub fn nonce_text(&self) -> String {
        format!("plan.{}", URL_SAFE_NO_PAD.encode(self.nonce))
    }
}

/// A fresh random nonce for a dry run.
pub fn new_nonce() -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut n);
    n
}

/// The nonces of plans already run, on this replica (the server's spent-nonce set, which also makes
/// confirmations single-use).
pub trait Nonces: Send + Sync {
    /// Whether the nonce was spent.
    fn is_spent(&self, nonce: &str) -> bool;
    /// Marks it spent until `expiry` (seconds since the epoch); false if it already was.
    fn spend(&self, nonce: &str, expiry: u64) -> bool;
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
    #[error(
        "`approve`: this plan was already approved and run (a plan is used once: a person agreed to one run); \
         dry-run the program again for a new plan"
    )]
    Spent,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A plan id for these writes, for `caller`, expiring after [`PLAN_TTL`].
pub fn issue(key: &StateKey, caller: &str, nonce: [u8; NONCE_LEN], clock: &[u64], writes: &[PlannedWrite]) -> String {
    let plan = Plan {
        nonce,
        clock: clock.iter().copied().take(CLOCK_READINGS).collect(),
        digests: writes.iter().map(PlannedWrite::digest).collect(),
        expires: now_secs() + PLAN_TTL.as_secs(),
    };
    issue_plan(key, caller, &plan)
}

fn issue_plan(key: &StateKey, caller: &str, plan: &Plan) -> String {
    let mut payload = vec![VERSION];
    payload.extend_from_slice(&(plan.expires.min(u64::from(u32::MAX)) as u32).to_be_bytes());
    payload.extend_from_slice(&plan.nonce);
    payload.push(plan.clock.len().min(CLOCK_READINGS) as u8);
    for t in plan.clock.iter().take(CLOCK_READINGS) {
        payload.extend_from_slice(&t.to_be_bytes());
    }
    payload.extend_from_slice(&(plan.digests.len().min(usize::from(u16::MAX)) as u16).to_be_bytes());
    for d in &plan.digests {
        payload.extend_from_slice(d);
    }
    let tag = key.sign(&[b"pve-mcp plan", caller.as_bytes(), &payload]);
    payload.extend_from_slice(&tag.as_ref()[..TAG_LEN]);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(payload))
}

/// Reads `n` bytes off the front of `rest`.
fn take<'b>(rest: &mut &'b [u8], n: usize) -> Result<&'b [u8], PlanError> {
    if rest.len() < n {
        return Err(PlanError::Malformed);
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn u64_of(b: &[u8]) -> u64 {
    u64::from_be_bytes(b.try_into().unwrap_or([0; 8]))
}

/// What a plan id this server issued for `caller` holds, if it has not expired.
pub fn verify(key: &StateKey, caller: &str, id: &str) -> Result<Plan, PlanError> {
    let bytes =
        id.trim().strip_prefix(PREFIX).and_then(|b| URL_SAFE_NO_PAD.decode(b).ok()).ok_or(PlanError::Malformed)?;
    if bytes.len() < 1 + 4 + NONCE_LEN + 1 + 2 + TAG_LEN || bytes[0] != VERSION {
        return Err(PlanError::Malformed);
    }
    let (payload, tag) = bytes.split_at(bytes.len() - TAG_LEN);
    let expected = key.sign(&[b"pve-mcp plan", caller.as_bytes(), payload]);
    // Constant-time comparison of the tag.
    use subtle::ConstantTimeEq;
    if !bool::from(expected.as_ref()[..TAG_LEN].ct_eq(tag)) {
        return Err(PlanError::NotOurs);
    }
    let mut rest = &payload[1..];
    let expires = u64::from(u32::from_be_bytes(take(&mut rest, 4)?.try_into().map_err(|_| PlanError::Malformed)?));
    let nonce: [u8; NONCE_LEN] = take(&mut rest, NONCE_LEN)?.try_into().map_err(|_| PlanError::Malformed)?;
    let readings = take(&mut rest, 1)?[0] as usize;
    let clock = (0..readings).map(|_| take(&mut rest, 8).map(u64_of)).collect::<Result<Vec<_>, _>>()?;
    let count = usize::from(u16::from_be_bytes(take(&mut rest, 2)?.try_into().map_err(|_| PlanError::Malformed)?));
    if rest.len() != count * DIGEST_LEN {
        return Err(PlanError::Malformed);
    }
    let now = now_secs();
    if now > expires {
        return Err(PlanError::Expired(now - expires));
    }
    let digests = rest.chunks(DIGEST_LEN).map(|c| c.try_into().expect("chunk of DIGEST_LEN")).collect();
    Ok(Plan { nonce, clock, digests, expires })
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
        let id = issue(&key(), "alice", [7; 16], &[], &writes);
        let plan = verify(&key(), "alice", &id).unwrap();
        assert_eq!(plan.digests, vec![writes[0].digest(), writes[1].digest()]);
    }

    #[test]
    fn a_plan_id_carries_its_nonce_and_the_dry_runs_clock() {
        let id = issue(&key(), "alice", [7; 16], &[1_700_000_000_123, 1_700_000_000_456], &[write(100)]);
        let plan = verify(&key(), "alice", &id).unwrap();
        assert_eq!(plan.nonce, [7; 16]);
        assert_eq!(plan.clock, vec![1_700_000_000_123, 1_700_000_000_456]);
    }

    #[test]
    fn a_plan_id_is_refused_for_another_caller() {
        let id = issue(&key(), "alice", [0; 16], &[], &[write(100)]);
        assert_eq!(verify(&key(), "bob", &id), Err(PlanError::NotOurs));
    }

    #[test]
    fn a_plan_id_is_refused_under_another_key() {
        let id = issue(&StateKey::random(), "", [0; 16], &[], &[write(100)]);
        assert_eq!(verify(&key(), "", &id), Err(PlanError::NotOurs));
    }

    #[test]
    fn an_expired_plan_id_is_refused() {
        let plan = Plan { nonce: [0; 16], clock: vec![], digests: vec![write(100).digest()], expires: now_secs() - 10 };
        let id = issue_plan(&key(), "", &plan);
        assert!(matches!(verify(&key(), "", &id), Err(PlanError::Expired(_))));
    }

    /// Version 2 took 110: an 8-byte expiry, a 4-byte count and 16-byte digests.
    #[test]
    fn a_plan_id_of_two_writes_is_at_most_81_characters() {
        let id = issue(&key(), "alice", [7; 16], &[], &[write(100), write(101)]);
        assert!(id.len() <= 81, "{} characters: {id}", id.len());
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
