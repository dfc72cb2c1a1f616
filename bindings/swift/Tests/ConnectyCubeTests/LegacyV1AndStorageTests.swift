import ConnectyCube
import Foundation
import XCTest

/// The 1.x calls served by the v1 list and uploads from memory.
final class LegacyV1AndStorageTests: EmulatorTestCase {
    private func fourUsers() async throws -> [ConnectycubeUser] {
        var users: [ConnectycubeUser] = []
        for login in ["amigo", "bob", "carol", "dave"] {
            users.append(try await signUp(login))
        }
        _ = try await cube.createSession()
        return users
    }

    func testAllUsersPageByPage() async throws {
        let users = try await fourUsers()
        var seen: [UInt] = []
        for skip: UInt in [0, 3] {
            let (page, found) = try await legacy("users(withPaginator:) skip \(skip)") { o in
                Request.users(withPaginator: Paginator(limit: 3, skip: skip), successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
            }.get()
            XCTAssertEqual(page.totalEntries, 4)
            XCTAssertEqual(page.skip, skip)
            XCTAssertEqual(page.limit, 3)
            seen += found.map(\.ID)
        }
        XCTAssertEqual(seen.sorted(), users.map { UInt($0.id) }.sorted(), "every user once over the two pages")
    }

    func testExtendedRequestFiltersAndOrder() async throws {
        let users = try await fourUsers()
        let (page, found) = try await legacy("users(withExtendedRequest:)") { o in
            Request.users(withExtendedRequest: ["filter[]": "string login in amigo,carol,dave", "order": "desc string login"],
                          paginator: Paginator(limit: 10, skip: 0), successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(found.compactMap(\.login), ["dave", "carol", "amigo"])
        XCTAssertEqual(page.totalEntries, 3)

        // Several filters at once, as a list.
        let (_, both) = try await legacy("two filters") { o in
            Request.users(withExtendedRequest: ["filter[]": ["string login in amigo,bob,carol", "number id gt \(users[0].id)"]],
                          paginator: Paginator(limit: 10, skip: 0), successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.get()
        XCTAssertEqual(Set(both.compactMap(\.login)), ["bob", "carol"])

        // A filter the v1 list does not know is the SDK's typed refusal, before sending.
        let sentBefore = try Emulator.count("GET /users")
        let badFilter = await legacy("bad filter") { (o: BlockOutcome<(Paginator, [User])>) in
            Request.users(withExtendedRequest: ["filter[]": "string login resembles amigo"], paginator: Paginator(limit: 10, skip: 0),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(badFilter?.code, ErrorCode.unknown.rawValue)
        XCTAssertEqual(badFilter?.userInfo[Request.errorSDKCodeKey] as? String, "invalid_input")
        let unknownKey = await legacy("unknown key") { (o: BlockOutcome<(Paginator, [User])>) in
            Request.users(withExtendedRequest: ["per_page": "5"], paginator: Paginator(limit: 10, skip: 0),
                          successBlock: { o.receive(($0, $1)) }, errorBlock: o.fail)
        }.failure()
        XCTAssertTrue(unknownKey?.localizedDescription.contains("per_page") ?? false, unknownKey?.localizedDescription ?? "")
        XCTAssertEqual(try Emulator.count("GET /users"), sentBefore, "refused before sending")
    }

    func testExternalIDNotFoundIs404() async throws {
        _ = try await cube.createSession()
        let missing = await legacy("user(withExternalID:)") { (o: BlockOutcome<User>) in
            Request.user(withExternalID: 404_404, successBlock: o.receive, errorBlock: o.fail)
        }.failure()
        XCTAssertEqual(missing?.code, ErrorCode.notFound.rawValue)
    }

    func testPublicUploadWithoutContentTypeAndCancelledUpload() async throws {
        _ = try await signedIn("marvin18")
        let bytes = Data((0..<4096).map { UInt8($0 % 251) })
        let blob = try await legacy("public upload") { o in
            Request.uploadFile(with: bytes, fileName: "notes.txt", contentType: nil, isPublic: true,
                               successBlock: o.receive, errorBlock: o.fail)
        }.get()
        XCTAssertTrue(blob.isPublic)
        XCTAssertEqual(blob.contentType, "text/plain", "guessed from the name")
        let publicUrl = try XCTUnwrap(blob.publicUrl())
        XCTAssertEqual(publicUrl, "\(Emulator.url)/blobs/\(blob.uid)")
        XCTAssertEqual(try Emulator.request("GET", publicUrl).data, bytes)

        // A cancelled upload calls no block, its progress block included.
        let slow = try Emulator.request("POST", "/__emulator/faults", json: ["path_prefix": "/blobs", "delay_ms": 1000])
        XCTAssertEqual(slow.status, 200)
        let noBlock = expectation(description: "no block after cancel")
        noBlock.isInverted = true
        let request = Request.uploadFile(with: bytes, fileName: "late.png", contentType: "image/png", isPublic: false,
                                         progressBlock: { _ in noBlock.fulfill() },
                                         successBlock: { _ in noBlock.fulfill() }, errorBlock: { _ in noBlock.fulfill() })
        request.cancel()
        XCTAssertTrue(request.isCancelled)
        await fulfillment(of: [noBlock], timeout: 1.5)
    }
}
