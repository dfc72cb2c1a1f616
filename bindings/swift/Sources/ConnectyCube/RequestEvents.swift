import Foundation

// The request observer as a Swift closure, over the native `setRequestObserver(observer:)`:
// what an event holds and when it comes are decided in Rust.

/// Hands each request event to a Swift closure, on the SDK's background thread, in the order
/// the calls ended.
final class BridgedRequestObserver: RequestObserver, @unchecked Sendable {
    private let onEvent: @Sendable (RequestEvent) -> Void

    init(_ onEvent: @escaping @Sendable (RequestEvent) -> Void) {
        self.onEvent = onEvent
    }

    func onRequest(event: RequestEvent) throws {
        onEvent(event)
    }
}

extension ConnectyCube {
    /// Sets the one request observer, for analytics (`nil` removes it): one `RequestEvent` per
    /// call to a route — method, route template (`/users/{id}`, never ids or query values),
    /// HTTP status or error code, attempts, duration, whether a session was renewed. Called on
    /// a background thread, in order; it stays through `doInit`.
    ///
    /// ```swift
    /// ConnectyCube().setRequestObserver { event in
    ///     analytics.track("\(event.method) \(event.route)", status: event.httpStatus)
    /// }
    /// ```
    public func setRequestObserver(_ observer: (@Sendable (RequestEvent) -> Void)?) {
        setRequestObserver(observer: observer.map { BridgedRequestObserver($0) })
    }
}
