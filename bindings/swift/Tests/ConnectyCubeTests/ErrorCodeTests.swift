import ConnectyCube
import XCTest

/// What an app reads of an error — `code()`, `isRetryable()`, `needsSignIn()`, `hint()` — for
/// answers of the emulator. Each code's row is decided and tested in Rust
/// (crates/connectycube/tests/error_codes.rs); this checks Swift reads the same values.
final class ErrorCodeTests: EmulatorTestCase {
    private func assertReads(
        _ error: Error, _ code: String, retryable: Bool, needsSignIn: Bool, hintMentions: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let error = error as? ConnectycubeError else {
            return XCTFail("not a ConnectycubeError: \(error)", file: file, line: line)
        }
        XCTAssertEqual(error.code(), code, "\(error)", file: file, line: line)
        XCTAssertEqual(error.isRetryable(), retryable, "\(code): isRetryable", file: file, line: line)
        XCTAssertEqual(error.needsSignIn(), needsSignIn, "\(code): needsSignIn", file: file, line: line)
        XCTAssertTrue(error.hint().contains(hintMentions), "\(code): \(error.hint())", file: file, line: line)
    }

    func testNeedUserWrongPasswordTakenLoginAndATransientFailure() async throws {
        let me = try await signedIn("marvin18")
        // A session saved as the user's that the server holds as signed out.
        let token = ConnectycubeSessionManager.shared.getToken()
        try await cube.signOut()
        ConnectycubeSessionManager.shared.saveActiveSession(session: ConnectycubeSession(token: token, userId: me.id))
        var update = ConnectycubeUser()
        update.fullName = "Marvin"
        do {
            _ = try await cube.updateUser(user: update)
            XCTFail("an update under a signed-out session must fail")
        } catch let error as ConnectycubeError {
            guard case .Forbidden = error else { return XCTFail("\(error)") }
            assertReads(error, "user_session_required", retryable: false, needsSignIn: true, hintMentions: "Sign a user in")
        }

        do {
            _ = try await cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "wrong-password"))
            XCTFail("a wrong password must fail")
        } catch let error as ConnectycubeError {
            guard case let .Response(status, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 401)
            assertReads(error, "invalid_credentials", retryable: false, needsSignIn: true, hintMentions: "password")
        }

        do {
            _ = try await signUp("marvin18")
            XCTFail("a taken login must fail")
        } catch let error as ConnectycubeError {
            guard case let .Validation(_, _, fieldErrors) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(fieldErrors["login"], ["must be unique"])
            assertReads(error, "login_taken", retryable: false, needsSignIn: false, hintMentions: "another login")
        }

        try Emulator.request(
            "POST", "/__emulator/faults", json: ["path_prefix": "/users", "method": "GET", "status": 503, "times": 3])
        do {
            _ = try await cube.getUserById(id: me.id)
            XCTFail("three 503s must fail")
        } catch {
            XCTAssertEqual((error as? ConnectycubeError)?.httpStatusCode, 503)
            assertReads(error, "server_error", retryable: true, needsSignIn: false, hintMentions: "Try again later")
        }
    }
}
