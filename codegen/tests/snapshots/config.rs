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
///Requests of the `access` category.
pub mod access {
    #[allow(unused_imports)]
    use crate::tools::arguments::{
        Arguments, ArgErrors, Need, PropertyArg, PveEnum, Rule, SubKey, TextRule,
    };
    #[allow(unused_imports)]
    use crate::pve::request::{HttpMethod, PveRequest, ToWire, path_segment};
    /// Change user password.
    ///
    /// Sends `PUT /access/password`.
    ///
    /// Permissions: Each user is allowed to change their own password.; check: ["or",["userid-param","self"],["userid-group",["User.Modify"]]]
    #[derive(Debug, Clone, PartialEq)]
    pub struct AccessPasswordUpdate {
        /// The new password.
        pub password: String,
        /// Full User ID, in the `name@realm` format.
        pub userid: String,
    }
    impl AccessPasswordUpdate {
        /// Argument names this request accepts (indexed ones as their stem).
        pub const ARGUMENTS: &'static [&'static str] = &["password", "userid"];
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
            let password = a
                .text(
                    "password",
                    Need::Required,
                    &TextRule {
                        min_length: Some(5u64),
                        max_length: Some(64u64),
                        pattern: None,
                    },
                );
            let userid = a
                .text(
                    "userid",
                    Need::Required,
                    &TextRule {
                        min_length: None,
                        max_length: Some(64u64),
                        pattern: None,
                    },
                );
            a.finish()?;
            Ok(Self {
                password: a.present("password", password)?,
                userid: a.present("userid", userid)?,
            })
        }
        /// The request as it goes to PVE.
        #[cold]
        pub fn to_request(&self) -> PveRequest {
            let mut r = PveRequest::new(HttpMethod::Put, format!("/access/password",));
            r.one("password", &self.password);
            r.one("userid", &self.userid);
            r
        }
        /// Arguments in, request out: the tool table's entry point.
        #[cold]
        pub fn build(a: &mut Arguments) -> Result<PveRequest, ArgErrors> {
            Ok(Self::from_arguments(a)?.to_request())
        }
    }
}
///Requests of the `lxc` category.
pub mod lxc {
    #[allow(unused_imports)]
    use crate::tools::arguments::{
        Arguments, ArgErrors, Need, PropertyArg, PveEnum, Rule, SubKey, TextRule,
    };
    #[allow(unused_imports)]
    use crate::pve::request::{HttpMethod, PveRequest, ToWire, path_segment};
    /// Get container configuration.
    ///
    /// Sends `GET /nodes/{node}/lxc/{vmid}/config`.
    ///
    /// Permissions: check: ["perm","/vms/{vmid}",["VM.Audit"]]
    #[derive(Debug, Clone, PartialEq)]
    pub struct LxcCtConfigGet {
        /// The cluster node name.
        pub node: String,
        /// The (unique) ID of the VM.
        pub vmid: i64,
    }
    impl LxcCtConfigGet {
        /// Argument names this request accepts (indexed ones as their stem).
        pub const ARGUMENTS: &'static [&'static str] = &["node", "vmid"];
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
            a.finish()?;
            Ok(Self {
                node: a.present("node", node)?,
                vmid: a.present("vmid", vmid)?,
            })
        }
        /// The request as it goes to PVE.
        #[cold]
        pub fn to_request(&self) -> PveRequest {
            let mut r = PveRequest::new(
                HttpMethod::Get,
                format!(
                    "/nodes/{}/lxc/{}/config", path_segment(& self.node), path_segment(&
                    self.vmid)
                ),
            );
            r
        }
        /// Arguments in, request out: the tool table's entry point.
        #[cold]
        pub fn build(a: &mut Arguments) -> Result<PveRequest, ArgErrors> {
            Ok(Self::from_arguments(a)?.to_request())
        }
    }
    /// Set container options.
    ///
    /// Sends `PUT /nodes/{node}/lxc/{vmid}/config`.
    ///
    /// Permissions: check: ["perm","/vms/{vmid}",["VM.Config.Disk","VM.Config.Memory"],"any",1]
    #[derive(Debug, Clone, PartialEq)]
    pub struct LxcCtConfigUpdate {
        /// The cluster node name.
        pub node: String,
        /// The (unique) ID of the VM.
        pub vmid: i64,
        /// A list of settings you want to delete.
        pub delete: Option<String>,
        /// Prevent changes if current configuration file has a different SHA1 digest.
        pub digest: Option<String>,
        /// Allow containers access to advanced features.
        pub features: Option<String>,
        /// Amount of RAM for the container in MB.
        pub memory: Option<i64>,
        /// Use volume as container mount point.
        /// Indexed: passed as `mp0`, `mp1`, ...
        pub mp: std::collections::BTreeMap<u32, String>,
    }
    impl LxcCtConfigUpdate {
        /// Argument names this request accepts (indexed ones as their stem).
        pub const ARGUMENTS: &'static [&'static str] = &[
            "node",
            "vmid",
            "delete",
            "digest",
            "features",
            "memory",
        ];
        /// Stems of indexed arguments (`net` for `net0`, `net1`, ...).
        pub const INDEXED: &'static [&'static str] = &["mp"];
        /// Arguments that are path segments.
        pub const PATH: &'static [&'static str] = &["node", "vmid"];
        /// Property-string arguments (indexed ones by stem) and their keys.
        pub const PROPERTY_STRINGS: &'static [PropertyArg] = &[
            PropertyArg {
                name: "features",
                indexed: false,
                keys: &[
                    SubKey {
                        key: "nesting",
                        rule: Rule::Boolean,
                        optional: true,
                        default_key: false,
                        alias_of: None,
                    },
                    SubKey {
                        key: "keyctl",
                        rule: Rule::Boolean,
                        optional: true,
                        default_key: false,
                        alias_of: None,
                    },
                ],
            },
            PropertyArg {
                name: "mp",
                indexed: true,
                keys: &[
                    SubKey {
                        key: "volume",
                        rule: Rule::Text(TextRule {
                            min_length: None,
                            max_length: None,
                            pattern: None,
                        }),
                        optional: false,
                        default_key: true,
                        alias_of: None,
                    },
                    SubKey {
                        key: "mp",
                        rule: Rule::Text(TextRule {
                            min_length: None,
                            max_length: None,
                            pattern: None,
                        }),
                        optional: false,
                        default_key: false,
                        alias_of: None,
                    },
                    SubKey {
                        key: "backup",
                        rule: Rule::Boolean,
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
            let delete = a
                .text(
                    "delete",
                    Need::Optional,
                    &TextRule {
                        min_length: None,
                        max_length: None,
                        pattern: None,
                    },
                );
            let digest = a
                .text(
                    "digest",
                    Need::Optional,
                    &TextRule {
                        min_length: None,
                        max_length: Some(40u64),
                        pattern: None,
                    },
                );
            let features = a
                .property_string(
                    "features",
                    Need::Optional,
                    Self::PROPERTY_STRINGS[0].keys,
                );
            let memory = a.integer("memory", Need::Optional, Some(16i64), None);
            let mp = a
                .indexed(
                    "mp",
                    Some(255u32),
                    |a, key| {
                        a
                            .property_string(
                                key,
                                Need::Optional,
                                Self::PROPERTY_STRINGS[1].keys,
                            )
                    },
                );
            a.finish()?;
            Ok(Self {
                node: a.present("node", node)?,
                vmid: a.present("vmid", vmid)?,
                delete,
                digest,
                features,
                memory,
                mp,
            })
        }
        /// The request as it goes to PVE.
        #[cold]
        pub fn to_request(&self) -> PveRequest {
            let mut r = PveRequest::new(
                HttpMethod::Put,
                format!(
                    "/nodes/{}/lxc/{}/config", path_segment(& self.node), path_segment(&
                    self.vmid)
                ),
            );
            r.opt("delete", self.delete.as_ref());
            r.opt("digest", self.digest.as_ref());
            r.opt("features", self.features.as_ref());
            r.opt("memory", self.memory.as_ref());
            r.indexed("mp", &self.mp);
            r
        }
        /// Arguments in, request out: the tool table's entry point.
        #[cold]
        pub fn build(a: &mut Arguments) -> Result<PveRequest, ArgErrors> {
            Ok(Self::from_arguments(a)?.to_request())
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
/// Every tool, sorted by name (so lookups can binary-search).
pub static TOOLS: [crate::tools::registry::ToolDef; 4] = [
    crate::tools::registry::ToolDef {
        name: "access_password_update",
        title: "Change user password",
        description: "Change user password.\n\nPUT /access/password",
        summary: "Change user password",
        method: crate::pve::request::HttpMethod::Put,
        path: "/access/password",
        tier: crate::tools::registry::Tier::Full,
        category: Category::Access,
        gate: Some(crate::tools::registry::Gate {
            target: Some("userid"),
            only_if: None,
            reason: "mints or changes a credential",
        }),
        task: false,
        allow_token: false,
        secret_arguments: &["password"],
        read_only: false,
        destructive: true,
        idempotent: true,
        open_world: false,
        input_schema: "{\"type\":\"object\",\"properties\":{\"password\":{\"type\":\"string\",\"minLength\":5,\"maxLength\":64,\"description\":\"The new password.\"},\"userid\":{\"type\":\"string\",\"maxLength\":64,\"description\":\"Full User ID, in the `name@realm` format.\"}},\"required\":[\"password\",\"userid\"],\"additionalProperties\":false}",
        compact_schema: "{\"type\":\"object\",\"properties\":{\"password\":{\"type\":\"string\",\"minLength\":5,\"maxLength\":64,\"description\":\"The new password\"},\"userid\":{\"type\":\"string\",\"maxLength\":64,\"description\":\"Full User ID, in the `name@realm` format\"}},\"required\":[\"password\",\"userid\"],\"additionalProperties\":false}",
        permissions: "{\"check\":[\"or\",[\"userid-param\",\"self\"],[\"userid-group\",[\"User.Modify\"]]]}",
        output_schema: None,
        config_read: None,
        property_strings: access::AccessPasswordUpdate::PROPERTY_STRINGS,
        signature: "/** Change user password. */\naccess_password_update(args: {\n  password: string; // The new password\n  userid: string; // Full User ID, in the `name@realm` format\n}): Promise<null>",
        build: access::AccessPasswordUpdate::build,
    },
    crate::tools::registry::ToolDef {
        name: "lxc_ct_config_get",
        title: "Get container configuration",
        description: "Get container configuration.\n\nGET /nodes/{node}/lxc/{vmid}/config",
        summary: "Get container configuration",
        method: crate::pve::request::HttpMethod::Get,
        path: "/nodes/{node}/lxc/{vmid}/config",
        tier: crate::tools::registry::Tier::ReadOnly,
        category: Category::Lxc,
        gate: None,
        task: false,
        allow_token: true,
        secret_arguments: &[],
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: false,
        input_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\",\"description\":\"The cluster node name.\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999,\"description\":\"The (unique) ID of the VM.\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        compact_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        permissions: "{\"check\":[\"perm\",\"/vms/{vmid}\",[\"VM.Audit\"]]}",
        output_schema: Some(
            "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":[\"object\",\"null\"],\"properties\":{\"digest\":{\"type\":[\"string\",\"number\",\"null\"]},\"memory\":{\"type\":[\"number\",\"string\",\"null\"]}}},\"task\":{\"type\":\"object\"},\"truncated\":{\"type\":\"object\"},\"property_strings\":{\"type\":\"object\"}}}",
        ),
        config_read: None,
        property_strings: lxc::LxcCtConfigGet::PROPERTY_STRINGS,
        signature: "/** Get container configuration. */\nlxc_ct_config_get(args: {\n  node: string; // The cluster node name\n  vmid: number; // The (unique) ID of the VM. 100..999999999\n}): Promise<object>",
        build: lxc::LxcCtConfigGet::build,
    },
    crate::tools::registry::ToolDef {
        name: "lxc_ct_config_update",
        title: "Set container options",
        description: "Set container options.\n\nPUT /nodes/{node}/lxc/{vmid}/config\n\nPartial updates: a property-string argument given as an object is merged into the current value (keys not given are kept, a key set to null is removed; the write carries the digest of the configuration it was based on); given as a string it replaces the value. A top-level argument set to null is deleted (`delete`). The result lists the changed keys with before and after.",
        summary: "Set container options",
        method: crate::pve::request::HttpMethod::Put,
        path: "/nodes/{node}/lxc/{vmid}/config",
        tier: crate::tools::registry::Tier::Full,
        category: Category::Lxc,
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
        input_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\",\"description\":\"The cluster node name.\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999,\"description\":\"The (unique) ID of the VM.\"},\"delete\":{\"type\":\"string\",\"description\":\"A list of settings you want to delete.\"},\"digest\":{\"type\":\"string\",\"maxLength\":40,\"description\":\"Prevent changes if current configuration file has a different SHA1 digest.\"},\"features\":{\"type\":\"string\",\"description\":\"Allow containers access to advanced features.\"},\"memory\":{\"type\":\"integer\",\"minimum\":16,\"description\":\"Amount of RAM for the container in MB.\"}},\"patternProperties\":{\"^mp[0-9]+$\":{\"type\":\"string\",\"description\":\"Use volume as container mount point. Pass as `mpN` with N 0 to 255.\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        compact_schema: "{\"type\":\"object\",\"properties\":{\"node\":{\"type\":\"string\"},\"vmid\":{\"type\":\"integer\",\"minimum\":100,\"maximum\":999999999},\"delete\":{\"type\":\"string\",\"description\":\"A list of settings you want to delete\"},\"digest\":{\"type\":\"string\",\"maxLength\":40,\"description\":\"Prevent changes if current configuration file has a different SHA1 digest\"},\"features\":{\"type\":\"string\",\"description\":\"Allow containers access to advanced features. Property string `key=value,...` (or an object) with keys: nesting, keyctl\"},\"memory\":{\"type\":\"integer\",\"minimum\":16,\"description\":\"Amount of RAM for the container in MB\"}},\"patternProperties\":{\"^mp[0-9]+$\":{\"type\":\"string\",\"description\":\"Use volume as container mount point. Property string `key=value,...` (or an object) with keys: volume, mp, backup. As `mpN`, N 0-255.\"}},\"required\":[\"node\",\"vmid\"],\"additionalProperties\":false}",
        permissions: "{\"check\":[\"perm\",\"/vms/{vmid}\",[\"VM.Config.Disk\",\"VM.Config.Memory\"],\"any\",1]}",
        output_schema: None,
        config_read: Some("lxc_ct_config_get"),
        property_strings: lxc::LxcCtConfigUpdate::PROPERTY_STRINGS,
        signature: "/** Set container options. */\nlxc_ct_config_update(args: {\n  node: string; // The cluster node name\n  vmid: number; // The (unique) ID of the VM. 100..999999999\n  delete?: string; // A list of settings you want to delete\n  digest?: string; // Prevent changes if current configuration file has a different SHA1 digest\n  features?: string | { nesting?: boolean; keyctl?: boolean; }; // Allow containers access to advanced features\n  memory?: number; // Amount of RAM for the container in MB. >= 16\n  [mp: `mp${number}`]: string | { volume?: string; mp: string; backup?: boolean; }; // mp0, mp1, …: Use volume as container mount point\n}): Promise<null>",
        build: lxc::LxcCtConfigUpdate::build,
    },
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
];
/// Endpoints of the schema that are not tools, with the reason.
pub static EXCLUDED: &[(&str, &str)] = &[];
/// What each tool's arguments name (guests, nodes), for the allowlists, sorted by tool name;
/// tools naming neither are absent.
pub static REFERENCES: &[crate::tools::references::ToolReferences] = &[
    crate::tools::references::ToolReferences {
        tool: "lxc_ct_config_get",
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
        tool: "lxc_ct_config_update",
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
            crate::tools::references::Reference {
                param: "mp",
                in_path: false,
                indexed: true,
                keys: &["volume"],
                default_key: true,
                names: crate::tools::references::Names::Volume,
            },
        ],
        scope: None,
    },
];
/// Search index: the words of [`SEARCH_TERMS`] and [`SEARCH_PHRASING_ONLY`], one string.
pub static SEARCH_TEXT: &str = "accessadvancedaliceallowamountbackupbobboxcapacityclusterconfigcontentcpucreatectdeletediddifferentdigestdirectorydiskdnsenableenabledexistfeaturefixedfolderforgotformatfullgiveguesthostnamehv01hv06idinstanceitselfjdoekeyctllimitlinelockloginlookmanymemorymoremountmpmuchnamenestingnetworknextcloudnodenoteofflineonbootonlineopenidpampasswordperpiholeplexpointpreventproxmoxpvepve3realmrenameresetresizerootrootfsha1showsizestartstatisticstatusstoragesvcswaptaguniqueupdateuptimeuservcentervmvmidwebwhenwhether";
/// Search index: each word (of [`SEARCH_TEXT`]) and where its postings end in
/// [`SEARCH_POSTINGS`] (they start where the previous word's postings end), sorted by word.
pub static SEARCH_TERMS: &[(crate::tools::strings::Span, u32)] = &[
    (crate::tools::strings::Span::new(0, 6), 2),
    (crate::tools::strings::Span::new(6, 8), 3),
    (crate::tools::strings::Span::new(14, 5), 4),
    (crate::tools::strings::Span::new(19, 5), 5),
    (crate::tools::strings::Span::new(24, 6), 7),
    (crate::tools::strings::Span::new(30, 6), 8),
    (crate::tools::strings::Span::new(36, 3), 9),
    (crate::tools::strings::Span::new(39, 3), 11),
    (crate::tools::strings::Span::new(42, 8), 12),
    (crate::tools::strings::Span::new(50, 7), 15),
    (crate::tools::strings::Span::new(57, 6), 17),
    (crate::tools::strings::Span::new(63, 7), 19),
    (crate::tools::strings::Span::new(70, 3), 22),
    (crate::tools::strings::Span::new(73, 6), 24),
    (crate::tools::strings::Span::new(79, 2), 26),
    (crate::tools::strings::Span::new(81, 6), 27),
    (crate::tools::strings::Span::new(87, 3), 28),
    (crate::tools::strings::Span::new(90, 9), 29),
    (crate::tools::strings::Span::new(99, 6), 31),
    (crate::tools::strings::Span::new(105, 9), 32),
    (crate::tools::strings::Span::new(114, 4), 34),
    (crate::tools::strings::Span::new(118, 3), 35),
    (crate::tools::strings::Span::new(121, 6), 36),
    (crate::tools::strings::Span::new(127, 7), 37),
    (crate::tools::strings::Span::new(134, 5), 38),
    (crate::tools::strings::Span::new(139, 7), 40),
    (crate::tools::strings::Span::new(146, 5), 41),
    (crate::tools::strings::Span::new(151, 6), 42),
    (crate::tools::strings::Span::new(157, 6), 43),
    (crate::tools::strings::Span::new(163, 6), 44),
    (crate::tools::strings::Span::new(169, 4), 45),
    (crate::tools::strings::Span::new(173, 4), 47),
    (crate::tools::strings::Span::new(177, 5), 49),
    (crate::tools::strings::Span::new(182, 8), 50),
    (crate::tools::strings::Span::new(190, 4), 51),
    (crate::tools::strings::Span::new(194, 4), 52),
    (crate::tools::strings::Span::new(198, 2), 55),
    (crate::tools::strings::Span::new(200, 8), 56),
    (crate::tools::strings::Span::new(208, 6), 57),
    (crate::tools::strings::Span::new(214, 4), 58),
    (crate::tools::strings::Span::new(218, 6), 59),
    (crate::tools::strings::Span::new(224, 5), 60),
    (crate::tools::strings::Span::new(229, 4), 61),
    (crate::tools::strings::Span::new(233, 4), 62),
    (crate::tools::strings::Span::new(237, 5), 63),
    (crate::tools::strings::Span::new(242, 4), 64),
    (crate::tools::strings::Span::new(246, 4), 65),
    (crate::tools::strings::Span::new(250, 6), 68),
    (crate::tools::strings::Span::new(256, 4), 69),
    (crate::tools::strings::Span::new(260, 5), 71),
    (crate::tools::strings::Span::new(265, 2), 72),
    (crate::tools::strings::Span::new(267, 4), 73),
    (crate::tools::strings::Span::new(271, 4), 76),
    (crate::tools::strings::Span::new(275, 7), 78),
    (crate::tools::strings::Span::new(282, 7), 81),
    (crate::tools::strings::Span::new(289, 9), 82),
    (crate::tools::strings::Span::new(298, 4), 85),
    (crate::tools::strings::Span::new(302, 4), 86),
    (crate::tools::strings::Span::new(306, 7), 87),
    (crate::tools::strings::Span::new(313, 6), 88),
    (crate::tools::strings::Span::new(319, 6), 89),
    (crate::tools::strings::Span::new(325, 6), 90),
    (crate::tools::strings::Span::new(331, 3), 91),
    (crate::tools::strings::Span::new(334, 8), 92),
    (crate::tools::strings::Span::new(342, 3), 93),
    (crate::tools::strings::Span::new(345, 6), 95),
    (crate::tools::strings::Span::new(351, 4), 97),
    (crate::tools::strings::Span::new(355, 5), 99),
    (crate::tools::strings::Span::new(360, 7), 100),
    (crate::tools::strings::Span::new(367, 7), 102),
    (crate::tools::strings::Span::new(374, 3), 103),
    (crate::tools::strings::Span::new(377, 4), 104),
    (crate::tools::strings::Span::new(381, 5), 105),
    (crate::tools::strings::Span::new(386, 6), 106),
    (crate::tools::strings::Span::new(392, 5), 107),
    (crate::tools::strings::Span::new(397, 6), 108),
    (crate::tools::strings::Span::new(403, 4), 109),
    (crate::tools::strings::Span::new(407, 5), 110),
    (crate::tools::strings::Span::new(412, 4), 112),
    (crate::tools::strings::Span::new(416, 4), 115),
    (crate::tools::strings::Span::new(420, 4), 117),
    (crate::tools::strings::Span::new(424, 5), 118),
    (crate::tools::strings::Span::new(429, 9), 119),
    (crate::tools::strings::Span::new(438, 6), 120),
    (crate::tools::strings::Span::new(444, 7), 121),
    (crate::tools::strings::Span::new(451, 3), 122),
    (crate::tools::strings::Span::new(454, 4), 124),
    (crate::tools::strings::Span::new(458, 3), 125),
    (crate::tools::strings::Span::new(461, 6), 127),
    (crate::tools::strings::Span::new(467, 6), 130),
    (crate::tools::strings::Span::new(473, 6), 131),
    (crate::tools::strings::Span::new(479, 4), 132),
    (crate::tools::strings::Span::new(483, 7), 134),
    (crate::tools::strings::Span::new(490, 2), 136),
    (crate::tools::strings::Span::new(492, 4), 138),
    (crate::tools::strings::Span::new(496, 3), 139),
    (crate::tools::strings::Span::new(499, 4), 140),
    (crate::tools::strings::Span::new(503, 7), 141),
];
/// Search index: every word's postings, (position in [`TOOLS`], weight), in word order.
pub static SEARCH_POSTINGS: &[(u16, f32)] = &[
    (0, 6.0),
    (2, 0.6),
    (2, 0.6),
    (0, 1.0),
    (2, 0.6),
    (1, 0.3),
    (2, 0.6),
    (0, 1.0),
    (0, 1.0),
    (2, 1.0),
    (3, 1.0),
    (3, 1.0),
    (1, 0.6),
    (2, 0.6),
    (3, 8.7),
    (1, 15.0),
    (2, 9.900001),
    (1, 0.3),
    (2, 0.6),
    (1, 4.0),
    (2, 6.0),
    (3, 5.0),
    (0, 4.6),
    (2, 5.0),
    (1, 27.0),
    (2, 41.5),
    (2, 1.6),
    (1, 2.0),
    (2, 0.6),
    (1, 1.8),
    (2, 1.6),
    (2, 1.0),
    (1, 2.0),
    (2, 0.6),
    (2, 2.0),
    (2, 1.0),
    (1, 2.0),
    (3, 1.0),
    (1, 1.0),
    (2, 1.6),
    (2, 1.0),
    (2, 1.0),
    (0, 1.0),
    (0, 0.6),
    (0, 0.6),
    (1, 2.0),
    (2, 4.0),
    (1, 1.0),
    (2, 1.0),
    (2, 1.0),
    (3, 1.0),
    (3, 1.0),
    (0, 0.6),
    (1, 0.6),
    (2, 0.6),
    (2, 1.0),
    (2, 1.0),
    (0, 1.0),
    (2, 1.0),
    (2, 1.0),
    (3, 1.0),
    (2, 1.0),
    (0, 2.0),
    (1, 1.0),
    (1, 2.0),
    (1, 8.8),
    (2, 8.6),
    (3, 5.0),
    (2, 3.0),
    (1, 3.0),
    (2, 4.6),
    (2, 4.6),
    (1, 3.0),
    (0, 0.6),
    (1, 0.6),
    (2, 0.6),
    (1, 2.0),
    (2, 1.0),
    (0, 1.0),
    (1, 3.0),
    (2, 6.0),
    (2, 1.0),
    (1, 3.6),
    (2, 6.6),
    (3, 27.7),
    (2, 1.0),
    (3, 2.0),
    (2, 2.0),
    (3, 4.0),
    (0, 1.0),
    (0, 1.0),
    (0, 24.3),
    (3, 1.0),
    (1, 1.0),
    (2, 1.0),
    (1, 1.0),
    (2, 1.0),
    (1, 3.0),
    (2, 3.6),
    (2, 0.6),
    (0, 1.0),
    (3, 1.0),
    (0, 4.0),
    (3, 1.0),
    (0, 0.6),
    (2, 1.0),
    (0, 6.0),
    (2, 1.0),
    (0, 2.0),
    (1, 2.0),
    (1, 0.3),
    (2, 0.6),
    (1, 12.2),
    (2, 1.2),
    (3, 15.2),
    (1, 0.3),
    (2, 3.6),
    (2, 2.0),
    (3, 5.0),
    (3, 1.0),
    (2, 1.0),
    (0, 1.0),
    (0, 1.0),
    (2, 2.0),
    (2, 1.0),
    (1, 0.6),
    (2, 0.6),
    (0, 15.2),
    (1, 2.0),
    (2, 19.8),
    (3, 1.0),
    (0, 14.3),
    (0, 1.0),
    (3, 1.0),
    (1, 0.6),
    (2, 0.6),
    (1, 1.0),
    (2, 1.0),
    (0, 1.0),
    (2, 1.0),
    (3, 2.0),
];
/// Search index: each tool's document length (its weights, parameters counting a quarter), in [`TOOLS`] order.
pub static SEARCH_LENGTHS: [f32; 4] = [41.3, 49.850006, 65.25, 35.6];
/// Search index: each operator phrasing as its tool's position in [`TOOLS`], where its search
/// words start in [`SEARCH_PHRASING_WORDS`] and how many there are.
pub static SEARCH_PHRASINGS: &[(u16, u32, u16)] = &[
    (0u16, 0u32, 5u16),
    (0u16, 5u32, 4u16),
    (0u16, 9u32, 3u16),
    (0u16, 12u32, 4u16),
    (0u16, 16u32, 7u16),
    (0u16, 23u32, 4u16),
    (0u16, 27u32, 4u16),
    (0u16, 31u32, 7u16),
    (0u16, 38u32, 3u16),
    (0u16, 41u32, 3u16),
    (0u16, 44u32, 4u16),
    (0u16, 48u32, 3u16),
    (0u16, 51u32, 5u16),
    (0u16, 56u32, 4u16),
    (0u16, 60u32, 3u16),
    (1u16, 63u32, 4u16),
    (1u16, 67u32, 3u16),
    (1u16, 70u32, 5u16),
    (1u16, 75u32, 2u16),
    (1u16, 77u32, 4u16),
    (1u16, 81u32, 3u16),
    (1u16, 84u32, 4u16),
    (1u16, 88u32, 3u16),
    (1u16, 91u32, 4u16),
    (1u16, 95u32, 4u16),
    (1u16, 99u32, 8u16),
    (1u16, 107u32, 4u16),
    (1u16, 111u32, 9u16),
    (1u16, 120u32, 6u16),
    (1u16, 126u32, 7u16),
    (2u16, 133u32, 2u16),
    (2u16, 135u32, 3u16),
    (2u16, 138u32, 2u16),
    (2u16, 140u32, 4u16),
    (2u16, 144u32, 4u16),
    (2u16, 148u32, 4u16),
    (2u16, 152u32, 3u16),
    (2u16, 155u32, 6u16),
    (2u16, 161u32, 5u16),
    (2u16, 166u32, 5u16),
    (2u16, 171u32, 4u16),
    (2u16, 175u32, 5u16),
    (2u16, 180u32, 4u16),
    (2u16, 184u32, 2u16),
    (2u16, 186u32, 4u16),
    (2u16, 190u32, 3u16),
    (2u16, 193u32, 4u16),
    (2u16, 197u32, 3u16),
    (2u16, 200u32, 3u16),
    (2u16, 203u32, 3u16),
    (2u16, 206u32, 5u16),
    (2u16, 211u32, 7u16),
    (2u16, 218u32, 4u16),
    (2u16, 222u32, 5u16),
    (2u16, 227u32, 5u16),
    (2u16, 232u32, 4u16),
    (2u16, 236u32, 5u16),
    (2u16, 241u32, 5u16),
    (3u16, 246u32, 2u16),
    (3u16, 248u32, 3u16),
    (3u16, 251u32, 5u16),
    (3u16, 256u32, 5u16),
    (3u16, 261u32, 2u16),
    (3u16, 263u32, 2u16),
    (3u16, 265u32, 3u16),
    (3u16, 268u32, 1u16),
    (3u16, 269u32, 2u16),
    (3u16, 271u32, 5u16),
    (3u16, 276u32, 5u16),
    (3u16, 281u32, 2u16),
    (3u16, 283u32, 5u16),
    (3u16, 288u32, 3u16),
    (3u16, 291u32, 4u16),
    (3u16, 295u32, 3u16),
    (3u16, 298u32, 3u16),
    (3u16, 301u32, 2u16),
    (3u16, 303u32, 4u16),
    (3u16, 307u32, 2u16),
    (3u16, 309u32, 3u16),
];
/// Search index: the operator phrasings' search words (each phrasing's sorted), as positions
/// in [`SEARCH_TERMS`].
pub static SEARCH_PHRASING_WORDS: &[u16] = &[
    54, 63, 74, 76, 95, 13, 63, 89, 91, 63, 89, 91, 2, 63, 70, 74, 6, 13, 28, 63, 70, 89,
    91, 62, 63, 76, 89, 39, 63, 70, 74, 5, 13, 63, 70, 85, 89, 91, 63, 89, 91, 63, 89,
    91, 44, 63, 69, 89, 63, 74, 91, 61, 63, 74, 91, 92, 13, 44, 63, 86, 63, 74, 91, 14,
    23, 25, 53, 10, 14, 79, 14, 47, 49, 51, 67, 10, 14, 14, 47, 49, 67, 14, 23, 53, 10,
    14, 54, 79, 10, 14, 79, 14, 49, 67, 77, 10, 12, 14, 47, 12, 14, 16, 31, 46, 47, 51,
    66, 10, 14, 65, 79, 10, 12, 14, 20, 47, 54, 77, 79, 89, 14, 20, 45, 47, 54, 89, 12,
    14, 16, 31, 46, 47, 51, 14, 43, 14, 57, 89, 14, 73, 14, 31, 47, 48, 14, 21, 56, 89,
    14, 22, 40, 53, 14, 59, 89, 14, 19, 49, 50, 56, 67, 13, 14, 49, 50, 67, 12, 14, 47,
    86, 89, 14, 33, 54, 89, 14, 31, 47, 48, 55, 12, 14, 80, 89, 14, 59, 13, 14, 21, 87,
    14, 54, 89, 14, 41, 47, 80, 14, 47, 89, 12, 14, 89, 14, 54, 89, 13, 14, 49, 50, 67,
    7, 13, 14, 38, 66, 81, 96, 14, 27, 56, 84, 14, 26, 31, 54, 65, 10, 12, 14, 47, 89,
    14, 37, 75, 80, 12, 14, 31, 47, 48, 13, 14, 49, 54, 86, 24, 56, 56, 60, 97, 12, 47,
    56, 64, 82, 12, 47, 56, 79, 82, 56, 58, 9, 56, 56, 79, 97, 56, 60, 71, 9, 12, 47, 56,
    79, 8, 12, 47, 56, 82, 56, 58, 34, 35, 79, 82, 90, 9, 56, 79, 56, 60, 79, 83, 12, 47,
    56, 56, 60, 69, 7, 79, 9, 56, 79, 92, 9, 56, 42, 56, 82,
];
/// Search index: the words only operator phrasings have, never the schema, as spans of
/// [`SEARCH_TEXT`], sorted.
pub static SEARCH_PHRASING_ONLY: &[crate::tools::strings::Span] = &[
    crate::tools::strings::Span::new(14, 5),
    crate::tools::strings::Span::new(30, 6),
    crate::tools::strings::Span::new(36, 3),
    crate::tools::strings::Span::new(39, 3),
    crate::tools::strings::Span::new(42, 8),
    crate::tools::strings::Span::new(70, 3),
    crate::tools::strings::Span::new(87, 3),
    crate::tools::strings::Span::new(105, 9),
    crate::tools::strings::Span::new(118, 3),
    crate::tools::strings::Span::new(121, 6),
    crate::tools::strings::Span::new(127, 7),
    crate::tools::strings::Span::new(134, 5),
    crate::tools::strings::Span::new(146, 5),
    crate::tools::strings::Span::new(151, 6),
    crate::tools::strings::Span::new(157, 6),
    crate::tools::strings::Span::new(173, 4),
    crate::tools::strings::Span::new(182, 8),
    crate::tools::strings::Span::new(190, 4),
    crate::tools::strings::Span::new(194, 4),
    crate::tools::strings::Span::new(200, 8),
    crate::tools::strings::Span::new(208, 6),
    crate::tools::strings::Span::new(214, 4),
    crate::tools::strings::Span::new(218, 6),
    crate::tools::strings::Span::new(224, 5),
    crate::tools::strings::Span::new(229, 4),
    crate::tools::strings::Span::new(233, 4),
    crate::tools::strings::Span::new(237, 5),
    crate::tools::strings::Span::new(242, 4),
    crate::tools::strings::Span::new(246, 4),
    crate::tools::strings::Span::new(256, 4),
    crate::tools::strings::Span::new(267, 4),
    crate::tools::strings::Span::new(275, 7),
    crate::tools::strings::Span::new(282, 7),
    crate::tools::strings::Span::new(289, 9),
    crate::tools::strings::Span::new(302, 4),
    crate::tools::strings::Span::new(306, 7),
    crate::tools::strings::Span::new(313, 6),
    crate::tools::strings::Span::new(319, 6),
    crate::tools::strings::Span::new(325, 6),
    crate::tools::strings::Span::new(331, 3),
    crate::tools::strings::Span::new(342, 3),
    crate::tools::strings::Span::new(345, 6),
    crate::tools::strings::Span::new(351, 4),
    crate::tools::strings::Span::new(367, 7),
    crate::tools::strings::Span::new(374, 3),
    crate::tools::strings::Span::new(377, 4),
    crate::tools::strings::Span::new(386, 6),
    crate::tools::strings::Span::new(392, 5),
    crate::tools::strings::Span::new(397, 6),
    crate::tools::strings::Span::new(403, 4),
    crate::tools::strings::Span::new(407, 5),
    crate::tools::strings::Span::new(424, 5),
    crate::tools::strings::Span::new(429, 9),
    crate::tools::strings::Span::new(438, 6),
    crate::tools::strings::Span::new(444, 7),
    crate::tools::strings::Span::new(451, 3),
    crate::tools::strings::Span::new(454, 4),
    crate::tools::strings::Span::new(458, 3),
    crate::tools::strings::Span::new(473, 6),
    crate::tools::strings::Span::new(483, 7),
    crate::tools::strings::Span::new(496, 3),
    crate::tools::strings::Span::new(499, 4),
    crate::tools::strings::Span::new(503, 7),
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
