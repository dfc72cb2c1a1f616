import Foundation

// What an error says is the Rust SDK's (`message()` and `description` are exported from
// Rust), which `error.localizedDescription` shows as in the iOS samples; uniffi's own
// LocalizedError (turned off in uniffi.toml) would describe the enum case instead.
extension ConnectycubeError: LocalizedError, CustomStringConvertible {
    public var errorDescription: String? { message() }

    /// The HTTP status of an answer from the server, `nil` for local failures (and for a
    /// request refused as too large before it was sent).
    public var httpStatusCode: Int32? {
        switch self {
        case let .Response(code, _, _), let .Forbidden(code, _), let .NotFound(code, _), let .Validation(code, _, _):
            return code
        case let .RequestTooLarge(code, _):
            return code
        default:
            return nil
        }
    }
}
