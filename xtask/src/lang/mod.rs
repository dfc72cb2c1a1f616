//! One test runner per foreign language: toolchain, build, run against the emulator.

pub mod kotlin;
pub mod python;
pub mod swift;
pub mod tls;
