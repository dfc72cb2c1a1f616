import Foundation

// 1.x `CYBRequest+Users.h`: sign-up, the current user, and lookups, over the new API's user
// calls. Plural lookups the new API has no named call for go through its free search
// (`getUsers(params:)`, `field[in]`), whose rules Rust checks.
extension Request {
    // MARK: the current user

    /// Signs a user up (login or email + password); the session is unchanged.
    @discardableResult
    public class func signUp(_ user: User, successBlock: UserBlock? = nil, errorBlock: ErrorBlock? = nil) -> Request {
        let record = user.record
        return start({ try await ConnectyCube.shared.signUp(user: record) }, errorBlock: errorBlock) {
            successBlock?(User($0))
        }
    }

    /// Changes the signed-in user; a password change needs `password` and `oldPassword`.
    @discardableResult
    public class func updateCurrentUser(
        _ parameters: UpdateUserParameters,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        let record = parameters.record
        return start({ try await ConnectyCube.shared.updateUser(user: record) }, errorBlock: errorBlock) {
            successBlock?(User($0))
        }
    }

    /// Deletes the signed-in user (and with it the session).
    @discardableResult
    public class func deleteCurrentUser(successBlock: SuccessBlock? = nil, errorBlock: ErrorBlock? = nil) -> Request {
        start({ try await ConnectyCube.shared.deleteUser() }, errorBlock: errorBlock) { successBlock?() }
    }

    /// Sends the password-reset email.
    @discardableResult
    public class func resetUserPassword(
        withEmail email: String,
        successBlock: SuccessBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        start({ try await ConnectyCube.shared.resetPassword(email: email) }, errorBlock: errorBlock) { successBlock?() }
    }

    // MARK: one user

    @discardableResult
    public class func user(withID userID: UInt, successBlock: UserBlock? = nil, errorBlock: ErrorBlock? = nil) -> Request {
        guard let id = Int32(exactly: userID) else {
            return refused(ConnectycubeError.InvalidArgument(reason: "user id \(userID) is out of range"), errorBlock: errorBlock)
        }
        return oneUser(successBlock, errorBlock) { try await ConnectyCube.shared.getUserById(id: id) }
    }

    @discardableResult
    public class func user(withLogin login: String, successBlock: UserBlock? = nil, errorBlock: ErrorBlock? = nil) -> Request {
        oneUser(successBlock, errorBlock) { try await ConnectyCube.shared.getUserByLogin(login: login) }
    }

    @discardableResult
    public class func user(withEmail email: String, successBlock: UserBlock? = nil, errorBlock: ErrorBlock? = nil) -> Request {
        oneUser(successBlock, errorBlock) { try await ConnectyCube.shared.getUserByEmail(email: email) }
    }

    @discardableResult
    public class func user(
        withFacebookID facebookID: String,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        oneUser(successBlock, errorBlock) { try await ConnectyCube.shared.getUserByFacebookId(id: facebookID) }
    }

    @discardableResult
    public class func user(
        withTwitterID twitterID: String,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        oneUser(successBlock, errorBlock) { try await ConnectyCube.shared.getUserByTwitterId(id: twitterID) }
    }

    // MARK: pages of users

    /// Users by id, written as the docs do (`["21", "22"]`); a text that is not a number is
    /// refused (by the search's rules, in Rust).
    @discardableResult
    public class func users(
        withIDs ids: [String],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        search(["id[in]": .strList(values: ids)], paginator, successBlock, errorBlock)
    }

    /// Users by id, as numbers (1.x's ObjC took `[NSNumber]`).
    @discardableResult
    public class func users(
        withIDs ids: [UInt],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        users(withIDs: ids.map { String($0) }, paginator: paginator, successBlock: successBlock, errorBlock: errorBlock)
    }

    @discardableResult
    public class func users(
        withLogins logins: [String],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        search(["login[in]": .strList(values: logins)], paginator, successBlock, errorBlock)
    }

    @discardableResult
    public class func users(
        withEmails emails: [String],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        search(["email[in]": .strList(values: emails)], paginator, successBlock, errorBlock)
    }

    @discardableResult
    public class func users(
        withPhoneNumbers phoneNumbers: [String],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        search(["phone[in]": .strList(values: phoneNumbers)], paginator, successBlock, errorBlock)
    }

    @discardableResult
    public class func users(
        withFacebookIDs facebookIDs: [String],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        search(["facebook_id[in]": .strList(values: facebookIDs)], paginator, successBlock, errorBlock)
    }

    @discardableResult
    public class func users(
        withTwitterIDs twitterIDs: [String],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        search(["twitter_id[in]": .strList(values: twitterIDs)], paginator, successBlock, errorBlock)
    }

    /// Users whose full name starts with `fullName` (at least 4 characters; the server then
    /// answers 5 a page).
    @discardableResult
    public class func users(
        withFullName fullName: String,
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        page(paginator, successBlock, errorBlock) {
            try await ConnectyCube.shared.getUsersByFullName(fullName: fullName, pagination: $0)
        }
    }

    /// Users having any of the tags.
    @discardableResult
    public class func users(
        withTags tags: [String],
        paginator: Paginator = Paginator(),
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        page(paginator, successBlock, errorBlock) {
            try await ConnectyCube.shared.getUsersByTags(tags: tags, pagination: $0)
        }
    }

    // MARK: helpers

    static func oneUser(
        _ successBlock: UserBlock?,
        _ errorBlock: ErrorBlock?,
        _ lookup: @escaping @Sendable () async throws -> ConnectycubeUser
    ) -> Request {
        start(lookup, errorBlock: errorBlock) { successBlock?(User($0)) }
    }

    /// A page of a lookup taking the new API's 0-based page; the success block gets the
    /// answer's paginator (with `totalEntries`) and users.
    static func page(
        _ paginator: Paginator,
        _ successBlock: UsersPageBlock?,
        _ errorBlock: ErrorBlock?,
        _ lookup: @escaping @Sendable (RequestPagination) async throws -> PagedUsersResult
    ) -> Request {
        let pagination: RequestPagination
        do {
            pagination = try paginator.pagination()
        } catch {
            return refused(error, errorBlock: errorBlock)
        }
        return start({ try await lookup(pagination) }, errorBlock: errorBlock) { page in
            successBlock?(Paginator(page), page.items.map(User.init))
        }
    }

    private static func search(
        _ params: [String: ParamValue],
        _ paginator: Paginator,
        _ successBlock: UsersPageBlock?,
        _ errorBlock: ErrorBlock?
    ) -> Request {
        page(paginator, successBlock, errorBlock) {
            try await ConnectyCube.shared.getUsers(params: params, pagination: $0)
        }
    }
}
