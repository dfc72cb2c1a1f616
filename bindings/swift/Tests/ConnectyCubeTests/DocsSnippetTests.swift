import ConnectyCube
import Foundation
import XCTest

/// Runs every Swift snippet of the new iOS SDK's guide (DocsSnippets) against the emulator,
/// after creating what the snippet looks for, and checks what its callbacks received.
final class DocsSnippetTests: EmulatorTestCase {
    private func snippet<T>(_ what: String, _ run: (BlockOutcome<T>) -> Void) async throws -> T {
        try await legacy(what, run).get()
    }

    /// marvin18 (tags iphone, apple; a phone), amigo (iphone; external id "3789"), zed.
    private func threeUsers() async throws -> (marvin: ConnectycubeUser, amigo: ConnectycubeUser) {
        let marvin = try await signUp("marvin18") {
            $0.fullName = "Marvin Simon"
            $0.phone = "+4427123314"
            $0.tags = "iphone, apple"
        }
        let amigo = try await signUp("amigo") {
            $0.email = "amigo@mail.com"
            $0.fullName = "Marvin Amigo"
            $0.tags = "iphone"
            $0.externalId = "3789"
        }
        _ = try await signUp("zed") { $0.fullName = "Zed Zeta" }
        _ = try await cube.createSession()
        return (marvin, amigo)
    }

    func testUpgradeSessionTokenThenDowngrade() async throws {
        let created = try await signUp("marvin18")
        _ = try await cube.createSession()
        let user = try await snippet("signIn") {
            DocsSnippets.upgradeSessionToken(userToLogin: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"), $0)
        }
        XCTAssertEqual(user.id, created.id)
        XCTAssertEqual(ConnectycubeSessionManager.shared.activeSession?.userId, created.id)

        try await snippet("signOut", DocsSnippets.downgradeSessionToken)
        let session = try await cube.getSession()
        XCTAssertNil(session.userId, "an application session again")
    }

    func testCustomIdentityProvider() async throws {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5LCJuYW1lIjoiSm9zZXBoIn0.OpOSSw7e485LOP5PrzScxHb7SR6sAOMRckfFwi4rp7o"
        let identity = ["provider": "custom", "token": token, "uid": "123456789", "full_name": "Joseph"]
        XCTAssertEqual(try Emulator.request("POST", "/__emulator/identities", json: identity).status, 200)
        _ = try await cube.createSession()
        let user = try await snippet("signIn with a CIdP token", DocsSnippets.customIdentityProvider)
        XCTAssertEqual(user.externalId, "123456789")
        XCTAssertEqual(user.fullName, "Joseph")
        XCTAssertEqual(ConnectycubeSessionManager.shared.activeSession?.userId, user.id)
    }

    func testDestroySessionToken() async throws {
        _ = try await signedIn("marvin18")
        let token = ConnectycubeSessionManager.shared.getToken()
        try await snippet("destroySession", DocsSnippets.destroySessionToken)
        XCTAssertNil(ConnectycubeSessionManager.shared.activeSession)
        XCTAssertEqual(try sessionStatus(token), 401)
    }

    func testUserSignUpThenProfileUpdate() async throws {
        let created = try await snippet("signUp", DocsSnippets.userSignUp)
        XCTAssertGreaterThan(created.id, 0)
        XCTAssertEqual(created.login, "marvin18")
        XCTAssertEqual(created.email, "awesomeman@gmail.com")
        XCTAssertEqual(created.fullName, "Marvin Simon")
        XCTAssertEqual(created.phone, "47802323143")
        XCTAssertEqual(created.website, "https://dozensofdreams.com")
        XCTAssertEqual(created.tags, "iphone,apple")
        XCTAssertNil(created.password)

        _ = try await cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"))
        let updated = try await snippet("updateUser", DocsSnippets.userProfileUpdate)
        XCTAssertEqual(updated.id, created.id)
        XCTAssertEqual(updated.fullName, "Marvin Simon")
    }

    func testUserAvatarThenOtherUsersReadIt() async throws {
        _ = try await signedIn("marvin18")
        let image = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-\(UUID().uuidString).png")
        try image.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }

        let uploaded = BlockOutcome<ConnectycubeFile>(expectation(description: "uploadFile"))
        let updated = BlockOutcome<ConnectycubeUser>(expectation(description: "updateUser"))
        DocsSnippets.userAvatar(imageFilePath: url.path, uploaded: uploaded, updated)
        await fulfillment(of: [uploaded.delivered, updated.delivered], timeout: 10, enforceOrder: true)
        XCTAssertEqual(uploaded.blocksOffMainThread + updated.blocksOffMainThread, 0, "callbacks on the main thread")
        let file = try uploaded.get()
        XCTAssertEqual(file.size, Int64(image.count))
        XCTAssertEqual(uploaded.progressValues.last, 100)
        let uid = try XCTUnwrap(file.uid)

        // `cubeFile.uid` is a `String?`: the docs' dictionary holds an Optional, which
        // JSONSerialization writes as the text itself here.
        let me = try updated.get()
        let customData = try XCTUnwrap(me.customData?.data(using: .utf8))
        XCTAssertEqual(try JSONSerialization.jsonObject(with: customData) as? [String: String], ["avatar_uid": uid])

        _ = try await signedIn("amigo")
        let marvin = try await cube.getUserByLogin(login: "marvin18")
        let privateAvatarUrl = try XCTUnwrap(DocsSnippets.otherUsersAvatar(user: marvin))
        XCTAssertTrue(privateAvatarUrl.contains("token="), privateAvatarUrl)
        XCTAssertEqual(try Emulator.request("GET", privateAvatarUrl).data, image)
    }

    func testPasswordReset() async throws {
        _ = try await signUp("marvin18") { $0.email = "user@mail.com" }
        _ = try await cube.createSession()
        try await snippet("resetPassword", DocsSnippets.passwordReset)
        let outbox = try Emulator.request("GET", "/__emulator/outbox").body as? [[String: Any]]
        XCTAssertEqual(outbox?.map { $0["to"] as? String }, ["user@mail.com"])
    }

    func testRetrieveUsersById() async throws {
        // The docs ask for users 21 and 22: the emulator numbers users from 1.
        for number in 1...22 {
            _ = try await signUp(String(format: "user%02d", number))
        }
        _ = try await cube.createSession()
        let users = try await snippet("getUsersByIds", DocsSnippets.retrieveUsersById)
        XCTAssertEqual(users.map(\.id), [21, 22], "sorted by created_at")
    }

    func testRetrieveOneUser() async throws {
        let (marvin, amigo) = try await threeUsers()
        let byLogin = try await snippet("getUserByLogin", DocsSnippets.retrieveUserByLogin)
        XCTAssertEqual(byLogin.id, amigo.id)
        let byEmail = try await snippet("getUserByEmail", DocsSnippets.retrieveUserByEmail)
        XCTAssertEqual(byEmail.id, amigo.id)
        let byPhone = try await snippet("getUserByPhoneNumber", DocsSnippets.retrieveUserByPhoneNumber)
        XCTAssertEqual(byPhone.id, marvin.id)
        let byExternalId = try await snippet("getUserByExternalId", DocsSnippets.retrieveUserByExternalId)
        XCTAssertEqual(byExternalId.id, amigo.id)
    }

    func testRetrieveUsersByFullNameAndTags() async throws {
        let (marvin, amigo) = try await threeUsers()
        let named = try await snippet("getUsersByFullName", DocsSnippets.retrieveUsersByFullName)
        XCTAssertEqual(named.map(\.id), [marvin.id, amigo.id], "sorted by created_at")
        let tagged = try await snippet("getUsersByTags", DocsSnippets.retrieveUsersByTags)
        XCTAssertEqual(tagged.map(\.id), [marvin.id, amigo.id])
    }

    func testDeleteUser() async throws {
        let me = try await signedIn("marvin18")
        try await snippet("deleteUser", DocsSnippets.deleteUser)
        _ = try await cube.createSession()
        do {
            _ = try await cube.getUserById(id: me.id)
            XCTFail("the user is gone")
        } catch ConnectycubeError.NotFound {}
    }

    func testAsyncForms() async throws {
        for number in 1...20 {
            _ = try await signUp(String(format: "user%02d", number))
        }
        let amigo = try await signUp("amigo")
        XCTAssertEqual(amigo.id, 21)
        let (created, session, found, page, current) = try await DocsSnippets.asyncForms(
            user: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"))
        XCTAssertEqual(created.id, 22)
        XCTAssertEqual(session.userId, created.id)
        XCTAssertEqual(found.id, amigo.id)
        XCTAssertEqual(page.items.map(\.id).sorted(), [21, 22])
        XCTAssertEqual(current?.id, created.id, "the session manager's session carries its user")
        XCTAssertEqual(current?.login, "marvin18")
    }

    func testInitialise() {
        DocsSnippets.initialise()
        // Initialised, for the production endpoint (no request is made here).
        XCTAssertEqual(ConnectycubeFileKt.getPublicUrlForUID(uid: "abc"), "https://api.connectycube.com/blobs/abc")
    }
}
