//! `uniffi-bindgen`, at the version of the workspace's uniffi. Run by `cargo xtask bindings`
//! and by maturin when `pip install ./bindings/python` generates the Python module.

fn main() {
    uniffi::uniffi_bindgen_main()
}
