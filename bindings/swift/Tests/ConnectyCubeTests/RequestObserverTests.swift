import ConnectyCube
import Foundation
import XCTest

/// The request observer as a Swift closure: events carry the route template, status or error
/// code, attempts and the renewal flag, and add up to what the emulator counted per route.
final class RequestObserverTests: EmulatorTestCase {
    override func tearDownWithError() throws {
        cube.setRequestObserver(nil)
        try super.tearDownWithError()
    }

    /// Waits until `count` events arrived (they come from the SDK's background thread).
    private func events(_ heard: Recorder<RequestEvent>, count: Int) async throws -> [RequestEvent] {
        let deadline = Date().addingTimeInterval(10)
        while heard.values.count < count && Date() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        return heard.values
    }

    func testEventsMatchTheEmulatorsCounts() async throws {
        let heard = Recorder<RequestEvent>()
        cube.setRequestObserver { heard.append($0) }
        let me = try await signedIn("observed_login")
        _ = try await cube.getUserById(id: me.id)
        do {
            _ = try await cube.getUserById(id: me.id + 1000)
            XCTFail("a missing user must fail")
        } catch let error as ConnectycubeError {
            XCTAssertEqual(error.code(), "not_found")
        }
        try await cube.signOut()

        let received = try await events(heard, count: 5)
        let steps = received.map {
            "\($0.method) \($0.route) \($0.httpStatus.map(String.init) ?? "-") \($0.errorCode ?? "-") "
                + "\($0.attempts) \($0.sessionRenewed)"
        }
        XCTAssertEqual(
            steps,
            [
                "POST /users 201 - 1 false",
                "POST /session 201 - 1 false",
                "GET /users/{id} 200 - 1 false",
                "GET /users/{id} 404 not_found 1 false",
                "DELETE /login 200 - 1 false",
            ])
        let attempts = Dictionary(grouping: received, by: { "\($0.method) \($0.route)" })
            .mapValues { $0.reduce(0) { $0 + Int($1.attempts) } }
        for (route, sent) in attempts {
            XCTAssertEqual(try Emulator.count(route), sent, route)
        }
        XCTAssertFalse(received.contains { "\($0)".contains("observed_login") || "\($0)".contains("supersecurepwd") })
    }

    func testNilRemovesTheObserver() async throws {
        let heard = Recorder<RequestEvent>()
        cube.setRequestObserver { heard.append($0) }
        _ = try await cube.createSession(user: nil)
        let first = try await events(heard, count: 1)
        XCTAssertEqual(first.map(\.route), ["/session"])
        cube.setRequestObserver(nil)
        _ = try await cube.createSession(user: nil)
        try await Task.sleep(nanoseconds: 150_000_000)
        XCTAssertEqual(heard.values.count, 1)
    }
}
