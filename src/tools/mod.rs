//! Stage 2, the tools. Owns the generated table of every tool ([`generated`], [`registry`]; Backup
//! Server's and Datacenter Manager's apart in [`generated_pbs`] and [`generated_pdm`]), the
//! reading and checking of a tool's arguments into its typed request ([`arguments`]), and
//! discovery search over the table ([`discovery`]); which PVE release has each tool, parameter
//! and enum value, and a tool's listing in each ([`releases`]); the server's own tools'
//! arguments, typed, with the schemas derived from them ([`params`]); the strings of large generated
//! tables as spans of one string ([`strings`]).
//!
//! Decides nothing about who may call what (that is [`crate::policy`]) and sends nothing.

pub mod arguments;
pub mod checks;
pub mod discovery;
pub mod generated;
pub mod generated_pbs;
pub mod generated_pdm;
pub mod params;
pub mod references;
pub mod registry;
pub mod releases;
pub mod strings;
