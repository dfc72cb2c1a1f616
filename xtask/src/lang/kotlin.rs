//! The kotlin binding tests. Being written.

use anyhow::{Result, bail};

use crate::test_bindings::BindingsContext;

pub fn test(_context: &BindingsContext) -> Result<()> {
    bail!("the kotlin binding tests are not written yet")
}
