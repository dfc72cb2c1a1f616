import ConnectyCube
import Foundation
import XCTest

/// Sessions from external identities (Facebook, Twitter, Firebase phone and email, a Custom
/// Identity Provider), provider sign-in on an application session and sign-out, a session
/// deleted by id, a user deleted by external id, and the calls the 1.x SDKs had.
final class ProviderTests: EmulatorTestCase {
    private let provider = ConnectycubeProvider.shared

    override func setUpWithError() throws {
        try super.setUpWithError()
        for identity: [String: String] in [
            ["provider": "facebook", "token": "fb-token", "uid": "fb-1", "full_name": "Face Book"],
            ["provider": "twitter", "token": "tw-token", "secret": "tw-secret", "uid": "tw-1"],
            ["provider": "firebase_phone", "token": "fp-token", "uid": "fp-1", "project_id": "proj", "phone": "+100200300"],
            ["provider": "firebase_email", "token": "fe-token", "uid": "fe-1", "project_id": "proj", "email": "fe@example.com"],
        ] {
            XCTAssertEqual(try Emulator.request("POST", "/__emulator/identities", json: identity).status, 200)
        }
    }

    private func reinit() throws {
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url)
        )
    }

    func testFacebookAndTwitterSessions() async throws {
        let facebook = try await cube.createSessionUsingSocialProvider(socialProvider: provider.FACEBOOK, accessToken: "fb-token")
        let fbUser = try await cube.getUserByFacebookId(id: "fb-1")
        XCTAssertEqual(facebook.userId, fbUser.id)
        try reinit()
        let twitter = try await cube.createSessionUsingSocialProvider(
            socialProvider: provider.TWITTER, accessToken: "tw-token", accessTokenSecret: "tw-secret")
        let twUser = try await cube.getUserByTwitterId(id: "tw-1")
        XCTAssertEqual(twitter.userId, twUser.id)
        XCTAssertNotEqual(facebook.userId, twitter.userId)
        do {
            _ = try await cube.createSessionUsingSocialProvider(socialProvider: provider.TWITTER, accessToken: "tw-token")
            XCTFail("Twitter without its secret")
        } catch ConnectycubeError.InvalidArgument(let reason) {
            XCTAssertTrue(reason.lowercased().contains("secret"), reason)
        }
        do {
            _ = try await cube.createSessionUsingSocialProvider(socialProvider: provider.FACEBOOK, accessToken: "nobody")
            XCTFail("an unknown token")
        } catch let ConnectycubeError.Response(httpStatusCode, _, _) {
            XCTAssertEqual(httpStatusCode, 401)
        }
    }

    func testFirebasePhoneAndEmailSessions() async throws {
        let phone = try await cube.createSessionUsingFirebasePhone(projectId: "proj", accessToken: "fp-token")
        let phoneUser = try await cube.getUserById(id: try XCTUnwrap(phone.userId))
        XCTAssertEqual(phoneUser.phone, "+100200300")
        try reinit()
        let email = try await cube.createSessionUsingFirebaseEmail(projectId: "proj", accessToken: "fe-token")
        XCTAssertNotNil(email.userId)
        XCTAssertNotEqual(email.userId, phone.userId)
    }

    func testProviderSignInOnAnApplicationSessionAndSignOut() async throws {
        let app = try await cube.createSession()
        let facebook = try await cube.signInUsingSocialProvider(socialProvider: provider.FACEBOOK, accessToken: "fb-token")
        let signedIn = try await cube.getSession()
        XCTAssertEqual(signedIn.userId, facebook.id)
        XCTAssertEqual(ConnectycubeSessionManager.shared.getToken(), app.token, "signing in keeps the token")
        try await cube.signOut()
        let signedOut = try await cube.getSession()
        XCTAssertNil(signedOut.userId)
        let phone = try await cube.signInUsingFirebasePhone(projectId: "proj", accessToken: "fp-token")
        let phoneSession = try await cube.getSession()
        XCTAssertEqual(phoneSession.userId, phone.id)
        try await cube.signOut()
        let email = try await cube.signInUsingFirebaseEmail(projectId: "proj", accessToken: "fe-token")
        let emailSession = try await cube.getSession()
        XCTAssertEqual(emailSession.userId, email.id)
        _ = try await signUp("passworded")
        try await cube.signOut()
        let byPassword = try await cube.signIn(user: ConnectycubeUser(login: "passworded", password: "supersecurepwd"))
        XCTAssertEqual(byPassword.login, "passworded")
    }

    func testCustomIdentityProviderTokenAsLogin() async throws {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpZCI6MTIzNDU2Nzg5fQ.cidp"
        let identity = ["provider": "custom", "token": token, "uid": "ext-cidp-1", "full_name": "Joseph"]
        XCTAssertEqual(try Emulator.request("POST", "/__emulator/identities", json: identity).status, 200)
        let session = try await cube.createSession(user: ConnectycubeUser(login: token, password: "any"))
        let user = try await cube.getUserById(id: try XCTUnwrap(session.userId))
        XCTAssertEqual(user.externalId, "ext-cidp-1")
        XCTAssertEqual(user.fullName, "Joseph")
    }

    func testDeleteASessionById() async throws {
        _ = try await signUp("twodevices")
        let other = try await cube.createSession(user: ConnectycubeUser(login: "twodevices", password: "supersecurepwd"))
        try reinit()
        let current = try await cube.createSession(user: ConnectycubeUser(login: "twodevices", password: "supersecurepwd"))
        try await cube.deleteSession(sessionId: other.id)
        let live = try await cube.getSession()
        XCTAssertEqual(live.id, current.id, "the current session lives")
        let status = try Emulator.request("GET", "/session", headers: ["CB-Token": try XCTUnwrap(other.token)]).status
        XCTAssertEqual(status, 401, "the deleted session's token is refused")
    }

    func testDeleteTheSignedInUserByExternalId() async throws {
        let user = try await signUp("externally") { $0.externalId = "ext-77" }
        _ = try await cube.createSession(user: ConnectycubeUser(login: "externally", password: "supersecurepwd"))
        try await cube.deleteUserByExternalId(externalId: "ext-77")
        XCTAssertEqual(try Emulator.count("DELETE /users/external/{id}"), 1)
        try reinit()
        _ = try await cube.createSession()
        do {
            _ = try await cube.getUserById(id: user.id)
            XCTFail("the user is gone")
        } catch ConnectycubeError.NotFound {}
    }

    func testTheOneXCalls() async throws {
        let numbered = try await signUp("numbered") { $0.externalUserId = 3789 }
        _ = try await signUp("listed1")
        _ = try await signUp("listed2")
        let me = try await cube.signUpAndSignIn(user: ConnectycubeUser(login: "newcomer", password: "supersecurepwd"))
        let session = try await cube.getSession()
        XCTAssertEqual(session.userId, me.id, "signed in as the new user")

        let found = try await cube.getUserByExternalUserId(id: 3789)
        XCTAssertEqual(found.id, numbered.id)
        let page = try await cube.getUsersV1(
            filters: ["string login in listed1,listed2,numbered"], order: "asc string login", page: 1, perPage: 2)
        XCTAssertEqual(page.items.map(\.login), ["listed1", "listed2"])
        XCTAssertEqual(page.totalEntries, 3)
        let online = try await cube.getOnlineUsers()
        XCTAssertTrue(online.contains { $0.id == me.id })
        let count = try await cube.getOnlineUsersCount()
        XCTAssertGreaterThanOrEqual(count, 1)

        let data = Data((0..<4096).map { UInt8($0 % 256) })
        let blob = try await cube.uploadFileData(data: data, fileName: "avatar.png")
        XCTAssertEqual(blob.name, "avatar.png")
        XCTAssertEqual(blob.contentType, "image/png")
        XCTAssertEqual(blob.size, 4096)
    }
}
