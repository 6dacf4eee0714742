//! Reading the allowlist settings: `PVE_NODE_ALLOWLIST` (node names), `PVE_VMID_ALLOWLIST` (VMIDs
//! and ranges), and a Backup Server's `PBS_DATASTORES` and `PBS_NAMESPACES`, each a comma list; a
//! refusal names the setting and the item.

use std::collections::BTreeSet;

/// Which setting an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Nodes,
    Vmids,
    /// A Datacenter Manager's remotes.
    Remotes,
    Datastores,
    Namespaces,
}

impl Setting {
    /// The environment variable.
    pub fn variable(self) -> &'static str {
        match self {
            Setting::Nodes => "PVE_NODE_ALLOWLIST",
            Setting::Vmids => "PVE_VMID_ALLOWLIST",
            Setting::Remotes => "PDM_REMOTE_ALLOWLIST",
            Setting::Datastores => "PBS_DATASTORES",
            Setting::Namespaces => "PBS_NAMESPACES",
        }
    }

    /// The command-line flag.
    pub fn flag(self) -> &'static str {
        match self {
            Setting::Nodes => "--node-allowlist",
            Setting::Vmids => "--vmid-allowlist",
            Setting::Remotes => "--pdm-remote-allowlist",
            Setting::Datastores => "--pbs-datastores",
            Setting::Namespaces => "--pbs-namespaces",
        }
    }

    /// The key in a configuration file or token file.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Nodes => "node_allowlist",
            Setting::Vmids => "vmid_allowlist",
            Setting::Remotes => "remote_allowlist",
            Setting::Datastores => "datastores",
            Setting::Namespaces => "namespaces",
        }
    }
}

/// An allowlist setting that is not a list of nodes or VMIDs: which setting, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", setting.variable())]
pub struct ParseError {
    pub setting: Setting,
    /// What is wrong, naming the item (without the setting's name).
    pub message: String,
}

fn refuse(setting: Setting, message: String) -> ParseError {
    ParseError { setting, message }
}

/// The items of a comma list, trimmed, each checked in order by `item`; an empty item (`a,,b`, a
/// comma at either end) is refused.
fn items<T>(
    setting: Setting,
    raw: &str,
    example: &str,
    mut item: impl FnMut(&str) -> Result<T, ParseError>,
) -> Result<Vec<T>, ParseError> {
    raw.split(',')
        .map(str::trim)
        .map(|i| {
            if i.is_empty() {
                return Err(refuse(
                    setting,
                    format!(
                        "`{}` has an empty item (two commas in a row, or a comma at an end); expected e.g. `{example}`",
                        raw.escape_default()
                    ),
                ));
            }
            item(i)
        })
        .collect()
}

/// The node names of `PVE_NODE_ALLOWLIST` (PVE node names are host names: letters, digits, `-`).
pub(super) fn nodes(raw: &str) -> Result<BTreeSet<String>, ParseError> {
    const EXAMPLE: &str = "pve1,pve2";
    let names = items(Setting::Nodes, raw, EXAMPLE, |node| {
        match node.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))) {
            None => Ok(node.to_owned()),
            Some(c) => {
                let what = if c.is_whitespace() { "a space".to_owned() } else { format!("`{}`", c.escape_default()) };
                Err(refuse(
                    Setting::Nodes,
                    format!(
                        "`{}` is not a node name (it contains {what}); expected node names of letters, digits and `-`, separated by commas, e.g. `{EXAMPLE}`",
                        node.escape_default()
                    ),
                ))
            }
        }
    })?;
    Ok(names.into_iter().collect())
}

/// The remote names of `PDM_REMOTE_ALLOWLIST` (PDM's remote ids: letters, digits, `_`, and `.`
/// and `-` after the first).
pub(super) fn remotes(raw: &str) -> Result<BTreeSet<String>, ParseError> {
    const EXAMPLE: &str = "east,west";
    let names = items(Setting::Remotes, raw, EXAMPLE, |remote| {
        let first_ok = remote.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let bad = remote.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')));
        if first_ok && bad.is_none() {
            return Ok(remote.to_owned());
        }
        Err(refuse(
            Setting::Remotes,
            format!(
                "`{}` is not a remote name; expected the Datacenter Manager's remote ids (letters, digits, `_`, then also `.` and `-`), separated by commas, e.g. `{EXAMPLE}`",
                remote.escape_default()
            ),
        ))
    })?;
    Ok(names.into_iter().collect())
}

/// The VMID ranges of `PVE_VMID_ALLOWLIST` (a single VMID is a range of one).
pub(super) fn vmids(raw: &str) -> Result<Vec<(u64, u64)>, ParseError> {
    const EXAMPLE: &str = "100,200-299";
    items(Setting::Vmids, raw, EXAMPLE, |part| {
        let bad = || {
            refuse(
                Setting::Vmids,
                format!("`{}` is not a VMID or range; expected e.g. `{EXAMPLE}`", part.escape_default()),
            )
        };
        let id = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (id(a)?, id(b)?),
            None => {
                let v = id(part)?;
                (v, v)
            }
        };
        if a > b {
            return Err(refuse(Setting::Vmids, format!("`{part}` is reversed; write `{b}-{a}`")));
        }
        Ok((a, b))
    })
}

/// One PBS name (a datastore, a namespace's component): a letter, digit or `_`, then those, `.`
/// and `-`, as PBS's own pattern says.
fn pbs_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The datastore names of `PBS_DATASTORES`.
pub(super) fn datastores(raw: &str) -> Result<BTreeSet<String>, ParseError> {
    const EXAMPLE: &str = "store1,offsite";
    let names = items(Setting::Datastores, raw, EXAMPLE, |store| {
        if pbs_name(store) {
            Ok(store.to_owned())
        } else {
            Err(refuse(
                Setting::Datastores,
                format!(
                    "`{}` is not a datastore name; expected names of letters, digits, `_`, `.` and `-` (not first), separated by commas, e.g. `{EXAMPLE}`",
                    store.escape_default()
                ),
            ))
        }
    })?;
    Ok(names.into_iter().collect())
}

/// The namespaces of `PBS_NAMESPACES` (`lab`, `lab/web`; each allows itself and what is below it),
/// written without leading or trailing `/`.
pub(super) fn namespaces(raw: &str) -> Result<Vec<String>, ParseError> {
    const EXAMPLE: &str = "lab,prod/web";
    items(Setting::Namespaces, raw, EXAMPLE, |ns| {
        if ns.split('/').all(pbs_name) {
            Ok(ns.to_owned())
        } else {
            Err(refuse(
                Setting::Namespaces,
                format!(
                    "`{}` is not a namespace; expected paths like `lab` or `prod/web` (names of letters, digits, `_`, `.` and `-`, joined by `/`; the root namespace cannot be listed, leave the setting unset to allow it), separated by commas, e.g. `{EXAMPLE}`",
                    ns.escape_default()
                ),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names_are_read_trimmed() {
        let n = nodes(" pve1 , pve-2").unwrap();
        assert_eq!(n.into_iter().collect::<Vec<_>>(), ["pve-2", "pve1"]);
    }

    #[test]
    fn a_node_name_with_a_space_is_refused_naming_it() {
        let e = nodes("pve 1,x").unwrap_err();
        assert_eq!(e.setting, Setting::Nodes);
        assert!(e.to_string().starts_with("PVE_NODE_ALLOWLIST: `pve 1` is not a node name"), "{e}");
        assert!(e.message.contains("a space"), "{e}");
    }

    #[test]
    fn the_first_bad_node_item_is_the_one_named() {
        let e = nodes("pve 1,,x").unwrap_err();
        assert!(e.message.starts_with("`pve 1` is not a node name"), "{e}");
    }

    #[test]
    fn an_empty_node_item_is_refused() {
        let e = nodes("pve1,,x").unwrap_err();
        assert!(e.message.contains("`pve1,,x` has an empty item"), "{e}");
        assert!(nodes("pve1,").is_err());
    }

    #[test]
    fn remote_names_are_read_trimmed_and_an_odd_one_is_refused_naming_it() {
        assert_eq!(remotes(" east ,west-2").unwrap().into_iter().collect::<Vec<_>>(), ["east", "west-2"]);
        let e = remotes("east,-west").unwrap_err();
        assert_eq!(e.setting, Setting::Remotes);
        assert!(e.to_string().starts_with("PDM_REMOTE_ALLOWLIST: `-west` is not a remote name"), "{e}");
    }

    #[test]
    fn a_reversed_range_says_so_and_how_to_write_it() {
        let e = vmids("100,199-100").unwrap_err();
        assert_eq!(e.setting, Setting::Vmids);
        assert_eq!(e.message, "`199-100` is reversed; write `100-199`");
    }

    #[test]
    fn a_vmid_that_is_not_a_number_is_refused_naming_it() {
        let e = vmids("1-x").unwrap_err();
        assert!(e.to_string().starts_with("PVE_VMID_ALLOWLIST: `1-x` is not a VMID or range"), "{e}");
        assert!(vmids("100,,200").unwrap_err().message.contains("empty item"));
    }

    #[test]
    fn datastore_names_follow_pbs_s_pattern() {
        assert_eq!(datastores(" store1 ,off-site").unwrap().into_iter().collect::<Vec<_>>(), ["off-site", "store1"]);
        let e = datastores("store1,-x").unwrap_err();
        assert!(e.to_string().starts_with("PBS_DATASTORES: `-x` is not a datastore name"), "{e}");
    }

    #[test]
    fn namespaces_are_paths_and_the_root_cannot_be_listed() {
        assert_eq!(namespaces("lab,prod/web").unwrap(), ["lab", "prod/web"]);
        for bad in ["/", "/lab", "lab/", "la b"] {
            let e = namespaces(bad).unwrap_err();
            assert!(e.to_string().starts_with("PBS_NAMESPACES: `"), "{bad}: {e}");
        }
    }
}
