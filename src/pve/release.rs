//! What PVE release each cluster runs: pinned by `PVE_RELEASE` (or a cluster's `release` key), or
//! learned from its `/version` in the background on first use, and learned again when it may have
//! changed (the cluster was upgraded under a running server).
//!
//! Learning never blocks: a call made before the answer is served as the release is known so far
//! (none: the primary schema's). It is read again, in the background, on the first call after
//! any of: a connection to the cluster failed (it went away: restarted, upgraded), a call was
//! refused because the known release lacks what it names (it may be newer now), or the last read
//! is [`REREAD_AFTER`] old. Which vendored schema a release is served as is decided above this
//! module ([`crate::tools::releases`]).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How old a learned release may get before the next call reads `/version` again.
pub const REREAD_AFTER: Duration = Duration::from_secs(600);

/// A cluster's release as far as it is known: the text (`8.4`, `9.2.1`) and whether it was pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub version: String,
    pub pinned: bool,
}

/// One cluster's release knowledge, shared by every clone of its client.
#[derive(Debug)]
pub struct ReleaseState {
    pinned: Option<String>,
    learned: Mutex<Option<(String, Instant)>>,
    /// A `/version` read is under way (or, for a stub, never to be made).
    reading: AtomicBool,
    /// Read again on the next call.
    stale: AtomicBool,
    /// A read has been sent and not answered yet.
    in_flight: AtomicBool,
    /// Bumped whenever the known release changes (listings compare it).
    generation: AtomicU64,
}

impl ReleaseState {
    /// The state of a cluster: `pinned` (`PVE_RELEASE`) is never read from the cluster.
    pub fn new(pinned: Option<String>) -> ReleaseState {
        ReleaseState {
            pinned,
            learned: Mutex::new(None),
            reading: AtomicBool::new(false),
            stale: AtomicBool::new(false),
            in_flight: AtomicBool::new(false),
            generation: AtomicU64::new(0),
        }
    }

    /// A state that never reads `/version` (for stubs of the wire): what it says is set by hand.
    pub fn never_read() -> ReleaseState {
        let s = ReleaseState::new(None);
        s.reading.store(true, Ordering::SeqCst);
        s
    }

    /// The release as known now: the pinned one, else the learned one.
    pub fn running(&self) -> Option<Running> {
        if let Some(v) = &self.pinned {
            return Some(Running { version: v.clone(), pinned: true });
        }
        let learned = self.learned.lock().unwrap_or_else(|e| e.into_inner());
        learned.as_ref().map(|(v, _)| Running { version: v.clone(), pinned: false })
    }

    /// Changes whenever [`Self::running`] does.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Records what the cluster said it runs; true if that changed what is known.
    pub fn learned(&self, version: &str) -> bool {
        let mut learned = self.learned.lock().unwrap_or_else(|e| e.into_inner());
        let changed = learned.as_ref().is_none_or(|(v, _)| v != version);
        *learned = Some((version.to_owned(), Instant::now()));
        if changed {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        changed
    }

    /// The release may have changed (a connection failed, or the known release lacked what a call
    /// named): read it again on the next call.
    pub fn doubt(&self) {
        self.stale.store(true, Ordering::SeqCst);
    }

    /// Whether the next call should start a read, taking the latch when so.
    pub(crate) fn take_read(&self) -> bool {
        if self.pinned.is_some() {
            return false;
        }
        let due = {
            let learned = self.learned.lock().unwrap_or_else(|e| e.into_inner());
            match learned.as_ref() {
                None => true,
                Some((_, at)) => self.stale.load(Ordering::SeqCst) || at.elapsed() >= REREAD_AFTER,
            }
        };
        due && !self.reading.swap(true, Ordering::SeqCst)
    }

    /// A read has started: what made the release doubtful is being answered.
    pub(crate) fn read_started(&self) {
        self.stale.store(false, Ordering::SeqCst);
        self.in_flight.store(true, Ordering::SeqCst);
    }

    pub(crate) fn read_done(&self) {
        self.in_flight.store(false, Ordering::SeqCst);
        self.reading.store(false, Ordering::SeqCst);
    }

    /// Whether a read of `/version` is under way (its answer may change what is known).
    pub fn in_flight(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst)
    }
}

/// The release `/version` names: its `release` (`8.4`), else its `version` (`8.4.1`).
pub fn running_of(version: &Value) -> Option<String> {
    let text =
        version.get("release").and_then(Value::as_str).or_else(|| version.get("version").and_then(Value::as_str))?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_release_field_is_preferred_to_the_version() {
        assert_eq!(running_of(&json!({"version": "8.4.1", "release": "8.4"})).as_deref(), Some("8.4"));
        assert_eq!(running_of(&json!({"version": "9.2.3"})).as_deref(), Some("9.2.3"));
        assert_eq!(running_of(&json!({"repoid": "abc"})), None);
    }

    #[test]
    fn a_pinned_release_is_never_read() {
        let s = ReleaseState::new(Some("8.4".into()));
        assert_eq!(s.running(), Some(Running { version: "8.4".into(), pinned: true }));
        assert!(!s.take_read());
    }

    #[test]
    fn an_unknown_release_is_read_once_at_a_time() {
        let s = ReleaseState::new(None);
        assert!(s.take_read());
        assert!(!s.take_read());
        s.read_done();
        assert!(s.take_read());
    }

    #[test]
    fn a_learned_release_is_read_again_only_when_doubted() {
        let s = ReleaseState::new(None);
        assert!(s.learned("8.4"));
        assert!(!s.take_read());
        s.doubt();
        assert!(s.take_read());
    }

    #[test]
    fn the_generation_changes_with_the_release_only() {
        let s = ReleaseState::new(None);
        s.learned("8.4");
        let g = s.generation();
        assert!(!s.learned("8.4"));
        assert_eq!(s.generation(), g);
        assert!(s.learned("9.2"));
        assert_ne!(s.generation(), g);
    }
}
