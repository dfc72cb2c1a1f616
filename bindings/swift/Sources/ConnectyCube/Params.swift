import Foundation

// `getUsers(params: [String: Any])`, as in the official SDK: the values are converted to
// `ParamValue` as they are, and the Rust side decides which a search takes.
extension ConnectyCube {
    public func getUsers(
        params: [String: Any],
        pagination: RequestPagination? = nil,
        sorter: RequestSorter? = nil
    ) async throws -> PagedUsersResult {
        try await getUsers(params: ParamValue.convert(params), pagination: pagination, sorter: sorter)
    }

    @discardableResult
    public func getUsers(
        params: [String: Any],
        pagination: RequestPagination? = nil,
        sorter: RequestSorter? = nil,
        successCallback: @escaping (PagedUsersResult) -> Void,
        errorCallback: @escaping (Error) -> Void
    ) -> Task<Void, Never> {
        let converted = Result { try ParamValue.convert(params) }
        return deliver(successCallback, errorCallback) {
            try await self.getUsers(params: converted.get(), pagination: pagination, sorter: sorter)
        }
    }
}

extension ParamValue {
    /// Converts `[String: Any]` search parameters as they are: which values a search takes (a
    /// whole number, not 1.5; a list of only text or only whole numbers) is decided in Rust,
    /// the same for every language, and a refused one is `ConnectycubeError.InvalidArgument`
    /// naming the parameter. A value with no search form at all (a `Date`, `nil`) is refused here.
    public static func convert(_ params: [String: Any]) throws -> [String: ParamValue] {
        try params.mapValues { value in
            guard let converted = ParamValue(any: value) else {
                throw ConnectycubeError.InvalidArgument(
                    reason: "getUsers params: unsupported value \(value) of type \(type(of: value))")
            }
            return converted
        }
    }

    /// A value of `getUsers(params:)`, or `nil` when it has no such form.
    public init?(any value: Any) {
        if let value = value as? ParamValue {
            self = value
        } else if type(of: value) == Bool.self, let bool = value as? Bool {
            self = .bool(value: bool)
        } else if let integer = ParamValue.integer(value) {
            self = .int(value: integer)
        } else if let string = value as? String {
            self = .str(value: string)
        } else if let string = value as? Substring {
            self = .str(value: String(string))
        } else if let number = value as? Double {
            self = .float(value: number)
        } else if let number = value as? Float {
            self = .float(value: Double(number))
        } else if let number = value as? NSNumber, type(of: value) != Bool.self {
            // Foundation numbers (JSON).
            self = number.doubleValue == Double(number.int64Value)
                ? .int(value: number.int64Value) : .float(value: number.doubleValue)
        } else if let sequence = ParamValue.elements(value) {
            if let strings = sequence.map({ $0 as? String }) as? [String] {
                self = .strList(values: strings)
            } else if let integers = sequence.map({ ParamValue.integer($0) }) as? [Int64] {
                self = .intList(values: integers)
            } else if let values = sequence.map({ ParamValue(any: $0) }) as? [ParamValue] {
                self = .anyList(values: values)
            } else {
                return nil
            }
        } else {
            return nil
        }
    }
    private static func integer(_ value: Any) -> Int64? {
        switch value {
        case let v as Int: return Int64(v)
        case let v as Int32: return Int64(v)
        case let v as Int64: return v
        case let v as Int16: return Int64(v)
        case let v as Int8: return Int64(v)
        case let v as UInt32: return Int64(v)
        case let v as UInt16: return Int64(v)
        case let v as UInt8: return Int64(v)
        case let v as UInt: return Int64(exactly: v)
        case let v as UInt64: return Int64(exactly: v)
        default: return nil
        }
    }

    private static func elements(_ value: Any) -> [Any]? {
        if let array = value as? [Any] { return array }
        if let set = value as? Set<String> { return Array(set).sorted() }
        if let set = value as? Set<Int> { return Array(set).sorted() }
        if let set = value as? Set<Int32> { return Array(set).sorted() }
        if let set = value as? Set<Int64> { return Array(set).sorted() }
        return nil
    }
}
