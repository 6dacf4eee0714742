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
    // Other platforms' words (vSphere, Hyper-V, clouds, Docker) and IT slang, proposed by a helper
    // who saw only the schema, TOOLS.md and this table (never a task); each checked by its example.
    e("storage vmotion", "move disk storage", "storage vMotion the disk of VM 100 to ceph-pool", "qemu_vm_move_disk"),
    e("vmotion", "live migrate", "vMotion VM 100 to node pve2", "qemu_vm_migrate"),
    e("port group", "vnet", "create a port group for VLAN 30", "sdn_vnets_create"),
    e("distributed switch", "sdn zone", "create a distributed switch spanning all hosts", "sdn_zones_create"),
    e("virtual switch", "bridge device", "add a virtual switch to node pve1", "node_network_create"),
    e("drs", "crs", "configure DRS for the cluster", "cluster_options_update"),
    e("vmware tools", "agent", "are the VMware tools responding in VM 100", "qemu_vm_agent_ping"),
    e("integration services", "agent", "are integration services responding in VM 100", "qemu_vm_agent_ping"),
    e("remote console", "vncproxy vnc", "open a remote console to VM 100", "qemu_vm_vncproxy"),
    e("linked clone", "clone linked", "make a linked clone of template 9000", "qemu_vm_clone"),
    e("full clone", "clone full", "make a full clone of VM 100", "qemu_vm_clone"),
    e("vsan", "ceph", "vSAN health status", "ceph_status_get node_ceph_status_get"),
    e("nsx", "sdn", "apply pending NSX changes", "sdn_update"),
    e("vmware host", "esxi import", "import VM web01 from the VMware host", "node_storage_import_metadata_get"),
    e(
        "revert to snapshot",
        "rollback snapshot",
        "revert to snapshot before-upgrade on VM 100",
        "qemu_vm_snapshot_rollback",
    ),
    e("apply checkpoint", "rollback snapshot", "apply checkpoint pre-patch to VM 100", "qemu_vm_snapshot_rollback"),
    e("roll back", "rollback", "roll back VM 100 to its last snapshot", "qemu_vm_snapshot_rollback"),
    e("restore point", "snapshot", "create a restore point for VM 100", "qemu_vm_snapshot"),
    e("memory state", "vmstate", "snapshot VM 100 including its memory state", "qemu_vm_snapshot"),
    e("ram state", "vmstate", "take a snapshot of VM 100 with RAM state", "qemu_vm_snapshot"),
    e("save state", "suspend todisk", "save state of VM 100 like Hyper-V does", "qemu_vm_suspend"),
    e("golden image", "template", "turn VM 100 into a golden image", "qemu_vm_template"),
    e("base image", "template", "make VM 120 our base image", "qemu_vm_template"),
    e("ssh key", "sshkeys config", "set the SSH key of VM 100", "qemu_vm_config_update"),
    e("docker hub", "oci registry", "pull nginx from Docker Hub onto storage local", "node_storage_oci_registry_pull"),
    e("docker image", "oci image", "pull a Docker image to storage local", "node_storage_oci_registry_pull"),
    e("docker tags", "oci repo tags", "list the Docker tags of debian", "node_query_oci_repo_tags_list"),
    e("exec into", "termproxy", "exec into container 200", "lxc_ct_termproxy"),
    e("next id", "nextid", "what is the next id for a new VM", "cluster_nextid_get"),
    e("free id", "nextid", "give me a free id for a container", "cluster_nextid_get"),
    e("next vmid", "nextid", "give me the next vmid for a new container", "cluster_nextid_get"),
    e("next available vm", "nextid vmid", "next available VM number", "cluster_nextid_get"),
    e("next available vmid", "nextid vmid", "the next available VM ID", "cluster_nextid_get"),
    e("stuck task", "stop task", "kill the stuck task on node pve1", "node_tasks_delete"),
    e("ceph maintenance", "noout flag", "set ceph maintenance flags before rebooting pve3", "ceph_flags_set_many"),
    e("ceph rebalancing", "ceph norebalance flag", "pause ceph rebalancing while pve3 reboots", "ceph_flags_set_many"),
    e("graphics card", "pci", "which graphics card does node pve1 have", "node_hardware_pci_list"),
    e("video card", "pci", "list the video card of host pve2", "node_hardware_pci_list"),
    e("vgpu", "mdev", "which vGPU types can card 0000:01:00.0 offer", "node_hardware_pci_mdev_list"),
    e("mediated device", "mdev", "list mediated device types of a PCI card on pve1", "node_hardware_pci_mdev_list"),
    e("power cycle", "reset", "power cycle VM 100", "qemu_vm_reset"),
    e("hot add", "hotplug", "hot add memory to VM 100", "qemu_vm_config_update"),
    e("zap", "wipe wipedisk", "zap /dev/sdb on node pve2", "node_disks_wipedisk_update"),
    e("kernel version", "current kernel", "kernel version of node pve1", "node_status_get"),
    e("logged in on", "agent users", "who is logged in on VM 100", "qemu_vm_agent_get_users"),
    e("logged into", "agent users", "who is logged into VM 100", "qemu_vm_agent_get_users"),
    e("api key", "token", "create an API key for user ci@pve", "access_users_token_add"),
    e("mfa", "tfa", "list MFA devices of user alice@pve", "access_tfa_get access_tfa_list access_users_tfa_get"),
    e("sso", "openid", "start an SSO login against realm corp", "access_openid_auth_url access_openid_login"),
    e("grafana", "metric server", "send metrics to Grafana", "metrics_server_add"),
    e("anti affinity", "negative affinity rule", "anti-affinity rule for VMs 101 and 102", "ha_rules_create"),
    e("separate nodes", "negative affinity rule", "run VM 101 and 102 on separate nodes", "ha_rules_create"),
    e("wake on lan", "wakeonlan", "send a wake on LAN packet to node pve4", "node_wakeonlan"),
    e("quiesce", "fsfreeze freeze", "quiesce the filesystems of VM 100", "qemu_vm_agent_fsfreeze_freeze"),
    e("split brain", "quorate", "do we have a split brain in the cluster", "cluster_status_list"),
    e("eject", "cdrom config", "eject the ISO from VM 100", "qemu_vm_config_update"),
    e("ctrl alt del", "sendkey", "send ctrl-alt-del to VM 100", "qemu_vm_sendkey_update"),
    e("reclaim space", "fstrim", "reclaim space inside VM 100", "qemu_vm_agent_fstrim"),
    e("audit log", "cluster log", "show the audit log of the cluster", "cluster_log_list"),
    e("ballooning", "balloon config", "set ballooning for VM 100", "qemu_vm_config_update"),
    e("tpm", "tpmstate0 config", "configure a TPM for VM 100", "qemu_vm_config_update"),
    e("uefi", "bios efidisk0", "switch VM 100 to UEFI", "qemu_vm_config_update qemu_vm_config_update_async"),
    e("terminate instance", "delete vm", "terminate instance 100", "qemu_vm_delete"),
    e("drain", "migrateall", "drain node pve1 before patching", "node_migrateall"),
    e("bandwidth limit", "bwlimit", "migrate VM 100 to pve2 with a bandwidth limit of 100 MB/s", "qemu_vm_migrate"),
    e("cancel task", "stop task", "cancel task UPID:pve1:0001 on node pve1", "node_tasks_delete"),
    e("start order", "startup order", "set the start order of VM 100 to 2", "qemu_vm_config_update"),
    e("deletion protection", "protection config", "set deletion protection on container 200", "lxc_ct_config_update"),
    e("jumbo frames", "mtu", "set jumbo frames on bond0 of node pve1", "node_network_update"),
    e("storage pool", "storage", "add an NFS storage pool to the cluster", "storage_create"),
    // Proxmox command-line words (qm, pct, pvesm, pvecm, ha-manager, pveum ...) and GUI jargon,
    // proposed by a helper who saw only the schema, TOOLS.md and this table (never a task).
    e("qm set", "vm config update", "qm set 100 --cores 4 --memory 8192", "qemu_vm_config_update"),
    e(
        "qm importdisk",
        "vm disk config update",
        "qm importdisk 100 debian-12.qcow2 nas1",
        "qemu_vm_config_update qemu_vm_config_update_async",
    ),
    e(
        "qm disk import",
        "vm disk config update",
        "qm disk import 100 /tmp/win.vmdk nas1",
        "qemu_vm_config_update qemu_vm_config_update_async",
    ),
    e("qm terminal", "vm termproxy serial", "qm terminal 100 to reach its serial port", "qemu_vm_termproxy"),
    e("qm listsnapshot", "vm snapshot list", "qm listsnapshot 100", "qemu_vm_snapshot_list"),
    e("qm delsnapshot", "vm snapshot delete", "qm delsnapshot 100 before-upgrade", "qemu_vm_snapshot_delete"),
    e("qm unlock", "vm config lock update", "qm unlock 100", "qemu_vm_config_update qemu_vm_config_update_async"),
    e("qm guest cmd", "vm agent command", "qm guest cmd 100 get-time", "qemu_vm_agent qemu_vm_agent_get_time"),
    e("qm", "vm", "qm shutdown 100", "qemu_vm_shutdown"),
    e("qmrestore", "restore vm archive create", "qmrestore vzdump-qemu-100.vma.zst 120", "qemu_vm_create"),
    e("pct enter", "ct termproxy console", "pct enter 200", "lxc_ct_termproxy"),
    e("pct console", "ct termproxy console", "pct console 200", "lxc_ct_termproxy"),
    e("pct resize", "ct resize disk", "pct resize 200 rootfs +8G", "lxc_ct_resize_update"),
    e("pct set", "ct config update", "pct set 200 --memory 2048", "lxc_ct_config_update"),
    e("pct config", "ct config show", "pct config 200", "lxc_ct_config_get"),
    e("pct restore", "restore ct create", "pct restore 210 vzdump-lxc-200.tar.zst", "lxc_ct_create"),
    e("pct create", "ct create", "pct create 201 debian-12-standard.tar.zst", "lxc_ct_create"),
    e("pct snapshot", "ct snapshot", "pct snapshot 200 pre-upgrade", "lxc_ct_snapshot"),
    e("pct unlock", "ct config lock update", "pct unlock 200", "lxc_ct_config_update"),
    e("pvesm status", "storage status avail", "pvesm status on node pve1", "node_storage_list"),
    e(
        "pvesm alloc",
        "storage content allocate disk",
        "pvesm alloc nas1 100 vm-100-disk-2 32G",
        "node_storage_content_create",
    ),
    e("pvesm free", "storage content delete volume", "pvesm free nas1:vm-100-disk-2", "node_storage_content_delete"),
    e("pvesm list", "storage content list", "pvesm list nas1", "node_storage_content_list"),
    e("pvesm path", "storage content volume path show", "pvesm path nas1:vm-100-disk-0", "node_storage_content_get"),
    e("pvesm", "storage", "pvesm add nfs nas1 --server 10.0.0.5 --export /pve", "storage_create"),
    e("pvecm status", "cluster status quorate", "pvecm status", "cluster_status_list"),
    e("pvecm nodes", "cluster config nodes corosync", "pvecm nodes", "cluster_config_nodes_list"),
    e("pvecm add", "cluster config join", "pvecm add 10.0.0.11 to join the existing cluster", "cluster_config_join"),
    e("pvecm delnode", "cluster config nodes delete", "pvecm delnode pve3", "cluster_config_nodes_delete"),
    e("pvecm", "cluster", "pvecm create homelab", "cluster_config_create"),
    e("ha manager add", "ha resources create", "ha-manager add vm:100", "ha_resources_create"),
    e("ha manager remove", "ha resources delete", "ha-manager remove vm:100", "ha_resources_delete"),
    e("ha manager migrate", "ha resources migrate", "ha-manager migrate vm:100 pve2", "ha_resources_migrate"),
    e("ha manager config", "ha resources list", "ha-manager config", "ha_resources_list"),
    e(
        "pveum acl modify",
        "acl update",
        "pveum acl modify /vms/100 --users bob@pve --roles PVEVMUser",
        "access_acl_update",
    ),
    e("pveum aclmod", "acl update", "pveum aclmod / -group admins -role Administrator", "access_acl_update"),
    e(
        "pveum user token add",
        "user api token generate",
        "pveum user token add ci@pve deploy --privsep 0",
        "access_users_token_add",
    ),
    e("pveum useradd", "user create", "pveum useradd bob@pve", "access_users_create"),
    e("pveum", "access", "pveum role add Auditor2", "access_roles_create"),
    e("pvesr status", "replication job status", "pvesr status on node pve1", "node_replication_list"),
    e(
        "pvesr create local job",
        "replication job create",
        "pvesr create-local-job 100-0 pve2 --schedule */15",
        "replication_create",
    ),
    e("pvesr", "replication", "pvesr list", "replication_list"),
    e("pveceph", "ceph", "pveceph osd create /dev/sdb", "node_ceph_osd_create"),
    e("osd set", "ceph flag update", "ceph osd set noout", "ceph_flags_update"),
    e("ceph df", "ceph pool bytes used percent", "ceph df", "node_ceph_pool_list"),
    e(
        "pvenode cert set",
        "node certificate custom upload",
        "pvenode cert set fullchain.pem privkey.pem",
        "node_certs_custom",
    ),
    e("pvenode", "node", "pvenode cert info", "node_certs_info_list"),
    e(
        "pveam download",
        "aplinfo download appliance template",
        "pveam download local debian-12-standard_12.7-1_amd64.tar.zst",
        "node_aplinfo",
    ),
    e("pveam available", "aplinfo appliance template list", "pveam available --section system", "node_aplinfo_list"),
    e("pveam list", "storage content show", "pveam list nas1", "node_storage_content_list"),
    e("pveupgrade", "upgrade cmd console", "run pveupgrade on node pve1", "node_termproxy node_vncshell"),
    e("dist upgrade", "upgrade cmd console", "apt dist-upgrade on node pve2", "node_termproxy node_vncshell"),
    e("pveversion", "apt version package", "pveversion -v on node pve1", "node_apt_versions_list"),
    e("sources list", "apt repositories", "show the apt sources.list of node pve1", "node_apt_repositories_get"),
    e(
        "no subscription repo",
        "standard repository handle",
        "add the no-subscription repo on pve1",
        "node_apt_repositories_update",
    ),
    e("journalctl", "journal lastentries", "journalctl on node pve1", "node_journal_list"),
    e("systemctl", "service", "systemctl restart pveproxy on node pve1", "node_services_restart"),
    e("zpool create", "zfs pool create", "zpool create tank mirror /dev/sdb /dev/sdc on pve1", "node_disks_zfs_create"),
    e("pvereport", "report", "pvereport for node pve1", "node_report_get"),
    e("smartctl", "smart health disk", "smartctl on /dev/sda of node pve1", "node_disks_smart_get"),
    e("lsblk", "disks list local", "lsblk on node pve1", "node_disks_list_list"),
    e("ifreload", "network apply reload", "ifreload -a on node pve1", "node_network_apply"),
    e("novnc", "vncproxy websocket", "open a noVNC console for VM 100", "qemu_vm_vncproxy"),
    e(
        "hook script",
        "hookscript config",
        "set a hook script on VM 100",
        "qemu_vm_config_update qemu_vm_config_update_async",
    ),
    e(
        "efi disk",
        "efidisk0 config",
        "configure an EFI disk on VM 100",
        "qemu_vm_config_update qemu_vm_config_update_async",
    ),
    e("mount point", "mp mount point", "add a mount point to container 200", "lxc_ct_config_update"),
    e("bind mount", "mp mount point", "bind mount /srv/data into container 200", "lxc_ct_config_update"),
    e("datacenter cfg", "cluster options", "show datacenter.cfg", "cluster_options_get"),
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
