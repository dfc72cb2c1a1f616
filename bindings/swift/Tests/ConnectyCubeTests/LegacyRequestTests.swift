import ConnectyCube
import Foundation
import XCTest

/// The 1.x `Request` surface beyond the docs' snippets (LegacyDocsSnippetTests runs those):
/// each call against the emulator, checked by what its block receives.
final class LegacyRequestTests: EmulatorTestCase {
    private func activeUserID() -> Int32? { ConnectycubeSessionManager.shared.activeSession?.userId }

    func testLogInWithLoginOrEmailThenLogOut() async throws {
        let created = try await signUp("marvin18") { $0.email = "awesomeman@gmail.com" }
        let byLogin = try await legacy("login") { o in
            Request.logIn(withUserLogin: "marvin18", password: "supersecurepwd", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(byLogin.ID, UInt(created.id))
        XCTAssertEqual(byLogin.login, "marvin18")
        XCTAssertNil(byLogin.password, "passwords never come back")
        XCTAssertEqual(activeUserID(), created.id)

        let byEmail = try await legacy("email") { o in
            Request.logIn(withUserEmail: "awesomeman@gmail.com", password: "supersecurepwd", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(byEmail.ID, UInt(created.id))
        XCTAssertEqual(byEmail.email, "awesomeman@gmail.com")

        try await legacy("logOut") { (o: BlockOutcome<Void>) in
            Request.logOut(successBlock: { o.receive(()) }, errorBlock: o.fail)
        }.get()
        let session = try await cube.getSession()
        XCTAssertNil(session.userId, "an application session after logOut")
        XCTAssertNotNil(session.token)
    }

    func testLogInWithSocialProvidersAndFirebase() async throws {
        try Emulator.request("POST", "/__emulator/identities", json: [
            "provider": "facebook", "token": "fb-token", "uid": "fb-1", "full_name": "Face Book"])
        try Emulator.request("POST", "/__emulator/identities", json: [
            "provider": "twitter", "token": "tw-token", "secret": "tw-secret", "uid": "tw-1", "full_name": "Twit Ter"])
        try Emulator.request("POST", "/__emulator/identities", json: [
            "provider": "firebase_phone", "token": "fp-token", "uid": "fp-1", "project_id": "proj", "phone": "+100200300"])

        let facebook = try await legacy("facebook") { o in
            Request.logIn(withSocialProvider: "facebook", accessToken: "fb-token", accessTokenSecret: nil,
                          successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(facebook.fullName, "Face Book")
        XCTAssertEqual(activeUserID().map(UInt.init), facebook.ID)
        let twitter = try await legacy("twitter") { o in
            Request.logIn(withSocialProvider: "twitter", accessToken: "tw-token", accessTokenSecret: "tw-secret",
                          successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(twitter.fullName, "Twit Ter")
        XCTAssertNotEqual(twitter.ID, facebook.ID)

        // Twitter without its secret is refused before anything is sent.
        let noSecret = await legacy("twitter without secret") { (o: BlockOutcome<User>) in
            Request.logIn(withSocialProvider: "twitter", accessToken: "tw-token", accessTokenSecret: nil,
                          successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(noSecret?.code, ErrorCode.unknown.rawValue)
        XCTAssertEqual(noSecret?.userInfo[Request.errorSDKCodeKey] as? String, "invalid_input")

        let byFacebookID = try await legacy("user(withFacebookID:)") { o in
            Request.user(withFacebookID: "fb-1", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(byFacebookID.ID, facebook.ID)
        XCTAssertEqual(byFacebookID.facebookID, "fb-1")
        let byTwitterID = try await legacy("user(withTwitterID:)") { o in
            Request.user(withTwitterID: "tw-1", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(byTwitterID.ID, twitter.ID)
        XCTAssertEqual(byTwitterID.twitterID, "tw-1")
        let (fbPage, fbUsers) = try await legacy("users(withFacebookIDs:)") { o in
            Request.users(withFacebookIDs: ["fb-1", "fb-unknown"], paginator: Paginator(limit: 10, skip: 0),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(fbUsers.map(\.ID), [facebook.ID])
        XCTAssertEqual(fbPage.totalEntries, 1)
        let (_, twUsers) = try await legacy("users(withTwitterIDs:)") { o in
            Request.users(withTwitterIDs: ["tw-1"], paginator: Paginator(limit: 10, skip: 0),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(twUsers.map(\.ID), [twitter.ID])

        let phone = try await legacy("firebase") { o in
            Request.logIn(withFirebaseProjectID: "proj", accessToken: "fp-token", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertGreaterThan(phone.ID, 0)
        XCTAssertNotEqual(phone.ID, facebook.ID)
        XCTAssertEqual(activeUserID().map(UInt.init), phone.ID)
        let wrongProject = await legacy("firebase, wrong project") { (o: BlockOutcome<User>) in
            Request.logIn(withFirebaseProjectID: "other", accessToken: "fp-token", successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(wrongProject?.code, 401, wrongProject?.localizedDescription ?? "")
    }

    func testDeleteUserSessionByIDAndAllExceptCurrent() async throws {
        let me = try await signUp("marvin18")
        let credentials = ConnectycubeUser(login: "marvin18", password: "supersecurepwd")
        let first = try await cube.createSession(user: credentials)
        try cube.doInit(applicationId: Emulator.applicationId, authorizationKey: Emulator.authorizationKey,
                        connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url))
        let second = try await cube.createSession(user: credentials)
        try cube.doInit(applicationId: Emulator.applicationId, authorizationKey: Emulator.authorizationKey,
                        connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url))
        _ = try await legacy("login") { o in
            Request.logIn(withUserLogin: "marvin18", password: "supersecurepwd", successBlock: o.receive, errorBlock: o.fail)
        }.get()

        try await legacy("deleteUserSession(withID:)") { (o: BlockOutcome<Void>) in
            Request.deleteUserSession(withID: UInt(first.id), successBlock: { o.receive(()) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(try sessionStatus(first.token), 401, "the deleted session")
        XCTAssertEqual(try sessionStatus(second.token), 200, "the other one lives")

        try await legacy("deleteAllUserSessionsExceptCurrent") { (o: BlockOutcome<Void>) in
            Request.deleteAllUserSessionsExceptCurrent(successBlock: { o.receive(()) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(try sessionStatus(second.token), 401)
        let current = try await cube.getSession()
        XCTAssertEqual(current.userId, me.id, "the current session lives")
    }

    func testLookupsByIDLoginsAndEmailsWithPaging() async throws {
        var created: [ConnectycubeUser] = []
        for (login, email) in [("amigo", "amigo@mail.com"), ("bob", "bob@mail.com"), ("carol", "carol@mail.com"), ("dave", nil)] {
            created.append(try await signUp(login) { $0.email = email })
        }
        _ = try await cube.createSession()
        let ids = created.map { UInt($0.id) }

        let one = try await legacy("user(withID:)") { o in
            Request.user(withID: ids[1], successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(one.login, "bob")
        XCTAssertEqual(one.email, "bob@mail.com")
        XCTAssertNotNil(one.createdAt)

        let (page, users) = try await legacy("users(withLogins:)") { o in
            Request.users(withLogins: ["amigo", "carol", "nobody"], paginator: Paginator(limit: 10, skip: 0),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(Set(users.compactMap(\.login)), ["amigo", "carol"])
        XCTAssertEqual(page.totalEntries, 2)

        let (_, byEmail) = try await legacy("users(withEmails:)") { o in
            Request.users(withEmails: ["bob@mail.com", "carol@mail.com"], paginator: Paginator(limit: 10, skip: 0),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(Set(byEmail.map(\.ID)), [ids[1], ids[2]])

        // Numeric ids, two pages of two: the second page is skip 2, and both know the total.
        var seen: [UInt] = []
        for skip: UInt in [0, 2] {
            let (page, users) = try await legacy("users(withIDs:) skip \(skip)") { o in
                Request.users(withIDs: ids, paginator: Paginator(limit: 2, skip: skip),
                              successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
            }.get()
            XCTAssertEqual(users.count, 2)
            XCTAssertEqual(page.totalEntries, 4)
            XCTAssertEqual(page.skip, skip)
            XCTAssertEqual(page.limit, 2)
            seen += users.map(\.ID)
        }
        XCTAssertEqual(Set(seen), Set(ids), "the two pages hold every user once")

        // The default paginator: 100 a page.
        let (defaultPage, all) = try await legacy("users(withIDs:) default paginator") { o in
            Request.users(withIDs: ids.map { String($0) }, successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(all.count, 4)
        XCTAssertEqual(defaultPage.limit, 100)

        // A skip that is no whole page is refused, not answered with another page.
        let uneven = await legacy("uneven skip") { (o: BlockOutcome<(Paginator, [User])>) in
            Request.users(withIDs: ids, paginator: Paginator(limit: 2, skip: 1),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(uneven?.code, ErrorCode.unknown.rawValue)
        XCTAssertTrue(uneven?.localizedDescription.contains("multiple of limit") ?? false, uneven?.localizedDescription ?? "")
    }

    func testUpdateCurrentUserChangesPasswordAndTags() async throws {
        _ = try await signedIn("marvin18")
        let parameters = UpdateUserParameters()
        parameters.tags = ["iphone", "apple"]
        parameters.password = "evenmoresecure"
        parameters.oldPassword = "supersecurepwd"
        XCTAssertFalse(parameters.description.contains("evenmoresecure"), parameters.description)
        let updated = try await legacy("updateCurrentUser") { o in
            Request.updateCurrentUser(parameters, successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(updated.tags, ["iphone", "apple"])
        let again = try await legacy("login with the new password") { o in
            Request.logIn(withUserLogin: "marvin18", password: "evenmoresecure", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(again.ID, updated.ID)
    }

    func testErrorsAreNSErrorsWithStatusAndReasons() async throws {
        _ = try await signUp("marvin18")
        _ = try await cube.createSession()

        let notFound = await legacy("not found") { (o: BlockOutcome<User>) in
            Request.user(withLogin: "nobody", successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(notFound?.domain, Request.errorDomain)
        XCTAssertEqual(notFound?.code, ErrorCode.notFound.rawValue)
        XCTAssertEqual(notFound?.userInfo[Request.errorSDKCodeKey] as? String, "not_found")
        XCTAssertFalse(notFound?.localizedDescription.isEmpty ?? true)
        guard case .NotFound? = notFound?.userInfo[NSUnderlyingErrorKey] as? ConnectycubeError else {
            return XCTFail("the typed error under NSUnderlyingErrorKey: \(String(describing: notFound?.userInfo))")
        }

        let wrongPassword = await legacy("wrong password") { (o: BlockOutcome<User>) in
            Request.logIn(withUserLogin: "marvin18", password: "wrong-password-42", successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(wrongPassword?.code, ErrorCode.unAuthorized.rawValue)
        XCTAssertFalse((wrongPassword?.userInfo[Request.errorReasonsKey] as? [String])?.isEmpty ?? true)
        XCTAssertFalse("\(String(describing: wrongPassword))".contains("wrong-password-42"), "no secret in the error")

        // 1.x Swift code wrote its error blocks over the bridged `Error`; they still fit.
        let bridged = await legacy("an (Error) -> Void block") { (o: BlockOutcome<User>) in
            let errorBlock: (Error) -> Void = { (error: Error) in o.fail(error as NSError) }
            Request.user(withLogin: "nobody", successBlock: o.receive, errorBlock: errorBlock)
        }.failure()
        XCTAssertEqual(bridged?.code, ErrorCode.notFound.rawValue)

        let taken = User()
        taken.login = "marvin18"
        taken.password = "supersecurepwd"
        let duplicate = await legacy("login taken") { (o: BlockOutcome<User>) in
            Request.signUp(taken, successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(duplicate?.code, ErrorCode.validationFailed.rawValue)
        // The server's reasons as it gave them (the emulator, like the API, words this one
        // without a field map).
        let reasons = duplicate?.userInfo[Request.errorReasonsKey] as? [String]
        XCTAssertEqual(reasons, ["login must be unique"], "\(String(describing: duplicate?.userInfo))")
        XCTAssertNotNil(duplicate?.userInfo[Request.errorFieldReasonsKey] as? [String: [String]])

        let sentBefore = try Emulator.count("GET /users")
        let notANumber = await legacy("an id that is no number") { (o: BlockOutcome<(Paginator, [User])>) in
            Request.users(withIDs: ["21", "twenty-two"], paginator: Paginator(limit: 10, skip: 0),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(notANumber?.code, ErrorCode.unknown.rawValue)
        XCTAssertEqual(notANumber?.userInfo[Request.errorSDKCodeKey] as? String, "invalid_input")
        XCTAssertEqual(try Emulator.count("GET /users"), sentBefore, "refused before sending")
    }

    func testCancelledRequestRunsNoBlock() async throws {
        _ = try await signUp("amigo")
        _ = try await cube.createSession()
        let slow = try Emulator.request("POST", "/__emulator/faults", json: ["path_prefix": "/users", "delay_ms": 1000])
        XCTAssertEqual(slow.status, 200)
        let noBlock = expectation(description: "no block after cancel")
        noBlock.isInverted = true
        let request = Request.user(withLogin: "amigo", successBlock: { _ in noBlock.fulfill() }, errorBlock: { _ in noBlock.fulfill() })
        XCTAssertFalse(request.isCancelled)
        request.cancel()
        XCTAssertTrue(request.isCancelled)
        await fulfillment(of: [noBlock], timeout: 1.5)

        // The SDK keeps working.
        let amigo = try await legacy("after cancel") { o in
            Request.user(withLogin: "amigo", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(amigo.login, "amigo")
    }

    func testModelsPrintNoSecretAndBlobURLs() async throws {
        let user = User()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        user.oldPassword = "oldsecurepwd"
        XCTAssertTrue(user.description.contains("marvin18"), user.description)
        XCTAssertFalse(user.description.contains("supersecurepwd"), user.description)
        XCTAssertFalse(user.debugDescription.contains("oldsecurepwd"), user.debugDescription)

        let paginator = Paginator()
        XCTAssertEqual(paginator.limit, 100)
        XCTAssertEqual(paginator.skip, 0)
        XCTAssertEqual(paginator.totalEntries, 0)

        let blob = Blob()
        blob.uid = "8e2d3a51d1e44d84a30fec7c83ba2c0700"
        XCTAssertEqual(blob.UID, blob.uid)
        XCTAssertEqual(Blob.publicUrl(forFileUID: blob.uid), "\(Emulator.url)/blobs/\(blob.uid)")
        XCTAssertEqual(blob.publicUrl(), Blob.publicUrl(forFileUID: blob.uid))
        _ = try await cube.createSession()
        let token = try XCTUnwrap(ConnectycubeSessionManager.shared.getToken())
        XCTAssertEqual(blob.privateUrl(), "\(Emulator.url)/blobs/\(blob.uid)?token=\(token)")
        XCTAssertEqual(Blob.privateUrl(forFileUID: blob.uid), blob.privateUrl())
    }

    /// The docs' promise in the 1.x shape: a login + password sign-in renews itself after
    /// the 2-hour expiry, with no opt-in.
    func testPasswordLogInRenewsAfterExpiry() async throws {
        _ = try await signUp("marvin18")
        let me = try await legacy("login") { o in
            Request.logIn(withUserLogin: "marvin18", password: "supersecurepwd", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        let sessionsBefore = try Emulator.count("POST /session")
        try Emulator.request("POST", "/__emulator/clock", json: ["advance_secs": 7201])

        let again = try await legacy("a call after the expiry") { o in
            Request.user(withID: me.ID, successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(again.login, "marvin18")
        XCTAssertEqual(try Emulator.count("POST /session") - sessionsBefore, 1, "exactly one renewal")
        XCTAssertEqual(activeUserID().map(UInt.init), me.ID, "the session is still the user's")
    }

    /// With renewal turned off, an expired session is 1.x's 401, so 1.x apps sign in again.
    func testExpiredSessionWithoutRenewalIs401() async throws {
        try cube.doInit(applicationId: Emulator.applicationId, authorizationKey: Emulator.authorizationKey,
                        connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url, retainCredentials: false))
        _ = try await signUp("marvin18")
        let me = try await legacy("login") { o in
            Request.logIn(withUserLogin: "marvin18", password: "supersecurepwd", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        try Emulator.request("POST", "/__emulator/clock", json: ["advance_secs": 7201])
        let expired = await legacy("a call after the expiry") { (o: BlockOutcome<User>) in
            Request.user(withID: me.ID, successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(expired?.code, ErrorCode.unAuthorized.rawValue)
        XCTAssertEqual(expired?.userInfo[Request.errorSDKCodeKey] as? String, "session_expired")
    }

    /// 1.x launch code: `Settings` initialises the SDK (here from a dead endpoint to the emulator).
    func testSettingsInitialiseTheSDK() async throws {
        try cube.doInit(applicationId: Emulator.applicationId, authorizationKey: Emulator.authorizationKey,
                        connectycubeConfig: ConnectycubeConfig(apiEndpoint: "http://127.0.0.1:9"))
        Settings.applicationID = UInt(Emulator.applicationId)!
        Settings.authKey = Emulator.authorizationKey
        Settings.apiEndpoint = Emulator.url
        XCTAssertEqual(Settings.apiEndpoint, Emulator.url)
        let created = try await legacy("signUp") { o in
            let user = User()
            user.login = "marvin18"
            user.password = "supersecurepwd"
            Request.signUp(user, successBlock: o.receive, errorBlock: o.fail)
        }.get()

        // With a secret, session requests are signed with it: a wrong one is refused.
        Settings.authSecret = "not-the-secret"
        let refused = await legacy("logIn with a wrong secret") { (o: BlockOutcome<User>) in
            Request.logIn(withUserLogin: "marvin18", password: "supersecurepwd", successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertNotNil(refused)
        XCTAssertFalse("\(String(describing: refused))".contains("not-the-secret"), "no secret in the error")
        Settings.authSecret = "SECRETsecret123"
        let me = try await legacy("logIn") { o in
            Request.logIn(withUserLogin: "marvin18", password: "supersecurepwd", successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(me.ID, created.ID)
        Settings.authKey = nil
        Settings.authSecret = nil
    }
}
