//! Emulator benchmark. Being written.

use anyhow::{Result, bail};

pub fn run(_args: &[String]) -> Result<()> {
    bail!("the emulator benchmark is not written yet")
}
