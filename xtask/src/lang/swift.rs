//! The swift binding tests. Being written.

use anyhow::{Result, bail};

use crate::test_bindings::BindingsContext;

pub fn test(context: &BindingsContext) -> Result<()> {
    let _ = (
        &context.workspace,
        &context.library,
        &context.generated,
        &context.emulator_url,
        &context.cache,
        &context.build_dir,
    );
    bail!("the swift binding tests are not written yet")
}

pub fn package_apple(_args: &[String]) -> Result<()> {
    bail!("`cargo xtask apple` is not written yet")
}
