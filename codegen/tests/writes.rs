//! Which tools are configuration updates (merge, digest, `delete`, report of what changed) and
//! which declare an output schema, on the vendored schema.

use std::path::PathBuf;

use pve_mcp_codegen::{Tool, generate};

fn tools() -> Vec<Tool> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    generate(&std::fs::read_to_string(root.join("apidoc/apidoc.json")).unwrap()).unwrap().tools
}

fn find<'a>(tools: &'a [Tool], name: &str) -> &'a Tool {
    tools.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no tool {name}"))
}

#[test]
fn guest_config_updates_read_their_config_and_say_how_partial_input_behaves() {
    let tools = tools();
    for (update, read) in [
        ("qemu_vm_config_update", "qemu_vm_config_get"),
        ("qemu_vm_config_update_async", "qemu_vm_config_get"),
        ("lxc_ct_config_update", "lxc_ct_config_get"),
        ("storage_update", "storage_get"),
    ] {
        let t = find(&tools, update);
        assert_eq!(t.config_read.as_deref(), Some(read), "{update}");
        assert!(t.description.contains("merged into the current value"), "{update}");
    }
}

#[test]
fn creating_in_a_collection_is_not_a_configuration_update() {
    let tools = tools();
    for name in ["firewall_rules_create", "qemu_vm_create", "pools_create", "node_hosts"] {
        assert_eq!(find(&tools, name).config_read, None, "{name}");
    }
}

#[test]
fn qemu_vm_list_and_at_least_200_others_declare_an_output_schema() {
    let tools = tools();
    assert!(find(&tools, "qemu_vm_list").output_schema.is_some());
    assert!(find(&tools, "qemu_vm_config_update").output_schema.is_none(), "PVE declares no properties for it");
    assert!(tools.iter().filter(|t| t.output_schema.is_some()).count() >= 201);
}
