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
    /// Values of `ostype`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum QemuVmConfigUpdateOstype {
        /// `l26`
        L26,
        /// `other`
        Other,
    }
    impl PveEnum for QemuVmConfigUpdateOstype {
        const VALUES: &'static [&'static str] = &["l26", "other"];
        fn from_index(i: usize) -> Option<Self> {
            match i {
                0 => Some(Self::L26),
                1 => Some(Self::Other),
                _ => None,
            }
        }
        fn as_str(&self) -> &'static str {
            Self::VALUES[*self as usize]
        }
    }
    impl ToWire for QemuVmConfigUpdateOstype {
        fn to_wire(&self) -> String {
            self.as_str().to_owned()
        }
    }
    /// Set virtual machine options.
    ///
    /// Sends `PUT /nodes/{node}/qemu/{vmid}/config`.
    ///
    /// Permissions: check: ["perm","/vms/{vmid}",["VM.Config.Options"]]
    #[derive(Debug, Clone, PartialEq)]
    pub struct QemuVmConfigUpdate {
        /// The cluster node name.
        pub node: String,
        /// The (unique) ID of the VM.
        pub vmid: i64,
        /// Network device (n is 0 to 31).
        ///
        /// Type: `[model=]<enum> [,bridge=<bridge>]`
        /// Indexed: passed as `net0`, `net1`, ...
        pub net: std::collections::BTreeMap<u32, String>,
        /// Start at boot.
        /// Default: `0`
        pub onboot: Option<bool>,
        /// Guest OS.
        pub ostype: Option<QemuVmConfigUpdateOstype>,
        /// (The schema gives no description.)
        pub tags: Option<String>,
        /// (The schema gives no description.)
        pub vmids: Option<Vec<String>>,
    }
    impl QemuVmConfigUpdate {
        /// Argument names this request accepts (indexed ones as their stem).
        pub const ARGUMENTS: &'static [&'static str] = &[
            "node",
            "vmid",
            "onboot",
            "ostype",
            "tags",
            "vmids",
        ];
        /// Stems of indexed arguments (`net` for `net0`, `net1`, ...).
        pub const INDEXED: &'static [&'static str] = &["net"];
        /// Arguments that are path segments.
        pub const PATH: &'static [&'static str] = &["node", "vmid"];
        /// Property-string arguments (indexed ones by stem) and their keys.
        pub const PROPERTY_STRINGS: &'static [PropertyArg] = &[
            PropertyArg {
                name: "net",
                indexed: true,
                keys: &[
                    SubKey {
                        key: "model",
                        rule: Rule::Enum(&["virtio", "e1000"]),
                        optional: false,
                        default_key: true,
                        alias_of: None,
                    },
                    SubKey {
                        key: "bridge",
                        rule: Rule::Text(TextRule {
                            min_length: None,
                            max_length: None,
                            pattern: None,
                        }),
                        optional: true,
                        default_key: false,
                        alias_of: None,
                    },
                ],
            },
        ];
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
            let net = a
                .indexed(
                    "net",
                    Some(31u32),
                    |a, key| {
                        a
                            .property_string(
                                key,
                                Need::Optional,
                                Self::PROPERTY_STRINGS[0].keys,
                            )
                    },
                );
            let onboot = a.boolean("onboot", Need::Optional);
            let ostype = a
                .enumeration::<QemuVmConfigUpdateOstype>("ostype", Need::Optional);
            let tags = a
                .text(
                    "tags",
                    Need::Optional,
                    &TextRule {
                        min_length: None,
                        max_length: Some(64u64),
                        pattern: Some("^(?:(?:[a-z]+))$"),
                    },
                );
            let vmids = a
                .array(
                    "vmids",
                    Need::Optional,
                    &Rule::Integer {
                        min: Some(100i64),
                        max: None,
                    },
                );
            a.finish()?;
            Ok(Self {
                node: a.present("node", node)?,
                vmid: a.present("vmid", vmid)?,
                net,
                onboot,
                ostype,
                tags,
                vmids,
            })
        }
        /// The request as it goes to PVE.
        #[cold]
        pub fn to_request(&self) -> PveRequest {
            let mut r = PveRequest::new(
                HttpMethod::Put,
                format!(
                    "/nodes/{}/qemu/{}/config", path_segment(& self.node), path_segment(&
                    self.vmid)
                ),
            );
            r.indexed("net", &self.net);
            r.opt("onboot", self.onboot.as_ref());
            r.opt("ostype", self.ostype.as_ref());
            r.opt("tags", self.tags.as_ref());
            r.list("vmids", self.vmids.as_deref());
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
pub static TOOLS: [crate::tools::registry::ToolDef; 2] = [
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
        name: "qemu_vm_config_update",
        title: "Set virtual machine options",
        description: "Set virtual machine options.\n\nPUT /nodes/{node}/qemu/{vmid}/config",
        summary: "Set virtual machine options",
        method: crate::pve::request::HttpMethod::Put,
        path: "/nodes/{node}/qemu/{vmid}/config",
        tier: crate::tools::registry::Tier::Full,
        category: Category::Qemu,
        gate: Some(crate::tools::registry::Gate {
            target: Some("vmid"),
            only_if: Some(crate::tools::registry::When::Names("delete", "unused")),
            reason: "destroys an unused disk",
        }),
        task: false,
        allow_token: true,
        secret_arguments: &[],
        read_only: false,
        destructive: true,
        idempotent: true,
        open_world: false,
        input_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\",\"description\":\"The cluster node name.\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999,\"description\":\"The (unique) ID of the VM.\"},\"onboot\":{\"type\":\"boolean\",\"description\":\"Start at boot.\",\"default\":false},\"ostype\":{\"type\":\"string\",\"enum\":[\"l26\",\"other\"],\"description\":\"Guest OS.\"},\"tags\":{\"type\":\"string\",\"maxLength\":64,\"pattern\":\"^(?:(?:[a-z]+))$\"},\"vmids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":100}}},\"patternProperties\":{\"^net[0-9]+$\":{\"type\":\"string\",\"description\":\"Network device (n is 0 to 31). Pass as `netN` with N 0 to 31. Format: [model=]<enum> [,bridge=<bridge>]\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        compact_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999},\"onboot\":{\"type\":\"boolean\",\"description\":\"Start at boot\",\"default\":false},\"ostype\":{\"type\":\"string\",\"enum\":[\"l26\",\"other\"],\"description\":\"Guest OS\"},\"tags\":{\"type\":\"string\",\"maxLength\":64,\"pattern\":\"^(?:(?:[a-z]+))$\"},\"vmids\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":100}}},\"patternProperties\":{\"^net[0-9]+$\":{\"type\":\"string\",\"description\":\"Network device (n is 0 to 31). Property string `key=value,...` (or an object) with keys: model, bridge. As `netN`, N 0-31.\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        permissions: "{\"check\":[\"perm\",\"/vms/{vmid}\",[\"VM.Config.Options\"]]}",
        output_schema: None,
        config_read: None,
        property_strings: qemu::QemuVmConfigUpdate::PROPERTY_STRINGS,
        signature: "/** Set virtual machine options. */\nqemu_vm_config_update(args: {\n  node: string; // The cluster node name\n  vmid: number; // The (unique) ID of the VM. 100..999999999\n  [net: `net${number}`]: string | { model?: \"virtio\" | \"e1000\"; bridge?: string; }; // net0, net1, …: Network device (n is 0 to 31)\n  onboot?: boolean; // Start at boot\n  ostype?: \"l26\" | \"other\"; // Guest OS\n  tags?: string;\n  vmids?: number[];\n}): Promise<null>",
        build: qemu::QemuVmConfigUpdate::build,
    },
];
/// Endpoints of the schema that are not tools, with the reason.
pub static EXCLUDED: &[(&str, &str)] = &[];
/// What each tool's arguments name (guests, nodes), for the allowlists, sorted by tool name;
/// tools naming neither are absent.
pub static REFERENCES: &[crate::tools::references::ToolReferences] = &[
    crate::tools::references::ToolReferences {
        tool: "qemu_vm_config_update",
        references: &[
            crate::tools::references::Reference {
                param: "node",
                in_path: true,
                indexed: false,
                keys: &[],
                default_key: false,
                names: crate::tools::references::Names::Node,
            },
        ],
        scope: None,
    },
];
/// Search index: the words of [`SEARCH_TERMS`] and [`SEARCH_PHRASING_ONLY`], one string.
pub static SEARCH_TEXT: &str = "againstagentassistantautomaticallyboxcapacitycdcdromcloudinitclusterconfigcontentcontrollercpucreatedebiandeletedeletiondescriptiondevicediskenableexistfirewallfirstgiveguesthomehookscripthv01hv06idimportinstallerinstanceitselfkeyl26limitlinelockmemorymoremountnnamenet0networknextcloudnodenoteofflineonbootonlineorderosinfoostypepasspasswordpciperportprodprotectionproxmoxputpve3raterenameromsecondserialshowsizestartstatisticstatusstayswaptagthroughtypeuniqueupdateuptimeusbuservcentervmvmidwhenwhetherwindow";
/// Search index: each word (of [`SEARCH_TEXT`]) and where its postings end in
/// [`SEARCH_POSTINGS`] (they start where the previous word's postings end), sorted by word.
pub static SEARCH_TERMS: &[(crate::tools::strings::Span, u32)] = &[
    (crate::tools::strings::Span::new(0, 7), 1),
    (crate::tools::strings::Span::new(7, 5), 2),
    (crate::tools::strings::Span::new(12, 9), 3),
    (crate::tools::strings::Span::new(21, 13), 4),
    (crate::tools::strings::Span::new(34, 3), 6),
    (crate::tools::strings::Span::new(37, 8), 7),
    (crate::tools::strings::Span::new(45, 2), 8),
    (crate::tools::strings::Span::new(47, 5), 9),
    (crate::tools::strings::Span::new(52, 9), 10),
    (crate::tools::strings::Span::new(61, 7), 12),
    (crate::tools::strings::Span::new(68, 6), 13),
    (crate::tools::strings::Span::new(74, 7), 14),
    (crate::tools::strings::Span::new(81, 10), 15),
    (crate::tools::strings::Span::new(91, 3), 17),
    (crate::tools::strings::Span::new(94, 6), 18),
    (crate::tools::strings::Span::new(100, 6), 19),
    (crate::tools::strings::Span::new(106, 6), 20),
    (crate::tools::strings::Span::new(112, 8), 21),
    (crate::tools::strings::Span::new(120, 11), 22),
    (crate::tools::strings::Span::new(131, 6), 23),
    (crate::tools::strings::Span::new(137, 4), 24),
    (crate::tools::strings::Span::new(141, 6), 25),
    (crate::tools::strings::Span::new(147, 5), 26),
    (crate::tools::strings::Span::new(152, 8), 27),
    (crate::tools::strings::Span::new(160, 5), 28),
    (crate::tools::strings::Span::new(165, 4), 29),
    (crate::tools::strings::Span::new(169, 5), 30),
    (crate::tools::strings::Span::new(174, 4), 31),
    (crate::tools::strings::Span::new(178, 10), 32),
    (crate::tools::strings::Span::new(188, 4), 33),
    (crate::tools::strings::Span::new(192, 4), 34),
    (crate::tools::strings::Span::new(196, 2), 35),
    (crate::tools::strings::Span::new(198, 6), 36),
    (crate::tools::strings::Span::new(204, 9), 37),
    (crate::tools::strings::Span::new(213, 8), 38),
    (crate::tools::strings::Span::new(221, 6), 39),
    (crate::tools::strings::Span::new(227, 3), 40),
    (crate::tools::strings::Span::new(230, 3), 41),
    (crate::tools::strings::Span::new(233, 5), 42),
    (crate::tools::strings::Span::new(238, 4), 43),
    (crate::tools::strings::Span::new(242, 4), 44),
    (crate::tools::strings::Span::new(246, 6), 46),
    (crate::tools::strings::Span::new(252, 4), 47),
    (crate::tools::strings::Span::new(256, 5), 48),
    (crate::tools::strings::Span::new(261, 1), 49),
    (crate::tools::strings::Span::new(262, 4), 50),
    (crate::tools::strings::Span::new(266, 4), 51),
    (crate::tools::strings::Span::new(270, 7), 52),
    (crate::tools::strings::Span::new(277, 9), 53),
    (crate::tools::strings::Span::new(286, 4), 55),
    (crate::tools::strings::Span::new(290, 4), 56),
    (crate::tools::strings::Span::new(294, 7), 57),
    (crate::tools::strings::Span::new(301, 6), 58),
    (crate::tools::strings::Span::new(307, 6), 59),
    (crate::tools::strings::Span::new(313, 5), 60),
    (crate::tools::strings::Span::new(318, 6), 61),
    (crate::tools::strings::Span::new(324, 6), 62),
    (crate::tools::strings::Span::new(330, 4), 63),
    (crate::tools::strings::Span::new(334, 8), 64),
    (crate::tools::strings::Span::new(342, 3), 65),
    (crate::tools::strings::Span::new(345, 3), 66),
    (crate::tools::strings::Span::new(348, 4), 67),
    (crate::tools::strings::Span::new(352, 4), 68),
    (crate::tools::strings::Span::new(356, 10), 69),
    (crate::tools::strings::Span::new(366, 7), 70),
    (crate::tools::strings::Span::new(373, 3), 71),
    (crate::tools::strings::Span::new(376, 4), 72),
    (crate::tools::strings::Span::new(380, 4), 73),
    (crate::tools::strings::Span::new(384, 6), 74),
    (crate::tools::strings::Span::new(390, 3), 75),
    (crate::tools::strings::Span::new(393, 6), 76),
    (crate::tools::strings::Span::new(399, 6), 77),
    (crate::tools::strings::Span::new(405, 4), 79),
    (crate::tools::strings::Span::new(409, 4), 80),
    (crate::tools::strings::Span::new(413, 5), 81),
    (crate::tools::strings::Span::new(418, 9), 82),
    (crate::tools::strings::Span::new(427, 6), 83),
    (crate::tools::strings::Span::new(433, 4), 84),
    (crate::tools::strings::Span::new(437, 4), 85),
    (crate::tools::strings::Span::new(441, 3), 86),
    (crate::tools::strings::Span::new(444, 7), 87),
    (crate::tools::strings::Span::new(451, 4), 88),
    (crate::tools::strings::Span::new(455, 6), 89),
    (crate::tools::strings::Span::new(461, 6), 90),
    (crate::tools::strings::Span::new(467, 6), 91),
    (crate::tools::strings::Span::new(473, 3), 92),
    (crate::tools::strings::Span::new(476, 4), 93),
    (crate::tools::strings::Span::new(480, 7), 94),
    (crate::tools::strings::Span::new(487, 2), 95),
    (crate::tools::strings::Span::new(489, 4), 96),
    (crate::tools::strings::Span::new(493, 4), 97),
    (crate::tools::strings::Span::new(497, 7), 98),
    (crate::tools::strings::Span::new(504, 6), 99),
];
/// Search index: every word's postings, (position in [`TOOLS`], weight), in word order.
pub static SEARCH_POSTINGS: &[(u16, f32)] = &[
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (0, 1.0),
    (1, 1.0),
    (0, 1.0),
    (1, 3.0),
    (1, 3.0),
    (1, 1.0),
    (0, 8.7),
    (1, 0.6),
    (1, 22.7),
    (1, 4.0),
    (1, 1.0),
    (0, 5.0),
    (1, 10.0),
    (1, 9.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.6),
    (1, 5.0),
    (1, 5.0),
    (0, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 3.0),
    (1, 1.6),
    (1, 1.0),
    (1, 1.0),
    (0, 1.0),
    (0, 1.0),
    (1, 0.6),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 0.3),
    (1, 1.0),
    (0, 1.0),
    (1, 3.0),
    (0, 5.0),
    (1, 9.0),
    (1, 4.0),
    (1, 1.0),
    (1, 0.6),
    (1, 0.6),
    (1, 1.0),
    (1, 10.6),
    (1, 1.0),
    (0, 27.7),
    (1, 5.6),
    (1, 1.0),
    (0, 2.0),
    (1, 2.6),
    (0, 4.0),
    (1, 2.0),
    (1, 0.6),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 2.0),
    (0, 1.0),
    (1, 2.0),
    (1, 1.0),
    (1, 1.0),
    (0, 1.0),
    (1, 2.0),
    (0, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 1.0),
    (0, 15.2),
    (1, 1.0),
    (1, 3.0),
    (1, 10.0),
    (0, 5.0),
    (0, 1.0),
    (1, 1.0),
    (1, 1.0),
    (1, 3.0),
    (1, 1.0),
    (1, 1.0),
    (1, 0.6),
    (1, 23.2),
    (0, 1.0),
    (1, 1.0),
    (1, 1.0),
    (0, 1.0),
    (1, 57.0),
    (1, 2.0),
    (1, 2.0),
    (0, 2.0),
    (1, 1.0),
];
/// Search index: each tool's document length (its weights, parameters counting a quarter), in [`TOOLS`] order.
pub static SEARCH_LENGTHS: [f32; 2] = [35.6, 88.675];
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
    (1u16, 66u32, 4u16),
    (1u16, 70u32, 3u16),
    (1u16, 73u32, 5u16),
    (1u16, 78u32, 3u16),
    (1u16, 81u32, 3u16),
    (1u16, 84u32, 3u16),
    (1u16, 87u32, 5u16),
    (1u16, 92u32, 5u16),
    (1u16, 97u32, 4u16),
    (1u16, 101u32, 2u16),
    (1u16, 103u32, 3u16),
    (1u16, 106u32, 4u16),
    (1u16, 110u32, 5u16),
    (1u16, 115u32, 5u16),
    (1u16, 120u32, 3u16),
    (1u16, 123u32, 3u16),
    (1u16, 126u32, 3u16),
    (1u16, 129u32, 5u16),
    (1u16, 134u32, 7u16),
    (1u16, 141u32, 4u16),
    (1u16, 145u32, 4u16),
    (1u16, 149u32, 4u16),
    (1u16, 153u32, 4u16),
    (1u16, 157u32, 5u16),
    (1u16, 162u32, 4u16),
    (1u16, 166u32, 3u16),
    (1u16, 169u32, 5u16),
    (1u16, 174u32, 4u16),
    (1u16, 178u32, 5u16),
    (1u16, 183u32, 5u16),
    (1u16, 188u32, 7u16),
    (1u16, 195u32, 5u16),
    (1u16, 200u32, 3u16),
    (1u16, 203u32, 4u16),
    (1u16, 207u32, 4u16),
    (1u16, 211u32, 3u16),
    (1u16, 214u32, 6u16),
    (1u16, 220u32, 6u16),
    (1u16, 226u32, 7u16),
    (1u16, 233u32, 5u16),
    (1u16, 238u32, 7u16),
    (1u16, 245u32, 5u16),
    (1u16, 250u32, 5u16),
    (1u16, 255u32, 7u16),
];
/// Search index: the operator phrasings' search words (each phrasing's sorted), as positions
/// in [`SEARCH_TERMS`].
pub static SEARCH_PHRASING_WORDS: &[u16] = &[
    22, 49, 49, 53, 91, 13, 41, 49, 60, 75, 13, 41, 49, 72, 75, 49, 51, 9, 49, 49, 72,
    91, 49, 53, 66, 9, 13, 41, 49, 72, 5, 13, 41, 49, 75, 49, 51, 29, 30, 72, 75, 84, 9,
    49, 72, 49, 53, 72, 76, 13, 41, 49, 49, 53, 64, 4, 72, 9, 49, 72, 87, 9, 49, 39, 49,
    75, 11, 20, 32, 88, 28, 83, 88, 10, 21, 23, 47, 88, 50, 83, 88, 40, 77, 88, 47, 65,
    88, 12, 20, 72, 83, 88, 14, 19, 59, 85, 88, 57, 59, 80, 88, 68, 88, 6, 7, 10, 14, 61,
    71, 88, 13, 49, 81, 83, 88, 10, 54, 74, 83, 88, 10, 21, 41, 52, 83, 88, 16, 40, 88,
    0, 17, 21, 63, 74, 8, 36, 47, 58, 61, 83, 86, 10, 14, 47, 88, 14, 20, 70, 88, 13, 41,
    83, 88, 1, 10, 21, 88, 6, 11, 43, 69, 88, 18, 79, 83, 88, 21, 74, 88, 25, 41, 42, 48,
    88, 13, 73, 83, 88, 7, 10, 11, 15, 88, 3, 49, 74, 88, 90, 6, 14, 24, 62, 74, 79, 88,
    38, 46, 47, 67, 88, 13, 83, 88, 41, 73, 83, 88, 10, 14, 20, 88, 14, 47, 88, 4, 14,
    35, 74, 88, 90, 7, 10, 33, 65, 88, 92, 2, 13, 25, 27, 41, 42, 88, 10, 13, 41, 83, 88,
    13, 34, 41, 42, 73, 83, 88, 10, 11, 20, 83, 88, 13, 25, 41, 42, 88, 10, 14, 47, 54,
    74, 78, 88,
];
/// Search index: the words only operator phrasings have, never the schema, as spans of
/// [`SEARCH_TEXT`], sorted.
pub static SEARCH_PHRASING_ONLY: &[crate::tools::strings::Span] = &[
    crate::tools::strings::Span::new(0, 7),
    crate::tools::strings::Span::new(7, 5),
    crate::tools::strings::Span::new(12, 9),
    crate::tools::strings::Span::new(21, 13),
    crate::tools::strings::Span::new(34, 3),
    crate::tools::strings::Span::new(37, 8),
    crate::tools::strings::Span::new(45, 2),
    crate::tools::strings::Span::new(47, 5),
    crate::tools::strings::Span::new(52, 9),
    crate::tools::strings::Span::new(74, 7),
    crate::tools::strings::Span::new(81, 10),
    crate::tools::strings::Span::new(91, 3),
    crate::tools::strings::Span::new(94, 6),
    crate::tools::strings::Span::new(100, 6),
    crate::tools::strings::Span::new(106, 6),
    crate::tools::strings::Span::new(112, 8),
    crate::tools::strings::Span::new(120, 11),
    crate::tools::strings::Span::new(137, 4),
    crate::tools::strings::Span::new(141, 6),
    crate::tools::strings::Span::new(147, 5),
    crate::tools::strings::Span::new(152, 8),
    crate::tools::strings::Span::new(160, 5),
    crate::tools::strings::Span::new(165, 4),
    crate::tools::strings::Span::new(174, 4),
    crate::tools::strings::Span::new(178, 10),
    crate::tools::strings::Span::new(188, 4),
    crate::tools::strings::Span::new(192, 4),
    crate::tools::strings::Span::new(198, 6),
    crate::tools::strings::Span::new(204, 9),
    crate::tools::strings::Span::new(213, 8),
    crate::tools::strings::Span::new(221, 6),
    crate::tools::strings::Span::new(227, 3),
    crate::tools::strings::Span::new(233, 5),
    crate::tools::strings::Span::new(238, 4),
    crate::tools::strings::Span::new(242, 4),
    crate::tools::strings::Span::new(246, 6),
    crate::tools::strings::Span::new(252, 4),
    crate::tools::strings::Span::new(256, 5),
    crate::tools::strings::Span::new(266, 4),
    crate::tools::strings::Span::new(277, 9),
    crate::tools::strings::Span::new(290, 4),
    crate::tools::strings::Span::new(294, 7),
    crate::tools::strings::Span::new(307, 6),
    crate::tools::strings::Span::new(313, 5),
    crate::tools::strings::Span::new(330, 4),
    crate::tools::strings::Span::new(334, 8),
    crate::tools::strings::Span::new(342, 3),
    crate::tools::strings::Span::new(345, 3),
    crate::tools::strings::Span::new(348, 4),
    crate::tools::strings::Span::new(352, 4),
    crate::tools::strings::Span::new(356, 10),
    crate::tools::strings::Span::new(366, 7),
    crate::tools::strings::Span::new(373, 3),
    crate::tools::strings::Span::new(376, 4),
    crate::tools::strings::Span::new(380, 4),
    crate::tools::strings::Span::new(384, 6),
    crate::tools::strings::Span::new(390, 3),
    crate::tools::strings::Span::new(393, 6),
    crate::tools::strings::Span::new(399, 6),
    crate::tools::strings::Span::new(409, 4),
    crate::tools::strings::Span::new(413, 5),
    crate::tools::strings::Span::new(418, 9),
    crate::tools::strings::Span::new(427, 6),
    crate::tools::strings::Span::new(433, 4),
    crate::tools::strings::Span::new(437, 4),
    crate::tools::strings::Span::new(444, 7),
    crate::tools::strings::Span::new(451, 4),
    crate::tools::strings::Span::new(467, 6),
    crate::tools::strings::Span::new(473, 3),
    crate::tools::strings::Span::new(476, 4),
    crate::tools::strings::Span::new(480, 7),
    crate::tools::strings::Span::new(493, 4),
    crate::tools::strings::Span::new(497, 7),
    crate::tools::strings::Span::new(504, 6),
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
