import ConnectyCube
import Foundation
import XCTest

/// What a snippet's callbacks heard: exactly one success value or one error. Callbacks come
/// on the main queue, which `wait(for:)` services.
final class Heard: @unchecked Sendable {
    let done: XCTestExpectation
    private(set) var value: Any?
    private(set) var failure: Error?

    init(_ done: XCTestExpectation) {
        self.done = done
        done.assertForOverFulfill = true
    }

    func success(_ value: Any?) {
        self.value = value
        done.fulfill()
    }

    func error(_ error: Error) {
        failure = error
        done.fulfill()
    }
}

/// Runs every snippet of DocsSnippets.swift against the emulator, in the world each one
/// assumes, and checks what the documented call delivered.
final class DocsSnippetsRunTests: EmulatorTestCase {
    /// Runs a snippet and returns what its success callback received, as `T`.
    private func run<T>(_ what: String, _ snippet: (Heard) -> Void) throws -> T {
        let heard = Heard(expectation(description: what))
        snippet(heard)
        wait(for: [heard.done], timeout: 15)
        if let failure = heard.failure { throw failure }
        return try XCTUnwrap(heard.value as? T, "\(what) delivered \(String(describing: heard.value))")
    }

    /// Waits for async set-up work from a synchronous test (whose main queue must stay free
    /// for the snippets' callbacks).
    private func blocking<T>(_ body: @escaping () async throws -> T) throws -> T {
        let done = expectation(description: "set-up")
        nonisolated(unsafe) var result: Result<T, Error>?
        Task {
            do { result = .success(try await body()) } catch { result = .failure(error) }
            done.fulfill()
        }
        wait(for: [done], timeout: 15)
        return try XCTUnwrap(result).get()
    }

    private func user(_ login: String, _ configure: @escaping (inout ConnectycubeUser) -> Void = { _ in }) throws
        -> ConnectycubeUser
    {
        try blocking { try await self.signUp(login, configure: configure) }
    }

    private func signedInAs(_ login: String) throws -> ConnectycubeUser {
        try blocking { try await self.signedIn(login) }
    }

    func testSignInAndCustomIdentityProvider() throws {
        // `signIn` is the deprecated `POST /login`: it signs in an existing user.
        let marvin = try user("marvin18")
        let signedIn: ConnectycubeUser = try run("signIn") {
            DocsSnippets.upgradeSessionToken(userToLogin: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"), heard: $0)
        }
        XCTAssertEqual(signedIn.id, marvin.id)
        XCTAssertEqual(ConnectycubeSessionManager.shared.activeSession?.userId, marvin.id)

        let identity = [
            "provider": "custom", "uid": "joseph-1", "full_name": "Joseph",
            "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o",
        ]
        XCTAssertEqual(try Emulator.request("POST", "/__emulator/identities", json: identity).status, 200)
        let external: ConnectycubeUser = try run("CIdP", DocsSnippets.customIdentityProvider)
        XCTAssertEqual(external.externalId, "joseph-1")
    }

    func testDowngradeAndDestroySession() throws {
        _ = try signedInAs("marvin18")
        let _: Void = try run("signOut", DocsSnippets.downgradeSessionToken)
        let session = try blocking { try await self.cube.getSession() }
        XCTAssertNil(session.userId, "an application session after signOut")
        let token = try XCTUnwrap(ConnectycubeSessionManager.shared.getToken())
        let _: Void = try run("destroySession", DocsSnippets.destroySessionToken)
        XCTAssertNil(ConnectycubeSessionManager.shared.getToken())
        XCTAssertEqual(try Emulator.request("GET", "/session", headers: ["CB-Token": token]).status, 401)
    }

    func testSignUpAndProfileUpdate() throws {
        let created: ConnectycubeUser = try run("signUp", DocsSnippets.userSignUp)
        XCTAssertEqual(created.login, "marvin18")
        XCTAssertEqual(created.email, "awesomeman@gmail.com")
        XCTAssertEqual(created.fullName, "Marvin Simon")
        XCTAssertEqual(created.phone, "47802323143")
        XCTAssertEqual(created.website, "https://dozensofdreams.com")
        XCTAssertEqual(created.tags, "iphone,apple")
        _ = try blocking { try await self.cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "supersecurepwd")) }
        let updated: ConnectycubeUser = try run("updateUser", DocsSnippets.userProfileUpdate)
        XCTAssertEqual(updated.fullName, "Marvin Simon")
        XCTAssertEqual(updated.id, created.id)
    }

    func testAvatarUploadAndTheUrlOthersBuild() throws {
        _ = try signedInAs("marvin18")
        let path = NSTemporaryDirectory() + "docs-avatar-\(ProcessInfo.processInfo.processIdentifier).png"
        let bytes = Data((0..<3000).map { UInt8($0 % 256) })
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let updated: ConnectycubeUser = try run("upload + update") { DocsSnippets.userAvatar(imageFilePath: path, heard: $0) }
        XCTAssertTrue(updated.customData?.contains("avatar_uid") == true, "\(String(describing: updated.customData))")
        let url: String = try run("avatar URL") { DocsSnippets.otherUsersAvatar(user: updated, heard: $0) }
        let answer = try Emulator.request("GET", url)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.data, bytes, "the avatar read back by its private URL")
    }

    func testPasswordReset() throws {
        _ = try user("resetter") { $0.email = "user@mail.com" }
        let _: Void = try run("resetPassword", DocsSnippets.passwordReset)
        let outbox = try XCTUnwrap(try Emulator.request("GET", "/__emulator/outbox").body as? [[String: Any]])
        XCTAssertEqual(outbox.compactMap { $0["to"] as? String }, ["user@mail.com"])
    }

    func testRetrieveUsers() throws {
        for n in 1...22 {
            _ = try user("user\(n)") { user in
                if n == 21 { user.tags = "iphone" }
                if n == 22 { user.fullName = "Marvin Samuel" }
            }
        }
        _ = try user("amigo") {
            $0.email = "amigo@mail.com"
            $0.phone = "+4427123314"
            $0.externalId = "3789"
        }
        let byIds: [ConnectycubeUser] = try run("by ids", DocsSnippets.retrieveUsersById)
        XCTAssertEqual(byIds.map(\.id), [21, 22])
        for (what, snippet) in [
            ("by login", DocsSnippets.retrieveUserByLogin), ("by email", DocsSnippets.retrieveUserByEmail),
            ("by phone", DocsSnippets.retrieveUserByPhoneNumber), ("by external id", DocsSnippets.retrieveUserByExternalId),
        ] {
            let found: ConnectycubeUser = try run(what, snippet)
            XCTAssertEqual(found.login, "amigo", what)
        }
        let byName: [ConnectycubeUser] = try run("by full name", DocsSnippets.retrieveUsersByFullName)
        XCTAssertEqual(byName.map(\.login), ["user22"])
        let byTags: [ConnectycubeUser] = try run("by tags", DocsSnippets.retrieveUsersByTags)
        XCTAssertEqual(byTags.map(\.login), ["user21"])
    }

    func testDeleteUser() throws {
        let me = try signedInAs("leaver")
        let _: Void = try run("deleteUser", DocsSnippets.deleteUser)
        XCTAssertNil(ConnectycubeSessionManager.shared.activeSession?.userId)
        do {
            _ = try blocking { try await self.cube.getUserById(id: me.id) }
            XCTFail("the user is gone")
        } catch ConnectycubeError.NotFound {}
    }

    func testAsyncForms() throws {
        _ = try user("amigo")
        for n in 1...20 { _ = try user("filler\(n)") }
        let heard = Heard(expectation(description: "async forms"))
        Task { try await DocsSnippets.asyncForms(user: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"), heard: heard) }
        wait(for: [heard.done], timeout: 15)
        let (created, session, amigo, page, current) = try XCTUnwrap(
            heard.value as? (ConnectycubeUser, ConnectycubeSession, ConnectycubeUser, PagedUsersResult, ConnectycubeUser?))
        XCTAssertEqual(created.login, "marvin18")
        XCTAssertEqual(session.userId, created.id)
        XCTAssertEqual(amigo.login, "amigo")
        XCTAssertEqual(page.items.map(\.id), [21, 22])
        XCTAssertEqual(current?.id, created.id)
    }

    func testInitialiseWithTheDefaultEndpoint() throws {
        let _: Void = try run("init", DocsSnippets.initialise)
        XCTAssertEqual(ConnectycubeFileKt.getPublicUrlForUID(uid: "abc"), "https://api.connectycube.com/blobs/abc")
    }
}
