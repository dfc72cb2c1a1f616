import Foundation

// The models of the 1.x iOS SDK (`CYBUser`, `CYBUpdateUserParameters`, `CYBPaginator`,
// `CYBBlob`; Swift `User`, …) as classes, because 1.x code sets properties on `let`
// instances. They are plain carriers: each converts to and from the new API's records, and
// every behaviour stays in the new API (and below it, in Rust).

/// The fields a 1.x `User` and `UpdateUserParameters` both write, and their one conversion
/// to the new API's record.
protocol LegacyWritableUserFields: AnyObject {
    var externalUserID: UInt { get }
    var blobID: UInt { get }
    var facebookID: String? { get }
    var twitterID: String? { get }
    var fullName: String? { get }
    var email: String? { get }
    var login: String? { get }
    var phone: String? { get }
    var website: String? { get }
    var password: String? { get }
    var oldPassword: String? { get }
    var customData: String? { get }
    var avatar: String? { get }
    var tags: [String]? { get }
}

extension LegacyWritableUserFields {
    /// These fields as the new API's record (unset: nil).
    var writableFields: ConnectycubeUser {
        var user = ConnectycubeUser()
        user.externalUserId = externalUserID == 0 ? nil : Int64(exactly: externalUserID)
        user.blobId = blobID == 0 ? nil : String(blobID)
        user.faceBookId = facebookID
        user.twitterId = twitterID
        user.fullName = fullName
        user.email = email
        user.login = login
        user.phone = phone
        user.website = website
        user.password = password
        user.oldPassword = oldPassword
        user.customData = customData
        user.avatar = avatar
        user.tags = LegacyTags.text(tags)
        return user
    }
}

/// A user as 1.x showed it: `ID`, dates as `Date`, `tags` as `[String]`.
public final class User: LegacyWritableUserFields, CustomStringConvertible, CustomDebugStringConvertible {
    public var ID: UInt = 0
    public var createdAt: Date?
    public var updatedAt: Date?
    public var lastRequestAt: Date?
    /// The deprecated numeric `external_user_id` (0 when none).
    public var externalUserID: UInt = 0
    /// The avatar blob's id (0 when none).
    public var blobID: UInt = 0
    public var facebookID: String?
    public var twitterID: String?
    public var fullName: String?
    public var email: String?
    public var login: String?
    public var phone: String?
    public var website: String?
    /// Write-only: sign-up and password change; never printed.
    public var password: String?
    public var oldPassword: String?
    public var customData: String?
    public var avatar: String?
    public var tags: [String]?

    public init() {}

    /// 1.x's `CYBUser.user()`.
    public class func user() -> User { User() }

    init(_ user: ConnectycubeUser) {
        ID = UInt(exactly: user.id) ?? 0
        createdAt = LegacyDates.date(user.createdAt)
        updatedAt = LegacyDates.date(user.updatedAt)
        lastRequestAt = LegacyDates.date(user.lastRequestAt)
        externalUserID = user.externalUserId.flatMap { UInt(exactly: $0) } ?? 0
        blobID = user.blobId.flatMap { UInt($0) } ?? 0
        facebookID = user.faceBookId
        twitterID = user.twitterId
        fullName = user.fullName
        email = user.email
        login = user.login
        phone = user.phone
        website = user.website
        customData = user.customData
        avatar = user.avatar
        tags = LegacyTags.list(user.tags)
    }

    /// The new API's record (the id only when set; it is never sent as a field).
    var record: ConnectycubeUser {
        var user = writableFields
        user.id = Int32(exactly: ID) ?? 0
        return user
    }

    /// The Rust side's text, the same as the new API prints: secrets as `<redacted>`.
    public var description: String { record.description }
    public var debugDescription: String { record.debugDescription }
}

/// What `Request.updateCurrentUser(_:)` changes; unset (nil / 0) fields stay as they are.
public final class UpdateUserParameters: LegacyWritableUserFields, CustomStringConvertible {
    public var externalUserID: UInt = 0
    public var blobID: UInt = 0
    public var facebookID: String?
    public var twitterID: String?
    public var fullName: String?
    public var email: String?
    public var login: String?
    public var phone: String?
    public var website: String?
    /// The new password; `oldPassword` is needed with it.
    public var password: String?
    public var oldPassword: String?
    public var customData: String?
    public var avatar: String?
    public var tags: [String]?

    public init() {}

    var record: ConnectycubeUser { writableFields }

    /// The Rust side's text of the same fields: passwords as `<redacted>`.
    public var description: String { record.description }
}

/// A page request: `limit` users (default 100) after `skip`; the page a lookup answers with
/// also has `totalEntries`.
public final class Paginator: CustomStringConvertible {
    public var limit: UInt
    public var skip: UInt
    /// How many users match in all; set on the paginator a lookup's success block receives.
    public private(set) var totalEntries: UInt

    public init(limit: UInt = 100, skip: UInt = 0) {
        self.limit = limit
        self.skip = skip
        self.totalEntries = 0
    }

    public init(limit: UInt, skip: UInt, totalEntries: UInt) {
        self.limit = limit
        self.skip = skip
        self.totalEntries = totalEntries
    }

    /// 1.x's factories `[CYBPaginator limit:skip:]`.
    public class func limit(_ limit: UInt, skip: UInt) -> Paginator { Paginator(limit: limit, skip: skip) }

    /// The page of an answer.
    convenience init(_ page: PagedUsersResult) {
        self.init(
            limit: UInt(exactly: page.limit) ?? 0,
            skip: UInt(exactly: page.skip) ?? 0,
            totalEntries: UInt(exactly: page.totalEntries) ?? 0)
    }

    /// The new API's 0-based page. It counts whole pages, so `skip` must be a multiple of
    /// `limit` (as it is when paging by `skip += limit`); anything else is refused rather
    /// than silently answered with another page.
    func pagination() throws -> RequestPagination {
        guard limit > 0, let perPage = Int32(exactly: limit) else {
            throw ConnectycubeError.InvalidArgument(reason: "paginator: limit must be more than 0")
        }
        guard skip % limit == 0, let page = Int32(exactly: skip / limit) else {
            throw ConnectycubeError.InvalidArgument(
                reason: "paginator: skip (\(skip)) must be a multiple of limit (\(limit)); pages are whole")
        }
        return RequestPagination(page: page, itemsPerPage: perPage)
    }

    public var description: String { "Paginator(limit: \(limit), skip: \(skip), totalEntries: \(totalEntries))" }
}

/// A stored file, as `CYBBlob`.
public final class Blob: CustomStringConvertible {
    public var ID: UInt = 0
    /// The file's UID (1.x's ObjC `UID`; the docs' Swift writes `blob.uid`). Not optional:
    /// a stored file always has one, and the docs put it straight into a JSON dictionary.
    public var uid: String = ""
    public var contentType: String?
    public var name: String?
    public var size: UInt = 0
    public var isPublic: Bool = false
    public var createdAt: Date?
    public var updatedAt: Date?

    /// The same as `uid`, spelled as 1.x's ObjC header.
    public var UID: String {
        get { uid }
        set { uid = newValue }
    }

    public init() {}

    init(_ file: ConnectycubeFile) {
        ID = UInt(exactly: file.id) ?? 0
        uid = file.uid ?? ""
        contentType = file.contentType
        name = file.name
        size = UInt(exactly: file.size) ?? 0
        isPublic = file.isPublic
        createdAt = LegacyDates.date(file.createdAt)
        updatedAt = LegacyDates.date(file.updatedAt)
    }

    /// `{api}/blobs/{uid}?token=…`, readable with the current session; `nil` without one.
    public class func privateUrl(forFileUID fileUID: String?) -> String? { getPrivateUrlForUid(uid: fileUID) }

    /// `{api}/blobs/{uid}` of a public file; `nil` before the SDK is initialised.
    public class func publicUrl(forFileUID fileUID: String?) -> String? { getPublicUrlForUid(uid: fileUID) }

    public func privateUrl() -> String? { Blob.privateUrl(forFileUID: uid) }
    public func publicUrl() -> String? { Blob.publicUrl(forFileUID: uid) }

    public var description: String {
        "Blob(ID: \(ID), uid: \(uid), name: \(name ?? "nil"), contentType: \(contentType ?? "nil"), size: \(size), isPublic: \(isPublic))"
    }
}

/// The server's timestamps (ISO 8601, with or without fractional seconds) as `Date`.
enum LegacyDates {
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

/// 1.x's `[String]` tags against the new API's comma-separated text.
enum LegacyTags {
    static func list(_ text: String?) -> [String]? {
        guard let text else { return nil }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func text(_ tags: [String]?) -> String? {
        tags?.joined(separator: ",")
    }
}
