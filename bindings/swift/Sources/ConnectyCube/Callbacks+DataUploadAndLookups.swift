import Foundation

// The `successCallback:errorCallback:` forms (and a progress-closure async form) of the
// calls that serve 1.x shapes and the rest of the Rust API: upload from memory, the numeric
// external id, the v1 list, online users, sign-up-and-sign-in. Same conventions as
// Callbacks.swift: callbacks on the main actor, the returned task cancels the request.
extension ConnectyCube {
    /// Uploads bytes held in memory under `fileName` (content type guessed from the name
    /// when `nil`). `progress` hears percentages (0…100) on the main actor.
    @discardableResult
    public func uploadFileData(
        data: Data,
        fileName: String,
        contentType: String? = nil,
        public isPublic: Bool = false,
        successCallback: @escaping (ConnectycubeFile) -> Void,
        errorCallback: @escaping (Error) -> Void,
        progress: ((Int32) -> Void)? = nil
    ) -> Task<Void, Never> {
        let listener = progress.map { ClosureProgressListener(onMainActor: true, $0) }
        return deliver(successCallback, errorCallback) {
            try await self.uploadFileData(
                data: data, fileName: fileName, contentType: contentType, public: isPublic, progress: listener)
        }
    }

    /// The async form with a progress closure (called on the SDK's thread, not the main actor).
    public func uploadFileData(
        data: Data,
        fileName: String,
        contentType: String? = nil,
        public isPublic: Bool = false,
        progress: @escaping @Sendable (Int32) -> Void
    ) async throws -> ConnectycubeFile {
        try await uploadFileData(
            data: data, fileName: fileName, contentType: contentType, public: isPublic,
            progress: ClosureProgressListener(onMainActor: false, progress))
    }

    @discardableResult
    public func getUserByExternalUserId(
        id: Int64,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getUserByExternalUserId(id: id) }
    }

    /// The deprecated v1 list: filters in wire form (`"number id in 1,2"`), `order` as
    /// `"asc string login"`, `page` from 1.
    @discardableResult
    public func getUsersV1(
        filters: [String] = [],
        order: String? = nil,
        page: Int32 = 1,
        perPage: Int32 = 10,
        successCallback: @escaping (PagedUsersResult) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) {
            try await self.getUsersV1(filters: filters, order: order, page: page, perPage: perPage)
        }
    }

    @discardableResult
    public func getOnlineUsers(
        limit: Int32 = 100,
        offset: Int32 = 0,
        successCallback: @escaping ([ConnectycubeUser]) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getOnlineUsers(limit: limit, offset: offset) }
    }

    @discardableResult
    public func getOnlineUsersCount(
        successCallback: @escaping (Int32) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.getOnlineUsersCount() }
    }

    /// Signs the user up, then the session is that user's.
    @discardableResult
    public func signUpAndSignIn(
        user: ConnectycubeUser,
        successCallback: @escaping (ConnectycubeUser) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        deliver(successCallback, errorCallback) { try await self.signUpAndSignIn(user: user) }
    }
}
