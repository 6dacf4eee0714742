//! Words for search: the one tokenizer shared by the search index (built by pve-mcp-codegen, at
//! compile time) and the server's query side, so both read text the same way.
//!
//! Text is lowercased, split on anything not a letter or digit, stripped of stop words and bare
//! numbers, lightly stemmed (`snapshots` → `snapshot`, `policies` → `policy`) and mapped onto one
//! word per synonym group (`container`, `ct`, `lxc` → `ct`; `destroy`, `remove` → `delete`).

pub mod vocabulary;

pub use vocabulary::Vocabulary;

/// Words that carry no meaning for finding a tool.
const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "to",
    "in",
    "on",
    "for",
    "and",
    "or",
    "with",
    "without",
    "is",
    "are",
    "be",
    "it",
    "its",
    "this",
    "that",
    "there",
    "their",
    "my",
    "our",
    "me",
    "i",
    "we",
    "you",
    "please",
    "from",
    "by",
    "at",
    "as",
    "do",
    "does",
    "can",
    "how",
    "what",
    "which",
    "who",
    "into",
    "onto",
    "some",
    "any",
    "each",
    "every",
    "should",
    "would",
    "will",
    "want",
    "need",
    "let",
    "via",
    "using",
    "use",
    "given",
    "specified",
    "specific",
    "also",
    "if",
    "then",
    "else",
    "not",
    "no",
    "have",
    "has",
    "been",
    "was",
    "were",
    "only",
    "one",
    "so",
    "than",
    "them",
    "they",
    "these",
    "those",
    "about",
    "up",
    "out",
    "over",
    "under",
    "like",
    "just",
    "e",
    "g",
    "eg",
    "ie",
    "etc",
    "all",
    "another",
    "other",
    "now",
    "gracefully",
    "available",
    // Fillers of speech: "at the moment", "right now", "is it actually on", "still running".
    "moment",
    "currently",
    "actually",
    "really",
    "exactly",
    "still",
    "right",
    "anything",
    "something",
    "somehow",
    "maybe",
    "probably",
    "hey",
    "ok",
    "okay",
    "thanks",
    // What is left of contractions once split at the apostrophe ("won't", "what's", "I'd").
    "s",
    "t",
    "d",
    "ll",
    "ve",
    "re",
    "m",
    "don",
    "won",
    "isn",
    "aren",
    "doesn",
    "didn",
    "wasn",
    "couldn",
    "shouldn",
];

/// Whether a word is a stop word (a set made once: this runs for every word of every query).
fn is_stop(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOP.iter().copied().collect()).contains(word)
}

/// Phrases read as one word before splitting.
const PHRASES: &[(&str, &str)] = &[
    ("shut down", "shutdown"),
    ("shutting down", "shutdown"),
    ("power off", "poweroff"),
    ("power on", "poweron"),
    ("ip set", "ipset"),
    ("guest agent", "agent"),
    ("high availability", "ha"),
    ("highly available", "ha"),
    // A rate is not a size ("200 MB/s" is a disk's `mbps` limit).
    ("kb/s", "kbps"),
    ("mb/s", "mbps"),
    ("gb/s", "gbps"),
    ("bring back", "restore"),
    ("software-defined networking", "sdn"),
    ("software defined networking", "sdn"),
    ("software-defined network", "sdn"),
    ("power down", "shutdown"),
    // Turning a thing on is enabling it, or starting it when it is a guest or a service.
    ("turn on", "enable start"),
    ("switch on", "enable start"),
    ("turn off", "enable shutdown"),
    ("switch off", "enable shutdown"),
    // "Is the firewall switched on?" asks whether it is enabled.
    ("turned on", "enable"),
    ("switched on", "enable"),
    ("turned off", "enable"),
    ("switched off", "enable"),
    // A guest's number is its `vmid`, however it is named.
    ("vm id", "vmid"),
    ("vm ids", "vmids"),
    ("guest id", "vmid"),
    ("guest ids", "vmids"),
    ("root filesystem", "rootfs"),
    ("root disk", "rootfs disk"),
    ("ip address", "address"),
    ("cloud-init", "cloudinit"),
    // Product names as PVE's types name them (realm type `ad`, storage type `pbs`).
    ("active directory", "ad"),
    ("proxmox backup server", "pbs"),
];

/// Synonym groups: every word on the right stands for the word on the left.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("vm", &["vm", "qemu", "kvm", "virtual", "machine"]),
    ("ct", &["ct", "lxc", "container"]),
    ("delete", &["delete", "destroy", "remove", "purge", "erase", "del", "unregister"]),
    ("create", &["create", "add", "new", "make", "take", "allocate", "generate", "register", "provision", "define"]),
    (
        "show",
        &[
            "show", "list", "get", "read", "view", "display", "see", "find", "lookup", "index", "query", "fetch",
            "inspect", "check", "retrieve", "current",
        ],
    ),
    (
        "update",
        &[
            "update",
            "change",
            "set",
            "modify",
            "edit",
            "configure",
            "alter",
            "adjust",
            "tweak",
            "bump",
            "raise",
            "increase",
            "decrease",
            "lower",
            "reduce",
        ],
    ),
    ("start", &["start", "boot", "launch", "resume", "poweron", "wake"]),
    ("stop", &["stop", "halt", "kill", "terminate", "abort"]),
    ("shutdown", &["shutdown", "poweroff", "shut"]),
    ("reboot", &["reboot", "restart"]),
    ("restore", &["restore", "restored", "recover", "recovered"]),
    ("snapshot", &["snapshot", "snap", "checkpoint", "snapname"]),
    ("backup", &["backup", "vzdump", "archive"]),
    ("disk", &["disk", "volume", "drive", "vol", "volid", "hdd", "ssd", "scsi", "virtio", "sata", "ide"]),
    ("migrate", &["migrate", "migration", "move", "transfer", "relocate"]),
    ("clone", &["clone", "copy", "duplicate"]),
    ("resize", &["resize", "grow", "extend", "enlarge", "expand", "shrink"]),
    ("console", &["console", "vnc", "terminal", "shell", "spice", "termproxy"]),
    ("status", &["status", "state", "running", "health", "alive"]),
    ("config", &["config", "configuration", "configured", "settings", "setting", "options", "option", "parameters"]),
    ("node", &["node", "host", "server", "hypervisor"]),
    ("storage", &["storage", "datastore", "store"]),
    ("user", &["user", "account", "userid"]),
    ("acl", &["acl", "permission", "permissions", "privilege", "privileges"]),
    ("task", &["task", "upid", "worker", "operation"]),
    ("log", &["log", "logs", "syslog", "journal", "journald"]),
    (
        "network",
        &[
            "network",
            "net",
            "nic",
            "interface",
            "interfaces",
            "iface",
            "bridge",
            "vmbr",
            "vlan",
            "bond",
            "ip",
            "address",
            "addresses",
            "addr",
            "ipv4",
            "ipv6",
        ],
    ),
    ("memory", &["memory", "ram", "mem", "balloon"]),
    ("cpu", &["cpu", "core", "cores", "processor", "vcpu", "sockets", "socket"]),
    (
        "statistic",
        &[
            "statistic",
            "stats",
            "usage",
            "performance",
            "graph",
            "metric",
            "rrd",
            "rrddata",
            "load",
            "utilization",
            "history",
        ],
    ),
    ("certificate", &["certificate", "cert", "certs", "ssl", "tls", "acme", "letsencrypt"]),
    ("apt", &["apt", "package", "upgrade", "upgrades", "updates"]),
    ("time", &["time", "timezone", "clock", "ntp"]),
    ("allow", &["allow", "open", "permit", "accept", "unblock", "expose"]),
    ("block", &["block", "deny", "reject", "close", "forbid", "ban"]),
    ("port", &["port", "dport", "sport", "ssh", "http", "https", "rdp"]),
    ("rule", &["rule", "rules", "pos"]),
    ("ipset", &["ipset", "cidr"]),
    ("ha", &["ha", "availability", "failover"]),
    ("template", &["template", "templates", "aplinfo", "appliance"]),
    ("content", &["content", "iso", "image", "images", "ostemplate", "file", "files"]),
    ("agent", &["agent", "guest-agent", "qga", "exec", "inside"]),
    ("pool", &["pool", "pools", "poolid"]),
    ("group", &["group", "groups", "groupid"]),
    ("token", &["token", "tokens", "apitoken", "tokenid"]),
    ("password", &["password", "passwd", "secret"]),
    ("service", &["service", "services", "daemon", "systemd"]),
    ("subscription", &["subscription", "license"]),
    ("notification", &["notification", "notifications", "alert", "alerts", "alerting"]),
    ("replication", &["replication", "replicate", "replica"]),
    ("lock", &["lock", "locked", "unlock"]),
    ("tag", &["tag", "tags", "label", "labels"]),
    ("cloudinit", &["cloudinit", "cloud-init", "cicustom", "ciuser"]),
    // PCI and USB are different devices with different mappings: never one word.
    ("pci", &["pci", "pcie", "gpu", "gpus", "hostpci"]),
    ("dns", &["dns", "resolver", "nameserver"]),
    ("version", &["version", "release"]),
    ("resource", &["resource", "resources", "inventory", "everything"]),
    ("job", &["job", "jobs", "schedule", "scheduled", "cron"]),
    ("guest", &["guest", "guests"]),
    ("cluster", &["cluster", "datacenter"]),
];

/// Verbs whose particle may stand after their object ("power VM 120 on", "shut it down"): the
/// particle is moved next to its verb so that [`PHRASES`] read the pair as one word.
const SEPARABLE: &[(&str, &[&str])] = &[
    ("power", &["on", "off"]),
    ("shut", &["down"]),
    ("shutting", &["down"]),
    ("bring", &["back"]),
    ("turn", &["on", "off"]),
    ("switch", &["on", "off"]),
    ("turned", &["on", "off"]),
    ("switched", &["on", "off"]),
];

/// Particles: after a separable verb, each makes a verb of its own ("power down").
const PARTICLES: &[&str] = &["on", "off", "up", "down", "back", "out", "over"];

/// How many words may stand between a separable verb and its particle.
const SEPARATED_BY: usize = 3;

/// Moves a separated particle back to its verb: "power vm 120 on" → "power on vm 120".
fn join_particles(text: &str) -> String {
    let mut tokens: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        // A verb followed at once by a particle ("power down every guest on every node") has its own.
        let next_is_particle = tokens.get(i + 1).is_some_and(|t| PARTICLES.contains(&bare(t)));
        if let Some((_, particles)) = SEPARABLE.iter().find(|(verb, _)| *verb == bare(tokens[i]))
            && !next_is_particle
        {
            let end = tokens.len().min(i + 2 + SEPARATED_BY);
            if let Some(j) = (i + 2..end).find(|&j| particles.contains(&bare(tokens[j]))) {
                let particle = tokens.remove(j);
                tokens.insert(i + 1, particle);
            }
        }
        i += 1;
    }
    tokens.join(" ")
}

/// A token without the punctuation around it: `"(vm` and `it,` are `vm` and `it`.
pub fn bare(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_ascii_alphanumeric())
}

/// The search words of a text, in order (duplicates kept: they count), with the operator
/// vocabulary's phrases rewritten to their PVE terms.
pub fn words(text: &str, vocabulary: &Vocabulary<'_>) -> Vec<String> {
    let mut text = join_particles(&text.to_ascii_lowercase());
    for (phrase, word) in PHRASES {
        if text.contains(phrase) {
            text = replace_whole(&text, phrase, word);
        }
    }
    let raw: Vec<String> =
        text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    let mut out = Vec::new();
    for lower in vocabulary.rewrite(raw) {
        if is_size(&lower) {
            out.push("size".to_owned());
            continue;
        }
        if lower.chars().all(|c| c.is_ascii_digit()) || is_stop(&lower) {
            continue;
        }
        out.push(canonical(&lower));
    }
    out
}

/// `text` with each whole-word `phrase` replaced by `word`: "vm id" is `vmid`, but "kvm id" and
/// "vm identity" keep their words.
fn replace_whole(text: &str, phrase: &str, word: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(phrase) {
        let end = at + phrase.len();
        out.push_str(&rest[..at]);
        let before = out.chars().next_back();
        let after = rest[end..].chars().next();
        let whole =
            !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric());
        out.push_str(if whole { word } else { phrase });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Units of size, alone ("8 GB") or after a number ("50G", "512mb").
const SIZE_UNITS: &[&str] =
    &["k", "m", "g", "t", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "gig", "gigs", "gigabyte", "gigabytes"];

/// Whether a word is a size: "50g", "4gb", or a unit of size alone ("gb", not a bare "g" or "m").
fn is_size(word: &str) -> bool {
    let unit = word.trim_start_matches(|c: char| c.is_ascii_digit());
    SIZE_UNITS.contains(&unit) && (unit.len() > 1 || unit.len() < word.len())
}

/// One word's canonical form: synonym group first, then a light stem, then the group again.
pub fn canonical(word: &str) -> String {
    if let Some(c) = group(word) {
        return c.to_owned();
    }
    let stem = stem(word);
    match group(&stem) {
        Some(c) => c.to_owned(),
        None => stem,
    }
}

fn group(word: &str) -> Option<&'static str> {
    // A map made once: this runs for every word of every query.
    static GROUPS: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    let groups = GROUPS.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        for (canonical, words) in SYNONYMS.iter().rev() {
            for word in *words {
                map.insert(*word, *canonical);
            }
        }
        map
    });
    groups.get(word).copied()
}

fn stem(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    // boxes, addresses, switches, flushes: the plural adds "es" to these endings.
    if ["xes", "sses", "shes", "tches"].iter().any(|end| word.len() > end.len() + 1 && word.ends_with(end)) {
        return word[..word.len() - 2].to_owned();
    }
    if word.len() >= 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is")
    {
        return word[..word.len() - 1].to_owned();
    }
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of a text without a vocabulary: these rules are the tokenizer's own.
    fn words(text: &str) -> Vec<String> {
        super::words(text, &Vocabulary::default())
    }

    #[test]
    fn synonyms_meet_in_one_word() {
        assert_eq!(words("Remove the container"), ["delete", "ct"]);
        assert_eq!(words("destroy VMs"), ["delete", "vm"]);
        assert_eq!(words("snapshots of VM 100"), ["snapshot", "vm"]);
    }

    #[test]
    fn a_particle_after_the_object_is_read_with_its_verb() {
        assert_eq!(words("power VM 120 on"), ["start", "vm"]);
        assert_eq!(words("shut container 200 down"), ["shutdown", "ct"]);
        assert_eq!(words("power down every guest on every node"), ["shutdown", "guest", "node"]);
        assert_eq!(words("power the backup server off"), ["shutdown", "backup", "node"]);
    }

    #[test]
    fn what_is_left_of_a_contraction_is_not_a_word() {
        assert_eq!(words("VM 100 won't start"), ["vm", "start"]);
        assert_eq!(words("what's the node's uptime"), ["node", "uptime"]);
    }

    #[test]
    fn a_size_is_the_word_size() {
        assert_eq!(words("add another 50G to scsi0"), ["create", "size", "scsi0"]);
        assert_eq!(words("raise its memory to 4 GB"), ["update", "memory", "size"]);
        assert_eq!(words("e.g. a VM"), ["vm"]);
    }

    #[test]
    fn plurals_are_stemmed_and_numbers_dropped() {
        assert_eq!(words("policies 42 tasks"), ["policy", "task"]);
        assert_eq!(words("status"), ["status"]);
        assert_eq!(words("boxes flushes patches"), ["box", "flush", "patch"]);
    }

    #[test]
    fn a_guest_id_is_a_vmid() {
        assert_eq!(words("lowest VM ID"), ["lowest", "vmid"]);
        assert_eq!(words("unused guest IDs"), ["unused", "vmid"]);
    }

    #[test]
    fn a_phrase_is_read_only_as_whole_words() {
        assert_eq!(words("kvm id"), ["vm", "id"]);
        assert_eq!(words("guest idle time"), ["guest", "idle", "time"]);
    }
}
