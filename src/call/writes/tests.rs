//! Merged writes: reading property strings, merging keys, the plan and its checks.

use super::*;
use crate::tools::arguments::TextRule;

const TEXT: Rule = Rule::Text(TextRule { min_length: None, max_length: None, pattern: None });
const NET: &[SubKey] = &[
    SubKey { key: "model", rule: Rule::Enum(&["virtio", "e1000"]), optional: false, default_key: true, alias_of: None },
    SubKey { key: "macaddr", rule: TEXT, optional: true, default_key: false, alias_of: None },
    SubKey { key: "bridge", rule: TEXT, optional: true, default_key: false, alias_of: None },
    SubKey { key: "firewall", rule: Rule::Boolean, optional: true, default_key: false, alias_of: None },
    SubKey { key: "virtio", rule: TEXT, optional: true, default_key: false, alias_of: Some("macaddr") },
    SubKey { key: "e1000", rule: TEXT, optional: true, default_key: false, alias_of: Some("macaddr") },
];

/// `agent` as 9.1+ defines it: `freeze-fs-on-backup` is a plain alias of `freeze-fs` (a key of
/// its own up to 8.x).
const AGENT: &[SubKey] = &[
    SubKey { key: "enabled", rule: Rule::Boolean, optional: false, default_key: true, alias_of: None },
    SubKey { key: "freeze-fs", rule: Rule::Boolean, optional: true, default_key: false, alias_of: None },
    SubKey {
        key: "freeze-fs-on-backup",
        rule: Rule::Boolean,
        optional: true,
        default_key: false,
        alias_of: Some("freeze-fs"),
    },
    SubKey { key: "type", rule: Rule::Enum(&["virtio", "isa"]), optional: true, default_key: false, alias_of: None },
];

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn a_plain_alias_reads_as_written() {
    let pairs = property_pairs("1,freeze-fs-on-backup=0", AGENT);
    assert_eq!(pairs, [("enabled".into(), "1".into()), ("freeze-fs-on-backup".into(), "0".into())]);
}

#[test]
fn a_merge_keeps_a_plain_alias_as_written() {
    let merged = merge(Some("1,freeze-fs-on-backup=0"), AGENT, &obj(json!({"type": "virtio"})));
    assert_eq!(merged, "1,freeze-fs-on-backup=0,type=virtio");
}

#[test]
fn a_key_given_replaces_its_plain_alias_under_the_name_given() {
    let merged = merge(Some("1,freeze-fs-on-backup=0"), AGENT, &obj(json!({"freeze-fs": true})));
    assert_eq!(merged, "1,freeze-fs=1");
    let merged = merge(Some("1,freeze-fs=1"), AGENT, &obj(json!({"freeze-fs-on-backup": false})));
    assert_eq!(merged, "1,freeze-fs-on-backup=0");
    assert_eq!(merge(Some("1,freeze-fs=1"), AGENT, &obj(json!({"freeze-fs-on-backup": null}))), "1");
}

#[test]
fn a_key_alias_given_sets_its_target() {
    let merged = merge(Some("virtio=BC:24:11:00:00:01"), NET, &obj(json!({"virtio": "BC:24:11:00:00:02"})));
    assert_eq!(merged, "virtio,macaddr=BC:24:11:00:00:02");
}

#[test]
fn a_key_alias_given_sets_the_model_it_names() {
    let merged = merge(Some("e1000=BC:24:11:00:00:01,bridge=vmbr0"), NET, &obj(json!({"virtio": "BC:24:11:00:00:02"})));
    assert_eq!(merged, "virtio,macaddr=BC:24:11:00:00:02,bridge=vmbr0");
    assert_eq!(merge(None, NET, &obj(json!({"virtio": "BC:24:11:00:00:03"}))), "virtio,macaddr=BC:24:11:00:00:03");
}

#[test]
fn the_alias_form_reads_as_model_and_mac() {
    let pairs = property_pairs("virtio=BC:24:11:00:00:01,bridge=vmbr0", NET);
    assert_eq!(
        pairs,
        [
            ("model".into(), "virtio".into()),
            ("macaddr".into(), "BC:24:11:00:00:01".into()),
            ("bridge".into(), "vmbr0".into())
        ]
    );
}

#[test]
fn a_merge_keeps_what_was_not_given_and_drops_nulls() {
    let merged = merge(
        Some("virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1"),
        NET,
        &obj(json!({"bridge": "vmbr1", "firewall": null})),
    );
    assert_eq!(merged, "virtio,macaddr=BC:24:11:00:00:01,bridge=vmbr1");
}

#[test]
fn a_new_entry_is_the_object_alone() {
    assert_eq!(merge(None, NET, &obj(json!({"model": "e1000", "firewall": true}))), "e1000,firewall=1");
}

#[test]
fn unknown_sub_keys_are_named() {
    let e = check_given("net0", NET, &obj(json!({"colour": "red", "firewall": "maybe"})));
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["net0.colour", "net0.firewall"]);
}

#[test]
fn a_null_becomes_a_delete_only_where_delete_is_a_list_of_settings() {
    let vm = registry::find("qemu_vm_config_update").unwrap();
    let mut args = obj(json!({"node": "pve1", "vmid": 100, "vcpus": null, "digest": null}));
    let plan = prepare(vm, &mut args).unwrap();
    assert_eq!(plan.deletes, ["vcpus"]);
    // `PUT /access/acl` has a boolean `delete` ("remove instead of add"): a null stays "not given".
    let acl = registry::find("access_acl_update").unwrap();
    let mut args = obj(json!({"path": "/", "roles": "PVEAuditor", "propagate": null}));
    assert!(prepare(acl, &mut args).unwrap().deletes.is_empty());
}

#[test]
fn a_null_for_no_such_setting_is_refused() {
    let vm = registry::find("qemu_vm_config_update").unwrap();
    let e = prepare(vm, &mut obj(json!({"node": "pve1", "vmid": 100, "colour": null}))).unwrap_err();
    assert_eq!(e[0].field, "colour");
}

#[test]
fn config_reads_give_property_strings_as_objects() {
    let read = registry::find("qemu_vm_config_get").unwrap();
    let objects =
        property_objects(read, &json!({"net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0", "memory": "2048"})).unwrap();
    assert_eq!(objects, json!({"net0": {"model": "virtio", "macaddr": "BC:24:11:00:00:01", "bridge": "vmbr0"}}));
}

#[test]
fn pending_entries_of_the_keys_written_read_as_before_and_after() {
    let list = json!([
        {"key": "cores", "value": 2, "pending": 4},
        {"key": "memory", "value": "2048", "pending": "4096"},
        {"key": "balloon", "value": 512, "delete": 1},
        {"key": "name", "value": "web"}
    ]);
    let p = pending_of(&list, &["cores", "balloon", "name"]);
    assert_eq!(
        Value::Object(p),
        json!({"cores": {"before": 2, "after": 4}, "balloon": {"before": 512, "after": null}})
    );
}

#[test]
fn stale_digest_refusals_are_recognised() {
    assert!(is_digest_refusal("detected modified configuration - file changed by other user? Try again."));
    assert!(is_digest_refusal("checksum mismatch (file change by other user?)"));
    assert!(!is_digest_refusal("VM 100 is locked (backup)"));
}
