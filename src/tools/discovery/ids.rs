//! What the words of a query name before they are searched for: the kind of thing each id names
//! (a task `UPID:...`, a user `bob@pve`, a disk `scsi0`), whether a word is an id at all (a storage
//! `local-lvm`, a volume), a name given to something new ("called web01"), or a node's name
//! (`pve2`). Each rule sits next to the reviewed word table it reads.

use pve_mcp_text as text;

/// The query with each id it carries read as the kind of thing it names, or left out: a
/// replication job `100-0` is "replication job", a task `UPID:...` "task", `osd.12` "osd", an HA
/// resource `vm:100` "ha vm", `bob@pve!ci` "token", `bob@pve` "user", a backup job `backup-7c1e`
/// "backup job", an ACL path `/vms/100` "path", a disk `scsi0` "disk", a NIC `net0`/`vmbr0`/`eno1`
/// "network". Other ids (a storage `local-lvm`, a volume `local:100/vm-100-disk-0`) are left out:
/// their parts (`lvm`, `ceph`) would pull in the tools about LVM or Ceph instead of the storage.
pub(super) fn ids_as_kinds(query: &str) -> String {
    let tokens: Vec<&str> = query.split_whitespace().collect();
    tokens
        .iter()
        .enumerate()
        .map(|(i, token)| match id_kind(token) {
            Some(kind) => kind,
            None if is_id(token) || (i > 0 && is_new_name(tokens[i - 1], token)) => "",
            None => token,
        })
        .filter(|token| !token.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a word is a name given to something new: any word after "called" or "named", and an
/// id-like word (`pre-upgrade`, `"before-patch"`, `web01`) after "as" ("snapshot VM 101 as
/// pre-upgrade"; but "mark VM 100 as template" is about templates).
pub(super) fn is_new_name(before: &str, word: &str) -> bool {
    let before = before.to_ascii_lowercase();
    let id_like = word.chars().any(|c| c.is_ascii_digit() || "-_\"'`".contains(c));
    before == "called" || before == "named" || (before == "as" && id_like)
}

/// Parts of storage ids as PVE names them by default and operators name theirs (`local-lvm`,
/// `local-zfs`, `ceph-rbd`, `old-nfs`): a hyphenated word with one of them is a storage's id.
pub(super) const STORAGE_ID_PARTS: &[&str] =
    &["local", "lvm", "lvmthin", "zfs", "rbd", "ceph", "cephfs", "nfs", "cifs", "smb", "pbs", "btrfs", "iscsi", "dir"];

/// Whether a query word is an id: has `@` or `:` (`bob@pve`, `local:iso/x.iso`), or is hyphenated
/// with a digit (`vm-100-disk-0`) or a storage id part (`local-lvm`). Hyphenated English
/// (`hot-plug`, `read-only`) is not.
pub(super) fn is_id(token: &str) -> bool {
    let t = text::bare(token).to_ascii_lowercase();
    if t.contains('@') || t.contains(':') {
        return true;
    }
    t.contains('-')
        && (t.chars().any(|c| c.is_ascii_digit()) || t.split('-').any(|part| STORAGE_ID_PARTS.contains(&part)))
}

/// The letters before a word's trailing digits, if it has both (`scsi0` → `scsi`).
pub(super) fn letters_before_digits(word: &str) -> Option<&str> {
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
    (letters.len() < word.len()).then_some(letters)
}

/// Device names by prefix: the prefix and digits name one device of that kind.
pub(super) const DEVICES: &[(&str, &str)] = &[
    ("scsi", "disk"),
    ("sata", "disk"),
    ("ide", "disk"),
    ("virtio", "disk"),
    ("efidisk", "disk"),
    ("tpmstate", "disk"),
    ("unused", "disk"),
    ("mp", "mount point"),
    ("net", "network"),
    ("vmbr", "network"),
    ("eno", "network"),
    ("eth", "network"),
    ("ens", "network"),
    ("enp", "network"),
    ("bond", "network"),
    ("hostpci", "pci"),
    ("usb", "usb"),
];

/// The kind of thing an id names, by its shape (see [`ids_as_kinds`]).
pub(super) fn id_kind(token: &str) -> Option<&'static str> {
    let t = token.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '/').to_ascii_lowercase();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some((a, b)) = t.split_once('-')
        && digits(a)
        && digits(b)
    {
        return Some("replication job");
    }
    if t.starts_with("upid:") {
        return Some("task");
    }
    if t.strip_prefix("osd.").is_some_and(digits) {
        return Some("osd");
    }
    if t.strip_prefix("vm:").is_some_and(digits) {
        return Some("ha vm");
    }
    if t.strip_prefix("ct:").is_some_and(digits) {
        return Some("ha ct");
    }
    if t.contains('@') {
        return Some(if t.contains('!') { "token" } else { "user" });
    }
    if t.strip_prefix("backup-").is_some_and(|h| h.len() >= 4 && h.chars().all(|c| c.is_ascii_hexdigit())) {
        return Some("backup job");
    }
    if t.starts_with('/') && t.len() > 1 {
        return Some("path");
    }
    let letters = letters_before_digits(&t)?;
    DEVICES.iter().find(|(prefix, _)| *prefix == letters).map(|(_, kind)| *kind)
}

/// Prefixes of words that are not nodes' names though they look like one (`vm100`, `gpu0`).
pub(super) const NOT_NODES: &[&str] =
    &["vm", "ct", "lxc", "osd", "mon", "mds", "mgr", "gpu", "vnet", "zone", "ipv", "tls", "sha", "x"];

/// Whether a query word names a node: `pve2`, `hv03`, `node-1`, a few letters and a number that no
/// device, guest or index word has.
pub(super) fn is_node_name(word: &str) -> bool {
    let w = text::bare(word).to_ascii_lowercase();
    let letters = w.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
    let number = w.len() - w.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    (1..=3).contains(&number)
        && (2..=8).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && !NOT_NODES.contains(&letters)
        && id_kind(&w).is_none()
}
