//! What an allowlist refusal says: the argument, what it names, the setting that refused it, why,
//! and the product nothing was sent to.

use std::fmt;

use crate::pve::product::Product;

/// Why an allowlist refused a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NotAllowed {
    /// The argument as sent (`vmid`, `scsi1`, `vms`).
    pub argument: String,
    /// `guest`, `node`, ...
    pub what: &'static str,
    /// The guest or node named, or the value that could not be read.
    pub value: String,
    /// The setting that refused it: `PVE_VMID_ALLOWLIST`, or a caller's or cluster's key.
    pub variable: Box<str>,
    pub reason: Reason,
    /// The product the call addressed, which nothing was sent to; set by [`Allowlist::check`].
    pub product: Product,
}

/// The kinds of allowlist refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Names a guest or node outside the allowlist; `within` is the value it was read from when
    /// that is more than the name (a volume id, a task id).
    Outside { within: Option<String> },
    /// Should name a guest or node but cannot be read as one.
    Unreadable,
    /// Would act on every guest or node (empty or missing list, `all`, `pool`, ACL path `/`), on
    /// every remote of a Datacenter Manager, or on every backup group of a Backup Server; `list` is
    /// where to name them (empty when no argument can).
    AllGuests { list: String },
    /// Names the root namespace (by leaving the namespace out, or empty), which a namespace
    /// allowlist never holds.
    Root,
    /// Names a configured job by its id, which does not say what the job touches.
    ById,
    /// Gives counts across what the allowlists fence (a Datacenter Manager's estate summary), or
    /// acts on a whole datastore under a namespace allowlist; `value` says which.
    Whole,
    /// Names something by an id that does not say which remote it is on (a Ceph cluster's fsid).
    Unscoped,
}

impl fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let NotAllowed { argument, what, value, variable, reason, product: _ } = self;
        match reason {
            Reason::Outside { within: None } => {
                write!(f, "`{argument}` names {what} `{value}`, which is not in {variable}")
            }
            Reason::Outside { within: Some(w) } => {
                write!(f, "`{argument}` names {what} `{value}` (in `{w}`), which is not in {variable}")
            }
            Reason::Unreadable => write!(
                f,
                "`{argument}` should name a {what}, but `{value}` cannot be read as one; with {variable} set, \
                 only names of allowed ones are accepted"
            ),
            Reason::AllGuests { list } if list.is_empty() => {
                write!(f, "this call {value}; with {variable} set, it is refused")
            }
            Reason::AllGuests { list } => {
                write!(f, "`{argument}` {value}; with {variable} set, name the {what} explicitly in `{list}`")
            }
            Reason::Root => write!(
                f,
                "`{argument}` is missing or empty, which means the root namespace, which is not in {variable}; \
                 name a namespace within it"
            ),
            Reason::ById => write!(
                f,
                "`{argument}` names {what} `{value}`, whose datastore, namespace and groups are in its configuration, \
                 not in the call; with {variable} set, configured jobs are not run, read or changed by id (verify, \
                 prune or sync directly with the datastore's tools)"
            ),
            Reason::Whole => write!(f, "this call {value}; with {variable} set, it is refused"),
            Reason::Unscoped => write!(
                f,
                "`{argument}` names {what} `{value}`, which does not say which remote it is on; with {variable} \
                 set, it is refused"
            ),
        }
    }
}
