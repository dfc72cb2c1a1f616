import Foundation

extension ConnectyCube {
    /// The shared instance, as `ConnectyCube.shared` in the official SDK (`ConnectyCube()`
    /// returns the same object).
    public static let shared = ConnectyCube()
}

extension RequestSorter {
    /// The official SDK's initializer order, `fieldType` first.
    public init(fieldType: String?, fieldName: String, sortType: String) {
        self.init(fieldName: fieldName, sortType: sortType, fieldType: fieldType)
    }
}

extension ConnectycubeSessionManager {
    /// The shared instance (`ConnectycubeSessionManager()` returns an equivalent handle).
    public static let shared = ConnectycubeSessionManager()

    /// The session the SDK holds. Setting a session uses its token (and expiry and user id);
    /// setting `nil` forgets the session locally.
    public var activeSession: ConnectycubeSession? {
        get { getActiveSession() }
        set {
            if let newValue {
                saveActiveSession(session: newValue)
            } else {
                deleteActiveSession()
            }
        }
    }

    /// Whether the session's known expiry (epoch milliseconds) has passed.
    public func isSessionExpired(connectycubeSession: ConnectycubeSession) -> Bool {
        guard let expiration = connectycubeSession.tokenExpirationDate else { return false }
        return Int64(Date().timeIntervalSince1970 * 1000) >= expiration
    }
}

/// The official SDK's Kotlin file-level functions, `ConnectycubeFileKt.getPrivateUrlForUID(uid:)`.
public enum ConnectycubeFileKt {
    /// `{api}/blobs/{uid}?token=…`: readable with the current session; `nil` without one.
    public static func getPrivateUrlForUID(uid: String?) -> String? {
        getPrivateUrlForUid(uid: uid)
    }

    /// `{api}/blobs/{uid}`: a public file; `nil` before `doInit`.
    public static func getPublicUrlForUID(uid: String?) -> String? {
        getPublicUrlForUid(uid: uid)
    }
}

extension ConnectycubeFile {
    public func getPrivateUrl() -> String? { getPrivateUrlForUid(uid: uid) }
    public func getPublicUrl() -> String? { getPublicUrlForUid(uid: uid) }
}
