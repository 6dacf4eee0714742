//! Discovery mode: every endpoint within reach through three small tools instead of hundreds.
//!
//! - `pve_search`: plain words → the best matching tools (BM25 over an index built at compile
//!   time from the schema, with synonyms: VM/guest/qemu, container/CT/lxc, disk/volume, ...);
//! - `pve_describe`: the full input schema and description of named tools;
//! - `pve_call`: call any permitted tool by name, through the same checks as a direct call.
//!
//! Search and describe only ever show tools the caller may use.

use serde_json::{Value, json};

use crate::tools::generated::{Category, SEARCH_LENGTHS, SEARCH_PHRASING_ONLY, SEARCH_PHRASINGS, SEARCH_TERMS};
use crate::tools::registry::{self, ToolDef};

use pve_mcp_text as text;

/// The discovery tools' names.
pub const SEARCH: &str = "pve_search";
pub const DESCRIBE: &str = "pve_describe";
pub const CALL: &str = "pve_call";
pub const TOOLSETS: &str = "pve_toolsets";

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub tool: &'static ToolDef,
    pub score: f32,
}

const K1: f32 = 1.2;
const B: f32 = 0.6;
/// Weight of how much of a tool's name the query covers.
const COVERAGE: f32 = 3.0;
/// A "Directory index" GET (the list of a path's children) scores this much of what it would: the
/// canonical read (`qemu_vm_status_get`) is what a person means, rarely `qemu_vm_get`.
const DIRECTORY_INDEX: f32 = 0.6;
/// Bonus for the cluster-wide form when the query says all/datacenter/cluster, and for the node
/// form when it names a node.
const SCOPE: f32 = 2.0;
/// What a tool whose method does not fit the query's intent keeps of its score: a question
/// ("which realms exist") wants a read, not the realm's create, update or delete.
const OFF_INTENT: f32 = 0.55;
/// What a tool that fits the intent only the unusual way keeps (a PUT for "create", a PUT for
/// "delete"): "delete replication job 100-0" is the job's DELETE, not its update.
const SECOND_FIT: f32 = 0.8;
/// Bonus for a tool about one named thing (its path has a placeholder past `{node}`/`{vmid}`, like
/// `/access/groups/{groupid}`) when the query carries a name the index does not know ("pool prod",
/// "interface eno1", "user bob@pve"): such a word names something, it does not describe it.
const NAMED: f32 = 1.5;
/// Bonus for a collection (a path ending in a plain segment) when a read asks for many: "list the
/// HA groups" is `ha_groups_list`, not one group's read. When the read names a thing, only a
/// collection under a named thing gets it: "the subnets of vnet1" is the vnet's subnet list.
const COLLECTION: f32 = 2.0;
/// Bonus for a create in a collection (`POST /cluster/firewall/ipset`) when the query asks to
/// create and names nothing: "create an IP set" makes a new set, it does not add to a named one.
const NEW_IN_COLLECTION: f32 = 1.0;
/// What a guest tool not about one guest (create, list) keeps when the query names a guest: "add
/// a second network card to VM 100" changes VM 100, it does not create a VM.
const OTHER_GUESTS: f32 = 0.7;
/// What a tool about one guest keeps of its score when the query adds a guest to (or removes it
/// from) something else: "add VM 100 to pool dev" changes the pool, not the VM.
const MEMBER: f32 = 0.6;
/// Bonus for the tools that change a membership when the query adds something to (or removes it
/// from) a group or pool: membership is an update of the group, user or pool, never a create.
const MEMBERSHIP_UPDATE: f32 = 5.0;
/// The reviewed membership rule: for a query that adds to / removes from a thing of this kind, the
/// tools that change its members (`Some(kind)` is the word after "to"/"from"/"into" or "group"/"pool"
/// anywhere after it). A group's members are set on each user (`groups` of the user's update);
/// PVE's group update changes only the group's comment.
const MEMBERSHIPS: &[(&str, &[&str])] =
    &[("group", &["access_users_update"]), ("pool", &["pools_update", "pools_poolid_update"])];

/// What a tool about one guest keeps when the query says nothing of guests: "define a firewall
/// alias for the monitoring server" is the datacenter's alias, not a VM's.
const NO_GUEST: f32 = 0.7;
/// Search words that speak of guests (after synonyms: `container` is `ct`, `qemu` is `vm`).
const GUEST_WORDS: &[&str] = &["vm", "ct", "guest", "template", "vmid", "agent", "cloudinit", "snapshot", "console"];

/// Parts of PVE an operator names when they mean them (tools whose path has the part), with the
/// words that name them: a query saying none of them is not about them. "Undo the network
/// changes" is the node's network, not SDN; "restart node pve1" reboots the node, not a service.
const NICHE: &[(&str, &[&str])] = &[
    (
        "/sdn",
        &[
            "sdn",
            "zone",
            "vnet",
            "subnet",
            "evpn",
            "vxlan",
            "fabric",
            "ipam",
            "controller",
            "dhcp",
            "simple",
            "qinq",
            "openfabric",
            "ospf",
        ],
    ),
    ("/ceph", &["ceph", "osd", "mon", "monitor", "mds", "mgr", "manager", "cephfs", "crush", "rbd", "pg", "placement"]),
    (
        "/services",
        &[
            "service",
            "daemon",
            "systemd",
            "systemctl",
            "chrony",
            "corosync",
            "cron",
            "ksmtuned",
            "lxcfs",
            "postfix",
            "pveproxy",
            "pvedaemon",
            "pvestatd",
            "pvescheduler",
            "qmeventd",
            "spiceproxy",
            "sshd",
            "ssh",
            "journald",
            "timesyncd",
            "syslog",
            "firewall",
            "cluster",
            "ha",
            "lrm",
            "crm",
            "gui",
            "ui",
            "web",
        ],
    ),
];
/// What a tool of such a category keeps when the query names it by none of its words.
const UNSAID_NICHE: f32 = 0.7;

/// What a VM's tool keeps when the query speaks only of containers, and a container's when it
/// speaks only of VMs: "snapshot CT 200" is never `qemu_vm_snapshot`.
const OTHER_KIND: f32 = 0.5;

/// Which kind of guest a query speaks of, from its search words (`container`, `lxc` are `ct`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum GuestKind {
    Vm,
    Ct,
    Either,
}

impl GuestKind {
    fn of(words: &[String]) -> GuestKind {
        let has = |w: &str| words.iter().any(|x| x == w);
        match (has("vm"), has("ct")) {
            (true, false) => GuestKind::Vm,
            (false, true) => GuestKind::Ct,
            _ => GuestKind::Either,
        }
    }

    fn fits(self, category: Category) -> bool {
        !matches!((self, category), (GuestKind::Vm, Category::Lxc) | (GuestKind::Ct, Category::Qemu))
    }
}

/// What a word of a query's context (not its request) counts for, from 0 to 1.
const CONTEXT: f32 = 0.5;

/// Weight of how close the query is to one of the tool's operator phrasings (0 to 1).
const PHRASING_MATCH: f32 = 5.0;

/// Bonus for the create of a guest when the query restores one from a backup (see `restore_tools`).
const RESTORE: f32 = 5.0;

/// What a tool about one guest keeps when the query asks about all or every guest ("shut down all
/// guests in the cluster" is the bulk action or the node's stop-all, not one guest's shutdown).
const ALL_GUESTS: f32 = 0.7;

/// What a datacenter or node tool keeps when the query names a guest and the guest has the same
/// tool: "switch the firewall on for VM 4410" is the VM's firewall options, not the datacenter's.
const TWIN: f32 = 0.7;

/// Bonus for a tool about one guest when the query names one ("VM 100", "container 200").
const ONE_GUEST: f32 = 1.5;

/// The best `limit` tools for a query among those `visible` says the caller may use.
pub fn search(query: &str, limit: usize, visible: impl Fn(&ToolDef) -> bool) -> Vec<Hit> {
    let tools = registry::all();
    let mut words = text::words(&ids_as_kinds(query));
    let several = names_several_guests(query);
    if several {
        // "Move VMs 301, 302 and 303 to hv5": several guests at once is a bulk action.
        words.push("bulk".to_owned());
    }
    words.sort();
    words.dedup();
    let n = tools.len() as f32;
    let avg = SEARCH_LENGTHS.iter().sum::<f32>() / n.max(1.0);
    let mut scores = vec![0f32; tools.len()];
    let context = context_words(query);
    for word in &words {
        let Some((postings, idf)) = term(word) else { continue };
        let weight = if context.contains(word) { CONTEXT } else { 1.0 };
        for &(doc, tf) in postings {
            let len = SEARCH_LENGTHS[doc as usize];
            scores[doc as usize] += weight * idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
        }
    }
    // Prefer the tool whose name the query covers best: "list VMs" is `qemu_vm_list`, not
    // `qemu_vm_snapshot_list`.
    let names = name_words();
    for (i, name_words) in names.iter().enumerate() {
        if scores[i] > 0.0 {
            let covered = name_words.iter().filter(|w| words.binary_search(w).is_ok()).count();
            let coverage = covered as f32 / name_words.len().max(1) as f32;
            scores[i] += COVERAGE * coverage * coverage;
        }
    }
    for (i, closeness) in closest_phrasings(&words).into_iter().enumerate() {
        scores[i] += PHRASING_MATCH * closeness;
    }
    let scope = Scope::of(query);
    let intent = Intent::of(query);
    let membership = is_membership(query);
    let one_guest = names_a_guest(query) && !membership && !several;
    let member_tools = membership_tools(query);
    let named = names_something(query);
    let guest_words = words.iter().any(|w| GUEST_WORDS.contains(&w.as_str()));
    let kind = GuestKind::of(&words);
    let restore_tools = restore_tools(query, &words, kind);
    let niche_said = niches_said(query);
    let many = asks_for_many(query);
    let all_guests = !one_guest && (says_all(query) || several);
    let shapes = shapes();
    for (i, (t, shape)) in tools.iter().zip(shapes).enumerate() {
        if scores[i] <= 0.0 {
            continue;
        }
        if !intent.fits(t.method, shape.creates) {
            scores[i] *= OFF_INTENT;
        } else if !membership && !intent.first_fit(t.method) {
            scores[i] *= SECOND_FIT;
        }
        if shape.niche.is_some_and(|n| !niche_said[n]) {
            scores[i] *= UNSAID_NICHE;
        }
        if !kind.fits(t.category) {
            scores[i] *= OTHER_KIND;
        }
        if one_guest && shape.guest_twin {
            scores[i] *= TWIN;
        }
        if one_guest && shape.one_guest {
            scores[i] += ONE_GUEST;
        }
        if !guest_words && shape.guest {
            scores[i] *= NO_GUEST;
        }
        if one_guest && !shape.one_guest && shape.guest {
            scores[i] *= OTHER_GUESTS;
        }
        if named && shape.about_one {
            scores[i] += NAMED;
        }
        if all_guests && shape.one_guest {
            scores[i] *= ALL_GUESTS;
        }
        if membership && shape.one_guest {
            scores[i] *= MEMBER;
        }
        if !member_tools.is_empty() && member_tools.contains(&t.name) {
            scores[i] += MEMBERSHIP_UPDATE;
        }
        if !restore_tools.is_empty() && restore_tools.contains(&t.name) {
            scores[i] += RESTORE;
        }
        if many && intent == Intent::Read && shape.collection && (!named || shape.about_one) {
            scores[i] += COLLECTION;
        }
        if !named && intent == Intent::Create && t.method == crate::pve::request::HttpMethod::Post && shape.collection {
            scores[i] += NEW_IN_COLLECTION;
        }
        if shape.directory_index {
            scores[i] *= DIRECTORY_INDEX;
        }
        match scope {
            Scope::Cluster if !shape.per_node => scores[i] += SCOPE,
            Scope::Node if shape.per_node => scores[i] += SCOPE,
            _ => {}
        }
    }
    // A query naming a tool exactly finds it first.
    let exact = query.trim();
    let mut hits: Vec<Hit> = tools
        .iter()
        .zip(scores)
        .filter(|(t, s)| (*s > 0.0 || t.name == exact) && visible(t))
        .map(|(t, s)| Hit { tool: t, score: if t.name == exact { s + 1000.0 } else { s } })
        .collect();
    let order = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.tool.name.cmp(b.tool.name));
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, order);
        hits.truncate(limit);
    }
    hits.sort_by(order);
    hits.truncate(limit);
    hits
}

/// The query with each id it carries read as the kind of thing it names, or left out: a
/// replication job `100-0` is "replication job", a task `UPID:...` "task", `osd.12` "osd", an HA
/// resource `vm:100` "ha vm", `bob@pve!ci` "token", `bob@pve` "user", a backup job `backup-7c1e`
/// "backup job", an ACL path `/vms/100` "path", a disk `scsi0` "disk", a NIC `net0`/`vmbr0`/`eno1`
/// "network". Other ids (a storage `local-lvm`, a volume `local:100/vm-100-disk-0`) are left out:
/// their parts (`lvm`, `ceph`) would pull in the tools about LVM or Ceph instead of the storage.
fn ids_as_kinds(query: &str) -> String {
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
fn is_new_name(before: &str, word: &str) -> bool {
    let before = before.to_ascii_lowercase();
    let id_like = word.chars().any(|c| c.is_ascii_digit() || "-_\"'`".contains(c));
    before == "called" || before == "named" || (before == "as" && id_like)
}

/// Parts of storage ids as PVE names them by default and operators name theirs (`local-lvm`,
/// `local-zfs`, `ceph-rbd`, `old-nfs`): a hyphenated word with one of them is a storage's id.
const STORAGE_ID_PARTS: &[&str] =
    &["local", "lvm", "lvmthin", "zfs", "rbd", "ceph", "cephfs", "nfs", "cifs", "smb", "pbs", "btrfs", "iscsi", "dir"];

/// Whether a query word is an id: has `@` or `:` (`bob@pve`, `local:iso/x.iso`), or is hyphenated
/// with a digit (`vm-100-disk-0`) or a storage id part (`local-lvm`). Hyphenated English
/// (`hot-plug`, `read-only`) is not.
fn is_id(token: &str) -> bool {
    let t = token.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_ascii_lowercase();
    if t.contains('@') || t.contains(':') {
        return true;
    }
    t.contains('-')
        && (t.chars().any(|c| c.is_ascii_digit()) || t.split('-').any(|part| STORAGE_ID_PARTS.contains(&part)))
}

/// The letters before a word's trailing digits, if it has both (`scsi0` → `scsi`).
fn letters_before_digits(word: &str) -> Option<&str> {
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
    (letters.len() < word.len()).then_some(letters)
}

/// Device names by prefix: the prefix and digits name one device of that kind.
const DEVICES: &[(&str, &str)] = &[
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
fn id_kind(token: &str) -> Option<&'static str> {
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
const NOT_NODES: &[&str] =
    &["vm", "ct", "lxc", "osd", "mon", "mds", "mgr", "gpu", "vnet", "zone", "ipv", "tls", "sha", "x"];

/// Whether a query word names a node: `pve2`, `hv03`, `node-1`, a few letters and a number that no
/// device, guest or index word has.
fn is_node_name(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_ascii_lowercase();
    let letters = w.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
    let number = w.len() - w.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    (1..=3).contains(&number)
        && (2..=8).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && !NOT_NODES.contains(&letters)
        && id_kind(&w).is_none()
}

/// Words that start the request of a query: a question, or a verb asking for something done.
const REQUEST_STARTS: &[&str] = &[
    "which", "what", "whats", "who", "where", "when", "how", "is", "are", "does", "did", "has", "can", "show", "list",
    "get", "find", "tell", "check", "give", "create", "add", "make", "new", "set", "change", "edit", "update",
    "delete", "remove", "destroy", "start", "stop", "restart", "reboot", "shutdown", "shut", "kill", "power", "turn",
    "migrate", "move", "clone", "resize", "grow", "extend", "restore", "bring", "snapshot", "take", "back", "run",
    "bump", "raise", "increase", "put", "enable", "disable", "open", "allow", "block", "attach", "detach", "mount",
    "upgrade", "install", "schedule", "send", "pass", "map", "lock", "unlock", "wipe", "format", "join", "sync",
    "grant", "revoke", "rename", "mark", "apply", "reload", "upload", "download", "import", "export", "suspend",
    "resume", "pause", "reset", "limit", "exclude", "include", "assign", "allocate", "define", "register",
];

/// Synonym groups of verbs that ask for something done (see `pve_mcp_text`): a clause starting
/// with any of their words is a request ("checkpoint VM 405", "bounce the container").
const REQUEST_GROUPS: &[&str] = &[
    "show", "create", "update", "delete", "start", "stop", "shutdown", "reboot", "snapshot", "backup", "migrate",
    "clone", "resize", "restore", "allow", "block",
];

/// Words before the verb of a request ("I just want to ...", "can you please ...").
const FILLER: &[&str] = &[
    "i", "please", "can", "you", "we", "just", "now", "then", "and", "also", "to", "want", "need", "d", "like", "help",
    "me", "let", "s", "lets",
];

/// Words that begin a clause of context ("..., so the new disk shows up", "... because it hangs").
const CLAUSE_LINKS: &[&str] = &["so", "because", "since", "while", "but", "before", "after"];

/// The search words that only the context of a query has, not its request: in "my pihole container
/// stopped resolving DNS, restart it" the request is "restart it". The request is the first clause
/// (split at punctuation and at "so", "because" ...) that starts with a question or a verb; a
/// query of one clause, or with no such clause, is all request.
fn context_words(query: &str) -> Vec<String> {
    let lower = query.to_ascii_lowercase();
    let mut clauses: Vec<String> = Vec::new();
    let mut current = String::new();
    for token in lower.split_whitespace() {
        let bare = token.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        if CLAUSE_LINKS.contains(&bare) && !current.trim().is_empty() {
            clauses.push(std::mem::take(&mut current));
        }
        for c in token.chars() {
            if ",;.?!()".contains(c) && !current.trim().is_empty() && !token.contains(':') {
                clauses.push(std::mem::take(&mut current));
            } else {
                current.push(c);
            }
        }
        current.push(' ');
    }
    clauses.push(current);
    clauses.retain(|c| !text::words(c).is_empty());
    if clauses.len() < 2 {
        return Vec::new();
    }
    // A clause begun by "so", "because" ... is context; one begun by a question or a verb that
    // asks for something (as written, or as its synonym group: "checkpoint" is "snapshot") asks.
    let starts_request = |clause: &str| {
        clause.split(|c: char| !c.is_ascii_alphanumeric()).find(|w| !w.is_empty() && !FILLER.contains(w)).is_some_and(
            |w| {
                !CLAUSE_LINKS.contains(&w)
                    && (REQUEST_STARTS.contains(&w) || REQUEST_GROUPS.contains(&text::canonical(w).as_str()))
            },
        )
    };
    let Some(request) = clauses.iter().position(|c| starts_request(c)) else { return Vec::new() };
    let asked = text::words(&clauses[request]);
    let mut context: Vec<String> = clauses
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != request)
        .flat_map(|(_, c)| text::words(c))
        .filter(|w| !asked.contains(w))
        .collect();
    context.sort();
    context.dedup();
    context
}

/// A search word's postings and its inverse document frequency, if the index has it.
fn term(word: &str) -> Option<(&'static [(u16, f32)], f32)> {
    let i = SEARCH_TERMS.binary_search_by(|(w, _)| (*w).cmp(word)).ok()?;
    let postings = SEARCH_TERMS[i].1;
    let n = SEARCH_LENGTHS.len() as f32;
    let df = postings.len() as f32;
    Some((postings, (1.0 + (n - df + 0.5) / (df + 0.5)).ln()))
}

/// The operator phrasings by word, and each phrasing's words' total rarity (made once).
struct Phrasings {
    by_word: std::collections::HashMap<&'static str, Vec<u32>>,
    weight: Vec<f32>,
}

fn phrasings() -> &'static Phrasings {
    static PHRASINGS: std::sync::OnceLock<Phrasings> = std::sync::OnceLock::new();
    PHRASINGS.get_or_init(|| {
        let mut by_word: std::collections::HashMap<&'static str, Vec<u32>> = std::collections::HashMap::new();
        let mut weight = Vec::with_capacity(SEARCH_PHRASINGS.len());
        for (p, (_, said)) in SEARCH_PHRASINGS.iter().enumerate() {
            for word in *said {
                by_word.entry(word).or_default().push(p as u32);
            }
            weight.push(said.iter().filter_map(|w| term(w)).map(|(_, idf)| idf).sum());
        }
        Phrasings { by_word, weight }
    })
}

/// How close each tool's closest operator phrasing is to the query, from 0 to 1: the Dice
/// overlap of their words, each word weighted by its rarity. A query that says what a phrasing
/// says ("pull the plug on VM 100" and "pull the power on a VM") finds its tool even when the
/// schema's words are elsewhere.
fn closest_phrasings(words: &[String]) -> Vec<f32> {
    let index = phrasings();
    let mut shared = vec![0f32; SEARCH_PHRASINGS.len()];
    let mut query = 0.0;
    for word in words {
        let Some((_, idf)) = term(word) else { continue };
        query += idf;
        for &p in index.by_word.get(word.as_str()).map(Vec::as_slice).unwrap_or_default() {
            shared[p as usize] += idf;
        }
    }
    let mut best = vec![0f32; SEARCH_LENGTHS.len()];
    for (p, &s) in shared.iter().enumerate() {
        if s > 0.0 {
            let tool = SEARCH_PHRASINGS[p].0 as usize;
            best[tool] = best[tool].max(2.0 * s / (query + index.weight[p]));
        }
    }
    best
}

/// Which form of an endpoint a query asks for, from its plain words.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scope {
    Cluster,
    Node,
    Either,
}

impl Scope {
    fn of(query: &str) -> Scope {
        let lower = query.to_ascii_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let has = |w: &[&str]| words.iter().any(|x| w.contains(x));
        if has(&["all", "every", "datacenter", "across", "everywhere", "cluster"]) && !has(&["node", "host"]) {
            Scope::Cluster
        } else if has(&["node", "host"]) || query.split_whitespace().any(is_node_name) {
            Scope::Node
        } else {
            Scope::Either
        }
    }
}

/// What a query asks to do, from its first word that says it: a question or "show" wants a read;
/// "create"/"add" a create or a change; "change"/"enable" a change; "delete"/"remove" a delete or a
/// change (removing a member is a change of the group). Actions (start, migrate) leave it open.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Intent {
    Read,
    Create,
    Change,
    /// Turn something on or give it something: a change, or making the thing that does it
    /// ("enable HA for VM 300" creates the HA resource).
    Enable,
    Delete,
    Open,
}

impl Intent {
    fn of(query: &str) -> Intent {
        let lower = query.to_ascii_lowercase();
        let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
        for (i, w) in words.iter().enumerate() {
            let next = words.get(i + 1).copied().unwrap_or("");
            let intent = match *w {
                "how" if ["much", "many", "long", "full", "big", "old", "worn"].contains(&next) => Intent::Read,
                // "set up a backup job", "make a new pool" make something new.
                "set" if next == "up" => Intent::Create,
                "make" if ["a", "an", "new"].contains(&next) => Intent::Create,
                "which" | "what" | "whats" | "show" | "list" | "is" | "are" | "when" | "did" | "has" | "who"
                | "get" | "display" | "view" | "read" | "where" | "why" | "does" | "check" => Intent::Read,
                "create" | "add" | "new" | "allocate" | "define" | "register" | "upload" | "install" | "schedule" => {
                    Intent::Create
                }
                "change" | "set" | "edit" | "modify" | "update" | "disable" | "rename" | "mark" | "bump" | "raise"
                | "increase" | "decrease" | "lower" | "reduce" | "limit" | "exclude" | "reload" | "eject"
                | "detach" => Intent::Change,
                "enable" | "turn" | "switch" | "configure" | "give" | "grant" | "apply" | "attach" => Intent::Enable,
                "delete" | "remove" | "destroy" | "revoke" | "purge" => Intent::Delete,
                _ => continue,
            };
            return intent;
        }
        Intent::Open
    }

    fn fits(self, method: crate::pve::request::HttpMethod, creates: bool) -> bool {
        use crate::pve::request::HttpMethod::*;
        match self {
            Intent::Read => method == Get,
            Intent::Create => matches!(method, Post | Put),
            // A change ("disable the weekly backup job") is never the making of a new one.
            Intent::Change => matches!(method, Put | Post) && !creates,
            Intent::Enable => matches!(method, Put | Post),
            Intent::Delete => matches!(method, Delete | Put),
            Intent::Open => true,
        }
    }

    /// Whether a fitting tool is the usual way to do it: a create is a POST (a PUT "adds" only
    /// to a list: a repository, a DNS server), a delete a DELETE (a PUT "removes" a member).
    fn first_fit(self, method: crate::pve::request::HttpMethod) -> bool {
        use crate::pve::request::HttpMethod::*;
        match self {
            Intent::Create => method == Post,
            Intent::Delete => method == Delete,
            _ => true,
        }
    }
}

/// Whether a query names one guest: "VM 100", "container 200", "CT 201", "template 9000".
fn names_a_guest(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(2).any(|w| {
        ["vm", "container", "ct", "guest", "template", "vmid"].contains(&w[0])
            && w[1].chars().all(|c| c.is_ascii_digit())
    })
}

/// Whether a query names several guests: "VMs 301, 302 and 303", "containers 200 and 201".
fn names_several_guests(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let kinds = ["vm", "vms", "container", "containers", "ct", "cts", "guest", "guests", "vmid", "vmids"];
    words.iter().enumerate().any(|(i, w)| {
        kinds.contains(w)
            && words[i + 1..]
                .iter()
                .take_while(|x| x.chars().all(|c| c.is_ascii_digit()) || **x == "and")
                .filter(|x| x.chars().all(|c| c.is_ascii_digit()))
                .count()
                >= 2
    })
}

/// Whether a query adds something named to, or removes it from, something else: "add VM 100 to
/// pool dev", "remove bob from group ops", "take VM 100 out of its pool".
fn is_membership(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).collect();
    let Some(verb) = words.iter().position(|w| ["add", "remove", "take", "put"].contains(w)) else { return false };
    let Some(link) = words[verb..].iter().position(|w| ["to", "from", "out"].contains(w)) else { return false };
    // What is added is named right after the verb: a guest and its number, or a bare name.
    let object = &words[verb + 1..verb + link];
    let guest = object
        .windows(2)
        .any(|w| ["vm", "container", "ct", "guest"].contains(&w[0]) && w[1].chars().all(|c| c.is_ascii_digit()));
    guest || (object.len() == 1 && (unknown(object[0]) || names_something(object[0])))
}

/// The tools that change a membership a query asks for ("add bob to group admins" → the group's
/// or the user's update), from the reviewed `MEMBERSHIPS` table; empty when it asks for none.
fn membership_tools(query: &str) -> &'static [&'static str] {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let Some(verb) = words.iter().position(|w| ["add", "remove", "take", "put", "move"].contains(w)) else {
        return &[];
    };
    let Some(link) = words[verb..].iter().position(|w| ["to", "from", "into", "out"].contains(w)) else {
        return &[];
    };
    let target = &words[verb + link..];
    MEMBERSHIPS
        .iter()
        .find(|(kind, _)| target.iter().any(|w| *w == *kind || w.strip_suffix('s') == Some(kind)))
        .map_or(&[], |(_, tools)| tools)
}

/// Which of the `NICHE` parts a query names, by its words as written or without a plural `s`.
fn niches_said(query: &str) -> Vec<bool> {
    let lower = query.to_ascii_lowercase();
    let said: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    NICHE
        .iter()
        .map(|(_, names)| {
            said.iter().any(|w| names.contains(w) || w.strip_suffix('s').is_some_and(|w| names.contains(&w)))
        })
        .collect()
}

/// The tools that restore a guest from a backup when the query asks for that: PVE restores by
/// creating the guest from the archive (`qemu_vm_create` with `archive`), which no word of the
/// schema says. A single file ("restore one file from the backup") or a snapshot is not that.
fn restore_tools(query: &str, words: &[String], kind: GuestKind) -> &'static [&'static str] {
    let lower = query.to_ascii_lowercase();
    let about_guest = words.iter().any(|w| ["vm", "ct", "guest"].contains(&w.as_str()));
    if !words.iter().any(|w| w == "restore") || !about_guest || words.iter().any(|w| w == "snapshot") {
        return &[];
    }
    if lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| ["file", "files", "single"].contains(&w)) {
        return &[];
    }
    match kind {
        GuestKind::Vm => &["qemu_vm_create"],
        GuestKind::Ct => &["lxc_ct_create"],
        GuestKind::Either => &["qemu_vm_create", "lxc_ct_create"],
    }
}

/// Whether a query says all or every ("shut down all guests", "every VM on pve1").
fn says_all(query: &str) -> bool {
    query
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| ["all", "every", "everything"].contains(&w))
}

/// Whether a read asks for many things: "list ...", "which ...", "all", or a plural ("tasks").
fn asks_for_many(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        ["list", "which", "all", "every"].contains(&w)
            || (w.len() > 3
                && w.ends_with('s')
                && !w.ends_with("ss")
                && !w.ends_with("us")
                && !w.ends_with("is")
                && SEARCH_TERMS.binary_search_by(|(t, _)| (*t).cmp(text::canonical(w).as_str())).is_ok()
                && text::canonical(w) != w)
    })
}

/// Whether a query carries a name: a word that is not a node's name (`pve1`), not a number, and not
/// in the index (`prod`, `eno1`, `bob`); or a user/token id (`bob@pve`).
fn names_something(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    if lower.contains('@') {
        return true;
    }
    let raw: Vec<&str> =
        lower.split(|c: char| c.is_whitespace() || ",;?!()\"'".contains(c)).filter(|w| !w.is_empty()).collect();
    raw.iter().enumerate().any(|(i, word)| {
        let node = word.starts_with("pve") && word.len() > 3 && word[3..].chars().all(|c| c.is_ascii_digit());
        // A plain English word the index lacks ("last", "whole") is not a name; one that looks like
        // an id (`eno1`, `old-nfs`) or follows the kind of thing it names ("pool prod") is.
        let looks_like_id = word.chars().any(|c| c.is_ascii_digit() || "-.:_".contains(c));
        let after_kind = i > 0 && KINDS.contains(&raw[i - 1]);
        // A name after "to", "called" or "as" is a new name or a target ("rename VM 100 to web01",
        // "a group called ops"), not the thing the tool's path is about.
        let new_name = i > 0 && NEW_NAME.contains(&raw[i - 1]);
        !node && !new_name && !NEW_NAME.contains(word) && unknown(word) && (looks_like_id || after_kind)
    })
}

/// Whether a query word has a search word the schema does not know.
fn unknown(word: &str) -> bool {
    // Words only phrasings have (`bob`, `nextcloud`) are examples of names, not the schema's words.
    text::words(word).iter().any(|w| {
        SEARCH_TERMS.binary_search_by(|(t, _)| (*t).cmp(w.as_str())).is_err()
            || SEARCH_PHRASING_ONLY.binary_search(&w.as_str()).is_ok()
    })
}

/// Words after which a name is a new one or a target, not what the query is about.
const NEW_NAME: &[&str] = &["to", "called", "named", "as", "into"];

/// Words after which a query names one thing of that kind ("pool prod", "group ops").
const KINDS: &[&str] = &[
    "pool",
    "user",
    "group",
    "interface",
    "iface",
    "bridge",
    "storage",
    "job",
    "realm",
    "role",
    "zone",
    "vnet",
    "token",
    "alias",
    "set",
    "ipset",
    "rule",
    "snapshot",
    "task",
    "service",
    "mapping",
    "endpoint",
    "matcher",
    "target",
    "controller",
    "subnet",
    "osd",
    "monitor",
    "disk",
    "volume",
    "resource",
    "domain",
];

/// What the ranking rules ask of a tool's path, name and summary, worked out once per tool.
struct Shape {
    /// About one guest: the path has `{vmid}`.
    one_guest: bool,
    /// A guest's tool: about one guest, or of the qemu/lxc categories (create, list).
    guest: bool,
    /// About one named thing: a placeholder past `{node}`/`{vmid}` (`/access/groups/{groupid}`).
    about_one: bool,
    /// A collection: the path ends in a plain segment.
    collection: bool,
    /// The node's own form: under `/nodes/{node}`, not a guest's.
    per_node: bool,
    /// A "Directory index" GET.
    directory_index: bool,
    /// Makes a new thing (`_create`, `_add`).
    creates: bool,
    /// The `NICHE` part of PVE it belongs to, if any.
    niche: Option<usize>,
    /// A datacenter or node tool with a guest's twin (`/cluster/firewall/options` and
    /// `/nodes/{node}/qemu/{vmid}/firewall/options`; a node's `rrddata` and a guest's).
    guest_twin: bool,
}

/// Each tool's [`Shape`], in table order (made once).
fn shapes() -> &'static [Shape] {
    static SHAPES: std::sync::OnceLock<Vec<Shape>> = std::sync::OnceLock::new();
    SHAPES.get_or_init(|| {
        let paths: std::collections::HashSet<&str> = registry::all().iter().map(|t| t.path).collect();
        registry::all()
            .iter()
            .map(|t| {
                let one_guest = t.path.contains("{vmid}");
                let suffix = t.path.strip_prefix("/cluster").or_else(|| t.path.strip_prefix("/nodes/{node}"));
                let guest_twin = !one_guest
                    && suffix.is_some_and(|rest| {
                        !rest.is_empty()
                            && ["/nodes/{node}/qemu/{vmid}", "/nodes/{node}/lxc/{vmid}"]
                                .iter()
                                .any(|guest| paths.contains(format!("{guest}{rest}").as_str()))
                    });
                Shape {
                    one_guest,
                    guest: one_guest || matches!(t.category, Category::Qemu | Category::Lxc),
                    about_one: t.path.split('/').any(|s| s.starts_with('{') && s != "{node}" && s != "{vmid}"),
                    collection: !t.path.ends_with('}'),
                    // The node form of an endpoint is the node's own (not a guest's, which also sits under a node).
                    per_node: t.path.starts_with("/nodes/{node}") && !one_guest,
                    directory_index: t.summary.starts_with("Directory index"),
                    creates: t.name.ends_with("_create") || t.name.ends_with("_add"),
                    niche: NICHE.iter().position(|(part, _)| t.path.contains(part)),
                    guest_twin,
                }
            })
            .collect()
    })
}

/// Each tool's name as search words, in table order (made once).
fn name_words() -> &'static [Vec<String>] {
    static WORDS: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| registry::all().iter().map(|t| text::words(&t.name.replace('_', " "))).collect())
}

/// A search hit as the tool returns it.
pub fn hit_json(hit: &Hit) -> Value {
    json!({
        "name": hit.tool.name,
        "method": hit.tool.method.as_str(),
        "path": hit.tool.path,
        "tier": hit.tool.tier.as_str(),
        "category": hit.tool.category.as_str(),
        "summary": hit.tool.summary,
        "call": signature(hit.tool),
        "gated": hit.tool.gate.is_some(),
    })
}

/// How to call a tool, compactly: its name and required arguments with their types, e.g.
/// `qemu_vm_start(node: string, vmid: integer)`; enough for `pve_call` in the common case.
pub fn signature(tool: &ToolDef) -> String {
    let schema: Value = serde_json::from_str(tool.input_schema).unwrap_or(Value::Null);
    let required = schema["required"].as_array().map(Vec::as_slice).unwrap_or_default();
    let args: Vec<String> = required
        .iter()
        .filter_map(Value::as_str)
        .map(|name| match schema["properties"][name]["type"].as_str() {
            Some(kind) => format!("{name}: {kind}"),
            None => name.to_owned(),
        })
        .collect();
    format!("{}({})", tool.name, args.join(", "))
}

/// The input schemas of the discovery tools.
pub fn search_schema() -> Value {
    let cats: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What you want to do, in plain words (e.g. \"take a snapshot of a VM\")."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 25, "default": 8},
            "category": {"type": "string", "enum": cats, "description": "Only tools of this category."}
        },
        "required": ["query"],
        "additionalProperties": false
    })
}

pub fn describe_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "names": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 10, "description": "Tool names from pve_search."}
        },
        "required": ["names"],
        "additionalProperties": false
    })
}

pub fn call_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "Tool name from pve_search."},
            "arguments": {"type": "object", "description": "The tool's arguments, as pve_describe shows them."}
        },
        "required": ["name"],
        "additionalProperties": false
    })
}

pub fn toolsets_schema() -> Value {
    let cats: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    json!({
        "type": "object",
        "properties": {
            "enable": {"type": "array", "items": {"type": "string", "enum": cats}, "description": "Categories to add to this session's tools."},
            "disable": {"type": "array", "items": {"type": "string", "enum": cats}, "description": "Categories to remove."}
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(query: &str) -> Vec<&'static str> {
        search(query, 3, |_| true).iter().map(|h| h.tool.name).collect()
    }

    #[test]
    fn adding_to_a_group_or_pool_is_an_update_of_the_group_user_or_pool() {
        assert_eq!(membership_tools("add bob to the admins group"), &["access_users_update"]);
        assert_eq!(membership_tools("remove carol from group ops"), &["access_users_update"]);
        assert_eq!(membership_tools("add VM 100 to resource pool dev"), &["pools_update", "pools_poolid_update"]);
        assert!(membership_tools("create a group called auditors").is_empty());
        assert!(membership_tools("add a subnet to a vnet").is_empty());
        for (_, tools) in MEMBERSHIPS {
            for name in *tools {
                assert!(registry::all().iter().any(|t| t.name == *name), "{name} is a tool");
            }
        }
    }

    #[test]
    fn finds_snapshot_creation() {
        let hits = search("take a snapshot of VM 100", 3, |_| true);
        assert!(
            hits.iter()
                .any(|h| h.tool.path == "/nodes/{node}/qemu/{vmid}/snapshot" && h.tool.method.as_str() == "POST")
        );
    }

    #[test]
    fn an_exact_name_comes_first() {
        assert_eq!(top("qemu_vm_start")[0], "qemu_vm_start");
    }

    #[test]
    fn a_hit_says_how_to_call_it_with_required_arguments_and_types() {
        let tool = registry::all().iter().find(|t| t.name == "qemu_vm_start").unwrap();
        assert_eq!(signature(tool), "qemu_vm_start(node: string, vmid: integer)");
    }

    #[test]
    fn the_canonical_read_outranks_the_directory_index() {
        assert_eq!(top("status of VM 100")[0], "qemu_vm_status_get");
    }

    #[test]
    fn a_query_for_all_prefers_the_cluster_wide_form_and_one_naming_a_node_the_node_form() {
        assert_eq!(Scope::of("list all storages in the datacenter"), Scope::Cluster);
        assert_eq!(Scope::of("storages on node pve1"), Scope::Node);
        assert_eq!(Scope::of("storages on pve2"), Scope::Node);
        assert_eq!(top("which storages are defined in the datacenter")[0], "storage_list");
    }

    #[test]
    fn a_question_or_show_asks_for_a_read_and_change_words_for_a_write() {
        assert_eq!(Intent::of("which authentication realms exist"), Intent::Read);
        assert_eq!(Intent::of("how much memory is VM 100 using"), Intent::Read);
        assert_eq!(Intent::of("how do I add a user"), Intent::Create);
        assert_eq!(Intent::of("disable user alice@pve"), Intent::Change);
        assert_eq!(Intent::of("enable HA for VM 300"), Intent::Enable);
        assert_eq!(Intent::of("revoke an API token"), Intent::Delete);
        assert_eq!(Intent::of("start VM 100"), Intent::Open);
        assert_eq!(Intent::of("set up a nightly backup job"), Intent::Create);
        assert_eq!(Intent::of("make a new resource pool"), Intent::Create);
        assert_eq!(Intent::of("make VM 104 highly available"), Intent::Open);
    }

    #[test]
    fn a_change_is_never_the_making_of_a_new_one() {
        let fits = |name: &str| {
            let i = registry::all().iter().position(|t| t.name == name).unwrap();
            Intent::Change.fits(registry::all()[i].method, shapes()[i].creates)
        };
        assert!(!fits("cluster_backup_create"));
        assert!(fits("cluster_backup_update"));
        assert!(fits("qemu_vm_migrate"));
    }

    #[test]
    fn a_question_finds_the_read_not_the_writes_of_the_same_thing() {
        let hits = search("which authentication realms exist", 1, |_| true);
        assert_eq!(hits[0].tool.method, crate::pve::request::HttpMethod::Get, "{}", hits[0].tool.name);
    }

    #[test]
    fn an_id_or_a_word_after_its_kind_is_a_name_but_plain_english_is_not() {
        assert!(names_something("show the configuration of interface eno1"));
        assert!(names_something("which guests are in pool prod"));
        assert!(names_something("delete user bob@pve"));
        assert!(!names_something("CPU usage over the last day"));
        assert!(!names_something("reboot the whole node pve3"));
    }

    #[test]
    fn adding_a_guest_to_something_changes_that_thing() {
        assert!(is_membership("add VM 100 to resource pool dev"));
        assert!(is_membership("remove bob from the admins group"));
        assert!(!is_membership("add a subnet with gateway to a vnet"));
    }

    #[test]
    fn a_read_asks_for_many_with_list_which_all_or_a_plural() {
        assert!(asks_for_many("list the HA groups"));
        assert!(asks_for_many("show tasks of node pve1"));
        assert!(!asks_for_many("has the task finished"));
        assert!(!asks_for_many("show the status of VM 100"));
    }

    #[test]
    fn a_node_uptime_is_found_though_the_schema_does_not_declare_it() {
        assert!(top("uptime of node pve1").contains(&"node_status_get"), "{:?}", top("uptime of node pve1"));
    }

    #[test]
    fn a_query_naming_a_guest_is_about_that_guest_not_a_new_one() {
        let hits = search("add a second network card to VM 100", 1, |_| true);
        assert!(hits[0].tool.path.contains("{vmid}"), "{}", hits[0].tool.name);
    }

    #[test]
    fn a_storage_volume_or_user_id_names_a_thing_and_its_parts_are_not_searched() {
        assert!(is_id("local-lvm") && is_id("ceph-rbd,") && is_id("vm-100-disk-0") && is_id("bob@pve"));
        assert!(is_id("local:iso/debian.iso"));
        assert!(!is_id("hot-plug") && !is_id("read-only") && !is_id("lvm"));
        assert_eq!(ids_as_kinds("how full is the local-zfs storage"), "how full is the storage");
    }

    #[test]
    fn a_query_about_containers_is_not_about_vms_and_the_other_way_round() {
        assert_eq!(GuestKind::of(&text::words("snapshot container 200")), GuestKind::Ct);
        assert_eq!(GuestKind::of(&text::words("give VM 100 four more cores")), GuestKind::Vm);
        assert_eq!(GuestKind::of(&text::words("list all guests")), GuestKind::Either);
        assert!(!GuestKind::Ct.fits(Category::Qemu) && GuestKind::Ct.fits(Category::Lxc));
        assert_eq!(top("take a snapshot of CT 200")[0], "lxc_ct_snapshot");
    }

    #[test]
    fn a_query_that_speaks_of_no_guest_prefers_the_datacenter_or_node_form() {
        assert_eq!(top("define a firewall alias for the monitoring server")[0], "firewall_aliases_create");
        assert_eq!(top("how many CPUs does node pve1 have")[0], "node_status_get");
    }

    #[test]
    fn a_name_after_to_or_called_is_a_new_name_not_what_the_query_is_about() {
        assert!(!names_something("rename VM 100 to web01"));
        assert!(!names_something("create a group called ops-team"));
        assert!(names_something("show the rules of group web01"));
    }

    #[test]
    fn a_query_saying_what_a_phrasing_says_is_closest_to_its_tool() {
        let (tool, said) = SEARCH_PHRASINGS[0];
        let query: Vec<String> = said.iter().map(|w| (*w).to_owned()).collect();
        let closeness = closest_phrasings(&query);
        assert!((closeness[tool as usize] - 1.0).abs() < 1e-4, "{}", closeness[tool as usize]);
        assert!(closest_phrasings(&["zzz".to_owned()]).iter().all(|c| *c == 0.0));
    }

    #[test]
    fn a_niche_part_of_pve_unsaid_yields_to_the_common_one() {
        assert_eq!(niches_said("restart pveproxy on pve2"), [false, false, true]);
        assert_eq!(niches_said("create an EVPN zone"), [true, false, false]);
        assert_eq!(niches_said("list the OSDs"), [false, true, false]);
        assert_eq!(top("undo the network changes I have not applied")[0], "node_network_revert");
        assert_eq!(top("restart node pve1")[0], "node_status");
    }

    #[test]
    fn restoring_a_guest_from_a_backup_is_creating_it_from_the_archive() {
        let of = |q: &str| restore_tools(q, &text::words(q), GuestKind::of(&text::words(q)));
        assert_eq!(of("restore VM 100 from last night's backup"), &["qemu_vm_create"]);
        assert_eq!(of("bring container 250 back from its backup"), &["lxc_ct_create"]);
        assert!(of("restore a single file from the backup of VM 100").is_empty());
        assert!(of("restore VM 100 to its snapshot before the upgrade").is_empty());
        assert!(of("start VM 100").is_empty());
    }

    #[test]
    fn the_context_of_a_query_counts_less_than_its_request() {
        let context = context_words("my pihole container stopped resolving DNS, restart it");
        assert!(context.contains(&"dns".to_owned()) && !context.contains(&"reboot".to_owned()), "{context:?}");
        let context = context_words("which guests run on pve2? I want to patch the node");
        assert!(context.contains(&"patch".to_owned()) && !context.contains(&"guest".to_owned()), "{context:?}");
        assert!(context_words("restart VM 100 so the new disk shows up").contains(&"disk".to_owned()));
        assert!(context_words("start VM 100").is_empty());
        assert!(context_words("the disk is full, it hangs").is_empty(), "no request: all of it counts");
        let context = context_words("checkpoint vm 405 before the upgrade, so we can go back");
        assert!(context.contains(&"back".to_owned()) && !context.contains(&"snapshot".to_owned()), "{context:?}");
    }

    #[test]
    fn a_new_name_is_not_a_search_word() {
        assert_eq!(ids_as_kinds("snapshot VM 101 as pre-upgrade"), "snapshot VM 101 as");
        assert_eq!(ids_as_kinds("create a pool called backup"), "create a pool called");
        assert_eq!(ids_as_kinds("mark VM 100 as template"), "mark VM 100 as template");
    }

    #[test]
    fn an_id_is_read_as_the_kind_of_thing_it_names() {
        assert_eq!(ids_as_kinds("run job 305-0 now"), "run job replication job now");
        assert_eq!(id_kind("UPID:pve1:0001:task"), Some("task"));
        assert_eq!(id_kind("osd.12"), Some("osd"));
        assert_eq!(id_kind("vm:100"), Some("ha vm"));
        assert_eq!(id_kind("bob@pve!ci"), Some("token"));
        assert_eq!(id_kind("bob@pve,"), Some("user"));
        assert_eq!(id_kind("backup-7c1e"), Some("backup job"));
        assert_eq!(id_kind("/vms/212?"), Some("path"));
        assert_eq!(id_kind("scsi0"), Some("disk"));
        assert_eq!(id_kind("vmbr1"), Some("network"));
        assert_eq!(id_kind("local-lvm"), None);
        assert_eq!(id_kind("pve2"), None);
    }

    #[test]
    fn a_node_is_named_by_letters_and_a_number_that_name_nothing_else() {
        assert!(is_node_name("pve2") && is_node_name("hv03,") && is_node_name("node-1"));
        assert!(!is_node_name("vm100") && !is_node_name("scsi0") && !is_node_name("vmbr0") && !is_node_name("osd3"));
        assert!(!is_node_name("100") && !is_node_name("ipv6"));
        assert_eq!(Scope::of("push everything off hv02"), Scope::Node);
    }

    #[test]
    fn a_query_about_all_guests_is_not_about_one() {
        assert!(says_all("shut down all guests in the cluster") && !says_all("shut down VM 100"));
        assert_eq!(top("shut down all guests in the cluster")[0], "cluster_bulk_action_guest_shutdown");
    }

    #[test]
    fn several_guests_named_at_once_ask_for_a_bulk_action() {
        assert!(names_several_guests("move VMs 301, 302 and 303 over to hv5"));
        assert!(names_several_guests("start containers 200 and 201"));
        assert!(!names_several_guests("start VM 100 on node 2"));
    }

    #[test]
    fn a_datacenter_or_node_tool_with_a_guest_twin_yields_when_a_guest_is_named() {
        let shape = |name: &str| &shapes()[registry::all().iter().position(|t| t.name == name).unwrap()];
        assert!(shape("firewall_options_update").guest_twin && shape("node_rrddata_list").guest_twin);
        assert!(!shape("node_vzdump").guest_twin && !shape("qemu_vm_firewall_options_update").guest_twin);
        assert_eq!(top("switch the firewall on for VM 4410")[0], "qemu_vm_firewall_options_update");
    }

    #[test]
    fn hidden_tools_are_never_shown() {
        let hits = search("delete a VM", 25, |t| t.method == crate::pve::request::HttpMethod::Get);
        assert!(hits.iter().all(|h| h.tool.method == crate::pve::request::HttpMethod::Get));
    }
}
