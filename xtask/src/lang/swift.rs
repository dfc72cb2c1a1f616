//! The swift binding tests. Being written.

use anyhow::{Result, bail};

use crate::test_bindings::BindingsContext;

pub fn test(_context: &BindingsContext) -> Result<()> {
    bail!("the swift binding tests are not written yet")
}
