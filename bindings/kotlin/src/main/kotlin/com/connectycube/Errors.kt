package com.connectycube

// Property forms of what Rust decides for every error (`docs/errors.md`, one table in
// crates/connectycube/src/error_code.rs): `e.isRetryable` reads as Kotlin does; the generated
// methods `isRetryable()`, `needsSignIn()`, `hint()` stay for Java.

/** Whether the same call can succeed later unchanged; the SDK already retried what was safe to repeat. */
val ConnectycubeException.isRetryable: Boolean get() = isRetryable()

/** Whether the user must sign in (again) before the call can succeed. */
val ConnectycubeException.needsSignIn: Boolean get() = needsSignIn()

/** What to do about it, in a sentence for the app's developer. */
val ConnectycubeException.hint: String get() = hint()
