import ConnectyCube
import Foundation
import XCTest

/// The callback forms (and the progress-closure async form) of the calls that serve 1.x
/// shapes: upload from memory, numeric external id, v1 list, online users, sign-up-and-sign-in.
final class NewApiParityCallbackTests: EmulatorTestCase {
    func testSignUpAndSignInThenLookupsCallback() async throws {
        let numbered = try await signUp("numbered") { $0.externalUserId = 3789 }
        _ = try await signUp("listed1")
        _ = try await signUp("listed2")
        let done = (0..<5).map { expectation(description: "callback \($0)") }
        let me = Recorder<ConnectycubeUser>()
        cube.signUpAndSignIn(user: ConnectycubeUser(login: "newcomer", password: "supersecurepwd"), successCallback: { user in
            XCTAssertTrue(Thread.isMainThread)
            XCTAssertEqual(user.login, "newcomer")
            XCTAssertEqual(ConnectycubeSessionManager.shared.activeSession?.userId, user.id, "the session is the new user's")
            me.append(user)
            done[0].fulfill()
        }) { error in XCTFail("\(error)"); done[0].fulfill() }
        await fulfillment(of: [done[0]], timeout: 10)
        let newcomer = try XCTUnwrap(me.values.first)

        cube.getUserByExternalUserId(id: 3789, successCallback: { user in
            XCTAssertEqual(user.id, numbered.id); done[1].fulfill()
        }) { error in XCTFail("\(error)"); done[1].fulfill() }
        cube.getUsersV1(filters: ["string login in listed1,listed2,numbered"], order: "desc string login", page: 1, perPage: 2,
                        successCallback: { page in
            XCTAssertEqual(page.items.map(\.login), ["numbered", "listed2"])
            XCTAssertEqual(page.totalEntries, 3)
            XCTAssertEqual(page.page, 0, "PagedUsersResult.page is 0-based")
            done[2].fulfill()
        }) { error in XCTFail("\(error)"); done[2].fulfill() }
        cube.getOnlineUsers(successCallback: { users in
            XCTAssertTrue(users.contains { $0.id == newcomer.id }); done[3].fulfill()
        }) { error in XCTFail("\(error)"); done[3].fulfill() }
        cube.getOnlineUsersCount(successCallback: { count in
            XCTAssertGreaterThanOrEqual(count, 1); done[4].fulfill()
        }) { error in XCTFail("\(error)"); done[4].fulfill() }
        await fulfillment(of: Array(done[1...]), timeout: 10)
    }

    func testInvalidV1FilterCallback() {
        let done = expectation(description: "error callback")
        cube.createSession(successCallback: { _ in
            self.cube.getUsersV1(filters: ["string login resembles amigo"], successCallback: { _ in
                XCTFail("an unknown operator must be refused"); done.fulfill()
            }) { error in
                guard case ConnectycubeError.InvalidArgument = error else {
                    XCTFail("expected InvalidArgument, got \(error)"); done.fulfill(); return
                }
                done.fulfill()
            }
        }) { error in XCTFail("\(error)"); done.fulfill() }
        wait(for: [done], timeout: 10)
    }

    func testUploadFileDataCallbackAndAsyncProgress() async throws {
        _ = try await signedIn("marvin18")
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let progress = Recorder<Int32>()
        let uploaded = expectation(description: "upload")
        let files = Recorder<ConnectycubeFile>()
        cube.uploadFileData(data: bytes, fileName: "avatar.jpg", successCallback: { file in
            XCTAssertTrue(Thread.isMainThread)
            files.append(file)
            uploaded.fulfill()
        }, errorCallback: { error in XCTFail("\(error)"); uploaded.fulfill() }, progress: { percent in
            XCTAssertTrue(Thread.isMainThread)
            progress.append(percent)
        })
        await fulfillment(of: [uploaded], timeout: 10)
        let file = try XCTUnwrap(files.values.first)
        XCTAssertEqual(file.name, "avatar.jpg")
        XCTAssertEqual(file.contentType, "image/jpeg", "guessed from the name")
        XCTAssertEqual(file.size, Int64(bytes.count))
        XCTAssertEqual(progress.values.last, 100, "every step before the success callback")
        XCTAssertEqual(try Emulator.request("GET", try XCTUnwrap(file.getPrivateUrl())).data, bytes)

        let heard = Recorder<Int32>()
        let named = try await cube.uploadFileData(data: bytes, fileName: "scan", contentType: "application/pdf", public: true) {
            heard.append($0)
        }
        XCTAssertEqual(named.contentType, "application/pdf")
        XCTAssertTrue(named.isPublic)
        XCTAssertEqual(heard.values.last, 100)
    }
}
