import Foundation

// The 1.x iOS SDK's entry point, `CYBRequest` (Swift `Request`): class methods taking
// optional `successBlock`/`errorBlock`, each returning a handle that can be cancelled.
// Every operation awaits the new API (`ConnectyCube.shared`); this layer only converts
// models and errors and delivers the blocks on the main queue, as 1.x did.

public typealias SuccessBlock = () -> Void
public typealias ErrorBlock = (NSError) -> Void
public typealias UserBlock = (User) -> Void
public typealias UsersPageBlock = (Paginator, [User]) -> Void
public typealias BlobBlock = (Blob) -> Void
/// Upload progress from 0.0 to 1.0.
public typealias ProgressBlock = (Float) -> Void

/// 1.x's `CYBErrorCode` (Swift `ErrorCode`): an error's `code` is the HTTP status of the
/// server's answer, or one of the negative codes for failures without one.
public enum ErrorCode: Int {
    /// The request was cancelled (the value of `NSURLErrorCancelled`, which 1.x passed on).
    case cancelled = -999
    /// No HTTP status: the network, a timeout, an argument refused before sending, …
    case unknown = -1
    case ok = 200
    case created = 201
    case accepted = 202
    case badRequest = 400
    case unAuthorized = 401
    case forbidden = 403
    case notFound = 404
    case validationFailed = 422
    case serverError = 500
}

/// A call in flight. `cancel()` aborts it (the request is dropped); after `cancel()` returns
/// on the main queue, neither block runs.
public final class Request: @unchecked Sendable {
    /// `NSError.domain` of every error this layer delivers.
    public static let errorDomain = "com.connectycube.ConnectyCube"
    /// `userInfo` key: the server's messages, `[String]`.
    public static let errorReasonsKey = "errors"
    /// `userInfo` key: the server's messages by field (422), `[String: [String]]`.
    public static let errorFieldReasonsKey = "field_errors"
    /// `userInfo` key: the SDK's stable error code (`"not_found"`, `"network"`, …), `String`.
    public static let errorSDKCodeKey = "sdk_code"

    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var cancelled = false

    init() {}

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    public func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }

    private func attach(_ task: Task<Void, Never>) {
        lock.lock()
        self.task = task
        let cancelled = self.cancelled
        lock.unlock()
        if cancelled { task.cancel() }
    }

    /// Runs `operation` through the new API's delivery (outcome on the main actor) and hands
    /// the converted value to `success`, unless the handle was cancelled first.
    static func start<T: Sendable>(
        _ operation: @escaping @Sendable () async throws -> T,
        errorBlock: ErrorBlock?,
        handle: Request = Request(),
        success: @escaping (T) -> Void
    ) -> Request {
        let task = ConnectyCube.shared.deliver({ (value: T) in
            if !handle.isCancelled { success(value) }
        }, { error in
            if !handle.isCancelled { errorBlock?(Request.nsError(error)) }
        }, operation)
        handle.attach(task)
        return handle
    }

    /// An argument refused before anything starts, delivered like any other error.
    static func refused(_ error: Error, errorBlock: ErrorBlock?) -> Request {
        start({ () async throws -> Void in throw error }, errorBlock: errorBlock, success: { _ in })
    }

    /// The 1.x form of an error: `code` is the HTTP status when the server answered, else an
    /// `ErrorCode`; `userInfo` holds the readable message (`NSLocalizedDescriptionKey`, the
    /// Rust SDK's text, never a secret), the server's reasons (`errorReasonsKey`,
    /// `errorFieldReasonsKey`), the SDK's stable code (`errorSDKCodeKey`) and the typed
    /// `ConnectycubeError` (`NSUnderlyingErrorKey`).
    static func nsError(_ error: Error) -> NSError {
        if error is CancellationError {
            return NSError(domain: errorDomain, code: ErrorCode.cancelled.rawValue, userInfo: [
                NSLocalizedDescriptionKey: "the request was cancelled",
                errorSDKCodeKey: "cancelled",
            ])
        }
        guard let error = error as? ConnectycubeError else {
            return NSError(domain: errorDomain, code: ErrorCode.unknown.rawValue, userInfo: [
                NSLocalizedDescriptionKey: error.localizedDescription,
                NSUnderlyingErrorKey: error,
            ])
        }
        var userInfo: [String: Any] = [
            NSLocalizedDescriptionKey: error.message(),
            errorSDKCodeKey: error.code(),
            NSUnderlyingErrorKey: error,
        ]
        switch error {
        case let .Response(_, errors, fieldErrors), let .Validation(_, errors, fieldErrors):
            userInfo[errorReasonsKey] = errors
            userInfo[errorFieldReasonsKey] = fieldErrors
        case let .Forbidden(_, errors), let .NotFound(_, errors):
            userInfo[errorReasonsKey] = errors
        default:
            break
        }
        return NSError(domain: errorDomain, code: code(of: error), userInfo: userInfo)
    }

    /// The status is decided in Rust (`legacyStatusCode()`), alike for the Android 1.x layer.
    private static func code(of error: ConnectycubeError) -> Int {
        if let status = error.legacyStatusCode() { return Int(status) }
        if case .Cancelled = error { return ErrorCode.cancelled.rawValue }
        return ErrorCode.unknown.rawValue
    }
}
