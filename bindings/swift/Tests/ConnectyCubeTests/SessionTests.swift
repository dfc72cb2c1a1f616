import ConnectyCube
import Foundation
import XCTest

final class SessionTests: EmulatorTestCase {
    // MARK: async/await

    func testAppSessionAsync() async throws {
        let session = try await cube.createSession()
        XCTAssertNotNil(session.token)
        XCTAssertNil(session.userId)
        XCTAssertTrue(ConnectycubeSessionManager.shared.isActiveSessionValid())
    }

    func testUserSessionAsync() async throws {
        let user = try await signUp("marvin18")
        let session = try await cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"))
        XCTAssertEqual(session.userId, user.id)
        XCTAssertNotNil(session.token)
        let server = try await cube.getSession()
        XCTAssertEqual(server.userId, user.id)
    }

    func testUserSessionByEmailAsync() async throws {
        let user = try await signUp("marvin18") { $0.email = "awesomeman@gmail.com" }
        let session = try await cube.createSession(
            user: ConnectycubeUser(email: "awesomeman@gmail.com", password: "supersecurepwd"))
        XCTAssertEqual(session.userId, user.id)
    }

    func testGuestSessionAsync() async throws {
        let session = try await cube.createSession(user: ConnectycubeUser(fullName: "Guest Marvin", isGuest: true))
        XCTAssertNotNil(session.userId)
        let me = try await cube.getUserById(id: try XCTUnwrap(session.userId))
        XCTAssertEqual(me.fullName, "Guest Marvin")
    }

    func testDestroySessionAsync() async throws {
        _ = try await signedIn("marvin18")
        try await cube.destroySession()
        XCTAssertNil(ConnectycubeSessionManager.shared.activeSession)
        XCTAssertFalse(ConnectycubeSessionManager.shared.isActiveSessionValid())
    }

    func testSessionManagerAsync() async throws {
        let user = try await signedIn("marvin18")
        let manager = ConnectycubeSessionManager.shared
        let active = try XCTUnwrap(manager.activeSession)
        XCTAssertEqual(active.userId, user.id)
        XCTAssertTrue(manager.isActiveSessionValid())
        XCTAssertEqual(manager.getToken(), active.token)
        XCTAssertNotNil(manager.getTokenExpirationDate())
        XCTAssertFalse(manager.isSessionExpired(connectycubeSession: active))

        // Forget it locally, then put it back: the server still knows the token.
        manager.activeSession = nil
        XCTAssertFalse(manager.isActiveSessionValid())
        XCTAssertNil(manager.getToken())
        manager.activeSession = active
        XCTAssertEqual(manager.getToken(), active.token)
        let server = try await cube.getSession()
        XCTAssertEqual(server.userId, user.id)

        // `ConnectycubeSessionManager()` is the same session as `.shared`.
        XCTAssertEqual(ConnectycubeSessionManager().getToken(), active.token)
        manager.deleteActiveSession()
        manager.setToken(token: try XCTUnwrap(active.token))
        let answer1 = try await cube.getSession()
        XCTAssertEqual(answer1.userId, user.id)
    }

    func testWrongPasswordIsTyped401Async() async throws {
        _ = try await signUp("marvin18")
        do {
            _ = try await cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "wrong-password"))
            XCTFail("a wrong password must fail")
        } catch let ConnectycubeError.Response(httpStatusCode, errors, _) {
            XCTAssertEqual(httpStatusCode, 401)
            XCTAssertFalse(errors.isEmpty)
        }
    }

    // MARK: callbacks

    func testAppSessionCallback() {
        let done = expectation(description: "app session")
        cube.createSession(successCallback: { session in
            XCTAssertTrue(Thread.isMainThread, "callbacks arrive on the main thread")
            XCTAssertNotNil(session.token)
            XCTAssertNil(session.userId)
            done.fulfill()
        }) { error in
            XCTFail("\(error)")
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
    }

    func testUserAndGuestSessionCallback() {
        let done = expectation(description: "user session")
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        cube.signUp(user: user, successCallback: { created in
            self.cube.createSession(user: user, successCallback: { session in
                XCTAssertEqual(session.userId, created.id)
                self.cube.createSession(user: ConnectycubeUser(fullName: "Guest", isGuest: true), successCallback: { guest in
                    XCTAssertNotEqual(guest.userId, created.id)
                    done.fulfill()
                }) { error in XCTFail("\(error)"); done.fulfill() }
            }) { error in XCTFail("\(error)"); done.fulfill() }
        }) { error in XCTFail("\(error)"); done.fulfill() }
        wait(for: [done], timeout: 10)
    }

    func testDestroySessionCallback() {
        let done = expectation(description: "destroy")
        cube.createSession(successCallback: { _ in
            self.cube.destroySession(successCallback: {
                XCTAssertTrue(Thread.isMainThread)
                XCTAssertNil(ConnectycubeSessionManager.shared.activeSession)
                done.fulfill()
            }) { error in XCTFail("\(error)"); done.fulfill() }
        }) { error in XCTFail("\(error)"); done.fulfill() }
        wait(for: [done], timeout: 10)
    }

    func testWrongPasswordCallback() {
        let done = expectation(description: "error callback")
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        cube.signUp(user: user, successCallback: { _ in
            user.password = "wrong-password"
            self.cube.createSession(user: user, successCallback: { _ in
                XCTFail("a wrong password must fail")
                done.fulfill()
            }) { error in
                XCTAssertTrue(Thread.isMainThread)
                guard case let ConnectycubeError.Response(httpStatusCode, _, _) = error else {
                    XCTFail("expected ConnectycubeError.Response, got \(error)")
                    done.fulfill()
                    return
                }
                XCTAssertEqual(httpStatusCode, 401)
                XCTAssertEqual((error as? ConnectycubeError)?.httpStatusCode, 401)
                XCTAssertTrue(error.localizedDescription.contains("401"), error.localizedDescription)
                done.fulfill()
            }
        }) { error in XCTFail("\(error)"); done.fulfill() }
        wait(for: [done], timeout: 10)
    }
}
