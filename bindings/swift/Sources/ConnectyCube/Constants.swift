// The official SDK's constant holders (Kotlin `object`s seen from Swift as classes with a
// `shared` instance), so `OrderType.shared.ASC` and friends read the same. The values are the
// list Rust exports (`sdkConstants()`); `ConstantsTests` checks these hold exactly that list.

/// Sort orders for `RequestSorter.sortType`.
public final class OrderType: Sendable {
    public static let shared = OrderType()
    public let ASC = "asc", DESC = "desc"
}

/// Providers for `createSessionUsingSocialProvider(socialProvider:…)`; the Firebase ones
/// have their own calls (`createSessionUsingFirebasePhone/Email`).
public final class ConnectycubeProvider: Sendable {
    public static let shared = ConnectycubeProvider()
    public let FACEBOOK = "facebook", TWITTER = "twitter", FIREBASE_PHONE = "firebase_phone"
    public let FIREBASE_EMAIL = "firebase_email"
}

/// Operators of `getUsers(params:)` keys: `"id[\(QueryRule.shared.IN)]"`. users/v2 understands
/// eq, in, nin, start_with, gt, lt, gte, lte; ne, ge, le and between are the v1 rules.
public final class QueryRule: Sendable {
    public static let shared = QueryRule()
    public let GT = "gt", GTE = "gte", LT = "lt", GE = "ge", LE = "le", LTE = "lte"
    public let EQ = "eq", NE = "ne", IN = "in", NIN = "nin", START_WITH = "start_with", BETWEEN = "between"
}

/// Field types for `RequestSorter.fieldType`.
public final class RequestFieldType: Sendable {
    public static let shared = RequestFieldType()
    public let DATE = "date", NUMBER = "number", STRING = "string"
}
