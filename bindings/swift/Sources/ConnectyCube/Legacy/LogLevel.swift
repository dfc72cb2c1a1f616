import Foundation

/// 1.x's log levels (`Settings.logLevel`), in the order of the 1.x SDK's `CYBLogLevel`:
/// `.nothing` turns the SDK's log off (the default); the others turn it on at that level.
public enum LogLevel: Int, Sendable {
    case nothing
    case errors
    case warnings
    case info
    case debug
}

extension Settings {
    /// 1.x's log switch and level, over `ConnectycubeSettings.shared`.
    public static var logLevel: LogLevel {
        get {
            let settings = ConnectycubeSettings.shared
            guard settings.isDebugEnabled else { return .nothing }
            switch settings.logLevel {
            case .error: return .errors
            case .warn: return .warnings
            case .info: return .info
            case .debug, .trace: return .debug
            }
        }
        set {
            let settings = ConnectycubeSettings.shared
            switch newValue {
            case .nothing: break
            case .errors: settings.logLevel = .error
            case .warnings: settings.logLevel = .warn
            case .info: settings.logLevel = .info
            case .debug: settings.logLevel = .debug
            }
            settings.isDebugEnabled = newValue != .nothing
        }
    }
}
