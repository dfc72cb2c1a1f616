import Foundation

/// 1.x's `CYBSettings` (Swift `Settings`): the app's credentials as class properties, set at
/// launch. Once `applicationID` and `authKey` are both set, each change initialises the SDK
/// again (`ConnectyCube.shared.doInit…`), which, as in the new API, starts without a session;
/// so 1.x launch code (`Settings.applicationID = 1; Settings.authKey = "…"`) works unchanged.
/// A setting the SDK refuses (an empty endpoint) is kept here but not applied: the SDK goes on
/// with its previous setup.
public enum Settings {
    public static var applicationID: UInt {
        get { store.read { $0.applicationID } }
        set { store.change { $0.applicationID = newValue } }
    }

    public static var authKey: String? {
        get { store.read { $0.authKey } }
        set { store.change { $0.authKey = newValue } }
    }

    /// Signs session requests when set (an application with a secret).
    public static var authSecret: String? {
        get { store.read { $0.authSecret } }
        set { store.change { $0.authSecret = newValue } }
    }

    /// The REST endpoint, `nil` for the SDK's default (`https://api.connectycube.com`).
    public static var apiEndpoint: String? {
        get { store.read { $0.apiEndpoint } }
        set { store.change { $0.apiEndpoint = newValue } }
    }

    /// Kept for 1.x code that sets it; this SDK needs no account key.
    public static var accountKey: String? {
        get { store.read { $0.accountKey } }
        set { store.change { $0.accountKey = newValue } }
    }

    private static let store = SettingsStore()
}

private final class SettingsStore: @unchecked Sendable {
    struct Values {
        var applicationID: UInt = 0
        var authKey: String?
        var authSecret: String?
        var apiEndpoint: String?
        var accountKey: String?
    }

    private let lock = NSLock()
    private var values = Values()

    func read<T>(_ field: (Values) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return field(values)
    }

    /// Applies a change and initialises the SDK with the result, under the lock so two
    /// changes from different threads initialise in the order they were made.
    func change(_ update: (inout Values) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        let before = values
        update(&values)
        guard values.applicationID != 0, let key = values.authKey, !key.isEmpty else { return }
        guard before.applicationID != values.applicationID || before.authKey != values.authKey
            || before.authSecret != values.authSecret || before.apiEndpoint != values.apiEndpoint
        else { return }
        let config = values.apiEndpoint.map { ConnectycubeConfig(apiEndpoint: $0) }
        let applicationId = String(values.applicationID)
        if let secret = values.authSecret, !secret.isEmpty {
            try? ConnectyCube.shared.doInitWithSecret(
                applicationId: applicationId, authorizationKey: key, authorizationSecret: secret, connectycubeConfig: config)
        } else {
            try? ConnectyCube.shared.doInit(applicationId: applicationId, authorizationKey: key, connectycubeConfig: config)
        }
    }
}
