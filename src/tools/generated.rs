//! Code generated from `apidoc/apidoc.json` by the `codegen` crate at build time: one typed
//! request struct per endpoint, in one module per category, and the sorted [`TOOLS`] table.
//! Never edited by hand; `docs/TOOLS.md` is the readable index of it.

#![allow(clippy::all, clippy::pedantic, non_camel_case_types, dead_code, unused_mut)]

include!(concat!(env!("OUT_DIR"), "/generated.rs"));
