import Foundation

// The 1.x calls served by the new API's 1.x-compatible lookups: the numeric external id
// (`GET /users/external/{id}`) and the deprecated v1 list with its `filter[]` / `order`.
extension Request {
    /// The user with this numeric external id (the docs' `user(withExternalID: 3789)`).
    @discardableResult
    public class func user(
        withExternalID externalID: UInt,
        successBlock: UserBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        guard let id = Int64(exactly: externalID) else {
            return refused(ConnectycubeError.InvalidArgument(reason: "external id \(externalID) is out of range"), errorBlock: errorBlock)
        }
        return oneUser(successBlock, errorBlock) { try await ConnectyCube.shared.getUserByExternalUserId(id: id) }
    }

    /// All users, a page at a time (the v1 list).
    @discardableResult
    public class func users(
        withPaginator paginator: Paginator,
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        v1Page(filters: [], order: nil, paginator, successBlock, errorBlock)
    }

    /// The v1 list with 1.x's extended request: `"filter[]"` → one filter in wire form
    /// (`"number id in 1,2"`, `"string login eq bob"`) or a list of them, and `"order"` →
    /// `"asc string login"`. Other keys are refused; the filters' rules are checked in Rust.
    @discardableResult
    public class func users(
        withExtendedRequest extendedRequest: [String: Any],
        paginator: Paginator,
        successBlock: UsersPageBlock? = nil,
        errorBlock: ErrorBlock? = nil
    ) -> Request {
        var filters: [String] = []
        var order: String?
        for (key, value) in extendedRequest.sorted(by: { $0.key < $1.key }) {
            switch (key, value) {
            case ("filter[]", let filter as String):
                filters.append(filter)
            case ("filter[]", let list as [String]):
                filters.append(contentsOf: list)
            case ("order", let text as String):
                order = text
            default:
                return refused(ConnectycubeError.InvalidArgument(
                    reason: "extended request: '\(key)' must be \"filter[]\" (text or a list of texts) or \"order\" (text)"),
                    errorBlock: errorBlock)
            }
        }
        return v1Page(filters: filters, order: order, paginator, successBlock, errorBlock)
    }

    private static func v1Page(
        filters: [String],
        order: String?,
        _ paginator: Paginator,
        _ successBlock: UsersPageBlock?,
        _ errorBlock: ErrorBlock?
    ) -> Request {
        // The v1 list counts pages from 1.
        page(paginator, successBlock, errorBlock) {
            try await ConnectyCube.shared.getUsersV1(
                filters: filters, order: order, page: $0.page + 1, perPage: $0.itemsPerPage)
        }
    }
}
