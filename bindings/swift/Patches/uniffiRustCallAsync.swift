// Replaces uniffi 0.32's generated `uniffiRustCallAsync` (applied by `cargo xtask`, see
// xtask/src/lang/swift.rs): the generated one ignores Task cancellation, so a cancelled
// Task waited for the server's answer. This one, when its Task is cancelled, resumes the
// pending poll itself, throws `CancellationError` and frees the Rust future, which drops
// it: the HTTP request is aborted, as with Kotlin's coroutine cancellation. The Rust side
// may still fire the stale continuation handle; `uniffiFutureContinuationCallback` ignores it.
fileprivate final class UniffiPendingPoll: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: UInt64? = nil
    private var cancelled = false

    /// Registers the continuation waiting for the next poll; false when already cancelled.
    func register(_ handle: UInt64) -> Bool {
        lock.withLock {
            if cancelled { return false }
            self.handle = handle
            return true
        }
    }

    func cancel() {
        let pending: UInt64? = lock.withLock {
            cancelled = true
            defer { handle = nil }
            return handle
        }
        if let pending, let continuation = try? uniffiContinuationHandleMap.remove(handle: pending) {
            continuation.resume(returning: UNIFFI_RUST_FUTURE_POLL_CANCELLED_BY_SWIFT)
        }
    }
}

private let UNIFFI_RUST_FUTURE_POLL_CANCELLED_BY_SWIFT: Int8 = -1

fileprivate func uniffiRustCallAsync<F, T>(
    rustFutureFunc: () -> UInt64,
    pollFunc: (UInt64, @escaping UniffiRustFutureContinuationCallback, UInt64) -> (),
    completeFunc: (UInt64, UnsafeMutablePointer<RustCallStatus>) -> F,
    freeFunc: (UInt64) -> (),
    liftFunc: (F) throws -> T,
    errorHandler: ((RustBuffer) throws -> Swift.Error)?
) async throws -> T {
    // Make sure to call the ensure init function since future creation doesn't have a
    // RustCallStatus param, so doesn't use makeRustCall()
    uniffiEnsureConnectycubeFfiInitialized()
    try Task.checkCancellation()
    let rustFuture = rustFutureFunc()
    defer {
        freeFunc(rustFuture)
    }
    let pending = UniffiPendingPoll()
    var pollResult: Int8
    repeat {
        pollResult = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let handle = uniffiContinuationHandleMap.insert(obj: continuation)
                if pending.register(handle) {
                    pollFunc(
                        rustFuture,
                        { handle, pollResult in
                            uniffiFutureContinuationCallback(handle: handle, pollResult: pollResult)
                        },
                        handle
                    )
                } else if let continuation = try? uniffiContinuationHandleMap.remove(handle: handle) {
                    continuation.resume(returning: UNIFFI_RUST_FUTURE_POLL_CANCELLED_BY_SWIFT)
                }
            }
        } onCancel: {
            pending.cancel()
        }
        if pollResult == UNIFFI_RUST_FUTURE_POLL_CANCELLED_BY_SWIFT {
            throw CancellationError()
        }
    } while pollResult != UNIFFI_RUST_FUTURE_POLL_READY

    return try liftFunc(makeRustCall(
        { completeFunc(rustFuture, $0) },
        errorHandler: errorHandler
    ))
}

// Callback handlers for an async calls.  These are invoked by Rust when the future is ready.  They
// lift the return value or error and resume the suspended function. A handle already taken by a
// cancellation is ignored.
fileprivate func uniffiFutureContinuationCallback(handle: UInt64, pollResult: Int8) {
    if let continuation = try? uniffiContinuationHandleMap.remove(handle: handle) {
        continuation.resume(returning: pollResult)
    }
}
