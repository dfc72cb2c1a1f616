import ConnectyCube
import XCTest

final class RedactionTests: XCTestCase {
    func testRecordsNeverPrintPasswordsOrTokens() {
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "CANARY-PASSWORD"
        user.oldPassword = "CANARY-OLD"
        let session = ConnectycubeSession(token: "CANARY-TOKEN", user: user)
        for text in ["\(user)", String(describing: user), String(reflecting: user), "\(session)", String(reflecting: session), "\([session])"] {
            XCTAssertFalse(text.contains("CANARY"), text)
        }
        XCTAssertTrue("\(user)".contains("marvin18"))
    }
}
