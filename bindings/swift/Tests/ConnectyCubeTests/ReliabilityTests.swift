import ConnectyCube
import Foundation
import XCTest

final class ReliabilityTests: EmulatorTestCase {
    private func slowUsers() throws {
        let answer = try Emulator.request("POST", "/__emulator/faults", json: ["path_prefix": "/users", "delay_ms": 5000])
        XCTAssertEqual(answer.status, 200)
    }

    func testTaskCancellationAsync() async throws {
        _ = try await cube.createSession()
        try slowUsers()
        let started = Date()
        let cube = self.cube
        let task = Task { try await cube.getUserByLogin(login: "amigo") }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        let outcome = await task.result
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertThrowsError(try outcome.get()) { error in
            XCTAssertTrue(error is CancellationError, "expected CancellationError, got \(error)")
        }
        XCTAssertLessThan(elapsed, 1.5, "a cancelled call returns promptly, not after the 5 s delay")

        // The SDK keeps working (the fault was used up).
        _ = try await signUp("amigo")
        let answer1 = try await cube.getUserByLogin(login: "amigo")
        XCTAssertEqual(answer1.login, "amigo")
    }

    func testTaskCancellationCallback() throws {
        let appSession = expectation(description: "session")
        cube.createSession(successCallback: { _ in appSession.fulfill() }) { error in
            XCTFail("\(error)"); appSession.fulfill()
        }
        wait(for: [appSession], timeout: 10)
        try slowUsers()
        let cancelled = expectation(description: "errorCallback with CancellationError")
        let started = Date()
        let task = cube.getUserByLogin(login: "amigo", successCallback: { _ in
            XCTFail("cancelled"); cancelled.fulfill()
        }) { error in
            XCTAssertTrue(error is CancellationError, "expected CancellationError, got \(error)")
            XCTAssertTrue(Thread.isMainThread)
            cancelled.fulfill()
        }
        DispatchQueue.main.asyncAfter(deadline: .now() + 0.2) { task.cancel() }
        wait(for: [cancelled], timeout: 3)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5)
    }

    func testConcurrentCallsOnExpiredSessionRenewOnce() async throws {
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            // The default config, as an app written from the docs has it: the sign-in is
            // kept in memory and renews the expired session.
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url)
        )
        let me = try await signedIn("marvin18")
        let sessionsBefore = try Emulator.count("POST /session")
        XCTAssertEqual(sessionsBefore, 1)
        try Emulator.request("POST", "/__emulator/clock", json: ["advance_secs": 7201])

        let cube = self.cube
        let logins = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cube.getUserById(id: me.id).login }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        XCTAssertEqual(logins, Array(repeating: "marvin18", count: 20))
        XCTAssertEqual(try Emulator.count("POST /session") - sessionsBefore, 1, "exactly one renewal")
        XCTAssertEqual(ConnectycubeSessionManager.shared.activeSession?.userId, me.id)
    }
}
