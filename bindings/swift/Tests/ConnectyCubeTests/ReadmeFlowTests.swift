import ConnectyCube
import XCTest

final class ReadmeFlowTests: EmulatorTestCase {
    /// The README's Swift example, verbatim.
    func testReadmeFlow() async throws {
        // Sign up (no session needed).
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        user.email = "awesomeman@gmail.com"
        let created = try await ConnectyCube().signUp(user: user)

        // Sign in: a user session.
        let session = try await ConnectyCube().createSession(user: user)
        XCTAssertEqual(session.userId, created.id)

        // Update the profile.
        var update = ConnectycubeUser()
        update.fullName = "Marvin Simon"
        let updated = try await ConnectyCube().updateUser(user: update)
        XCTAssertEqual(updated.fullName, "Marvin Simon")

        // Look someone up.
        let found = try await ConnectyCube().getUserByLogin(login: "marvin18")
        XCTAssertEqual(found.id, created.id)

        // Errors are typed.
        do {
            _ = try await ConnectyCube().createSession(user: ConnectycubeUser(login: "marvin18", password: "wrong-password"))
        } catch let ConnectycubeError.Response(httpStatusCode, errors, _) {
            XCTAssertEqual(httpStatusCode, 401)
            print("sign-in refused: \(errors)")
        } catch {
            XCTFail("unexpected: \(error.localizedDescription)")
        }
    }
}
