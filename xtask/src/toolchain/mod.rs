//! The foreign toolchains the binding tests and the bench drivers need, fetched once into the
//! cache outside the repository (`util::cache_dir`) and reused.

pub mod kotlin;
pub mod swift;
