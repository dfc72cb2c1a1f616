import ConnectyCube
import Foundation
import XCTest

/// Runs every legacy Swift snippet of the iOS guide (LegacyDocsSnippets) against the
/// emulator, after creating what the snippet looks for, and checks what its blocks received.
final class LegacyDocsSnippetTests: EmulatorTestCase {
    private func snippet<T>(_ what: String, _ run: (BlockOutcome<T>) -> Void) async throws -> T {
        try await legacy(what, run).get()
    }

    func testCreateSessionToken() async throws {
        let created = try await signUp("userLogin", password: "userPassword")
        let user = try await snippet("logIn", LegacyDocsSnippets.createSessionToken)
        XCTAssertEqual(user.ID, UInt(created.id))
        XCTAssertEqual(user.login, "userLogin")
        XCTAssertEqual(ConnectycubeSessionManager.shared.activeSession?.userId, created.id)
    }

    func testDestroySessionToken() async throws {
        _ = try await signedIn("marvin18")
        let token = ConnectycubeSessionManager.shared.getToken()
        try await snippet("destroySession", LegacyDocsSnippets.destroySessionToken)
        XCTAssertNil(ConnectycubeSessionManager.shared.activeSession)
        XCTAssertEqual(try sessionStatus(token), 401, "the token is gone on the server")
    }

    func testUserSignUp() async throws {
        let user = User()
        user.login = "marvin18"
        let created = try await snippet("signUp") { LegacyDocsSnippets.userSignUp(user: user, $0) }
        XCTAssertGreaterThan(created.ID, 0)
        XCTAssertEqual(created.login, "marvin18")
        XCTAssertEqual(created.email, "awesomeman@gmail.com")
        XCTAssertEqual(created.fullName, "Marvin Simon")
        XCTAssertEqual(created.phone, "47802323143")
        XCTAssertEqual(created.website, "https://dozensofdreams.com")
        XCTAssertEqual(created.tags, ["iphone", "apple"])
        XCTAssertNil(created.password, "passwords never come back")
        XCTAssertNotNil(created.createdAt)
    }

    func testUserProfileUpdate() async throws {
        let me = try await signedIn("marvin18")
        let updated = try await snippet("updateCurrentUser", LegacyDocsSnippets.userProfileUpdate)
        XCTAssertEqual(updated.ID, UInt(me.id))
        XCTAssertEqual(updated.login, "marvin18")
        XCTAssertEqual(updated.fullName, "Marvin Simon")
    }

    func testUserAvatarThenOtherUsersReadIt() async throws {
        _ = try await signedIn("marvin18")
        // 300 KB, so the upload reports several steps.
        let image = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let uploaded = BlockOutcome<Blob>(expectation(description: "uploadFile"))
        let updated = BlockOutcome<User>(expectation(description: "updateCurrentUser"))
        LegacyDocsSnippets.userAvatar(image: image, uploaded: uploaded, updated)
        await fulfillment(of: [uploaded.delivered, updated.delivered], timeout: 10, enforceOrder: true)
        XCTAssertEqual(uploaded.blocksOffMainThread + updated.blocksOffMainThread, 0, "blocks on the main queue")

        let blob = try uploaded.get()
        XCTAssertEqual(blob.name, "FileName")
        XCTAssertEqual(blob.contentType, "image/png")
        XCTAssertEqual(blob.size, UInt(image.count))
        XCTAssertFalse(blob.isPublic)
        XCTAssertFalse(blob.uid.isEmpty)
        let progress = uploaded.progressValues
        XCTAssertEqual(progress.last, 1.0, "\(progress)")
        XCTAssertEqual(progress, progress.sorted(), "progress only grows")
        XCTAssertTrue(progress.allSatisfy { (0...1).contains($0) }, "\(progress)")

        let me = try updated.get()
        let customData = try XCTUnwrap(me.customData?.data(using: .utf8))
        XCTAssertEqual(try JSONSerialization.jsonObject(with: customData) as? [String: String], ["avatar_uid": blob.uid])

        // Another user reads it, as the docs' next snippet does.
        _ = try await signedIn("amigo")
        let marvin = try await legacy("user(withLogin:)") { o in
            Request.user(withLogin: "marvin18", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        let privateAvatarUrl = try XCTUnwrap(LegacyDocsSnippets.otherUsersAvatar(user: marvin))
        XCTAssertEqual(privateAvatarUrl, blob.privateUrl())
        XCTAssertTrue(privateAvatarUrl.contains("token="), privateAvatarUrl)
        let download = try Emulator.request("GET", privateAvatarUrl)
        XCTAssertEqual(download.status, 200)
        XCTAssertEqual(download.data, image)
    }

    func testPasswordReset() async throws {
        let user = try await signUp("marvin18") { $0.email = "user@mail.com" }
        _ = try await cube.createSession()
        try await snippet("resetUserPassword", LegacyDocsSnippets.passwordReset)
        let outbox = try Emulator.request("GET", "/__emulator/outbox").body as? [[String: Any]]
        XCTAssertEqual(outbox?.count, 1)
        XCTAssertEqual(outbox?.first?["to"] as? String, "user@mail.com")
        XCTAssertEqual((outbox?.first?["user_id"] as? NSNumber)?.int32Value, user.id)
    }

    func testRetrieveUsersByID() async throws {
        // The docs ask for users 21 and 22: the emulator numbers users from 1.
        for number in 1...22 {
            _ = try await signUp(String(format: "user%02d", number))
        }
        _ = try await cube.createSession()
        let (paginator, users) = try await snippet("users(withIDs:)", LegacyDocsSnippets.retrieveUsersByID)
        XCTAssertEqual(users.map(\.ID).sorted(), [21, 22])
        XCTAssertEqual(users.compactMap(\.login).sorted(), ["user21", "user22"])
        XCTAssertEqual(paginator.totalEntries, 2)
        XCTAssertEqual(paginator.limit, 10)
        XCTAssertEqual(paginator.skip, 0)
    }

    /// marvin18 (tags iphone, apple; a phone), amigo (iphone; external id 3789), zed.
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
            $0.externalUserId = 3789
        }
        _ = try await signUp("zed") { $0.fullName = "Zed Zeta" }
        _ = try await cube.createSession()
        return (marvin, amigo)
    }

    func testRetrieveOneUserByLoginEmailAndExternalID() async throws {
        let (_, amigo) = try await threeUsers()
        let byLogin = try await snippet("user(withLogin:)", LegacyDocsSnippets.retrieveUserByLogin)
        XCTAssertEqual(byLogin.ID, UInt(amigo.id))
        let byEmail = try await snippet("user(withEmail:)", LegacyDocsSnippets.retrieveUserByEmail)
        XCTAssertEqual(byEmail.ID, UInt(amigo.id))
        XCTAssertEqual(byEmail.email, "amigo@mail.com")
        let byExternalID = try await snippet("user(withExternalID:)", LegacyDocsSnippets.retrieveUserByExternalID)
        XCTAssertEqual(byExternalID.ID, UInt(amigo.id))
        XCTAssertEqual(byExternalID.externalUserID, 3789)
    }

    func testRetrieveUsersByFullNamePhoneNumbersAndTags() async throws {
        let (marvin, amigo) = try await threeUsers()
        let (namePage, named) = try await snippet("users(withFullName:)", LegacyDocsSnippets.retrieveUsersByFullName)
        XCTAssertEqual(Set(named.map(\.ID)), [UInt(marvin.id), UInt(amigo.id)])
        XCTAssertEqual(namePage.totalEntries, 2)
        let (phonePage, phoned) = try await snippet("users(withPhoneNumbers:)", LegacyDocsSnippets.retrieveUsersByPhoneNumbers)
        XCTAssertEqual(phoned.map(\.ID), [UInt(marvin.id)])
        XCTAssertEqual(phoned.first?.phone, "+4427123314")
        XCTAssertEqual(phonePage.totalEntries, 1)
        let (tagPage, tagged) = try await snippet("users(withTags:)", LegacyDocsSnippets.retrieveUsersByTags)
        XCTAssertEqual(Set(tagged.map(\.ID)), [UInt(marvin.id), UInt(amigo.id)])
        XCTAssertEqual(tagPage.totalEntries, 2)
        XCTAssertTrue(tagged.allSatisfy { $0.tags?.contains("iphone") ?? false })
    }

    func testDeleteUser() async throws {
        let me = try await signedIn("marvin18")
        try await snippet("deleteCurrentUser", LegacyDocsSnippets.deleteUser)
        _ = try await cube.createSession()
        let gone = await legacy("the deleted user") { (o: BlockOutcome<User>) in
            Request.user(withID: UInt(me.id), successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(gone?.code, ErrorCode.notFound.rawValue)
    }
}
