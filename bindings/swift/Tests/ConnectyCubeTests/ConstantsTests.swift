import ConnectyCube
import XCTest

/// What is decided in Rust arrives as it is: the constant holders hold exactly the list Rust
/// exports (`sdkConstants()`), and an error's words and code are Rust's.
final class ConstantsTests: XCTestCase {
    func testTheSameConstantsAsRustExports() {
        let holders: [String: Any] = [
            "OrderType": OrderType.shared,
            "ConnectycubeProvider": ConnectycubeProvider.shared,
            "QueryRule": QueryRule.shared,
            "RequestFieldType": RequestFieldType.shared,
        ]
        var exported: [String: [String: String]] = [:]
        for constant in sdkConstants() {
            exported[constant.holder, default: [:]][constant.name] = constant.value
        }
        XCTAssertEqual(Set(exported.keys), Set(holders.keys))
        for (name, holder) in holders {
            var declared: [String: String] = [:]
            for child in Mirror(reflecting: holder).children {
                if let label = child.label, let value = child.value as? String { declared[label] = value }
            }
            XCTAssertEqual(declared, exported[name], name)
        }
    }

    func testErrorWordsAndCodesAreRusts() {
        let error = ConnectycubeError.NotFound(httpStatusCode: 404, errors: ["User not found"])
        XCTAssertEqual(error.code(), "not_found")
        XCTAssertEqual(error.localizedDescription, "not found: User not found")
        XCTAssertEqual("\(error)", "not found: User not found")
        XCTAssertEqual(ConnectycubeError.InvalidArgument(reason: "bad").code(), "invalid_input")
    }
}
