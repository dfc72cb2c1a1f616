import ConnectyCube
import Foundation
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The emulator serving HTTPS with a throwaway CA (`CONNECTYCUBE_TLS_API_ENDPOINT`,
/// `CONNECTYCUBE_TLS_CA_CERT`, `CONNECTYCUBE_TLS_PIN`, set by `cargo xtask test-bindings`).
/// Its control API is read with `URLSession`, which trusts the CA through the system store:
/// on Linux, `cargo xtask` puts the CA in the test chroot's libcurl bundle for the run.
enum TlsEmulator {
    static let environment = ProcessInfo.processInfo.environment
    static let url = (environment["CONNECTYCUBE_TLS_API_ENDPOINT"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    static let caFile = environment["CONNECTYCUBE_TLS_CA_CERT"] ?? ""
    static let pin = environment["CONNECTYCUBE_TLS_PIN"] ?? ""
    /// The pin of no key the emulator has: 32 zero bytes.
    static let wrongPin = "sha256/" + Data(count: 32).base64EncodedString()

    static func failedHandshakes() throws -> Int {
        let stats = try Emulator.request("GET", url + "/__emulator/stats")
        XCTAssertEqual(stats.status, 200, "HTTPS emulator stats")
        let handshakes = (stats.body as? [String: Any])?["tls_handshakes"] as? [String: Any]
        guard let failed = (handshakes?["failed"] as? NSNumber)?.intValue else {
            throw NSError(domain: "TlsTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "no tls_handshakes.failed in the stats"])
        }
        return failed
    }

    /// The failed-handshake count once the emulator has seen `atLeast` and nothing more
    /// arrives: it counts a failure when the client's alert reaches it, after the SDK has
    /// already answered the app.
    static func settledFailedHandshakes(atLeast: Int) throws -> Int {
        let deadline = Date().addingTimeInterval(5)
        while try failedHandshakes() < atLeast, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        return try failedHandshakes()
    }
}

final class TlsTests: XCTestCase {
    let cube = ConnectyCube()
    private var caPem = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        XCTAssertFalse(TlsEmulator.url.isEmpty, "CONNECTYCUBE_TLS_API_ENDPOINT is not set (an emulator with --generate-tls DIR)")
        caPem = try String(contentsOfFile: TlsEmulator.caFile, encoding: .utf8)
        let reset = try Emulator.request("POST", TlsEmulator.url + "/__emulator/reset")
        XCTAssertEqual(reset.status, 200, "HTTPS emulator reset")
    }

    override func tearDownWithError() throws {
        // The shared instance goes back to the plain emulator the other tests expect.
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url)
        )
        try super.tearDownWithError()
    }

    private func initTls(roots: [String]? = nil, pins: [String] = []) throws {
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(
                apiEndpoint: TlsEmulator.url, trustedRootCertificates: roots ?? [caPem], certificatePins: pins)
        )
    }

    /// The reason of the `Tls` error `call` throws (fails the test on anything else).
    private func tlsReason(_ call: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> String? {
        do {
            try await call()
            XCTFail("expected a TLS error, the call succeeded", file: file, line: line)
        } catch let ConnectycubeError.Tls(reason) {
            return reason
        } catch {
            XCTFail("expected a TLS error, got \(error)", file: file, line: line)
        }
        return nil
    }

    func testTheWholeFlowOverHttpsWithTheCaTrusted() async throws {
        try initTls()
        var user = ConnectycubeUser()
        user.login = "secure"
        user.password = "supersecurepwd"
        let created = try await cube.signUp(user: user)
        let session = try await cube.createSession(user: user)
        XCTAssertEqual(session.userId, created.id)
        let me = try await cube.getUserById(id: created.id)
        XCTAssertEqual(me.login, "secure")

        let bytes = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-\(UUID().uuidString).png")
        try bytes.write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        // The emulator hands out an https upload address; the SDK refuses a plain one when the
        // API is https, so this upload went over TLS.
        let uploaded = try await cube.uploadFile(filePath: path.path, public: false)
        var update = ConnectycubeUser()
        update.avatar = uploaded.uid
        let updated = try await cube.updateUser(user: update)
        XCTAssertEqual(updated.avatar, uploaded.uid)
        let url = try XCTUnwrap(ConnectycubeFileKt.getPrivateUrlForUID(uid: uploaded.uid))
        XCTAssertTrue(url.hasPrefix(TlsEmulator.url + "/blobs/"), url)
        let download = try Emulator.request("GET", url)
        XCTAssertEqual(download.status, 200)
        XCTAssertEqual(download.data, bytes)

        try await cube.destroySession()
        XCTAssertNil(ConnectycubeFileKt.getPrivateUrlForUID(uid: uploaded.uid), "no URL without a session")
        XCTAssertEqual(try TlsEmulator.failedHandshakes(), 0)
    }

    func testTheRightPinWorksAndAWrongOneIsATlsError() async throws {
        try initTls(pins: [TlsEmulator.pin])
        let pinned = try await cube.createSession(user: nil)
        XCTAssertNotNil(pinned.token)
        // A backup pin beside the right one changes nothing.
        try initTls(pins: [TlsEmulator.wrongPin, TlsEmulator.pin])
        let withBackup = try await cube.createSession(user: nil)
        XCTAssertNotNil(withBackup.token)

        let before = try TlsEmulator.failedHandshakes()
        try initTls(pins: [TlsEmulator.wrongPin])
        let reason = await tlsReason { _ = try await self.cube.createSession(user: nil) }
        XCTAssertTrue(reason?.contains("matches none of the pinned keys") == true, reason ?? "")
        XCTAssertEqual(try TlsEmulator.settledFailedHandshakes(atLeast: before + 1), before + 1, "one handshake, no retry")
    }

    func testWithoutTheCaTheServerIsRefusedAfterOneHandshake() async throws {
        let before = try TlsEmulator.failedHandshakes()
        try initTls(roots: [])
        do {
            _ = try await cube.createSession(user: nil)
            XCTFail("an untrusted server was accepted")
        } catch let error as ConnectycubeError {
            guard case let .Tls(reason) = error else { return XCTFail("expected Tls, got \(error)") }
            XCTAssertTrue(reason.contains("trusted root"), reason)
            XCTAssertEqual(error.localizedDescription, "TLS error: \(reason)")
            XCTAssertNil(error.httpStatusCode)
        }
        XCTAssertEqual(try TlsEmulator.settledFailedHandshakes(atLeast: before + 1), before + 1, "one handshake, no retry")
        // The same SDK trusting the CA gets through.
        try initTls()
        let session = try await cube.createSession(user: nil)
        XCTAssertNotNil(session.token)
    }
}
