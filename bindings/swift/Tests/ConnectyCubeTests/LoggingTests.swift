import ConnectyCube
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The SDK's log from Swift: a full flow with canary passwords, the auth key and secret and
/// every session token, at `.trace`, through an app logger and through the default (stderr):
/// the lines an app developer follows and no secret; with debug off, no line.
final class LoggingTests: EmulatorTestCase {
    private let canaryPassword = "CANARY-PASSWORD-41d9"
    private let canaryNewPassword = "CANARY-PASSWORD-NEW-e07c"
    /// The emulator's default auth secret: the flows' sessions are signed with it.
    private let authSecret = "SECRETsecret123"
    private let settings = ConnectycubeSettings()

    override func tearDownWithError() throws {
        settings.isDebugEnabled = false
        settings.logLevel = .debug
        settings.setLogger(logger: nil)
        try super.tearDownWithError()
    }

    /// Sign up, sign in (signed sessions, the sign-in kept to renew), expire and renew, change
    /// the password, sign out, destroy. Returns every secret the flow used or saw.
    private func flow(_ login: String) async throws -> [String] {
        let me = try await signUp(login, password: canaryPassword)
        try cube.doInitWithSecret(
            applicationId: Emulator.applicationId, authorizationKey: Emulator.authorizationKey,
            authorizationSecret: authSecret, connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url))
        var secrets = [Emulator.authorizationKey, authSecret, canaryPassword, canaryNewPassword]
        let session = try await cube.createSession(user: ConnectycubeUser(login: login, password: canaryPassword))
        secrets += [session.token].compactMap { $0 }
        try Emulator.request("POST", "/__emulator/clock", json: ["advance_secs": 7201])
        let found = try await cube.getUserById(id: me.id)
        XCTAssertEqual(found.id, me.id)
        secrets += [ConnectycubeSessionManager().getToken()].compactMap { $0 }
        var change = ConnectycubeUser()
        change.password = canaryNewPassword
        change.oldPassword = canaryPassword
        _ = try await cube.updateUser(user: change)
        try await cube.signOut()
        secrets += [ConnectycubeSessionManager().getToken()].compactMap { $0 }
        try await cube.destroySession()
        return secrets
    }

    private func waitForLine(_ lines: () -> [String], containing part: String) async throws -> [String] {
        let deadline = Date().addingTimeInterval(10)
        while !lines().contains(where: { $0.contains(part) }) {
            if Date() > deadline {
                XCTFail("no line with '\(part)' in \(lines())")
                return lines()
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        return lines()
    }

    private func assertNoSecret(_ lines: [String], _ secrets: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in lines {
            XCTAssertFalse(text.contains("CANARY"), "a canary in: \(text)", file: file, line: line)
            for secret in secrets {
                XCTAssertFalse(text.contains(secret), "a secret in: \(text)", file: file, line: line)
            }
        }
    }

    private func assertFollowable(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) {
        let expected: [[String]] = [
            ["info connectycube::session::auth_state: session state changed", "kind=SignedIn", "reason=SignedIn"],
            ["info", "kind=NoSession", "reason=Expired"],
            ["info", "kind=SignedIn", "reason=Renewed"],
            ["info", "reason=PasswordChanged"],
            ["info", "kind=AppSession", "reason=SignedOut"],
            ["debug connectycube::client: sending", "method=GET", "/users/"],
            ["debug connectycube::client: answered", "status=200"],
        ]
        for parts in expected {
            XCTAssertTrue(
                lines.contains { text in parts.allSatisfy { text.lowercased().contains($0.lowercased()) } },
                "no line with \(parts) in \(lines)", file: file, line: line)
        }
    }

    func testDebugOnAtTraceAFullFlowReachesAnAppLoggerWithoutASecret() async throws {
        let heard = Recorder<String>()
        settings.setLogger { level, target, message in heard.append("\(level) \(target): \(message)") }
        settings.logLevel = .trace
        ConnectycubeSettings().isDebugEnabled = true
        XCTAssertTrue(ConnectycubeSettings.shared.isDebugEnabled)
        let secrets = try await flow("swiftlogged")
        let lines = try await waitForLine({ heard.values }, containing: "reason=Destroyed")
        assertNoSecret(lines, secrets)
        assertFollowable(lines)
        for text in lines {
            XCTAssertTrue(text.split(separator: " ")[1].hasPrefix("connectycube"), "a line of another crate: \(text)")
        }
    }

    func testDebugOffLogsNothing() async throws {
        let heard = Recorder<String>()
        settings.setLogger { _, _, message in heard.append(message) }
        settings.logLevel = .trace
        settings.isDebugEnabled = false
        _ = try await flow("swiftsilent")
        // Lines arrive in order: once this call's do, any the flow had queued came first.
        settings.isDebugEnabled = true
        _ = try await cube.createSession(user: nil)
        let lines = try await waitForLine({ heard.values }, containing: "reason=Created")
        XCTAssertTrue(lines[0].hasPrefix("sending method=POST") && lines[0].hasSuffix("/session attempt=1"), "\(lines)")
        XCTAssertFalse(lines.contains { $0.contains("/users") || $0.contains("SignedIn") }, "\(lines)")
    }

    func testInfoKeepsTheSessionLifeAndDropsTheRequests() async throws {
        let heard = Recorder<(ConnectycubeLogLevel, String)>()
        settings.setLogger { level, _, message in heard.append((level, message)) }
        settings.logLevel = .info
        settings.isDebugEnabled = true
        let secrets = try await flow("swiftinfo")
        let lines = try await waitForLine({ heard.values.map(\.1) }, containing: "reason=Destroyed")
        assertNoSecret(lines, secrets)
        XCTAssertTrue(lines.contains { $0.contains("reason=Renewed") })
        XCTAssertTrue(heard.values.allSatisfy { [.error, .warn, .info].contains($0.0) }, "\(heard.values)")
    }

    /// The default on Linux: stderr, read here through a pipe put in place of file descriptor 2.
    func testTheDefaultLoggerWritesToStderrWithoutASecret() async throws {
        let captured = try StderrCapture()
        defer { captured.stop() }
        settings.setLogger(logger: nil)
        settings.logLevel = .trace
        settings.isDebugEnabled = true
        let secrets = try await flow("swiftstderr")
        let lines = try await waitForLine({ captured.lines }, containing: "reason=Destroyed")
        captured.stop()
        let sdkLines = lines.filter { $0.contains("connectycube") }
        assertNoSecret(lines, secrets)
        assertFollowable(sdkLines)
    }

    func testLegacySettingsLogLevelIsTheSameSwitch() {
        XCTAssertEqual(Settings.logLevel, .nothing)
        Settings.logLevel = .warnings
        XCTAssertTrue(settings.isDebugEnabled)
        XCTAssertEqual(settings.logLevel, .warn)
        XCTAssertEqual(Settings.logLevel, .warnings)
        Settings.logLevel = .nothing
        XCTAssertFalse(settings.isDebugEnabled)
    }
}

/// Everything written to stderr (file descriptor 2) until `stop()`, as lines.
private final class StderrCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    private var saved: Int32 = -1

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw CocoaError(.fileWriteUnknown) }
        saved = dup(2)
        dup2(ends[1], 2)
        close(ends[1])
        let readEnd = ends[0]
        // Reads until the pipe's last write end (descriptor 2) is put back by `stop()`.
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count <= 0 { break }
                append(String(decoding: buffer[0..<count], as: UTF8.self))
            }
            close(readEnd)
        }.start()
    }

    private func append(_ more: String) {
        lock.lock()
        text += more
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return text.split(separator: "\n").map(String.init)
    }

    /// Puts stderr back.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard saved >= 0 else { return }
        dup2(saved, 2)
        close(saved)
        saved = -1
    }
}
