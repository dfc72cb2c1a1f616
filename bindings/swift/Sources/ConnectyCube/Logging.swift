import Foundation

// The SDK's log in Swift: the debug switch of the official SDK (`isDebugEnabled`) and a level
// over the generated `ConnectycubeSettings` (one shared instance in Rust, where lines are
// filtered by level, formatted and redacted before they reach Swift). With no logger set,
// lines go to stderr. `os.Logger` (Apple platforms) is not built here: these bindings are
// built and tested on Linux only.

extension ConnectycubeSettings {
    /// The shared instance (`ConnectycubeSettings()` returns the same settings).
    public static let shared = ConnectycubeSettings()

    /// Whether the SDK logs (off by default): `ConnectycubeSettings().isDebugEnabled = true`.
    public var isDebugEnabled: Bool {
        get { debugEnabled() }
        set { setDebugEnabled(enabled: newValue) }
    }

    /// The most verbose level logged while debug is on: `.debug` unless set.
    public var logLevel: ConnectycubeLogLevel {
        get { level() }
        set { setLevel(level: newValue) }
    }

    /// Sends each line to `log(level, target, message)`, called on the SDK's own thread, one
    /// line at a time, in order. `setLogger(logger: nil)` brings stderr back.
    public func setLogger(_ log: @escaping @Sendable (ConnectycubeLogLevel, String, String) -> Void) {
        setLogger(logger: ClosureLogger(log))
    }
}

final class ClosureLogger: ConnectycubeLogger, @unchecked Sendable {
    private let log: @Sendable (ConnectycubeLogLevel, String, String) -> Void

    init(_ log: @escaping @Sendable (ConnectycubeLogLevel, String, String) -> Void) {
        self.log = log
    }

    func log(level: ConnectycubeLogLevel, target: String, message: String) throws {
        log(level, target, message)
    }
}
