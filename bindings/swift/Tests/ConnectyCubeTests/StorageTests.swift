import ConnectyCube
import Foundation
import XCTest

final class StorageTests: EmulatorTestCase {
    private func avatarFile() throws -> (path: String, bytes: Data) {
        // 300 KB, so the upload reports several steps.
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-\(UUID().uuidString).png")
        try bytes.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return (url.path, bytes)
    }

    /// The docs' way: the avatar's UID in `customData`, read back by another user.
    private func avatarUID(of user: ConnectycubeUser) -> String? {
        guard let data = user.customData?.data(using: .utf8),
              let customData = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return nil }
        return customData["avatar_uid"]
    }

    func testAvatarUploadAsync() async throws {
        _ = try await signedIn("marvin18")
        let (path, bytes) = try avatarFile()
        let progress = Recorder<Int32>()
        let file = try await cube.uploadFile(filePath: path, public: false) { percent in progress.append(percent) }
        XCTAssertEqual(file.size, Int64(bytes.count))
        XCTAssertFalse(file.isPublic)
        let uid = try XCTUnwrap(file.uid)
        XCTAssertEqual(progress.values.last, 100)
        XCTAssertEqual(progress.values, progress.values.sorted(), "progress only grows")

        var user = ConnectycubeUser()
        let customData = try JSONSerialization.data(withJSONObject: ["avatar_uid": uid])
        user.customData = String(data: customData, encoding: .utf8)
        _ = try await cube.updateUser(user: user)

        // Another user reads it.
        _ = try await signedIn("amigo")
        let marvin = try await cube.getUserByLogin(login: "marvin18")
        let avatarUID = avatarUID(of: marvin)
        XCTAssertEqual(avatarUID, uid)
        let privateUrl = try XCTUnwrap(ConnectycubeFileKt.getPrivateUrlForUID(uid: avatarUID))
        XCTAssertTrue(privateUrl.contains("token="), privateUrl)
        XCTAssertEqual(file.getPrivateUrl(), privateUrl)
        let download = try Emulator.request("GET", privateUrl)
        XCTAssertEqual(download.status, 200)
        XCTAssertEqual(download.data, bytes)
        XCTAssertEqual(ConnectycubeFileKt.getPublicUrlForUID(uid: uid), "\(Emulator.url)/blobs/\(uid)")

        // The listener interface works as well as the closure.
        final class Listener: UploadProgressListener, @unchecked Sendable {
            let seen = Recorder<Int32>()
            func onProgress(percent: Int32) { seen.append(percent) }
        }
        let listener = Listener()
        let publicFile = try await cube.uploadFile(filePath: path, public: true, progress: listener)
        XCTAssertTrue(publicFile.isPublic)
        XCTAssertEqual(listener.seen.values.last, 100)
    }

    func testAvatarUploadCallback() throws {
        let (path, bytes) = try avatarFile()
        let done = expectation(description: "upload, update, read back")
        var progress: [Int32] = []
        var user = ConnectycubeUser()
        user.login = "marvin18"
        user.password = "supersecurepwd"
        cube.signUp(user: user, successCallback: { _ in
            self.cube.createSession(user: user, successCallback: { _ in
                self.cube.uploadFile(filePath: path, public: false, successCallback: { cubeFile in
                    XCTAssertTrue(Thread.isMainThread)
                    XCTAssertEqual(progress.last, 100, "every percentage arrives before the success")
                    let customData = ["avatar_uid": cubeFile.uid ?? ""]
                    var update = ConnectycubeUser()
                    if let json = try? JSONSerialization.data(withJSONObject: customData) {
                        update.customData = String(data: json, encoding: .utf8)
                    }
                    self.cube.updateUser(user: update, successCallback: { updated in
                        let uid = self.avatarUID(of: updated)
                        XCTAssertEqual(uid, cubeFile.uid)
                        let url = ConnectycubeFileKt.getPrivateUrlForUID(uid: uid)
                        XCTAssertEqual(try? Emulator.request("GET", url ?? "").data, bytes)
                        done.fulfill()
                    }) { error in XCTFail("\(error)"); done.fulfill() }
                }, errorCallback: { error in
                    XCTFail("\(error)"); done.fulfill()
                }, progress: { percent in
                    XCTAssertTrue(Thread.isMainThread)
                    progress.append(percent)
                })
            }) { error in XCTFail("\(error)"); done.fulfill() }
        }) { error in XCTFail("\(error)"); done.fulfill() }
        wait(for: [done], timeout: 20)
    }
}
