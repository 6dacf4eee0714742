//! Code generated from `apidoc/pdm-1.1.json` by the `codegen` crate at build time: Proxmox
//! Datacenter Manager's tools, one typed request struct per endpoint and the sorted [`TOOLS`]
//! table, kept apart from PVE's ([`super::generated`], whose `Category` they share). Never edited by
//! hand; `docs/TOOLS.md` lists them after PBS's.

#![allow(clippy::all, clippy::pedantic, non_camel_case_types, dead_code, unused_mut, unused_imports)]

include!(concat!(env!("OUT_DIR"), "/generated_pdm.rs"));
