// The official SDK's constant holders (Kotlin `object`s seen from Swift as classes with a
// `shared` instance), so `OrderType.shared.ASC` and friends read the same.

/// Sort orders for `RequestSorter.sortType`.
public final class OrderType: Sendable {
    public static let shared = OrderType()
    public let ASC = "asc"
    public let DESC = "desc"
}

/// Providers for `createSessionUsingSocialProvider(socialProvider:…)`; the Firebase ones
/// have their own calls (`createSessionUsingFirebasePhone/Email`).
public final class ConnectycubeProvider: Sendable {
    public static let shared = ConnectycubeProvider()
    public let FACEBOOK = "facebook"
    public let TWITTER = "twitter"
    public let FIREBASE_PHONE = "firebase_phone"
    public let FIREBASE_EMAIL = "firebase_email"
}

/// Operators of `getUsers(params:)` keys: `"id[\(QueryRule.shared.IN)]"`.
public final class QueryRule: Sendable {
    public static let shared = QueryRule()
    public let GT = "gt"
    public let GTE = "gte"
    public let LT = "lt"
    public let GE = "ge"
    public let LE = "le"
    public let LTE = "lte"
    public let EQ = "eq"
    public let NE = "ne"
    public let IN = "in"
    public let NIN = "nin"
    public let START_WITH = "start_with"
    public let BETWEEN = "between"
}

/// Field types for `RequestSorter.fieldType`.
public final class RequestFieldType: Sendable {
    public static let shared = RequestFieldType()
    public let DATE = "date"
    public let NUMBER = "number"
    public let STRING = "string"
}
