//! The official JS SDK (npm `connectycube` 6.x) against the emulator. Being written.

use std::path::Path;

use anyhow::{Result, bail};

pub fn run(_workspace: &Path, _emulator: &Path) -> Result<()> {
    bail!("the JS SDK compatibility test is not written yet")
}
