import Foundation

// Who is signed in, in Swift's two idioms over the one native listener
// (`addAuthStateListener(listener:)`, whose ordering and first-state rules live in Rust):
// an `AsyncStream` and a closure called on the main queue, as the callback forms are.
// The current value is the generated `authState()`.

/// Hands each state the SDK reports to a Swift closure. The SDK calls it on a background
/// thread, one state at a time, in order.
final class BridgedAuthStateListener: AuthStateListener, @unchecked Sendable {
    private let onState: (AuthState) -> Void

    /// How many bridged listeners the SDK still holds: one leaves when its subscription is
    /// cancelled and the SDK lets go of it, which is how a test sees a stream's cancellation
    /// reach the native side.
    static var live: Int {
        liveLock.lock()
        defer { liveLock.unlock() }
        return liveCount
    }

    private static let liveLock = NSLock()
    nonisolated(unsafe) private static var liveCount = 0

    init(_ onState: @escaping (AuthState) -> Void) {
        self.onState = onState
        Self.liveLock.lock()
        Self.liveCount += 1
        Self.liveLock.unlock()
    }

    deinit {
        Self.liveLock.lock()
        Self.liveCount -= 1
        Self.liveLock.unlock()
    }

    func onAuthStateChanged(state: AuthState) throws {
        onState(state)
    }
}

/// A closure registered with `addAuthStateListener(_:)`. `cancel()` stops it: once `cancel()`
/// has returned on the main queue, the closure is not called again.
public final class AuthStateCallbackSubscription: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var native: AuthStateSubscription?

    init() {}

    func attach(_ subscription: AuthStateSubscription) {
        lock.lock()
        native = subscription
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    public func cancel() {
        lock.lock()
        cancelled = true
        let native = self.native
        self.native = nil
        lock.unlock()
        native?.cancel()
    }
}

/// Lets an app's closure, which need not be `Sendable`, cross to the main queue.
private struct UncheckedAuthStateCallback: @unchecked Sendable {
    let call: (AuthState) -> Void
}

extension ConnectyCube {
    /// The session's states: the current one first (reason `.initial`), then every change in
    /// order. Each access starts its own native listener; it is cancelled when the stream
    /// ends (the iterating `Task` is cancelled, or the stream is dropped). No state is
    /// dropped: the stream buffers what its reader has not taken yet.
    ///
    /// ```swift
    /// for await state in ConnectyCube().authStates {
    ///     if state.kind == .signedIn { … }
    /// }
    /// ```
    public var authStates: AsyncStream<AuthState> {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let subscription = addAuthStateListener(
                listener: BridgedAuthStateListener { state in continuation.yield(state) })
            continuation.onTermination = { _ in subscription.cancel() }
        }
    }

    /// Calls `listener` on the main queue with the current state (reason `.initial`), then with
    /// every change in order, until the returned subscription is cancelled. Keep the
    /// subscription: the listener stays registered until `cancel()`.
    @discardableResult
    public func addAuthStateListener(_ listener: @escaping (AuthState) -> Void) -> AuthStateCallbackSubscription {
        let callback = UncheckedAuthStateCallback(call: listener)
        let subscription = AuthStateCallbackSubscription()
        // The SDK calls the bridge in order, one state at a time; the main queue keeps that
        // order. The flag is read on the main queue, so a `cancel()` made there wins over a
        // state already on its way.
        let native = addAuthStateListener(
            listener: BridgedAuthStateListener { state in
                DispatchQueue.main.async {
                    if !subscription.isCancelled { callback.call(state) }
                }
            })
        subscription.attach(native)
        return subscription
    }
}
