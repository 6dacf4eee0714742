//! The release tables and the checks and listings read from them.

use super::*;
use crate::tools::registry;
use serde_json::json;

fn args(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn a_running_version_is_served_as_the_newest_vendored_release_not_newer_of_its_major() {
    let name = |v: &str| Release::serving(v).map(|r| r.label());
    assert_eq!(name("8.4.1").as_deref(), Some("8.x"));
    assert_eq!(name("9.1.11").as_deref(), Some("9.1"));
    assert_eq!(name("9.2").as_deref(), Some("9.2"));
    assert_eq!(name("9.3.0").as_deref(), Some("9.2"));
    assert_eq!(name("9.0.5").as_deref(), Some("9.1"));
    assert_eq!(name("7.2").as_deref(), Some("7.4"));
    assert_eq!(name("10.0").as_deref(), Some("9.2"));
    assert_eq!(name("5.4").as_deref(), Some("6.4"));
    assert_eq!(name("bogus"), None);
}

#[test]
fn the_primary_release_has_every_table_tool() {
    assert_eq!(Release::primary().label(), SCHEMA_RELEASE);
    assert!(registry::all().iter().all(|t| has(t, Release::primary())));
    assert!(registry::older().iter().all(|t| !has(t, Release::primary())));
}

#[test]
fn a_tool_newer_than_the_release_is_lacking_and_names_the_first_release_with_it() {
    let t = registry::find("qemu_vm_dbus_vmstate").unwrap();
    let e = check(t, &Map::new(), Release::named("8").unwrap()).unwrap_err();
    assert_eq!(e.what, "`qemu_vm_dbus_vmstate`");
    assert_eq!(e.needs(), "needs PVE 9.1 or newer");
    assert!(check(t, &Map::new(), Release::named("9.1").unwrap()).is_ok());
}

#[test]
fn a_parameter_the_release_lacks_is_named() {
    let row = PARAM_RELEASES
        .iter()
        .find(|r| r.releases & Release::named("8").unwrap().bit() == 0 && r.releases & Release::primary().bit() != 0)
        .unwrap();
    let t = registry::find(row.tool()).unwrap();
    let e = check(t, &args(json!({ row.param(): "x" })), Release::named("8").unwrap()).unwrap_err();
    assert!(e.what.contains(row.param()) && e.releases == row.releases, "{e:?}");
}

#[test]
fn an_older_only_parameter_is_accepted_by_its_release_and_refused_by_the_primary() {
    let row = PARAM_RELEASES
        .iter()
        .find(|r| r.releases & Release::named("8").unwrap().bit() != 0 && r.releases & Release::primary().bit() == 0)
        .unwrap();
    let t = registry::find(row.tool()).unwrap();
    assert!(check(t, &args(json!({ row.param(): "x" })), Release::named("8").unwrap()).is_ok());
    let e = check(t, &args(json!({ row.param(): "x" })), Release::primary()).unwrap_err();
    assert!(e.needs().starts_with("was removed after PVE"), "{}", e.needs());
}

#[test]
fn a_property_string_key_the_release_lacks_is_named_in_either_form() {
    let t = registry::find("qemu_vm_config_update").unwrap();
    let eight = Release::named("8").unwrap();
    for machine in [json!("q35,aw-bits=39"), json!({ "type": "q35", "aw-bits": 39 })] {
        let e = check(t, &args(json!({ "machine": machine })), eight).unwrap_err();
        assert_eq!(e.what, "key `aw-bits` of parameter `machine` of `qemu_vm_config_update`");
        assert_eq!(e.needs(), "needs PVE 9.1 or newer");
    }
    assert!(check(t, &args(json!({ "machine": "q35,aw-bits=39" })), Release::primary()).is_ok());
    assert!(check(t, &args(json!({ "machine": "q35" })), eight).is_ok());
}

#[test]
fn an_older_only_property_string_key_is_accepted_by_its_release_and_refused_by_the_primary() {
    let t = registry::find("qemu_vm_config_update").unwrap();
    let scsi = args(json!({ "scsi1": "local:32,cyls=100" }));
    assert!(check(t, &scsi, Release::named("8").unwrap()).is_ok());
    let e = check(t, &scsi, Release::primary()).unwrap_err();
    assert_eq!(e.what, "key `cyls` of parameter `scsi1` of `qemu_vm_config_update`");
    assert_eq!(e.needs(), "was removed after PVE 8.x");
}

#[test]
fn a_key_an_older_release_has_that_is_an_alias_since_is_accepted_there_as_written() {
    let t = registry::find("qemu_vm_config_update").unwrap();
    let eight = Release::named("8").unwrap();
    assert!(check(t, &args(json!({ "agent": "1,freeze-fs-on-backup=0" })), eight).is_ok());
    assert!(check(t, &args(json!({ "agent": { "enabled": 1, "freeze-fs-on-backup": 0 } })), eight).is_ok());
    let e = check(t, &args(json!({ "agent": "1,freeze-fs=0" })), eight).unwrap_err();
    assert_eq!(e.needs(), "needs PVE 9.1 or newer");
    assert!(check(t, &args(json!({ "agent": "1,freeze-fs-on-backup=0" })), Release::primary()).is_ok());
}

#[test]
fn an_indexed_property_string_beside_a_flag_of_its_name_is_checked_as_itself() {
    // `numa` is a flag, `numa0` a property string: every release has the keys of `numa[n]`.
    let t = registry::find("qemu_vm_config_update").unwrap();
    for release in Release::all() {
        let given = args(json!({ "numa": 1, "numa0": "cpus=0-1,memory=1024,hostnodes=0,policy=bind" }));
        assert!(check(t, &given, release).is_ok(), "PVE {}", release.label());
    }
}

#[test]
fn a_property_string_whose_format_is_only_named_since_keeps_the_older_keys() {
    // `rng0` gives its keys up to 8.x and names its format (`pve-qm-rng`) since 9.1.
    let t = registry::find("qemu_vm_config_update").unwrap();
    let given = args(json!({ "node": "pve", "vmid": 100, "rng0": { "source": "/dev/urandom", "max_bytes": 1024 } }));
    for release in Release::all() {
        assert!(check(t, &given, release).is_ok(), "PVE {}", release.label());
    }
    let request = (t.build)(&mut crate::tools::arguments::Arguments::new(given)).unwrap();
    assert!(format!("{request:?}").contains("source=/dev/urandom"), "{request:?}");
}

#[test]
fn a_plain_value_with_a_named_format_before_it_took_keys_has_none_of_them() {
    // `wakeonlan` is a MAC address (`mac-addr`) up to 7.4 and a property string since 8.x.
    let t = registry::find("node_config_update").unwrap();
    let given = args(json!({ "wakeonlan": "AA:BB:CC:DD:EE:FF,bind-interface=eth0" }));
    let e = check(t, &given, Release::named("7.4").unwrap()).unwrap_err();
    assert_eq!(e.what, "key `bind-interface` of parameter `wakeonlan` of `node_config_update`");
    assert!(check(t, &given, Release::named("8").unwrap()).is_ok());
}

#[test]
fn a_property_string_keys_enum_value_the_release_lacks_is_named() {
    let t = registry::find("qemu_vm_config_update").unwrap();
    let scsi = args(json!({ "scsi0": { "file": "local:32", "format": "cow" } }));
    assert!(check(t, &scsi, Release::named("8").unwrap()).is_ok());
    let e = check(t, &scsi, Release::primary()).unwrap_err();
    assert_eq!(e.what, "value `cow` of key `format` of parameter `scsi0` of `qemu_vm_config_update`");
}

#[test]
fn the_request_accepts_an_older_only_property_string_key() {
    let t = registry::find("qemu_vm_config_update").unwrap();
    let given = args(json!({ "node": "pve", "vmid": 100, "scsi1": { "file": "local:32", "cyls": 100 } }));
    let request = (t.build)(&mut crate::tools::arguments::Arguments::new(given)).unwrap();
    assert!(format!("{request:?}").contains("cyls=100"), "{request:?}");
}

#[test]
fn the_primary_lists_the_table_entry() {
    assert!(registry::all().iter().all(|t| std::ptr::eq(as_in(t, Release::primary()), t)));
    assert_eq!(tools_of(Release::primary()).len(), registry::all().len());
}

#[test]
fn an_older_release_lists_its_own_tools_only() {
    let eight = Release::named("8").unwrap();
    let names: Vec<&str> = tools_of(eight).iter().map(|t| t.name).collect();
    assert!(!names.contains(&"qemu_vm_dbus_vmstate"));
    assert!(names.iter().all(|n| tool_releases(n) & eight.bit() != 0));
    assert!(names.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn an_older_listing_has_no_parameter_the_release_lacks() {
    let eight = Release::named("8").unwrap();
    for t in tools_of(eight) {
        let schema: Value = serde_json::from_str(t.input_schema).unwrap();
        for name in schema["properties"].as_object().unwrap().keys() {
            assert!(param_releases(t.name, name) & eight.bit() != 0, "{}: {name}", t.name);
        }
        let compact: Value = serde_json::from_str(t.compact_schema).unwrap();
        assert_eq!(compact["properties"].as_object().unwrap().len(), schema["properties"].as_object().unwrap().len());
        assert!(t.signature.starts_with("/**") && t.signature.contains("): Promise<"), "{}", t.signature);
    }
}

#[test]
fn an_older_only_parameter_is_listed_in_its_release() {
    let eight = Release::named("8").unwrap();
    let t = as_in(registry::find("node_vzdump").unwrap(), eight);
    assert!(t.input_schema.contains("\"notification-policy\""));
    assert!(t.signature.contains("\"notification-policy\"?:"), "{}", t.signature);
    let primary = registry::find("node_vzdump").unwrap();
    assert!(!primary.input_schema.contains("\"notification-policy\""));
}
