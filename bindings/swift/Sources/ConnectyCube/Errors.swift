import Foundation

// uniffi's own conformance (turned off in uniffi.toml) would describe the enum case; these
// are the SDK's messages, which `error.localizedDescription` shows as in the iOS samples.
extension ConnectycubeError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case let .Response(httpStatusCode, errors, _):
            return "the server answered \(httpStatusCode): \(errors.joined(separator: "; "))"
        case .SessionExpired:
            return "the session expired and could not be renewed; sign in again"
        case let .Forbidden(_, errors):
            return "forbidden: \(errors.joined(separator: "; "))"
        case let .NotFound(_, errors):
            return "not found: \(errors.joined(separator: "; "))"
        case let .Validation(_, errors, _):
            return "validation failed: \(errors.joined(separator: "; "))"
        case let .Network(reason):
            return "network error: \(reason)"
        case let .Tls(reason):
            return "TLS error: \(reason)"
        case let .RequestTooLarge(_, reason):
            return "the request is too large for the server: \(reason)"
        case let .ResponseTooLarge(limitBytes):
            return "the server's answer is larger than the \(limitBytes)-byte limit"
        case .Timeout:
            return "the request timed out"
        case let .Decode(reason):
            return "could not decode the server's answer: \(reason)"
        case let .InvalidArgument(reason):
            return "invalid argument: \(reason)"
        case .NotInitialized:
            return "ConnectyCube is not initialised: call doInit first"
        case .Cancelled:
            return "the request was cancelled"
        }
    }

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
