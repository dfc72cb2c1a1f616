import Foundation

// 1.x `CYBRequest+Auth.h`: sign in/out and sessions, over the new API's sign-in and session
// calls. A login or email + password sign-in renews its session after expiry as the new API
// does (the credentials stay in memory only).
extension Request {
    /// Signs in with login and password (creating a session first when there is none).
    @discardableResult
    public class func logIn(
        withUserLogin login: String,
        password: String,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        let credentials = ConnectycubeUser(login: login, password: password)
        return start({ try await ConnectyCube.shared.signIn(user: credentials) }, errorBlock: errorBlock) {
            successBlock?(User($0))
        }
    }

    @discardableResult
    public class func logIn(
        withUserEmail email: String,
        password: String,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        let credentials = ConnectycubeUser(email: email, password: password)
        return start({ try await ConnectyCube.shared.signIn(user: credentials) }, errorBlock: errorBlock) {
            successBlock?(User($0))
        }
    }

    /// `provider` is `"facebook"` or `"twitter"` (Twitter also needs `accessTokenSecret`).
    @discardableResult
    public class func logIn(
        withSocialProvider provider: String,
        accessToken: String,
        accessTokenSecret: String?,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        start({
            try await ConnectyCube.shared.signInUsingSocialProvider(
                socialProvider: provider, accessToken: accessToken, accessTokenSecret: accessTokenSecret)
        }, errorBlock: errorBlock) { successBlock?(User($0)) }
    }

    /// Firebase phone authentication (1.x served the phone form only).
    @discardableResult
    public class func logIn(
        withFirebaseProjectID projectID: String,
        accessToken: String,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        start({
            try await ConnectyCube.shared.signInUsingFirebasePhone(projectId: projectID, accessToken: accessToken)
        }, errorBlock: errorBlock) { successBlock?(User($0)) }
    }

    /// Signs the user out; the session stays, as an application session.
    @discardableResult
    public class func logOut(successBlock: SuccessBlock? = nil, errorBlock: ErrorBlock? = nil) -> Request {
        start({ try await ConnectyCube.shared.signOut() }, errorBlock: errorBlock) { successBlock?() }
    }

    /// Ends the session on the server and forgets it.
    @discardableResult
    public class func destroySession(successBlock: SuccessBlock? = nil, errorBlock: ErrorBlock? = nil) -> Request {
        start({ try await ConnectyCube.shared.destroySession() }, errorBlock: errorBlock) { successBlock?() }
    }

    /// Ends another session of the user (signed in on another device).
    @discardableResult
    public class func deleteUserSession(
        withID sessionID: UInt,
        successBlock: SuccessBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        guard let id = Int32(exactly: sessionID) else {
            return refused(ConnectycubeError.InvalidArgument(reason: "session id \(sessionID) is out of range"), errorBlock: errorBlock)
        }
        return start({ try await ConnectyCube.shared.deleteSession(sessionId: id) }, errorBlock: errorBlock) {
            successBlock?()
        }
    }

    /// Ends every session of the user but this one.
    @discardableResult
    public class func deleteAllUserSessionsExceptCurrent(
        successBlock: SuccessBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        start({ try await ConnectyCube.shared.deleteSessionsExceptCurrent() }, errorBlock: errorBlock) {
            successBlock?()
        }
    }
}
