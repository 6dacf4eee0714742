//! Discovery mode: every endpoint within reach through three small tools instead of hundreds.
//!
//! - `pve_search`: plain words → the best matching tools (BM25 over an index built at compile
//!   time from the schema, with synonyms: VM/guest/qemu, container/CT/lxc, disk/volume, ...);
//! - `pve_describe`: the full input schema and description of named tools;
//! - `pve_call`: call any permitted tool by name, through the same checks as a direct call.
//!
//! Search and describe only ever show tools the caller may use. How search reads a query is in
//! [`query`] (what its ids and names are, in [`ids`]), how it ranks one product's tools in [`rank`]
//! over that product's search data ([`index`]), and how products are searched together in
//! [`products`]; this module
//! is what the discovery tools show (their arguments are typed in [`super::params`]).

use serde_json::{Value, json};

use crate::tools::registry::ToolDef;

mod ids;
mod index;
mod products;
mod query;
mod rank;
pub mod text;
pub mod typed;

/// Search over every product's tools the session may use.
pub use products::search as search_products;
pub use rank::search;

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

/// A search hit as the tool returns it.
pub fn hit_json(hit: &Hit) -> Value {
    let mut out = json!({
        "name": hit.tool.name,
        "method": hit.tool.method.as_str(),
        "path": hit.tool.path,
        "tier": hit.tool.tier.as_str(),
        "category": hit.tool.category.as_str(),
        "summary": hit.tool.summary,
        "call": signature(hit.tool),
    });
    crate::tools::registry::gate_json(hit.tool, &mut out);
    out
}

/// Whether a query asks to do something (start, create, change, delete) rather than to read.
pub fn asks_to_act(query: &str) -> bool {
    query::Intent::of_request(query::Clauses::of(query).request()) != query::Intent::Read
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

#[cfg(test)]
mod tests {
    use super::ids::*;
    use super::query::*;
    use super::rank::*;
    use super::*;

    use super::text;
    use crate::pve::product::Product;
    use crate::tools::generated::Category;
    use crate::tools::registry;

    fn pve() -> &'static index::Index {
        index::Index::of(Product::Pve)
    }

    impl Intent {
        fn of(query: &str) -> Intent {
            Intent::of_request(Clauses::of(query).request())
        }
    }

    fn context_words(query: &str) -> Vec<String> {
        Clauses::of(query).context_words()
    }

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
        assert_eq!(Intent::of("build a mirrored ZFS pool from two disks"), Intent::Create);
        assert_eq!(Intent::of("set her up with a login"), Intent::Create);
        assert_eq!(Intent::of("back up VM 120 to pbs1"), Intent::Create);
        assert_eq!(Intent::of("deploy a new VM from template 9000"), Intent::Create);
        assert_eq!(Intent::of("give me a free id for a container"), Intent::Read);
        assert_eq!(Intent::of("new vnet vn100 in zone evpn1"), Intent::Create);
        assert_eq!(Intent::of("how do I get alerts pushed to my gotify server"), Intent::Open);
        assert_eq!(Intent::of("an unused guest ID for the new DB server"), Intent::Open);
        assert_eq!(Intent::of("I need a new container for Plex"), Intent::Create);
        assert_eq!(Intent::of("bring node pve2 back up"), Intent::Open);
        assert_eq!(Intent::of("give us admin rights on /vms/100"), Intent::Enable);
        assert_eq!(Intent::of("insert the driver ISO into the DVD drive of VM 100"), Intent::Enable);
    }

    #[test]
    fn an_action_or_a_change_asks_to_act_and_a_question_does_not() {
        assert!(asks_to_act("start a vm") && asks_to_act("delete VM 100") && asks_to_act("add a user"));
        assert!(!asks_to_act("is VM 100 running?") && !asks_to_act("show the nodes"));
    }

    #[test]
    fn the_intent_is_read_from_the_clause_that_asks() {
        assert_eq!(Intent::of("the firewall is switched off for this customer, turn it on"), Intent::Enable);
        assert_eq!(Intent::of("is VM 100 running?"), Intent::Read);
        assert_eq!(Intent::of("i want alerts on my phone, hook up my gotify server"), Intent::Create);
    }

    #[test]
    fn what_a_query_says_not_to_do_is_not_searched_for() {
        assert_eq!(negated_words("back up VM 120 without shutting it down"), ["shutdown"]);
        assert!(negated_words("back up VM 120 without stopping it").contains(&"stop".to_owned()));
        assert!(negated_words("guests without a backup job").is_empty(), "without a noun says what to find");
        assert!(negated_words("VMs without ballooning").is_empty(), "ballooning is a thing, not an act");
        assert!(negated_words("without xéing, without éé, without ing").is_empty(), "no verb, and no panic");
        assert!(negated_words("which guests are not covered by a backup job").is_empty());
        let kept = negated_words("back up VM 120 without stopping it and then migrate it to pve2");
        assert!(!kept.contains(&"migrate".to_owned()), "{kept:?}");
        assert_eq!(top("back up VM 120 without shutting it down")[0], "node_vzdump");
    }

    #[test]
    fn a_change_is_never_the_making_of_a_new_one() {
        let fits = |name: &str| {
            let i = registry::all().iter().position(|t| t.name == name).unwrap();
            Intent::Change.fits(registry::all()[i].method, shapes(pve())[i].creates)
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
        let (tool, said) = pve().phrasing(0);
        let query: Vec<String> = said.iter().map(|&w| pve().word(w as usize).to_owned()).collect();
        let closeness = closest_phrasings(pve(), &query);
        assert!((closeness[tool] - 1.0).abs() < 1e-4, "{}", closeness[tool]);
        assert!(closest_phrasings(pve(), &["zzz".to_owned()]).iter().all(|c| *c == 0.0));
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
        let shape = |name: &str| &shapes(pve())[registry::all().iter().position(|t| t.name == name).unwrap()];
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
