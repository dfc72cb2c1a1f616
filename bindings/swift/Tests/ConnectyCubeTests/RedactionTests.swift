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

private let canary = "CANARY-7f3a9c"
private let canaryPassword = canary + "-password"
private let canaryToken = canary + "-token"

/// Everything an app could print or log about an error: its messages, its description and
/// every field (`String(reflecting:)` and a `Mirror` walk of the associated values).
private func everyText(_ error: Error) -> String {
    var texts = [
        "\(error)",
        String(describing: error),
        String(reflecting: error),
        error.localizedDescription,
        (error as? LocalizedError)?.errorDescription ?? "",
        "\((error as NSError).userInfo)",
    ]
    func walk(_ value: Any) {
        for child in Mirror(reflecting: value).children {
            texts.append("\(child.label ?? "_")=\(String(reflecting: child.value))")
            walk(child.value)
        }
    }
    walk(error)
    return texts.joined(separator: "\n")
}

final class CanaryRedactionTests: EmulatorTestCase {
    func testRecordsAndPagesNeverShowTheCanary() {
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = canaryPassword
        user.oldPassword = canaryPassword
        let session = ConnectycubeSession(token: canaryToken, userId: 7, user: user)
        let page = PagedUsersResult(page: 0, perPage: 10, totalEntries: 1, skip: 0, limit: 10, items: [user])
        for text in ["\(user)", "\(session)", String(reflecting: session), "\(page)", String(reflecting: page), "\([user])"] {
            XCTAssertFalse(text.contains(canary), text)
        }
        XCTAssertTrue("\(session)".contains("token=<redacted>"), "\(session)")
        XCTAssertTrue("\(session)".contains("userId=7"), "\(session)")
        XCTAssertEqual(session.token, canaryToken, "only the text is redacted")
    }

    func testConfigsNeverShowEndpointUserinfoOrPemText() {
        let pem = "-----BEGIN CERTIFICATE-----\nMII\(canary)\n-----END CERTIFICATE-----\n"
        let config = ConnectycubeConfig(
            apiEndpoint: "https://user:\(canary)@host",
            chatEndpoint: "wss://user:\(canary)@chat.host/ws?x=1",
            trustedRootCertificates: [pem, pem],
            certificatePins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]
        )
        for text in ["\(config)", String(describing: config), String(reflecting: config), "\([config])"] {
            XCTAssertFalse(text.contains(canary), text)
            XCTAssertFalse(text.contains("user:"), text)
            XCTAssertFalse(text.contains("BEGIN CERTIFICATE"), text)
        }
        // Still useful in a log: the hosts, the number of roots, the other settings.
        let text = "\(config)"
        XCTAssertTrue(text.contains("apiEndpoint=https://<redacted>@host,"), text)
        XCTAssertTrue(text.contains("chatEndpoint=wss://<redacted>@chat.host/ws?x=1,"), text)
        XCTAssertTrue(text.contains("trustedRootCertificates=2,"), text)
        XCTAssertTrue(text.contains("sha256/AAAA"), text)
        XCTAssertTrue(text.contains("maxResponseBytes=4194304"), text)
        // An endpoint without userinfo shows as it is, an `@` in its path included.
        let plain = "\(ConnectycubeConfig(apiEndpoint: "https://h.example/a@b"))"
        XCTAssertTrue(plain.contains("apiEndpoint=https://h.example/a@b,"), plain)
        XCTAssertTrue(plain.contains("trustedRootCertificates=0,"), plain)
        XCTAssertEqual(config.apiEndpoint, "https://user:\(canary)@host", "only the text is redacted")
    }

    func testDoInitRefusesACanaryEndpointWithoutEchoingIt() {
        XCTAssertThrowsError(try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: "https://user:\(canary)@host")
        )) { error in
            guard case ConnectycubeError.InvalidArgument = error else { return XCTFail("expected InvalidArgument, got \(error)") }
            assertNoCanary(error)
            XCTAssertTrue(error.localizedDescription.contains("user:password@"), error.localizedDescription)
        }
    }

    private func assertNoCanary(_ error: Error, file: StaticString = #filePath, line: UInt = #line) {
        let text = everyText(error)
        XCTAssertFalse(text.contains(canary), text, file: file, line: line)
        XCTAssertFalse(error.localizedDescription.isEmpty, "the error still says what happened", file: file, line: line)
    }

    func testSignInWithAWrongCanaryPassword() async throws {
        _ = try await signUp("victim")
        do {
            _ = try await cube.createSession(user: ConnectycubeUser(login: "victim", password: canaryPassword))
            XCTFail("signed in with a wrong password")
        } catch let error as ConnectycubeError {
            XCTAssertEqual(error.httpStatusCode, 401)
            assertNoCanary(error)
        }
    }

    func testSignUpOfATakenLoginWithACanaryPassword() async throws {
        _ = try await signUp("taken")
        do {
            _ = try await signUp("taken", password: canaryPassword)
            XCTFail("signed up a taken login")
        } catch let error as ConnectycubeError {
            XCTAssertEqual(error.httpStatusCode, 422)
            assertNoCanary(error)
        }
    }

    func testPasswordChangeWithAWrongCanaryOldPassword() async throws {
        _ = try await signedIn("forgetful")
        var change = ConnectycubeUser()
        change.password = canaryPassword
        change.oldPassword = canary + "-old"
        do {
            _ = try await cube.updateUser(user: change)
            XCTFail("changed the password with a wrong old one")
        } catch let error as ConnectycubeError {
            XCTAssertEqual(error.httpStatusCode, 422)
            assertNoCanary(error)
        }
    }

    func testASessionWithACanaryTokenIsRejected() async throws {
        let user = try await signUp("injected")
        ConnectycubeSessionManager.shared.saveActiveSession(session: ConnectycubeSession(token: canaryToken, userId: user.id))
        do {
            _ = try await cube.getUserById(id: user.id)
            XCTFail("a call with a rejected token succeeded")
        } catch let error as ConnectycubeError {
            guard case .SessionExpired = error else { return XCTFail("expected SessionExpired, got \(error)") }
            assertNoCanary(error)
        }
    }

    func testASocialSignInWithACanaryAccessTokenIsRejected() async throws {
        do {
            _ = try await cube.createSessionUsingSocialProvider(
                socialProvider: ConnectycubeProvider.shared.FACEBOOK, accessToken: canaryToken, accessTokenSecret: nil)
            XCTFail("signed in with an unregistered token")
        } catch let error as ConnectycubeError {
            XCTAssertEqual(error.httpStatusCode, 401)
            assertNoCanary(error)
        }
    }

    func testTheErrorCallbackOfAWrongCanaryPassword() throws {
        let signedUp = expectation(description: "signed up")
        cube.signUp(user: ConnectycubeUser(login: "victim", password: "supersecurepwd"), successCallback: { _ in
            signedUp.fulfill()
        }) { error in
            XCTFail("sign-up: \(error)")
            signedUp.fulfill()
        }
        wait(for: [signedUp], timeout: 10)
        let failed = expectation(description: "errorCallback")
        let received = Recorder<Error>()
        cube.createSession(user: ConnectycubeUser(login: "victim", password: canaryPassword), successCallback: { _ in
            XCTFail("signed in with a wrong password")
            failed.fulfill()
        }) { error in
            received.append(error)
            failed.fulfill()
        }
        wait(for: [failed], timeout: 10)
        let error = try XCTUnwrap(received.values.first)
        assertNoCanary(error)
    }
}
