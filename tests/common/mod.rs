//! Code shared by the integration tests of `tests/` (each test file is its own crate).

pub mod product_search;
