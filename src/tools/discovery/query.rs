//! What a query says, read from its words before any tool is scored: whether it names a node, a
//! guest, several guests or all of them (what its ids name is read in [`super::ids`]), what it
//! asks to do (read, create, change, delete), which clause is the request and which the context,
//! what it says not to do ("without shutting it down"), and which reviewed rules it calls on
//! (membership, restore, the niche parts of PVE).
//!
//! It is longer than most modules because each rule sits next to the reviewed word table it reads
//! (what starts a request, which words name SDN, Ceph or a node service, which prefixes name a
//! device, which words a name follows); split apart, a rule and its table would drift.

use crate::tools::generated::Category;

use super::text;

use super::ids::is_node_name;

/// The reviewed membership rule: for a query that adds to / removes from a thing of this kind, the
/// tools that change its members (`Some(kind)` is the word after "to"/"from"/"into" or "group"/"pool"
/// anywhere after it). A group's members are set on each user (`groups` of the user's update);
/// PVE's group update changes only the group's comment.
pub(super) const MEMBERSHIPS: &[(&str, &[&str])] =
    &[("group", &["access_users_update"]), ("pool", &["pools_update", "pools_poolid_update"])];

/// Parts of PVE an operator names when they mean them (tools whose path has the part), with the
/// words that name them: a query saying none of them is not about them. "Undo the network
/// changes" is the node's network, not SDN; "restart node pve1" reboots the node, not a service.
pub(super) const NICHE: &[(&str, &[&str])] = &[
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

/// Which kind of guest a query speaks of, from its search words (`container`, `lxc` are `ct`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum GuestKind {
    Vm,
    Ct,
    Either,
}

impl GuestKind {
    pub(super) fn of(words: &[String]) -> GuestKind {
        let has = |w: &str| words.iter().any(|x| x == w);
        match (has("vm"), has("ct")) {
            (true, false) => GuestKind::Vm,
            (false, true) => GuestKind::Ct,
            _ => GuestKind::Either,
        }
    }

    pub(super) fn fits(self, category: Category) -> bool {
        !matches!((self, category), (GuestKind::Vm, Category::Lxc) | (GuestKind::Ct, Category::Qemu))
    }
}

/// Words that start the request of a query: a question, or a verb asking for something done.
pub(super) const REQUEST_STARTS: &[&str] = &[
    "which", "what", "whats", "who", "where", "when", "how", "is", "are", "does", "did", "has", "show", "list", "get",
    "find", "tell", "check", "give", "create", "add", "make", "new", "set", "change", "edit", "update", "delete",
    "remove", "destroy", "start", "stop", "restart", "reboot", "shutdown", "shut", "kill", "power", "turn", "migrate",
    "move", "clone", "resize", "grow", "extend", "restore", "bring", "snapshot", "take", "back", "run", "bump",
    "raise", "increase", "put", "enable", "disable", "open", "allow", "block", "attach", "detach", "mount", "upgrade",
    "install", "schedule", "send", "pass", "map", "lock", "unlock", "wipe", "format", "join", "sync", "grant",
    "revoke", "rename", "mark", "apply", "reload", "upload", "download", "import", "export", "suspend", "resume",
    "pause", "reset", "limit", "exclude", "include", "assign", "allocate", "define", "register", "build", "onboard",
    "deploy", "hook", "spin", "stand", "insert", "pull", "fire", "reserve", "commit", "keep", "drop", "let", "prevent",
    "force", "yank", "kick",
];

/// Synonym groups of verbs that ask for something done (see `pve_mcp_text`): a clause starting
/// with any of their words is a request ("checkpoint VM 405", "bounce the container").
pub(super) const REQUEST_GROUPS: &[&str] = &[
    "show", "create", "update", "delete", "start", "stop", "shutdown", "reboot", "snapshot", "backup", "migrate",
    "clone", "resize", "restore", "allow", "block",
];

/// Words after "give me"/"give us" that ask for a grant, not a read ("give us admin rights").
pub(super) const GRANTED: &[&str] = &["access", "rights", "right", "permission", "permissions", "role", "admin"];

/// Words before the verb of a request ("I just want to ...", "can you please ...").
pub(super) const FILLER: &[&str] = &[
    "i", "please", "can", "you", "we", "just", "now", "then", "and", "also", "to", "want", "need", "d", "like", "help",
    "me", "let", "s", "lets",
];

/// Words that begin a clause of context ("..., so the new disk shows up", "... because it hangs").
pub(super) const CLAUSE_LINKS: &[&str] = &["so", "because", "since", "while", "but", "before", "after"];

/// Whether a word asks for something, as the first word of a request: a question or a verb, as
/// written or as its synonym group ("checkpoint" is "snapshot").
fn asks(word: &str) -> bool {
    REQUEST_STARTS.contains(&word) || REQUEST_GROUPS.contains(&text::canonical(word).as_str())
}

/// A query split into clauses (at punctuation and at "so", "because" ...), and which of them is
/// its request: the first that starts with a question or a verb that asks for something. A query
/// of one clause, or with no such clause, has no request of its own (all of it is the request).
pub(super) struct Clauses {
    lower: String,
    clauses: Vec<String>,
    request: Option<usize>,
}

impl Clauses {
    pub(super) fn of(query: &str) -> Clauses {
        let lower = query.to_ascii_lowercase();
        let mut clauses: Vec<String> = Vec::new();
        let mut current = String::new();
        for token in lower.split_whitespace() {
            if CLAUSE_LINKS.contains(&text::bare(token)) && !current.trim().is_empty() {
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
        // A clause begun by "so", "because" ... is context; one begun by a word that asks, asks.
        let starts_request = |clause: &str| {
            clause
                .split(|c: char| !c.is_ascii_alphanumeric())
                .find(|w| !w.is_empty() && !FILLER.contains(w))
                .is_some_and(|w| !CLAUSE_LINKS.contains(&w) && asks(w))
        };
        let request = if clauses.len() < 2 { None } else { clauses.iter().position(|c| starts_request(c)) };
        Clauses { lower, clauses, request }
    }

    /// The search words that only the context of the query has, not its request: in "my pihole
    /// container stopped resolving DNS, restart it" the request is "restart it".
    pub(super) fn context_words(&self) -> Vec<String> {
        let Some(request) = self.request else { return Vec::new() };
        let asked = text::words(&self.clauses[request]);
        let mut context: Vec<String> = self
            .clauses
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

    /// The clause that asks ("turn it on" in "the firewall is off for this customer, turn it on"),
    /// or the whole query (lower case) when it is one clause or no clause asks.
    pub(super) fn request(&self) -> &str {
        self.request.map_or(&self.lower, |r| &self.clauses[r])
    }
}

/// The search words a query says it does not want done: in "back up VM 120 without shutting it
/// down" the request is a backup, never a shutdown. The span begins at "without" and a verb
/// ("without shutting", "without stopping", "without rebooting"; "without ballooning" names a
/// thing, not an act) and runs to the end of its clause or to "and"/"then"; the verb is left
/// out also as its canonical word (`stop`), and a word also said outside the span stays
/// ("without" itself is a stop word). Other negations say what to look for ("guests not covered
/// by a backup job", "never on the same host") and are read as written.
pub(super) fn negated_words(query: &str) -> Vec<String> {
    let lower = query.to_ascii_lowercase();
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    let (mut inside, mut outside, mut verbs) = (String::new(), String::new(), String::new());
    let mut negated = false;
    for (i, token) in tokens.iter().enumerate() {
        let word = text::bare(token);
        if CLAUSE_LINKS.contains(&word) || ["and", "then"].contains(&word) {
            negated = false;
        }
        if word == "without"
            && let Some(verb) = tokens.get(i + 1).and_then(|t| verb_of(text::bare(t)))
        {
            negated = true;
            verbs.push_str(&format!("{verb} "));
        }
        let target = if negated { &mut inside } else { &mut outside };
        target.push_str(token);
        target.push(' ');
        if token.ends_with([',', ';', '.', '?', '!', ')']) {
            negated = false;
        }
    }
    let kept = text::words(&outside);
    let mut negated: Vec<String> =
        text::words(&inside).into_iter().chain(text::words(&verbs)).filter(|w| !kept.contains(w)).collect();
    negated.sort();
    negated.dedup();
    negated
}

/// The verb a word says, as a request would start with it: itself, or the verb of its -ing form
/// ("shutting" is shut, "stopping" stop, "rebooting" reboot, "deleting" delete).
fn verb_of(word: &str) -> Option<String> {
    if asks(word) {
        return Some(word.to_owned());
    }
    let stem = word.strip_suffix("ing")?;
    let mut last_two = stem.chars().rev();
    let doubled = last_two.next().is_some_and(|last| last_two.next() == Some(last));
    let undoubled = if doubled { &stem[..stem.len() - stem.chars().next_back()?.len_utf8()] } else { stem };
    [stem.to_owned(), undoubled.to_owned(), format!("{stem}e")].into_iter().find(|w| asks(w))
}

/// Which form of an endpoint a query asks for, from its plain words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scope {
    Cluster,
    Node,
    Either,
}

impl Scope {
    pub(super) fn of(query: &str) -> Scope {
        let lower = query.to_ascii_lowercase();
        let words: Vec<&str> = plain_words(&lower);
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
pub(super) enum Intent {
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
    /// What the request clause of a query (see [`Clauses::request`]) asks to do.
    pub(super) fn of_request(request: &str) -> Intent {
        let words: Vec<&str> = plain_words(request);
        // The request's first words, fillers ("I just want to") aside: "back up VM 100" and "new
        // vnet vn100" ask; "bring pve2 back up" and "an ID for the new server" do not.
        let opens = |i: usize, also: &[&str]| words[..i].iter().all(|w| FILLER.contains(w) || also.contains(w));
        for (i, w) in words.iter().enumerate() {
            let next = words.get(i + 1).copied().unwrap_or("");
            let intent = match *w {
                "how" if ["much", "many", "long", "full", "big", "old", "worn"].contains(&next) => Intent::Read,
                // "give me a free VM ID", "get me the join information" ask for a read; "give us
                // admin rights on /vms/100" asks for a grant.
                "give" | "get" | "find" | "tell"
                    if ["me", "us"].contains(&next) && !words[i + 1..].iter().take(4).any(|w| GRANTED.contains(w)) =>
                {
                    Intent::Read
                }
                // "how do I get alerts pushed to gotify", "I want to get HA working" ask for no read.
                "get" if i > 0 && ["i", "we", "to"].contains(&words[i - 1]) => continue,
                // "set up a backup job", "set her up with a login", "make a new pool" make something
                // new, and so does "back up VM 100" as the request's first words ("bring pve2 back
                // up" does not).
                "set" | "spin" | "stand" | "hook" if words[i + 1..].iter().take(3).any(|w| *w == "up") => {
                    Intent::Create
                }
                "back" if next == "up" && opens(i, &[]) => Intent::Create,
                "make" if ["a", "an", "new"].contains(&next) => Intent::Create,
                "which" | "what" | "whats" | "show" | "list" | "is" | "are" | "when" | "did" | "has" | "who"
                | "get" | "display" | "view" | "read" | "where" | "why" | "does" | "check" => Intent::Read,
                // "new vnet vn100 in zone evpn1" and "I need a new container" ask for one; "an unused
                // ID for the new server" does not.
                "new" if opens(i, &["a", "an"]) => Intent::Create,
                "create" | "add" | "allocate" | "define" | "register" | "upload" | "install" | "schedule" | "build"
                | "provision" | "onboard" | "deploy" => Intent::Create,
                "change" | "set" | "edit" | "modify" | "update" | "disable" | "rename" | "mark" | "bump" | "raise"
                | "increase" | "decrease" | "lower" | "reduce" | "limit" | "exclude" | "reload" | "eject"
                | "detach" => Intent::Change,
                "enable" | "turn" | "switch" | "configure" | "give" | "grant" | "apply" | "attach" | "insert"
                | "mount" | "plug" => Intent::Enable,
                "delete" | "remove" | "destroy" | "revoke" | "purge" => Intent::Delete,
                _ => continue,
            };
            return intent;
        }
        Intent::Open
    }

    pub(super) fn fits(self, method: crate::pve::request::HttpMethod, creates: bool) -> bool {
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
    pub(super) fn first_fit(self, method: crate::pve::request::HttpMethod) -> bool {
        use crate::pve::request::HttpMethod::*;
        match self {
            Intent::Create => method == Post,
            Intent::Delete => method == Delete,
            _ => true,
        }
    }
}

/// Whether a query names one guest: "VM 100", "container 200", "CT 201", "template 9000".
pub(super) fn names_a_guest(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = plain_words(&lower);
    words.windows(2).any(|w| {
        ["vm", "container", "ct", "guest", "template", "vmid"].contains(&w[0])
            && w[1].chars().all(|c| c.is_ascii_digit())
    })
}

/// Whether a query names several guests: "VMs 301, 302 and 303", "containers 200 and 201".
pub(super) fn names_several_guests(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = plain_words(&lower);
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
pub(super) fn is_membership(query: &str) -> bool {
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
pub(super) fn membership_tools(query: &str) -> &'static [&'static str] {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = plain_words(&lower);
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
pub(super) fn niches_said(query: &str) -> Vec<bool> {
    let lower = query.to_ascii_lowercase();
    let said: Vec<&str> = plain_words(&lower);
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
pub(super) fn restore_tools(query: &str, words: &[String], kind: GuestKind) -> &'static [&'static str] {
    let lower = query.to_ascii_lowercase();
    let about_guest = words.iter().any(|w| ["vm", "ct", "guest"].contains(&w.as_str()));
    if !words.iter().any(|w| w == "restore") || !about_guest || words.iter().any(|w| w == "snapshot") {
        return &[];
    }
    if plain_words(&lower).iter().any(|w| ["file", "files", "single"].contains(w)) {
        return &[];
    }
    match kind {
        GuestKind::Vm => &["qemu_vm_create"],
        GuestKind::Ct => &["lxc_ct_create"],
        GuestKind::Either => &["qemu_vm_create", "lxc_ct_create"],
    }
}

/// A lowercased query's words as written: runs of letters and digits ("VM 100's" → `vm`, `100`,
/// `s`), before any synonym or stop word; the rules below read these.
pub(super) fn plain_words(lower: &str) -> Vec<&str> {
    lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect()
}

/// Whether a query says all or every ("shut down all guests", "every VM on pve1").
pub(super) fn says_all(query: &str) -> bool {
    plain_words(&query.to_ascii_lowercase()).iter().any(|w| ["all", "every", "everything"].contains(w))
}

/// Whether a read asks for many things: "list ...", "which ...", "all", or a plural ("tasks").
pub(super) fn asks_for_many(query: &str) -> bool {
    plain_words(&query.to_ascii_lowercase()).into_iter().any(|w| {
        ["list", "which", "all", "every"].contains(&w)
            || (w.len() > 3
                && w.ends_with('s')
                && !w.ends_with("ss")
                && !w.ends_with("us")
                && !w.ends_with("is")
                && pve_index().position(text::canonical(w).as_str()).is_some()
                && text::canonical(w) != w)
    })
}

/// Whether a query carries a name: a word that is not a node's name (`pve1`), not a number, and not
/// in the index (`prod`, `eno1`, `bob`); or a user/token id (`bob@pve`).
pub(super) fn names_something(query: &str) -> bool {
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

/// PVE's index: the words the schema knows (a query's words are PVE's vocabulary).
fn pve_index() -> &'static super::index::Index {
    super::index::Index::of(crate::pve::product::Product::Pve)
}

/// Whether a query word has a search word the schema does not know.
pub(super) fn unknown(word: &str) -> bool {
    // Words only phrasings have (`bob`, `nextcloud`) are examples of names, not the schema's words.
    text::words(word)
        .iter()
        .any(|w| pve_index().position(w.as_str()).is_none() || pve_index().phrasing_only(w.as_str()))
}

/// Words after which a name is a new one or a target, not what the query is about.
pub(super) const NEW_NAME: &[&str] = &["to", "called", "named", "as", "into"];

/// Words after which a query names one thing of that kind ("pool prod", "group ops").
pub(super) const KINDS: &[&str] = &[
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
