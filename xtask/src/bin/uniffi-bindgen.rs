//! `uniffi-bindgen`, at the version of the workspace's uniffi. Run by `cargo xtask bindings`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
