import Foundation

// The `successCallback:errorCallback:` forms of every operation, as in the official iOS SDK
// (`ConnectyCube().signUp(user: user, successCallback: { user in … }) { error in … }`).
// Each starts a `Task`, awaits the async method and calls back on the main actor. They also
// return that task (discardable): `cancel()` it to abort the request; `errorCallback` then
// receives `CancellationError`.
extension ConnectyCube {
    // MARK: sessions

    /// An application session (no `user`) or a user session (login or email + password, a
    /// guest, or a CIdP token in `login`).
    @discardableResult
    public func createSession(
        user: ConnectycubeUser? = nil,
        successCallback: @escaping (ConnectycubeSession) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.createSession(user: user) }
    }

    @discardableResult
    public func createSessionUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String? = nil,
        successCallback: @escaping (ConnectycubeSession) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.createSessionUsingSocialProvider(
                socialProvider: socialProvider, accessToken: accessToken, accessTokenSecret: accessTokenSecret)
        }
    }

    @discardableResult
    public func createSessionUsingFirebasePhone(
        projectId: String,
        accessToken: String,
        successCallback: @escaping (ConnectycubeSession) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.createSessionUsingFirebasePhone(projectId: projectId, accessToken: accessToken)
        }
    }

    @discardableResult
    public func createSessionUsingFirebaseEmail(
        projectId: String,
        accessToken: String,
        successCallback: @escaping (ConnectycubeSession) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.createSessionUsingFirebaseEmail(projectId: projectId, accessToken: accessToken)
        }
    }

    @discardableResult
    public func getSession(
        successCallback: @escaping (ConnectycubeSession) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getSession() }
    }

    @discardableResult
    public func destroySession(
        successCallback: @escaping () -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.destroySession() }
    }

    @discardableResult
    public func deleteSession(
        sessionId: Int32,
        successCallback: @escaping () -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.deleteSession(sessionId: sessionId) }
    }

    @discardableResult
    public func deleteSessionsExceptCurrent(
        successCallback: @escaping () -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.deleteSessionsExceptCurrent() }
    }

    /// Deprecated upstream: prefer `createSession(user:)`.
    @discardableResult
    public func signIn(
        user: ConnectycubeUser,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.signIn(user: user) }
    }

    @discardableResult
    public func signInUsingSocialProvider(
        socialProvider: String,
        accessToken: String,
        accessTokenSecret: String? = nil,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.signInUsingSocialProvider(
                socialProvider: socialProvider, accessToken: accessToken, accessTokenSecret: accessTokenSecret)
        }
    }

    @discardableResult
    public func signInUsingFirebasePhone(
        projectId: String,
        accessToken: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.signInUsingFirebasePhone(projectId: projectId, accessToken: accessToken)
        }
    }

    @discardableResult
    public func signInUsingFirebaseEmail(
        projectId: String,
        accessToken: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.signInUsingFirebaseEmail(projectId: projectId, accessToken: accessToken)
        }
    }

    /// Deprecated upstream: prefer `destroySession`.
    @discardableResult
    public func signOut(
        successCallback: @escaping () -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.signOut() }
    }

    // MARK: users

    @discardableResult
    public func signUp(
        user: ConnectycubeUser,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.signUp(user: user) }
    }

    @discardableResult
    public func updateUser(
        user: ConnectycubeUser,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.updateUser(user: user) }
    }

    @discardableResult
    public func deleteUser(
        successCallback: @escaping () -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.deleteUser() }
    }

    @discardableResult
    public func deleteUserByExternalId(
        externalId: String,
        successCallback: @escaping () -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.deleteUserByExternalId(externalId: externalId) }
    }

    @discardableResult
    public func resetPassword(
        email: String,
        successCallback: @escaping () -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.resetPassword(email: email) }
    }

    @discardableResult
    public func getUserById(
        id: Int32,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserById(id: id) }
    }

    @discardableResult
    public func getUsersByIds(
        ids: [Int32],
        pagination: RequestPagination? = nil,
        sorter: RequestSorter? = nil,
        successCallback: @escaping (PagedUsersResult) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.getUsersByIds(ids: ids, pagination: pagination, sorter: sorter)
        }
    }

    @discardableResult
    public func getUsers(
        params: [String: ParamValue],
        pagination: RequestPagination? = nil,
        sorter: RequestSorter? = nil,
        successCallback: @escaping (PagedUsersResult) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.getUsers(params: params, pagination: pagination, sorter: sorter)
        }
    }

    @discardableResult
    public func getUsersByFullName(
        fullName: String,
        pagination: RequestPagination? = nil,
        sorter: RequestSorter? = nil,
        successCallback: @escaping (PagedUsersResult) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.getUsersByFullName(fullName: fullName, pagination: pagination, sorter: sorter)
        }
    }

    @discardableResult
    public func getUsersByTags(
        tags: [String],
        pagination: RequestPagination? = nil,
        sorter: RequestSorter? = nil,
        successCallback: @escaping (PagedUsersResult) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.getUsersByTags(tags: tags, pagination: pagination, sorter: sorter)
        }
    }

    @discardableResult
    public func getUserByLogin(
        login: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserByLogin(login: login) }
    }

    @discardableResult
    public func getUserByEmail(
        email: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserByEmail(email: email) }
    }

    @discardableResult
    public func getUserByPhoneNumber(
        phone: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserByPhoneNumber(phone: phone) }
    }

    @discardableResult
    public func getUserByExternalId(
        id: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserByExternalId(id: id) }
    }

    @discardableResult
    public func getUserByFacebookId(
        id: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserByFacebookId(id: id) }
    }

    @discardableResult
    public func getUserByTwitterId(
        id: String,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserByTwitterId(id: id) }
    }

    // MARK: storage

    /// Uploads a file from disk. `progress` hears percentages (0…100) on the main actor; the
    /// argument order is the official SDK's (callbacks, then `progress`).
    @discardableResult
    public func uploadFile(
        filePath: String,
        public isPublic: Bool = false,
        successCallback: @escaping (ConnectycubeFile) -> Void,
        errorCallback: @escaping (Error) -> Void,
        progress: ((Int32) -> Void)? = nil
    ) -> Task<Void, Never> {
        let listener = progress.map { ClosureProgressListener(onMainActor: true, $0) }
        return deliver(successCallback, errorCallback) {
            try await self.uploadFile(filePath: filePath, public: isPublic, progress: listener)
        }
    }

    /// The async form with a progress closure (called on the SDK's thread, not the main actor).
    public func uploadFile(
        filePath: String,
        public isPublic: Bool = false,
        progress: @escaping @Sendable (Int32) -> Void
    ) async throws -> ConnectycubeFile {
        try await uploadFile(filePath: filePath, public: isPublic, progress: ClosureProgressListener(onMainActor: false, progress))
    }
}

/// Adapts a progress closure to the SDK's `UploadProgressListener`.
final class ClosureProgressListener: UploadProgressListener, @unchecked Sendable {
    private let onProgress: (Int32) -> Void
    private let onMainActor: Bool

    init(onMainActor: Bool, _ onProgress: @escaping (Int32) -> Void) {
        self.onProgress = onProgress
        self.onMainActor = onMainActor
    }

    func onProgress(percent: Int32) {
        if onMainActor {
            // The main queue keeps the order: every percentage before the success callback.
            let callback = UncheckedCallbacks<Int32>(success: onProgress, failure: { _ in })
            DispatchQueue.main.async { callback.success(percent) }
        } else {
            onProgress(percent)
        }
    }
}
