//! Packaging the bindings for the mobile platforms: `cargo xtask android` and `cargo xtask apple`.

pub mod android;
pub mod apple;
