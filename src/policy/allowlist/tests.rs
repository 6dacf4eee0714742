//! The allowlists' checks and listing filters, one behaviour per test.
use super::forms::*;
use super::*;
use crate::tools::arguments::Arguments;
use crate::tools::registry;
use serde_json::json;

fn list() -> Allowlist {
    Allowlist::parse(Some("pve1"), Some("100-199,300")).unwrap()
}

/// Checks a call the way `call::call` does: build the request, then check.
fn check(tool: &str, v: Value) -> Result<(), NotAllowed> {
    let tool = registry::find(tool).unwrap();
    let args = v.as_object().unwrap().clone();
    let request = (tool.build)(&mut Arguments::new(args.clone())).expect("valid arguments");
    list().check(tool, &args, &request)
}

fn refused(tool: &str, v: Value) -> NotAllowed {
    check(tool, v).expect_err("should be refused")
}

#[test]
fn ranges_and_single_ids_parse() {
    let l = list();
    assert!(l.vmid_allowed(150) && l.vmid_allowed(300));
    assert!(!l.vmid_allowed(200));
    assert!(Allowlist::parse(None, Some("1-x")).unwrap_err().to_string().starts_with("PVE_VMID_ALLOWLIST"));
}

#[test]
fn path_and_target_arguments_are_checked() {
    assert!(check("qemu_vm_migrate", json!({"node": "pve1", "vmid": 100, "target": "pve1"})).is_ok());
    let e = refused("qemu_vm_migrate", json!({"node": "pve1", "vmid": 100, "target": "pve2"}));
    assert_eq!((e.argument.as_str(), e.value.as_str()), ("target", "pve2"));
    assert!(check("qemu_vm_clone", json!({"node": "pve1", "vmid": 100, "newid": 250})).is_err());
}

#[test]
fn guest_lists_are_checked_item_by_item() {
    assert!(check("node_vzdump", json!({"node": "pve1", "vmid": "100,101"})).is_ok());
    assert!(check("node_vzdump", json!({"node": "pve1", "vmid": "100,250"})).is_err());
    assert!(check("node_vzdump", json!({"node": "pve1", "all": true})).is_err());
}

#[test]
fn ha_resource_ids_name_guests() {
    assert!(check("ha_resources_get", json!({"sid": "vm:100"})).is_ok());
    assert!(check("ha_resources_get", json!({"sid": "ct:200"})).is_err());
    let mut data = json!([{"sid": "vm:100"}, {"sid": "ct:200"}]);
    list().filter(registry::find("ha_resources_list").unwrap(), &mut data);
    assert_eq!(data, json!([{"sid": "vm:100"}]));
}

#[test]
fn volume_ids_name_their_guests() {
    let cases = [
        ("vm-101-disk-0", vec![101]),
        ("local-lvm:vm-101-disk-0", vec![101]),
        ("local-lvm:base-100-disk-0/vm-101-disk-1", vec![100, 101]),
        ("local-zfs:subvol-250-disk-0", vec![250]),
        ("local:101/vm-101-disk-0.qcow2", vec![101]),
        ("local:backup/vzdump-qemu-101-2025_01_01-00_00_00.vma.zst", vec![101]),
        ("vzdump-lxc-0250-2025_01_01-00_00_00.tar.zst", vec![250]),
        ("pbs:backup/vm/101/2025-01-01T00:00:00Z", vec![101]),
        ("/var/lib/vz/images/101/vm-101-disk-0.raw", vec![101]),
        ("local:iso/debian-12.iso", vec![]),
        ("local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", vec![]),
        ("local:snippets/hook-100.sh", vec![]),
    ];
    for (volume, ids) in cases {
        assert_eq!(volume_guests(volume), Some(ids), "{volume}");
    }
    assert_eq!(volume_guests("vm-99999999999999999999999-disk-0"), None);
}

#[test]
fn property_strings_are_read_by_key_and_default_key() {
    let keys = &["file", "import-from"][..];
    assert_eq!(property_values("local:vm-1-disk-0,size=4G", keys, true), ["local:vm-1-disk-0"]);
    assert_eq!(property_values("size=4G,file=a:vm-1-disk-0", keys, true), ["a:vm-1-disk-0"]);
    assert_eq!(property_values("local:0,import-from=\"x:vm-2-disk-0\"", keys, true), ["local:0", "x:vm-2-disk-0"]);
    assert!(property_values("virtio,bridge=vmbr0", &["node"], false).is_empty());
}

#[test]
fn replication_job_and_task_ids_name_their_guest() {
    assert_eq!(replication_guest("101-0"), Some(101));
    assert_eq!(replication_guest("101"), None);
    let upid = "UPID:pve2:0000ABCD:01234567:65A0B1C2:qmstart:101:root@pam:";
    assert_eq!(task_names(upid), Some(("pve2".into(), vec![101])));
    let upid = "UPID:pve1:0000ABCD:01234567:65A0B1C2:imgdel:local-lvm:vm-250-disk-0:root@pam:";
    assert_eq!(task_names(upid), Some(("pve1".into(), vec![250])));
    let upid = "UPID:pve1:0000ABCD:01234567:65A0B1C2:aptupdate::root@pam:";
    assert_eq!(task_names(upid), Some(("pve1".into(), vec![])));
}

#[test]
fn a_disk_of_another_guest_is_refused() {
    let e = refused("qemu_vm_config_update", json!({"node": "pve1", "vmid": 100, "scsi1": "local-lvm:vm-250-disk-0"}));
    assert_eq!((e.argument.as_str(), e.value.as_str()), ("scsi1", "250"));
    assert!(e.to_string().contains("local-lvm:vm-250-disk-0"), "{e}");
    let e = refused(
        "qemu_vm_config_update",
        json!({"node": "pve1", "vmid": 100, "scsi1": {"file": "local-lvm:0", "import-from": "local-lvm:vm-250-disk-0"}}),
    );
    assert_eq!(e.value, "250");
    assert!(
        check("qemu_vm_config_update", json!({"node": "pve1", "vmid": 100, "scsi1": "local-lvm:vm-100-disk-1"}))
            .is_ok()
    );
}

#[test]
fn an_empty_or_missing_guest_list_means_all_and_is_refused() {
    for args in [json!({"node": "pve1"}), json!({"node": "pve1", "vms": null}), json!({"node": "pve1", "vms": ""})] {
        let e = refused("node_stopall", args);
        assert_eq!(e.argument, "vms");
        assert!(matches!(&e.reason, Reason::AllGuests { list } if list == "vms"), "{e}");
    }
    assert!(refused("cluster_bulk_action_guest_start", json!({"vms": []})).to_string().contains("is empty"));
    assert_eq!(refused("node_vzdump", json!({"node": "pve1", "vmid": "100", "pool": "lab"})).argument, "pool");
    assert!(check("node_vzdump", json!({"node": "pve1", "vmid": "100", "all": false})).is_ok());
    assert!(check("cluster_backup_update", json!({"id": "job1", "enabled": true})).is_ok());
}

#[test]
fn acl_paths_name_guests_and_nodes() {
    let acl = |path: &str| check("access_acl_update", json!({"path": path, "roles": "PVEAuditor", "users": "a@pve"}));
    assert!(acl("/vms/100").is_ok());
    assert!(acl("/storage/local").is_ok());
    assert_eq!(acl("/vms/250").unwrap_err().value, "250");
    assert_eq!(acl("/nodes/pve2").unwrap_err().value, "pve2");
    for every in ["/", "/vms", "/vms/", "/pool/lab"] {
        let e = acl(every).unwrap_err();
        assert!(e.to_string().contains("covers every guest"), "{every}: {e}");
    }
}

#[test]
fn without_a_vmid_allowlist_all_guests_is_fine() {
    let tool = registry::find("node_stopall").unwrap();
    let args = json!({"node": "pve1"}).as_object().unwrap().clone();
    let request = (tool.build)(&mut Arguments::new(args.clone())).unwrap();
    assert!(Allowlist::parse(Some("pve1"), None).unwrap().check(tool, &args, &request).is_ok());
}

#[test]
fn listings_leave_out_what_is_not_allowed() {
    let resources = registry::find("cluster_resources_list").unwrap();
    let mut data = json!([{"vmid": 100, "node": "pve1"}, {"vmid": 200, "node": "pve1"}, {"vmid": 101, "node": "pve2"}, {"storage": "local"}]);
    list().filter(resources, &mut data);
    assert_eq!(data, json!([{"vmid": 100, "node": "pve1"}, {"storage": "local"}]));
}

#[test]
fn listing_fields_name_volumes_tasks_jobs_and_members() {
    let l = list();
    let tool = |n| registry::find(n).unwrap();
    let mut content = json!([{"volid": "local:backup/vzdump-qemu-250-x.vma"}, {"volid": "local:iso/a.iso"}]);
    l.filter(tool("node_storage_content_list"), &mut content);
    assert_eq!(content, json!([{"volid": "local:iso/a.iso"}]));
    let mut jobs = json!([{"id": "250-0"}, {"id": "100-0", "target": "pve2"}, {"id": "100-1", "target": "pve1"}]);
    l.filter(tool("replication_list"), &mut jobs);
    assert_eq!(jobs, json!([{"id": "100-1", "target": "pve1"}]));
    let mut pool = json!({"members": [{"vmid": 100, "node": "pve1"}, {"vmid": 250, "node": "pve1"}]});
    l.filter(tool("pools_get"), &mut pool);
    assert_eq!(pool, json!({"members": [{"vmid": 100, "node": "pve1"}]}));
    let mut status = json!([{"type": "cluster", "name": "c"}, {"type": "node", "name": "pve2"}]);
    l.filter(tool("cluster_status_list"), &mut status);
    assert_eq!(status, json!([{"type": "cluster", "name": "c"}]));
}
