import Foundation

/// Holds app callbacks so they can cross to the main actor. The official SDK takes plain
/// `(T) -> Void` closures and calls them on the main thread; so does this layer.
struct UncheckedCallbacks<T>: @unchecked Sendable {
    let success: (T) -> Void
    let failure: (Error) -> Void
}

extension ConnectyCube {
    /// Runs `operation` in a `Task` and delivers its outcome on the `MainActor`: exactly one of
    /// the callbacks is called, `errorCallback` with `CancellationError` if the returned task is
    /// cancelled first.
    @discardableResult
    func deliver<T: Sendable>(
        _ successCallback: @escaping (T) -> Void,
        _ errorCallback: @escaping (Error) -> Void,
        _ operation: @escaping @Sendable () async throws -> T
    ) -> Task<Void, Never> {
        let callbacks = UncheckedCallbacks(success: successCallback, failure: errorCallback)
        return Task {
            do {
                let value = try await operation()
                try Task.checkCancellation()
                await MainActor.run { callbacks.success(value) }
            } catch {
                await MainActor.run { callbacks.failure(error) }
            }
        }
    }

    /// The `() -> Void` flavour for operations without a result.
    @discardableResult
    func deliver(
        _ successCallback: @escaping () -> Void,
        _ errorCallback: @escaping (Error) -> Void,
        _ operation: @escaping @Sendable () async throws -> Void
    ) -> Task<Void, Never> {
        deliver({ (_: Void) in successCallback() }, errorCallback, operation)
    }
}
