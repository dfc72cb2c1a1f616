//! The Swift async-call fix: uniffi 0.32's `uniffiRustCallAsync` ignores Task cancellation,
//! so a cancelled Task keeps polling its Rust future to the end and the SDK's drop-time
//! clean-up (closing the connection) never runs. This swaps it and its continuation callback
//! for the ones in `bindings/swift/Patches/uniffiRustCallAsync.swift`, which free (drop) the
//! Rust future when the Task is cancelled.
//!
//! Upstream: mozilla/uniffi-rs#2771 ("Support Cancelling/Dropping Rust Futures"; an opt-in
//! `cancellable` export is proposed in #2887). Remove this patch (and the file in
//! `bindings/swift/Patches/`) once the uniffi version in use drops the Rust future on Task
//! cancellation; it refuses generated code of another shape, so a uniffi upgrade that changes
//! the machinery stops `cargo xtask bindings` until the patch is reviewed.

use anyhow::Result;

const ASYNC_PATCH: &str = include_str!("../../../../bindings/swift/Patches/uniffiRustCallAsync.swift");

/// Swaps uniffi's `uniffiRustCallAsync` and `uniffiFutureContinuationCallback` for the
/// cancellable ones in `bindings/swift/Patches/`. Refuses generated code of another shape
/// (a uniffi upgrade): review the patch then.
pub fn patch_async_cancellation(source: &str) -> Result<String> {
    const START: &str = "fileprivate func uniffiRustCallAsync<F, T>(";
    const CALLBACK: &str = "fileprivate func uniffiFutureContinuationCallback(";
    let changed = || {
        anyhow::anyhow!(
            "the generated Swift's async machinery is not the one bindings/swift/Patches/uniffiRustCallAsync.swift \
             replaces (uniffi upgraded?): review the patch"
        )
    };
    let start = source.find(START).ok_or_else(changed)?;
    let callback = start + source[start..].find(CALLBACK).ok_or_else(changed)?;
    let end = callback + source[callback..].find("\n}\n").ok_or_else(changed)? + "\n}\n".len();
    let original = &source[start..end];
    let expected = [
        "withUnsafeContinuation",
        "uniffiContinuationHandleMap.insert(obj: $0)",
        "freeFunc(rustFuture)",
        "} while pollResult != UNIFFI_RUST_FUTURE_POLL_READY",
    ];
    if expected.iter().any(|e| !original.contains(e)) || source[end..].contains(START) {
        return Err(changed());
    }
    Ok(format!("{}{}{}", &source[..start], ASYNC_PATCH, &source[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_replaces_the_async_call_and_its_callback() {
        let generated = "head\nfileprivate func uniffiRustCallAsync<F, T>(\n    let x = withUnsafeContinuation {\n        \
                         uniffiContinuationHandleMap.insert(obj: $0)\n    }\n    freeFunc(rustFuture)\n    \
                         } while pollResult != UNIFFI_RUST_FUTURE_POLL_READY\n}\n\n// comment\n\
                         fileprivate func uniffiFutureContinuationCallback(handle: UInt64) {\n    print(\"x\")\n}\n\
                         public func tail() {}\n";
        let patched = patch_async_cancellation(generated).unwrap();
        assert!(patched.starts_with("head\n"));
        assert!(patched.ends_with("public func tail() {}\n"));
        assert!(patched.contains("withTaskCancellationHandler"));
        assert!(!patched.contains("print(\"x\")"));
        assert!(patch_async_cancellation("no async here").is_err());
    }
}
