//! The operator vocabulary: words people use for what PVE calls something else.
//!
//! Each entry maps an operator's phrase (one or more whole words) to the PVE terms it means, the
//! words the schema uses in names, summaries, parameters or returned fields (`free space` → `avail`,
//! `quorate`, `hard stop` → `stop`). The tokenizer ([`super`]) rewrites a phrase to its terms in
//! every text it reads, the schema at build time (so the terms are in the generated index) and the
//! query, so both sides meet on PVE's words.
//!
//! Phrases match whole words only, in order, so a word never fires inside another phrase
//! (`rights` is not a word here: "right now" is not about ACLs; `access rights` is).
//! Each entry carries an example query and the tool it must find in the top 3; `tests/search_vocabulary.rs`
//! checks every one. Review a new entry by its example.

/// One vocabulary entry.
pub struct Entry {
    /// The operator's words, lowercase, space separated.
    pub phrase: &'static str,
    /// The PVE terms they stand for, space separated.
    pub terms: &'static str,
    /// A query using the phrase ... (read by `tests/search_vocabulary.rs`)
    #[allow(dead_code)]
    pub example: &'static str,
    /// ... and the tool(s, space separated) it finds among the top 3.
    #[allow(dead_code)]
    pub finds: &'static str,
}

const fn e(phrase: &'static str, terms: &'static str, example: &'static str, finds: &'static str) -> Entry {
    Entry { phrase, terms, example, finds }
}

/// The vocabulary, longest phrases first where they overlap.
pub const VOCABULARY: &[Entry] = &[
    e("more disk space", "resize disk", "give VM 100 more disk space", "qemu_vm_resize_update"),
    e("free space", "avail", "free space on storage local", "node_storage_status_get"),
    e("disk space", "avail", "disk space left on storage nfs1", "node_storage_status_get"),
    e("load average", "loadavg", "load average of node pve1", "node_status_get"),
    e("been up", "uptime status", "how long has VM 100 been up", "qemu_vm_status_get"),
    e("been running", "uptime status", "how long has VM 100 been running", "qemu_vm_status_get"),
    e("quorate", "quorate quorum", "is the cluster quorate", "cluster_status_list"),
    e("grant", "acl", "grant a role to a user on a path", "access_acl_update"),
    e("access rights", "acl", "access rights on /vms/100", "access_acl_list"),
    e("hard stop", "stop", "hard stop VM 100", "qemu_vm_stop"),
    e("force off", "stop", "force off VM 100", "qemu_vm_stop"),
    e("pull the plug", "stop", "pull the plug on VM 100", "qemu_vm_stop"),
    e("hung", "stop", "VM 100 is hung, stop it", "qemu_vm_stop"),
    e("hard reset", "reset", "hard reset VM 100", "qemu_vm_reset"),
    e("cleanly", "shutdown", "cleanly stop VM 100", "qemu_vm_shutdown"),
    e("acpi", "shutdown", "ACPI power button for VM 100", "qemu_vm_shutdown"),
    e("hibernate", "suspend todisk", "hibernate VM 100", "qemu_vm_suspend"),
    e("start at boot", "onboot", "set container 200 to start at boot", "lxc_ct_config_update"),
    e("autostart", "onboot", "autostart VM 100", "qemu_vm_config_update qemu_vm_config_update_async"),
    e("boot order", "boot order config", "change the boot order of VM 100", "qemu_vm_config_update"),
    e(
        "network card",
        "net config",
        "set the network card of VM 100",
        "qemu_vm_config_update qemu_vm_config_update_async",
    ),
    e("cd drive", "cdrom config", "put an ISO in the CD drive of VM 100", "qemu_vm_config_update"),
    e("dvd drive", "cdrom config", "load an ISO into the DVD drive of VM 100", "qemu_vm_config_update"),
    e("in one go", "bulk", "start VMs 101, 102 and 103 in one go", "cluster_bulk_action_guest_start"),
    e("at once", "bulk", "shut down many guests at once", "cluster_bulk_action_guest_shutdown"),
    e("take effect", "apply", "make the SDN changes take effect", "sdn_update"),
    e("fail", "error", "did anything fail on node pve1 today", "node_tasks_list cluster_tasks_list"),
    e("same host", "affinity rule", "VMs 501 and 502 must never run on the same host", "ha_rules_create"),
    e("same node", "affinity rule", "keep VM 101 and 102 on the same node", "ha_rules_create"),
    e("attach", "config", "attach an ISO to VM 100", "qemu_vm_config_update"),
    e("start all", "startall", "start all guests on a node after maintenance", "node_startall"),
    e("stop all", "stopall", "stop all guests on node pve1", "node_stopall"),
    e("stop every", "stopall", "stop every VM and container on node pve2", "node_stopall"),
    e("migrate all", "migrateall", "migrate all guests away from node pve1", "node_migrateall"),
    e("evacuate", "migrateall", "evacuate node pve1", "node_migrateall"),
    e("two factor", "tfa", "two factor methods of a user", "access_tfa_get access_tfa_list access_users_tfa_get"),
    e("2fa", "tfa", "list 2FA of a user", "access_tfa_get access_tfa_list access_users_tfa_get"),
    e("refresh", "resynchronize", "refresh the package lists", "node_apt_update"),
    e("undo", "revert", "undo network changes", "node_network_revert"),
    e("finished", "exitstatus", "has the task finished", "node_tasks_status_get"),
    e("succeed", "exitstatus", "did the task succeed", "node_tasks_status_get"),
    e("failed", "error", "which tasks failed", "node_tasks_list"),
    e("disable", "enable", "disable user alice@pve", "access_users_update"),
    e("local disks", "local disk", "which local disks keep VM 100 from migrating", "qemu_vm_migrate_get"),
    e("online", "online", "which nodes are online", "cluster_status_list"),
    e("share", "storage", "status of the NFS share on node pve1", "node_storage_status_get node_storage_list"),
    e("reachable", "active", "is storage nfs1 reachable", "node_storage_status_get"),
    e("revoke", "delete", "revoke an API token", "access_users_token_delete"),
    e("detach", "unlink", "detach disk scsi1 from VM 100", "qemu_vm_unlink_update"),
    e("trim", "fstrim", "trim the filesystems of VM 100", "qemu_vm_agent_fstrim"),
    e("operating system", "osinfo", "which operating system runs in VM 100", "qemu_vm_agent_get_osinfo"),
    e("responding", "ping", "is the agent of VM 100 responding", "qemu_vm_agent_ping"),
    e("upload", "upload download url", "upload an ISO image to storage local", "node_storage_download_url"),
    e("back up", "run backup", "back up container 200 right now", "node_vzdump"),
    e("freeze", "suspend", "freeze container 200", "lxc_ct_suspend"),
    e("exit status", "exitstatus", "what is the exit status of the backup task", "node_tasks_status_get"),
    e("output of task", "log task", "what is the output of task UPID:pve1:...", "node_tasks_log_list"),
    e("expiry", "expire notafter", "show certificate expiry dates of a node", "node_certs_info_list"),
    e("os", "osinfo", "which OS is installed inside VM 100", "qemu_vm_agent_get_osinfo"),
    e("mounted", "fsinfo", "list the filesystems mounted inside VM 100", "qemu_vm_agent_get_fsinfo"),
    e("thin pool", "lvmthin", "create an LVM thin pool on a new disk", "node_disks_lvmthin_create"),
    e(
        "notify on",
        "notification matcher",
        "notify on failed backups",
        "notifications_matchers_create notifications_matchers_list notifications_matchers_get",
    ),
    e(
        "notify",
        "notification",
        "notify the admins by email",
        "notifications_endpoints_sendmail_create notifications_endpoints_smtp_create",
    ),
    e("include", "included", "which disks does a backup job include", "cluster_backup_included_volumes_get"),
    e("write", "update", "write the hosts file of node pve1", "node_hosts"),
    e(
        "not backed up",
        "notbackedup backup",
        "which guests are not backed up by any job",
        "cluster_backup_info_not_backed_up_list",
    ),
    e("no backup", "notbackedup backup", "which VMs have no backup", "cluster_backup_info_not_backed_up_list"),
    e(
        "not protected",
        "notbackedup",
        "which containers are not protected by a backup",
        "cluster_backup_info_not_backed_up_list",
    ),
];

/// The vocabulary by the first word of each phrase, in table order (longest phrases first).
fn by_first_word() -> &'static std::collections::HashMap<&'static str, Vec<&'static Entry>> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<&'static str, Vec<&'static Entry>>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: std::collections::HashMap<&'static str, Vec<&'static Entry>> = std::collections::HashMap::new();
        for entry in VOCABULARY {
            map.entry(entry.phrase.split(' ').next().unwrap_or_default()).or_default().push(entry);
        }
        map
    })
}

/// Rewrites the vocabulary's phrases in a list of lowercase words, whole words only.
pub fn rewrite(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    'next: while i < words.len() {
        // Only the entries whose phrase starts with this word (a map made once: this runs for every
        // word of every text, at query time too).
        for entry in by_first_word().get(words[i].as_str()).map(Vec::as_slice).unwrap_or_default() {
            let mut len = 0;
            if entry.phrase.split(' ').all(|p| {
                len += 1;
                words.get(i + len - 1).is_some_and(|w| w == p)
            }) {
                out.extend(entry.terms.split(' ').map(str::to_owned));
                i += len;
                continue 'next;
            }
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}
