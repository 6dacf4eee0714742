//! How each form a node or guest hides in is read: property strings (`file=local:vm-100-disk-0`),
//! lists (`100,101`), guest ids (`vm:100`), replication job ids (`100-0`), volume ids and backup
//! archives, and task ids (UPIDs). Lenient readers: `None` where a value that should name a guest
//! does not read as one.

use crate::pve::task::Upid;

/// The values of some keys of a PVE property string (`file=local:vm-100-disk-0,size=4G`, or with
/// the default key's `key=` left out); quoted values are unquoted.
pub(super) fn property_values(text: &str, keys: &[&str], default_key: bool) -> Vec<String> {
    let mut out = Vec::new();
    let is_key = |k: &str| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    for part in split_unquoted(text) {
        match part.split_once('=').map(|(k, v)| (k.trim(), v)) {
            Some((k, v)) if is_key(k) && keys.contains(&k) => out.push(unquote(v)),
            Some((k, _)) if is_key(k) => {}
            _ if default_key => out.push(unquote(&part)),
            _ => {}
        }
    }
    out
}

/// Splits at commas outside double quotes.
fn split_unquoted(text: &str) -> Vec<String> {
    let (mut parts, mut cur, mut quoted, mut escaped) = (Vec::new(), String::new(), false, false);
    for c in text.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                cur.push(c);
                quoted = !quoted;
            }
            ',' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => v.to_owned(),
    }
}

/// Items of a list value: `100,101`, `100 101`, `100;101`.
pub(super) fn list_items(v: &str) -> impl Iterator<Item = &str> {
    v.split([',', ';', ' ', '\0']).map(str::trim).filter(|p| !p.is_empty())
}

/// A guest id from `100`, `vm:100` or `ct:100`.
pub(super) fn guest_id(s: &str) -> Option<u64> {
    let s = s.trim();
    s.strip_prefix("vm:").or_else(|| s.strip_prefix("ct:")).unwrap_or(s).parse().ok()
}

/// The guest of a replication job id, `<vmid>-<n>`.
pub(super) fn replication_guest(s: &str) -> Option<u64> {
    let (guest, n) = s.trim().split_once('-')?;
    n.parse::<u64>().ok()?;
    guest.parse().ok()
}

/// The guests a volume id or path names: `vm-<id>-…`, `base-<id>-…`, `subvol-<id>-…`,
/// `basevol-<id>-…`, `vzdump-{qemu,lxc,openvz}-<id>-…`, a directory storage's `<id>/…` (just after
/// the storage), `images/<id>/`, `private/<id>/`, and PBS's `vm/<id>/`, `ct/<id>/`. `None` when a
/// guest id is there but does not read as a number; an empty list when it names no guest (an ISO,
/// a template, a snippet).
pub(super) fn volume_guests(volume: &str) -> Option<Vec<u64>> {
    let volume = volume.replace("\\x3a", ":");
    let mut ids = Vec::new();
    // Tokens between separators, each with the separator before it and the token before it.
    let mut prev_token = "";
    let mut prev_sep = '^';
    let mut rest = volume.as_str();
    loop {
        let end = rest.find(['/', ':', '=', ',']).unwrap_or(rest.len());
        let token = &rest[..end];
        let next_sep = rest[end..].chars().next();
        for prefix in ["vm-", "base-", "subvol-", "basevol-", "vzdump-qemu-", "vzdump-lxc-", "vzdump-openvz-"] {
            if let Some(after) = token.strip_prefix(prefix) {
                let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty() && after[digits.len()..].starts_with('-') {
                    ids.push(digits.parse::<u64>().ok()?);
                }
            }
        }
        let numeric = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
        let owner_dir = next_sep == Some('/')
            && (prev_sep == ':' || (prev_sep == '/' && matches!(prev_token, "images" | "private" | "vm" | "ct")));
        if numeric && owner_dir {
            ids.push(token.parse::<u64>().ok()?);
        }
        let Some(sep) = next_sep else { break };
        prev_sep = sep;
        prev_token = token;
        rest = &rest[end + sep.len_utf8()..];
    }
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

/// The node and guests a task id names: `UPID:pve1:…:qmstart:101:root@pam:` → (`pve1`, [101]).
pub(super) fn task_names(upid: &str) -> Option<(String, Vec<u64>)> {
    let parsed = Upid::parse(upid.trim())?;
    // A Datacenter Manager remote's task id: the remote's own UPID follows the `!`.
    let upid = match parsed.remote {
        Some(_) => upid.split_once('!').map_or(upid, |(_, native)| native),
        None => upid,
    };
    // The id may itself hold `:` (a volume id): it is everything between the type and the user.
    let fields: Vec<&str> = upid.trim().trim_end_matches(':').split(':').collect();
    let id = if fields.len() > 8 { fields[6..fields.len() - 1].join(":") } else { parsed.id.clone() };
    let ids = if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        vec![id.parse().ok()?]
    } else {
        volume_guests(&id)?
    };
    Some((parsed.node, ids))
}

pub(super) fn clip(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if clean.chars().count() > 80 { format!("{}…", clean.chars().take(80).collect::<String>()) } else { clean }
}
