// Stand-ins for the server's registry and references types, field for field as in
// `src/tools/registry.rs` and `src/tools/references.rs` (the real files hold tests about the
// vendored schema's tools, so they cannot be compiled with a fixture's table). When one of those
// types changes, change it here too: the compiled snapshots (`compiled_*.rs`) then say whether
// the generated code still fits.

#[path = "../../../src/tools/strings.rs"]
pub mod strings;

pub mod registry {
    use crate::pve::request::{HttpMethod, PveRequest};
    use crate::tools::arguments::{ArgErrors, Arguments, PropertyArg};
    use crate::tools::generated::Category;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Tier {
        ReadOnly,
        ReadExecute,
        Full,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Gate {
        pub target: Option<&'static str>,
        pub only_if: Option<When>,
        pub reason: &'static str,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum When {
        True(&'static str),
        Names(&'static str, &'static str),
    }

    #[derive(Debug)]
    pub struct ToolDef {
        pub name: &'static str,
        pub title: &'static str,
        pub description: &'static str,
        pub summary: &'static str,
        pub method: HttpMethod,
        pub path: &'static str,
        pub tier: Tier,
        pub category: Category,
        pub gate: Option<Gate>,
        pub task: bool,
        pub allow_token: bool,
        pub secret_arguments: &'static [&'static str],
        pub read_only: bool,
        pub destructive: bool,
        pub idempotent: bool,
        pub open_world: bool,
        pub input_schema: &'static str,
        pub compact_schema: &'static str,
        pub permissions: &'static str,
        pub output_schema: Option<&'static str>,
        pub config_read: Option<&'static str>,
        pub property_strings: &'static [PropertyArg],
        pub signature: &'static str,
        pub build: fn(&mut Arguments) -> Result<PveRequest, ArgErrors>,
    }
}

pub mod references {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Names {
        Node,
        Nodes,
        Guest,
        Guests,
        HaResource,
        HaResources,
        Volume,
        ReplicationJob,
        Task,
        AclPath,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Reference {
        pub param: &'static str,
        pub in_path: bool,
        pub indexed: bool,
        pub keys: &'static [&'static str],
        pub default_key: bool,
        pub names: Names,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Scope {
        pub list: &'static str,
        pub absent_means_all: bool,
        pub widening: &'static [&'static str],
    }

    #[derive(Debug)]
    pub struct ToolReferences {
        pub tool: &'static str,
        pub references: &'static [Reference],
        pub scope: Option<Scope>,
    }
}
