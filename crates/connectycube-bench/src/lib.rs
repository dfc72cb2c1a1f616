//! What the SDK's measurements share: the binaries of this crate (`bench-sdk`,
//! `bench-footprint`, `bench-soak`, `footprint-driver`, run by `cargo xtask bench | footprint |
//! soak`) and the emulator's throughput bench (`cargo bench -p connectycube-emulator`).
//!
//! - [`measure`]: percentiles, CPU time and memory from `/proc`;
//! - [`report`]: number formats, the machine and commit lines, writing `target/bench/*`;
//! - [`session`]: the emulator's `POST /session` answer;
//! - [`driver`] (feature `sdk`): how xtask hands over the external drivers it built, and the
//!   emulator's control API.

pub mod measure;
pub mod report;
pub mod session;

#[cfg(feature = "sdk")]
pub mod driver;
