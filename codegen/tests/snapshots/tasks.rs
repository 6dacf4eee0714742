/// The PVE release of the schema these tools were generated from (`unknown` if not known).
pub const SCHEMA_RELEASE: &str = "unknown";
/// A tool's category, from its endpoint's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// `nodes`: node status, services, syslog, apt, certificates, time, DNS, hosts.
    Nodes,
    /// `qemu`: virtual machines: list, config, power, snapshots, clone, migrate, guest agent.
    Qemu,
    /// `lxc`: containers: list, config, power, snapshots, clone, migrate.
    Lxc,
    /// `storage`: storage definitions, contents, volumes, disks, scans.
    Storage,
    /// `cluster`: cluster status, resources, options, config, mappings, jobs, logs.
    Cluster,
    /// `access`: users, groups, roles, ACLs, API tokens, realms, TFA.
    Access,
    /// `pools`: resource pools.
    Pools,
    /// `network`: node network interfaces.
    Network,
    /// `firewall`: cluster, node, guest and vnet firewall rules, groups, IP sets, aliases.
    Firewall,
    /// `backup`: backup jobs, running backups (vzdump), backup coverage.
    Backup,
    /// `tasks`: task lists, status, logs, stopping tasks.
    Tasks,
    /// `ha`: high availability resources, groups, rules, status.
    Ha,
    /// `sdn`: software-defined networking: zones, vnets, subnets, controllers, fabrics.
    Sdn,
    /// `ceph`: Ceph cluster, monitors, OSDs, pools, file systems.
    Ceph,
    /// `replication`: storage replication jobs.
    Replication,
    /// `notifications`: notification endpoints, matchers, targets.
    Notifications,
}
impl Category {
    /// Every category, in documentation order.
    pub const ALL: &'static [Category] = &[
        Category::Nodes,
        Category::Qemu,
        Category::Lxc,
        Category::Storage,
        Category::Cluster,
        Category::Access,
        Category::Pools,
        Category::Network,
        Category::Firewall,
        Category::Backup,
        Category::Tasks,
        Category::Ha,
        Category::Sdn,
        Category::Ceph,
        Category::Replication,
        Category::Notifications,
    ];
    /// The category's name as users write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Nodes => "nodes",
            Category::Qemu => "qemu",
            Category::Lxc => "lxc",
            Category::Storage => "storage",
            Category::Cluster => "cluster",
            Category::Access => "access",
            Category::Pools => "pools",
            Category::Network => "network",
            Category::Firewall => "firewall",
            Category::Backup => "backup",
            Category::Tasks => "tasks",
            Category::Ha => "ha",
            Category::Sdn => "sdn",
            Category::Ceph => "ceph",
            Category::Replication => "replication",
            Category::Notifications => "notifications",
        }
    }
    /// What the category holds, in a few words.
    pub fn description(self) -> &'static str {
        match self {
            Category::Nodes => {
                "node status, services, syslog, apt, certificates, time, DNS, hosts"
            }
            Category::Qemu => {
                "virtual machines: list, config, power, snapshots, clone, migrate, guest agent"
            }
            Category::Lxc => "containers: list, config, power, snapshots, clone, migrate",
            Category::Storage => "storage definitions, contents, volumes, disks, scans",
            Category::Cluster => {
                "cluster status, resources, options, config, mappings, jobs, logs"
            }
            Category::Access => "users, groups, roles, ACLs, API tokens, realms, TFA",
            Category::Pools => "resource pools",
            Category::Network => "node network interfaces",
            Category::Firewall => {
                "cluster, node, guest and vnet firewall rules, groups, IP sets, aliases"
            }
            Category::Backup => "backup jobs, running backups (vzdump), backup coverage",
            Category::Tasks => "task lists, status, logs, stopping tasks",
            Category::Ha => "high availability resources, groups, rules, status",
            Category::Sdn => {
                "software-defined networking: zones, vnets, subnets, controllers, fabrics"
            }
            Category::Ceph => "Ceph cluster, monitors, OSDs, pools, file systems",
            Category::Replication => "storage replication jobs",
            Category::Notifications => "notification endpoints, matchers, targets",
        }
    }
    /// The category with that name.
    pub fn parse(name: &str) -> Option<Category> {
        match name {
            "nodes" => Some(Category::Nodes),
            "qemu" => Some(Category::Qemu),
            "lxc" => Some(Category::Lxc),
            "storage" => Some(Category::Storage),
            "cluster" => Some(Category::Cluster),
            "access" => Some(Category::Access),
            "pools" => Some(Category::Pools),
            "network" => Some(Category::Network),
            "firewall" => Some(Category::Firewall),
            "backup" => Some(Category::Backup),
            "tasks" => Some(Category::Tasks),
            "ha" => Some(Category::Ha),
            "sdn" => Some(Category::Sdn),
            "ceph" => Some(Category::Ceph),
            "replication" => Some(Category::Replication),
            "notifications" => Some(Category::Notifications),
            _ => None,
        }
    }
}
///Requests of the `nodes` category.
pub mod nodes {
    #[allow(unused_imports)]
    use crate::tools::arguments::{
        Arguments, ArgErrors, Need, PropertyArg, PveEnum, Rule, SubKey, TextRule,
    };
    #[allow(unused_imports)]
    use crate::pve::request::{HttpMethod, PveRequest, ToWire, path_segment};
    /// Cluster node index.
    ///
    /// Sends `GET /nodes`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct NodesList {}
    impl NodesList {
        /// Argument names this request accepts (indexed ones as their stem).
        pub const ARGUMENTS: &'static [&'static str] = &[];
        /// Stems of indexed arguments (`net` for `net0`, `net1`, ...).
        pub const INDEXED: &'static [&'static str] = &[];
        /// Arguments that are path segments.
        pub const PATH: &'static [&'static str] = &[];
        /// Property-string arguments (indexed ones by stem) and their keys.
        pub const PROPERTY_STRINGS: &'static [PropertyArg] = &[];
        /// Reads and checks the tool's arguments.
        #[cold]
        pub fn from_arguments(a: &mut Arguments) -> Result<Self, ArgErrors> {
            a.expect_only(Self::ARGUMENTS, Self::INDEXED);
            a.check_path_segments(Self::PATH);
            a.finish()?;
            Ok(Self {})
        }
        /// The request as it goes to PVE.
        #[cold]
        pub fn to_request(&self) -> PveRequest {
            let mut r = PveRequest::new(HttpMethod::Get, format!("/nodes",));
            r
        }
        /// Arguments in, request out: the tool table's entry point.
        #[cold]
        pub fn build(a: &mut Arguments) -> Result<PveRequest, ArgErrors> {
            Ok(Self::from_arguments(a)?.to_request())
        }
    }
}
///Requests of the `qemu` category.
pub mod qemu {
    #[allow(unused_imports)]
    use crate::tools::arguments::{
        Arguments, ArgErrors, Need, PropertyArg, PveEnum, Rule, SubKey, TextRule,
    };
    #[allow(unused_imports)]
    use crate::pve::request::{HttpMethod, PveRequest, ToWire, path_segment};
    /// Destroy the VM and all used/owned volumes.
    ///
    /// Sends `DELETE /nodes/{node}/qemu/{vmid}`.
    ///
    /// Permissions: check: ["perm","/vms/{vmid}",["VM.Allocate"]]
    #[derive(Debug, Clone, PartialEq)]
    pub struct QemuVmDelete {
        /// The cluster node name.
        pub node: String,
        /// The (unique) ID of the VM.
        pub vmid: i64,
        /// Remove VMID from configurations.
        pub purge: Option<bool>,
    }
    impl QemuVmDelete {
        /// Argument names this request accepts (indexed ones as their stem).
        pub const ARGUMENTS: &'static [&'static str] = &["node", "vmid", "purge"];
        /// Stems of indexed arguments (`net` for `net0`, `net1`, ...).
        pub const INDEXED: &'static [&'static str] = &[];
        /// Arguments that are path segments.
        pub const PATH: &'static [&'static str] = &["node", "vmid"];
        /// Property-string arguments (indexed ones by stem) and their keys.
        pub const PROPERTY_STRINGS: &'static [PropertyArg] = &[];
        /// Reads and checks the tool's arguments.
        #[cold]
        pub fn from_arguments(a: &mut Arguments) -> Result<Self, ArgErrors> {
            a.expect_only(Self::ARGUMENTS, Self::INDEXED);
            a.check_path_segments(Self::PATH);
            let node = a
                .text(
                    "node",
                    Need::Required,
                    &TextRule {
                        min_length: None,
                        max_length: None,
                        pattern: None,
                    },
                );
            let vmid = a
                .integer("vmid", Need::Required, Some(100i64), Some(999999999i64));
            let purge = a.boolean("purge", Need::Optional);
            a.finish()?;
            Ok(Self {
                node: a.present("node", node)?,
                vmid: a.present("vmid", vmid)?,
                purge,
            })
        }
        /// The request as it goes to PVE.
        #[cold]
        pub fn to_request(&self) -> PveRequest {
            let mut r = PveRequest::new(
                HttpMethod::Delete,
                format!(
                    "/nodes/{}/qemu/{}", path_segment(& self.node), path_segment(& self
                    .vmid)
                ),
            );
            r.opt("purge", self.purge.as_ref());
            r
        }
        /// Arguments in, request out: the tool table's entry point.
        #[cold]
        pub fn build(a: &mut Arguments) -> Result<PveRequest, ArgErrors> {
            Ok(Self::from_arguments(a)?.to_request())
        }
    }
    /// Start virtual machine.
    ///
    /// Sends `POST /nodes/{node}/qemu/{vmid}/status/start`.
    ///
    /// Permissions: check: ["perm","/vms/{vmid}",["VM.PowerMgmt"]]
    #[derive(Debug, Clone, PartialEq)]
    pub struct QemuVmStart {
        /// The cluster node name.
        pub node: String,
        /// The (unique) ID of the VM.
        pub vmid: i64,
        /// Wait maximal timeout seconds.
        pub timeout: Option<i64>,
    }
    impl QemuVmStart {
        /// Argument names this request accepts (indexed ones as their stem).
        pub const ARGUMENTS: &'static [&'static str] = &["node", "vmid", "timeout"];
        /// Stems of indexed arguments (`net` for `net0`, `net1`, ...).
        pub const INDEXED: &'static [&'static str] = &[];
        /// Arguments that are path segments.
        pub const PATH: &'static [&'static str] = &["node", "vmid"];
        /// Property-string arguments (indexed ones by stem) and their keys.
        pub const PROPERTY_STRINGS: &'static [PropertyArg] = &[];
        /// Reads and checks the tool's arguments.
        #[cold]
        pub fn from_arguments(a: &mut Arguments) -> Result<Self, ArgErrors> {
            a.expect_only(Self::ARGUMENTS, Self::INDEXED);
            a.check_path_segments(Self::PATH);
            let node = a
                .text(
                    "node",
                    Need::Required,
                    &TextRule {
                        min_length: None,
                        max_length: None,
                        pattern: None,
                    },
                );
            let vmid = a
                .integer("vmid", Need::Required, Some(100i64), Some(999999999i64));
            let timeout = a.integer("timeout", Need::Optional, Some(0i64), None);
            a.finish()?;
            Ok(Self {
                node: a.present("node", node)?,
                vmid: a.present("vmid", vmid)?,
                timeout,
            })
        }
        /// The request as it goes to PVE.
        #[cold]
        pub fn to_request(&self) -> PveRequest {
            let mut r = PveRequest::new(
                HttpMethod::Post,
                format!(
                    "/nodes/{}/qemu/{}/status/start", path_segment(& self.node),
                    path_segment(& self.vmid)
                ),
            );
            r.opt("timeout", self.timeout.as_ref());
            r
        }
        /// Arguments in, request out: the tool table's entry point.
        #[cold]
        pub fn build(a: &mut Arguments) -> Result<PveRequest, ArgErrors> {
            Ok(Self::from_arguments(a)?.to_request())
        }
    }
}
/// Every tool, sorted by name (so lookups can binary-search).
pub static TOOLS: [crate::tools::registry::ToolDef; 3] = [
    crate::tools::registry::ToolDef {
        name: "nodes_list",
        title: "Cluster node index",
        description: "Cluster node index.\n\nGET /nodes",
        summary: "Cluster node index",
        method: crate::pve::request::HttpMethod::Get,
        path: "/nodes",
        tier: crate::tools::registry::Tier::ReadOnly,
        category: Category::Nodes,
        gate: None,
        task: false,
        allow_token: true,
        secret_arguments: &[],
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: false,
        input_schema: "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
        compact_schema: "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
        permissions: "",
        output_schema: None,
        config_read: None,
        property_strings: nodes::NodesList::PROPERTY_STRINGS,
        signature: "/** Cluster node index. */\nnodes_list(args: {}): Promise<object[]>",
        build: nodes::NodesList::build,
    },
    crate::tools::registry::ToolDef {
        name: "qemu_vm_delete",
        title: "Destroy the VM and all used/owned volumes",
        description: "Destroy the VM and all used/owned volumes.\n\nDELETE /nodes/{node}/qemu/{vmid}",
        summary: "Destroy the VM and all used/owned volumes",
        method: crate::pve::request::HttpMethod::Delete,
        path: "/nodes/{node}/qemu/{vmid}",
        tier: crate::tools::registry::Tier::Full,
        category: Category::Qemu,
        gate: Some(crate::tools::registry::Gate {
            target: Some("vmid"),
            only_if: None,
            reason: "destructive",
        }),
        task: true,
        allow_token: true,
        secret_arguments: &[],
        read_only: false,
        destructive: true,
        idempotent: true,
        open_world: false,
        input_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\",\"description\":\"The cluster node name.\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999,\"description\":\"The (unique) ID of the VM.\"},\"purge\":{\"type\":\"boolean\",\"description\":\"Remove VMID from configurations.\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        compact_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999},\"purge\":{\"type\":\"boolean\",\"description\":\"Remove VMID from configurations\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        permissions: "{\"check\":[\"perm\",\"/vms/{vmid}\",[\"VM.Allocate\"]]}",
        output_schema: None,
        config_read: None,
        property_strings: qemu::QemuVmDelete::PROPERTY_STRINGS,
        signature: "/** Destroy the VM and all used/owned volumes. Resolves to the finished task's report. */\nqemu_vm_delete(args: {\n  node: string; // The cluster node name\n  vmid: number; // The (unique) ID of the VM. 100..999999999\n  purge?: boolean; // Remove VMID from configurations\n  wait?: boolean; task_timeout?: number; // Task waiting (wait: false resolves to the UPID).\n}): Promise<TaskReport>",
        build: qemu::QemuVmDelete::build,
    },
    crate::tools::registry::ToolDef {
        name: "qemu_vm_start",
        title: "Start virtual machine",
        description: "Start virtual machine.\n\nPOST /nodes/{node}/qemu/{vmid}/status/start",
        summary: "Start virtual machine",
        method: crate::pve::request::HttpMethod::Post,
        path: "/nodes/{node}/qemu/{vmid}/status/start",
        tier: crate::tools::registry::Tier::ReadExecute,
        category: Category::Qemu,
        gate: None,
        task: true,
        allow_token: true,
        secret_arguments: &[],
        read_only: false,
        destructive: false,
        idempotent: false,
        open_world: false,
        input_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\",\"description\":\"The cluster node name.\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999,\"description\":\"The (unique) ID of the VM.\"},\"timeout\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"Wait maximal timeout seconds.\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        compact_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999},\"timeout\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"Wait maximal timeout seconds\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        permissions: "{\"check\":[\"perm\",\"/vms/{vmid}\",[\"VM.PowerMgmt\"]]}",
        output_schema: None,
        config_read: None,
        property_strings: qemu::QemuVmStart::PROPERTY_STRINGS,
        signature: "/** Start virtual machine. Resolves to the finished task's report. */\nqemu_vm_start(args: {\n  node: string; // The cluster node name\n  vmid: number; // The (unique) ID of the VM. 100..999999999\n  timeout?: number; // Wait maximal timeout seconds. >= 0\n  wait?: boolean; task_timeout?: number; // Task waiting (wait: false resolves to the UPID).\n}): Promise<TaskReport>",
        build: qemu::QemuVmStart::build,
    },
];
/// Endpoints of the schema that are not tools, with the reason.
pub static EXCLUDED: &[(&str, &str)] = &[
    ("GET /nodes/{node}/vncwebsocket", "websocket upgrade for a VNC console"),
];
/// What each tool's arguments name (guests, nodes), for the allowlists, sorted by tool name;
/// tools naming neither are absent.
pub static REFERENCES: &[crate::tools::references::ToolReferences] = &[
    crate::tools::references::ToolReferences {
        tool: "qemu_vm_delete",
        references: &[
            crate::tools::references::Reference {
                param: "node",
                in_path: true,
                indexed: false,
                keys: &[],
                default_key: false,
                names: crate::tools::references::Names::Node,
            },
            crate::tools::references::Reference {
                param: "vmid",
                in_path: true,
                indexed: false,
                keys: &[],
                default_key: false,
                names: crate::tools::references::Names::Guest,
            },
        ],
        scope: None,
    },
    crate::tools::references::ToolReferences {
        tool: "qemu_vm_start",
        references: &[
            crate::tools::references::Reference {
                param: "node",
                in_path: true,
                indexed: false,
                keys: &[],
                default_key: false,
                names: crate::tools::references::Names::Node,
            },
            crate::tools::references::Reference {
                param: "vmid",
                in_path: true,
                indexed: false,
                keys: &[],
                default_key: false,
                names: crate::tools::references::Names::Guest,
            },
        ],
        scope: None,
    },
];
/// Search index: the words of [`SEARCH_TERMS`] and [`SEARCH_PHRASING_ONLY`], one string.
pub static SEARCH_TEXT: &str = "afteragainanymoreaskedassistantbackboxbringcalledcapacityclustercomecompletelyconfigcpudeletediskdownec2enableequivalentexistfiregoinggoodguesthahomehv01hv06hyperidincludinginstancejoblinelongermaintenancemaximalmemorynamenodeoffofflineoldonlineownedpeopleperpermanentlypoweredproxmoxpve2pve3removingrestoreridrunsecondshowsittingspinstartstatisticstatusstopstoppedswitchtesttimeoutturnuniqueunreferenceduptimeuseduservvcenterversionvmvmidvspherewaitwhetherwin2012windowwipe";
/// Search index: each word (of [`SEARCH_TEXT`]) and where its postings end in
/// [`SEARCH_POSTINGS`] (they start where the previous word's postings end), sorted by word.
pub static SEARCH_TERMS: &[(crate::tools::strings::Span, u32)] = &[
    (crate::tools::strings::Span::new(0, 5), 1),
    (crate::tools::strings::Span::new(5, 5), 2),
    (crate::tools::strings::Span::new(10, 7), 3),
    (crate::tools::strings::Span::new(17, 5), 4),
    (crate::tools::strings::Span::new(22, 9), 5),
    (crate::tools::strings::Span::new(31, 4), 6),
    (crate::tools::strings::Span::new(35, 3), 7),
    (crate::tools::strings::Span::new(38, 5), 8),
    (crate::tools::strings::Span::new(43, 6), 9),
    (crate::tools::strings::Span::new(49, 8), 10),
    (crate::tools::strings::Span::new(57, 7), 13),
    (crate::tools::strings::Span::new(64, 4), 14),
    (crate::tools::strings::Span::new(68, 10), 15),
    (crate::tools::strings::Span::new(78, 6), 16),
    (crate::tools::strings::Span::new(84, 3), 17),
    (crate::tools::strings::Span::new(87, 6), 18),
    (crate::tools::strings::Span::new(93, 4), 19),
    (crate::tools::strings::Span::new(97, 4), 20),
    (crate::tools::strings::Span::new(101, 3), 21),
    (crate::tools::strings::Span::new(104, 6), 22),
    (crate::tools::strings::Span::new(110, 10), 23),
    (crate::tools::strings::Span::new(120, 5), 24),
    (crate::tools::strings::Span::new(125, 4), 25),
    (crate::tools::strings::Span::new(129, 5), 26),
    (crate::tools::strings::Span::new(134, 4), 27),
    (crate::tools::strings::Span::new(138, 5), 29),
    (crate::tools::strings::Span::new(143, 2), 30),
    (crate::tools::strings::Span::new(145, 4), 31),
    (crate::tools::strings::Span::new(149, 4), 32),
    (crate::tools::strings::Span::new(153, 4), 33),
    (crate::tools::strings::Span::new(157, 5), 34),
    (crate::tools::strings::Span::new(162, 2), 36),
    (crate::tools::strings::Span::new(164, 9), 37),
    (crate::tools::strings::Span::new(173, 8), 39),
    (crate::tools::strings::Span::new(181, 3), 40),
    (crate::tools::strings::Span::new(184, 4), 41),
    (crate::tools::strings::Span::new(188, 6), 42),
    (crate::tools::strings::Span::new(194, 11), 43),
    (crate::tools::strings::Span::new(205, 7), 44),
    (crate::tools::strings::Span::new(212, 6), 45),
    (crate::tools::strings::Span::new(218, 4), 47),
    (crate::tools::strings::Span::new(222, 4), 50),
    (crate::tools::strings::Span::new(226, 3), 51),
    (crate::tools::strings::Span::new(229, 7), 52),
    (crate::tools::strings::Span::new(236, 3), 53),
    (crate::tools::strings::Span::new(239, 6), 54),
    (crate::tools::strings::Span::new(245, 5), 55),
    (crate::tools::strings::Span::new(250, 6), 56),
    (crate::tools::strings::Span::new(256, 3), 57),
    (crate::tools::strings::Span::new(259, 11), 58),
    (crate::tools::strings::Span::new(270, 7), 59),
    (crate::tools::strings::Span::new(277, 7), 61),
    (crate::tools::strings::Span::new(284, 4), 62),
    (crate::tools::strings::Span::new(288, 4), 64),
    (crate::tools::strings::Span::new(292, 8), 65),
    (crate::tools::strings::Span::new(300, 7), 66),
    (crate::tools::strings::Span::new(307, 3), 67),
    (crate::tools::strings::Span::new(310, 3), 68),
    (crate::tools::strings::Span::new(313, 6), 69),
    (crate::tools::strings::Span::new(319, 4), 72),
    (crate::tools::strings::Span::new(323, 7), 73),
    (crate::tools::strings::Span::new(330, 4), 74),
    (crate::tools::strings::Span::new(334, 5), 75),
    (crate::tools::strings::Span::new(339, 9), 76),
    (crate::tools::strings::Span::new(348, 6), 78),
    (crate::tools::strings::Span::new(354, 4), 79),
    (crate::tools::strings::Span::new(358, 7), 80),
    (crate::tools::strings::Span::new(365, 6), 81),
    (crate::tools::strings::Span::new(371, 4), 82),
    (crate::tools::strings::Span::new(375, 7), 83),
    (crate::tools::strings::Span::new(382, 4), 84),
    (crate::tools::strings::Span::new(386, 6), 86),
    (crate::tools::strings::Span::new(392, 12), 87),
    (crate::tools::strings::Span::new(404, 6), 88),
    (crate::tools::strings::Span::new(410, 4), 89),
    (crate::tools::strings::Span::new(414, 4), 90),
    (crate::tools::strings::Span::new(418, 1), 91),
    (crate::tools::strings::Span::new(419, 7), 92),
    (crate::tools::strings::Span::new(426, 7), 93),
    (crate::tools::strings::Span::new(433, 2), 95),
    (crate::tools::strings::Span::new(435, 4), 97),
    (crate::tools::strings::Span::new(439, 7), 99),
    (crate::tools::strings::Span::new(446, 4), 100),
    (crate::tools::strings::Span::new(450, 7), 101),
    (crate::tools::strings::Span::new(457, 7), 102),
    (crate::tools::strings::Span::new(464, 6), 103),
    (crate::tools::strings::Span::new(470, 4), 104),
];
/// Search index: every word's postings, (position in [`TOOLS`], weight), in word order.
pub static SEARCH_POSTINGS: &[(u16, f32)] = &[
    (2, 1.0),
    (2, 1.0),
    (1, 2.0),
    (2, 1.0),
    (2, 1.0),
    (2, 2.0),
    (0, 1.0),
    (2, 1.0),
    (1, 1.0),
    (0, 1.0),
    (0, 8.7),
    (1, 1.6),
    (2, 0.6),
    (2, 1.0),
    (1, 2.0),
    (1, 0.6),
    (0, 5.0),
    (1, 20.8),
    (1, 12.7),
    (2, 1.0),
    (2, 1.0),
    (2, 3.0),
    (2, 1.0),
    (0, 1.0),
    (2, 1.0),
    (2, 1.0),
    (1, 2.0),
    (1, 1.0),
    (2, 2.0),
    (1, 1.0),
    (2, 1.0),
    (0, 1.0),
    (0, 1.0),
    (2, 1.0),
    (1, 0.6),
    (2, 0.6),
    (1, 2.0),
    (1, 1.0),
    (2, 2.0),
    (1, 1.0),
    (0, 1.0),
    (1, 1.0),
    (2, 1.0),
    (2, 0.6),
    (0, 5.0),
    (1, 0.6),
    (2, 0.6),
    (0, 27.7),
    (1, 3.6),
    (2, 3.6),
    (2, 3.0),
    (0, 2.0),
    (1, 3.0),
    (0, 4.0),
    (1, 2.7),
    (2, 1.0),
    (0, 1.0),
    (1, 1.0),
    (2, 2.0),
    (0, 1.0),
    (2, 1.0),
    (1, 1.0),
    (0, 1.0),
    (2, 1.0),
    (1, 1.0),
    (2, 1.0),
    (1, 3.0),
    (2, 1.5),
    (2, 0.6),
    (0, 15.2),
    (1, 3.0),
    (2, 1.0),
    (2, 1.0),
    (2, 1.0),
    (2, 24.7),
    (0, 5.0),
    (0, 1.0),
    (2, 2.0),
    (1, 1.0),
    (2, 3.0),
    (2, 1.0),
    (1, 2.0),
    (2, 1.6),
    (2, 1.0),
    (1, 0.6),
    (2, 0.6),
    (1, 1.0),
    (0, 1.0),
    (1, 2.7),
    (2, 1.0),
    (2, 1.0),
    (0, 1.0),
    (2, 1.0),
    (1, 32.3),
    (2, 39.0),
    (1, 1.6),
    (2, 1.0),
    (1, 1.0),
    (2, 1.0),
    (2, 0.6),
    (0, 2.0),
    (1, 1.0),
    (2, 2.0),
    (1, 2.0),
];
/// Search index: each tool's document length (its weights, parameters counting a quarter), in [`TOOLS`] order.
pub static SEARCH_LENGTHS: [f32; 3] = [35.6, 51.1, 52.35];
/// Search index: each operator phrasing as its tool's position in [`TOOLS`], where its search
/// words start in [`SEARCH_PHRASING_WORDS`] and how many there are.
pub static SEARCH_PHRASINGS: &[(u16, u32, u16)] = &[
    (0u16, 0u32, 2u16),
    (0u16, 2u32, 3u16),
    (0u16, 5u32, 5u16),
    (0u16, 10u32, 5u16),
    (0u16, 15u32, 2u16),
    (0u16, 17u32, 2u16),
    (0u16, 19u32, 3u16),
    (0u16, 22u32, 1u16),
    (0u16, 23u32, 2u16),
    (0u16, 25u32, 5u16),
    (0u16, 30u32, 5u16),
    (0u16, 35u32, 2u16),
    (0u16, 37u32, 5u16),
    (0u16, 42u32, 3u16),
    (0u16, 45u32, 4u16),
    (0u16, 49u32, 3u16),
    (0u16, 52u32, 3u16),
    (0u16, 55u32, 2u16),
    (0u16, 57u32, 4u16),
    (0u16, 61u32, 2u16),
    (0u16, 63u32, 3u16),
    (1u16, 66u32, 5u16),
    (1u16, 71u32, 5u16),
    (1u16, 76u32, 3u16),
    (1u16, 79u32, 4u16),
    (1u16, 83u32, 2u16),
    (1u16, 85u32, 6u16),
    (1u16, 91u32, 6u16),
    (1u16, 97u32, 5u16),
    (1u16, 102u32, 3u16),
    (1u16, 105u32, 2u16),
    (1u16, 107u32, 3u16),
    (1u16, 110u32, 5u16),
    (1u16, 115u32, 5u16),
    (1u16, 120u32, 5u16),
    (1u16, 125u32, 4u16),
    (1u16, 129u32, 5u16),
    (1u16, 134u32, 3u16),
    (2u16, 137u32, 2u16),
    (2u16, 139u32, 2u16),
    (2u16, 141u32, 4u16),
    (2u16, 145u32, 4u16),
    (2u16, 149u32, 2u16),
    (2u16, 151u32, 3u16),
    (2u16, 154u32, 3u16),
    (2u16, 157u32, 3u16),
    (2u16, 160u32, 7u16),
    (2u16, 167u32, 3u16),
    (2u16, 170u32, 4u16),
    (2u16, 174u32, 2u16),
    (2u16, 176u32, 3u16),
    (2u16, 179u32, 2u16),
    (2u16, 181u32, 4u16),
    (2u16, 185u32, 4u16),
    (2u16, 189u32, 4u16),
    (2u16, 193u32, 3u16),
    (2u16, 196u32, 5u16),
    (2u16, 201u32, 6u16),
    (2u16, 207u32, 4u16),
    (2u16, 211u32, 5u16),
];
/// Search index: the operator phrasings' search words (each phrasing's sorted), as positions
/// in [`SEARCH_TERMS`].
pub static SEARCH_PHRASING_WORDS: &[u16] = &[
    21, 41, 41, 45, 83, 14, 39, 41, 48, 63, 14, 39, 41, 59, 63, 41, 43, 10, 41, 41, 59,
    83, 41, 45, 53, 10, 14, 39, 41, 59, 9, 14, 39, 41, 63, 41, 43, 28, 29, 59, 63, 73,
    10, 41, 59, 41, 45, 59, 64, 14, 39, 41, 41, 45, 51, 6, 59, 10, 41, 59, 77, 10, 41,
    35, 41, 63, 10, 15, 26, 34, 79, 12, 15, 16, 32, 79, 15, 16, 79, 24, 56, 59, 79, 15,
    79, 2, 15, 16, 44, 68, 79, 16, 32, 52, 72, 79, 86, 8, 15, 44, 79, 84, 15, 16, 79, 15,
    79, 15, 49, 79, 2, 16, 56, 59, 79, 12, 15, 44, 68, 79, 15, 16, 54, 79, 81, 15, 16,
    33, 65, 16, 24, 56, 59, 79, 36, 79, 86, 62, 79, 61, 79, 25, 42, 50, 62, 19, 42, 62,
    79, 62, 79, 55, 66, 79, 19, 62, 79, 7, 17, 79, 5, 11, 42, 50, 62, 79, 85, 53, 62, 79,
    3, 62, 75, 79, 62, 79, 62, 66, 79, 62, 79, 0, 37, 62, 79, 4, 27, 70, 79, 5, 67, 79,
    85, 62, 79, 81, 18, 20, 33, 62, 66, 30, 51, 62, 76, 78, 79, 19, 22, 60, 79, 1, 23,
    47, 59, 79,
];
/// Search index: the words only operator phrasings have, never the schema, as spans of
/// [`SEARCH_TEXT`], sorted.
pub static SEARCH_PHRASING_ONLY: &[crate::tools::strings::Span] = &[
    crate::tools::strings::Span::new(0, 5),
    crate::tools::strings::Span::new(5, 5),
    crate::tools::strings::Span::new(10, 7),
    crate::tools::strings::Span::new(17, 5),
    crate::tools::strings::Span::new(22, 9),
    crate::tools::strings::Span::new(31, 4),
    crate::tools::strings::Span::new(35, 3),
    crate::tools::strings::Span::new(38, 5),
    crate::tools::strings::Span::new(43, 6),
    crate::tools::strings::Span::new(49, 8),
    crate::tools::strings::Span::new(64, 4),
    crate::tools::strings::Span::new(68, 10),
    crate::tools::strings::Span::new(84, 3),
    crate::tools::strings::Span::new(97, 4),
    crate::tools::strings::Span::new(101, 3),
    crate::tools::strings::Span::new(104, 6),
    crate::tools::strings::Span::new(110, 10),
    crate::tools::strings::Span::new(120, 5),
    crate::tools::strings::Span::new(125, 4),
    crate::tools::strings::Span::new(129, 5),
    crate::tools::strings::Span::new(134, 4),
    crate::tools::strings::Span::new(143, 2),
    crate::tools::strings::Span::new(145, 4),
    crate::tools::strings::Span::new(149, 4),
    crate::tools::strings::Span::new(153, 4),
    crate::tools::strings::Span::new(157, 5),
    crate::tools::strings::Span::new(164, 9),
    crate::tools::strings::Span::new(173, 8),
    crate::tools::strings::Span::new(181, 3),
    crate::tools::strings::Span::new(184, 4),
    crate::tools::strings::Span::new(188, 6),
    crate::tools::strings::Span::new(194, 11),
    crate::tools::strings::Span::new(212, 6),
    crate::tools::strings::Span::new(226, 3),
    crate::tools::strings::Span::new(229, 7),
    crate::tools::strings::Span::new(236, 3),
    crate::tools::strings::Span::new(239, 6),
    crate::tools::strings::Span::new(250, 6),
    crate::tools::strings::Span::new(256, 3),
    crate::tools::strings::Span::new(259, 11),
    crate::tools::strings::Span::new(270, 7),
    crate::tools::strings::Span::new(277, 7),
    crate::tools::strings::Span::new(284, 4),
    crate::tools::strings::Span::new(288, 4),
    crate::tools::strings::Span::new(292, 8),
    crate::tools::strings::Span::new(300, 7),
    crate::tools::strings::Span::new(307, 3),
    crate::tools::strings::Span::new(323, 7),
    crate::tools::strings::Span::new(330, 4),
    crate::tools::strings::Span::new(339, 9),
    crate::tools::strings::Span::new(354, 4),
    crate::tools::strings::Span::new(358, 7),
    crate::tools::strings::Span::new(365, 6),
    crate::tools::strings::Span::new(371, 4),
    crate::tools::strings::Span::new(382, 4),
    crate::tools::strings::Span::new(392, 12),
    crate::tools::strings::Span::new(404, 6),
    crate::tools::strings::Span::new(414, 4),
    crate::tools::strings::Span::new(418, 1),
    crate::tools::strings::Span::new(419, 7),
    crate::tools::strings::Span::new(426, 7),
    crate::tools::strings::Span::new(439, 7),
    crate::tools::strings::Span::new(450, 7),
    crate::tools::strings::Span::new(457, 7),
    crate::tools::strings::Span::new(464, 6),
    crate::tools::strings::Span::new(470, 4),
];
/// The operator vocabulary the index was built with, (phrase, terms) in order: the server's
/// tokenizer rewrites queries with it (`codegen/search/vocabulary.toml`).
pub static SEARCH_VOCABULARY: &[(&str, &str)] = &[
    ("more disk space", "resize disk"),
    ("free space", "avail"),
    ("disk space", "avail"),
    ("load average", "loadavg"),
    ("been up", "uptime status"),
    ("been running", "uptime status"),
    ("quorate", "quorate quorum"),
    ("grant", "acl"),
    ("access rights", "acl"),
    ("hard stop", "stop"),
    ("force off", "stop"),
    ("pull the plug", "stop"),
    ("hung", "stop"),
    ("hard reset", "reset"),
    ("cleanly", "shutdown"),
    ("acpi", "shutdown"),
    ("hibernate", "suspend todisk"),
    ("start at boot", "onboot"),
    ("autostart", "onboot"),
    ("boot order", "boot order config"),
    ("network card", "net config"),
    ("cd drive", "cdrom config"),
    ("dvd drive", "cdrom config"),
    ("in one go", "bulk"),
    ("at once", "bulk"),
    ("take effect", "apply"),
    ("fail", "error"),
    ("same host", "affinity rule"),
    ("same node", "affinity rule"),
    ("attach", "config"),
    ("start all", "startall"),
    ("stop all", "stopall"),
    ("stop every", "stopall"),
    ("migrate all", "migrateall"),
    ("evacuate", "migrateall"),
    ("two factor", "tfa"),
    ("2fa", "tfa"),
    ("refresh", "resynchronize"),
    ("undo", "revert"),
    ("finished", "exitstatus"),
    ("succeed", "exitstatus"),
    ("failed", "error"),
    ("disable", "enable"),
    ("local disks", "local disk"),
    ("online", "online"),
    ("share", "storage"),
    ("reachable", "active"),
    ("revoke", "delete"),
    ("detach", "unlink"),
    ("trim", "fstrim"),
    ("operating system", "osinfo"),
    ("responding", "ping"),
    ("upload", "upload download url"),
    ("back up", "run backup"),
    ("freeze", "suspend"),
    ("exit status", "exitstatus"),
    ("output of task", "log task"),
    ("expiry", "expire notafter"),
    ("os", "osinfo"),
    ("mounted", "fsinfo"),
    ("thin pool", "lvmthin"),
    ("notify on", "notification matcher"),
    ("notify", "notification"),
    ("include", "included"),
    ("write", "update"),
    ("not backed up", "notbackedup backup"),
    ("no backup", "notbackedup backup"),
    ("not protected", "notbackedup"),
    ("storage vmotion", "move disk storage"),
    ("vmotion", "live migrate"),
    ("port group", "vnet"),
    ("distributed switch", "sdn zone"),
    ("virtual switch", "bridge device"),
    ("drs", "crs"),
    ("vmware tools", "agent"),
    ("integration services", "agent"),
    ("remote console", "vncproxy vnc"),
    ("linked clone", "clone linked"),
    ("full clone", "clone full"),
    ("vsan", "ceph"),
    ("nsx", "sdn"),
    ("vmware host", "esxi import"),
    ("revert to snapshot", "rollback snapshot"),
    ("apply checkpoint", "rollback snapshot"),
    ("roll back", "rollback"),
    ("restore point", "snapshot"),
    ("memory state", "vmstate"),
    ("ram state", "vmstate"),
    ("save state", "suspend todisk"),
    ("golden image", "template"),
    ("base image", "template"),
    ("ssh key", "sshkeys config"),
    ("docker hub", "oci registry"),
    ("docker image", "oci image"),
    ("docker tags", "oci repo tags"),
    ("exec into", "termproxy"),
    ("next id", "nextid"),
    ("free id", "nextid"),
    ("next vmid", "nextid"),
    ("next available vm", "nextid vmid"),
    ("next available vmid", "nextid vmid"),
    ("stuck task", "stop task"),
    ("ceph maintenance", "noout flag"),
    ("ceph rebalancing", "ceph norebalance flag"),
    ("graphics card", "pci"),
    ("video card", "pci"),
    ("vgpu", "mdev"),
    ("mediated device", "mdev"),
    ("power cycle", "reset"),
    ("hot add", "hotplug"),
    ("zap", "wipe wipedisk"),
    ("kernel version", "current kernel"),
    ("logged in on", "agent users"),
    ("logged into", "agent users"),
    ("api key", "token"),
    ("mfa", "tfa"),
    ("sso", "openid"),
    ("grafana", "metric server"),
    ("anti affinity", "negative affinity rule"),
    ("separate nodes", "negative affinity rule"),
    ("wake on lan", "wakeonlan"),
    ("quiesce", "fsfreeze freeze"),
    ("split brain", "quorate"),
    ("eject", "cdrom config"),
    ("ctrl alt del", "sendkey"),
    ("reclaim space", "fstrim"),
    ("audit log", "cluster log"),
    ("ballooning", "balloon config"),
    ("tpm", "tpmstate0 config"),
    ("uefi", "bios efidisk0"),
    ("terminate instance", "delete vm"),
    ("drain", "migrateall"),
    ("bandwidth limit", "bwlimit"),
    ("cancel task", "stop task"),
    ("start order", "startup order"),
    ("deletion protection", "protection config"),
    ("jumbo frames", "mtu"),
    ("storage pool", "storage"),
    ("qm set", "vm config update"),
    ("qm importdisk", "vm disk config update"),
    ("qm disk import", "vm disk config update"),
    ("qm terminal", "vm termproxy serial"),
    ("qm listsnapshot", "vm snapshot list"),
    ("qm delsnapshot", "vm snapshot delete"),
    ("qm unlock", "vm config lock update"),
    ("qm guest cmd", "vm agent command"),
    ("qm", "vm"),
    ("qmrestore", "restore vm archive create"),
    ("pct enter", "ct termproxy console"),
    ("pct console", "ct termproxy console"),
    ("pct resize", "ct resize disk"),
    ("pct set", "ct config update"),
    ("pct config", "ct config show"),
    ("pct restore", "restore ct create"),
    ("pct create", "ct create"),
    ("pct snapshot", "ct snapshot"),
    ("pct unlock", "ct config lock update"),
    ("pvesm status", "storage status avail"),
    ("pvesm alloc", "storage content allocate disk"),
    ("pvesm free", "storage content delete volume"),
    ("pvesm list", "storage content list"),
    ("pvesm path", "storage content volume path show"),
    ("pvesm", "storage"),
    ("pvecm status", "cluster status quorate"),
    ("pvecm nodes", "cluster config nodes corosync"),
    ("pvecm add", "cluster config join"),
    ("pvecm delnode", "cluster config nodes delete"),
    ("pvecm", "cluster"),
    ("ha manager add", "ha resources create"),
    ("ha manager remove", "ha resources delete"),
    ("ha manager migrate", "ha resources migrate"),
    ("ha manager config", "ha resources list"),
    ("pveum acl modify", "acl update"),
    ("pveum aclmod", "acl update"),
    ("pveum user token add", "user api token generate"),
    ("pveum useradd", "user create"),
    ("pveum", "access"),
    ("pvesr status", "replication job status"),
    ("pvesr create local job", "replication job create"),
    ("pvesr", "replication"),
    ("pveceph", "ceph"),
    ("osd set", "ceph flag update"),
    ("ceph df", "ceph pool bytes used percent"),
    ("pvenode cert set", "node certificate custom upload"),
    ("pvenode", "node"),
    ("pveam download", "aplinfo download appliance template"),
    ("pveam available", "aplinfo appliance template list"),
    ("pveam list", "storage content show"),
    ("pveupgrade", "upgrade cmd console"),
    ("dist upgrade", "upgrade cmd console"),
    ("pveversion", "apt version package"),
    ("sources list", "apt repositories"),
    ("no subscription repo", "standard repository handle"),
    ("journalctl", "journal lastentries"),
    ("systemctl", "service"),
    ("zpool create", "zfs pool create"),
    ("pvereport", "report"),
    ("smartctl", "smart health disk"),
    ("lsblk", "disks list local"),
    ("ifreload", "network apply reload"),
    ("novnc", "vncproxy websocket"),
    ("hook script", "hookscript config"),
    ("efi disk", "efidisk0 config"),
    ("mount point", "mp mount point"),
    ("bind mount", "mp mount point"),
    ("datacenter cfg", "cluster options"),
];
