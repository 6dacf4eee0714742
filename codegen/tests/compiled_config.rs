//! The `config` fixture's snapshot (`snapshots/config.rs`) compiled as the server's
//! `crate::tools::generated`, against the server's own argument readers and wire forms
//! (`src/tools/arguments`, `src/pve/request.rs`) and stand-ins of the registry's types.

#[path = "compiled/pve.rs"]
pub mod pve;

#[path = "../../src/tools/arguments/mod.rs"]
#[allow(unused_imports)]
pub mod arguments;

pub mod tools {
    pub use crate::arguments;
    include!("compiled/stand_ins.rs");

    #[allow(dead_code, unused_mut, unused_imports, non_camel_case_types, clippy::all)]
    pub mod generated {
        include!("snapshots/config.rs");
    }
}

#[test]
fn every_tool_refuses_an_empty_call_with_errors_not_a_panic() {
    for t in tools::generated::TOOLS.iter() {
        let _ = (t.build)(&mut arguments::Arguments::new(serde_json::Map::new()));
    }
}
