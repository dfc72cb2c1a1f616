//! Async calls from Kotlin cost a JVM thread attach per wake-up unless told otherwise: every
//! Rust future wakes its coroutine through a JNA callback invoked on a tokio worker thread,
//! and JNA attaches that native thread to the JVM for the callback and detaches it right after
//! (`AttachCurrentThread` builds a `java.lang.Thread` each time). This registers a
//! `CallbackThreadInitializer` for the continuation callback that keeps those threads
//! attached, as daemons, so a wake-up is a plain upcall.
//!
//! Applied to the generated code wherever it goes, by `bindings::generate_into`. Refuses
//! generated code of another shape (a uniffi upgrade): review this patch then.
//!
//! Upstream: mozilla/uniffi-rs#2410 (callbacks into Kotlin from Rust-created threads and their
//! cost; uniffi's manual only advises attaching such threads, #2133). Remove this patch once the
//! uniffi version in use keeps callback threads attached itself (a `CallbackThreadInitializer`
//! in its async template, or the JNI back end of #2672 replacing JNA).

use std::path::Path;

use anyhow::{Result, bail};

const CALLBACK_OBJECT: &str =
    "internal object uniffiRustFutureContinuationCallbackImpl: UniffiRustFutureContinuationCallback {\n";

const KEEP_ATTACHED: &str = "    // Patched by xtask (lang/kotlin/callback_threads.rs): the tokio threads that wake
    // coroutines stay attached to the JVM (as daemons) instead of attaching per wake-up.
    init {
        com.sun.jna.Native.setCallbackThreadInitializer(
            this,
            com.sun.jna.CallbackThreadInitializer(true, false, \"connectycube-rust\"),
        )
    }
";

/// Patches the one generated `.kt` file under `dir` that holds the async support.
pub fn apply(dir: &Path) -> Result<()> {
    super::patch_the_file_with(
        dir,
        CALLBACK_OBJECT,
        "the async continuation callback",
        keep_callback_threads_attached,
    )
}

/// `source` (the generated file holding the async support) with the initializer registered.
pub fn keep_callback_threads_attached(source: &str) -> Result<String> {
    if source.matches(CALLBACK_OBJECT).count() != 1 {
        bail!(
            "the generated Kotlin has no single `uniffiRustFutureContinuationCallbackImpl` object: not the shape \
             xtask/src/lang/kotlin/callback_threads.rs patches (uniffi upgraded?); review the patch"
        );
    }
    if source.contains("CallbackThreadInitializer") {
        bail!("the generated Kotlin already sets a CallbackThreadInitializer; review the patch");
    }
    Ok(source.replacen(CALLBACK_OBJECT, &format!("{CALLBACK_OBJECT}{KEEP_ATTACHED}"), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str =
        "internal object uniffiRustFutureContinuationCallbackImpl: UniffiRustFutureContinuationCallback {
    override fun callback(data: Long, pollResult: Byte) {
        uniffiContinuationHandleMap.remove(data).resume(pollResult)
    }
}
";

    #[test]
    fn the_continuation_callback_keeps_its_threads_attached() {
        let patched = keep_callback_threads_attached(GENERATED).unwrap();
        assert!(patched.contains("CallbackThreadInitializer(true, false"));
        assert!(patched.find("init {").unwrap() < patched.find("override fun callback").unwrap());
        assert!(keep_callback_threads_attached(&patched).is_err(), "patched twice");
    }

    #[test]
    fn another_shape_is_refused() {
        assert!(keep_callback_threads_attached("object Other {}\n").is_err());
    }
}
