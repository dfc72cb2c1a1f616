// `@testable` for one internal count: how many bridged listeners the SDK still holds, which is
// how these tests see that ending a stream cancelled its native subscription.
@testable import ConnectyCube
import Foundation
import XCTest

/// A state as a test compares it: (kind, user id, reason).
struct StateStep: Equatable, CustomStringConvertible {
    let kind: AuthStateKind
    let userId: Int32?
    let reason: AuthChangeReason

    init(_ kind: AuthStateKind, _ userId: Int32?, _ reason: AuthChangeReason) {
        self.kind = kind
        self.userId = userId
        self.reason = reason
    }

    init(_ state: AuthState) {
        self.init(state.kind, state.userId, state.reason)
    }

    var description: String { "(\(kind), \(userId.map(String.init) ?? "nil"), \(reason))" }
}

final class AuthStateTests: EmulatorTestCase {
    private var listenersBefore = 0

    override func setUpWithError() throws {
        try super.setUpWithError()
        listenersBefore = BridgedAuthStateListener.live
    }

    override func tearDownWithError() throws {
        // Every test ends its streams and subscriptions (teardown blocks run first): none is
        // left for the SDK to feed in the next test.
        XCTAssertTrue(
            waitUntil { BridgedAuthStateListener.live == self.listenersBefore },
            "listeners left registered: \(BridgedAuthStateListener.live - listenersBefore)")
        try super.tearDownWithError()
    }

    /// Reads `stream` in a task, recording every state, until the test ends.
    private func record(_ stream: AsyncStream<AuthState>) -> Recorder<StateStep> {
        let heard = Recorder<StateStep>()
        let reader = Task {
            for await state in stream {
                heard.append(StateStep(state))
            }
        }
        addTeardownBlock { reader.cancel(); _ = await reader.result }
        return heard
    }

    /// Polls `condition` (without blocking the main queue's deliveries) for up to `timeout`.
    private func waitUntil(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            RunLoop.current.run(until: Date().addingTimeInterval(0.01))
        }
        return true
    }

    /// The states heard once `count` have arrived, and after a pause for any extra one.
    private func heard(_ recorder: Recorder<StateStep>, count: Int) async throws -> [StateStep] {
        let deadline = Date().addingTimeInterval(10)
        while recorder.values.count < count, Date() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        return recorder.values
    }

    /// Signs in, lets the session expire and renew, changes the password, signs out and
    /// destroys the session; returns the user's id.
    private func liveASession() async throws -> Int32 {
        let me = try await signUp("marvin18").id
        _ = try await cube.createSession(user: ConnectycubeUser(login: "marvin18", password: "supersecurepwd"))
        try Emulator.request("POST", "/__emulator/clock", json: ["advance_secs": 7201])
        let renewed = try await cube.getUserById(id: me)
        XCTAssertEqual(renewed.login, "marvin18")
        var change = ConnectycubeUser()
        change.password = "brand-new-pass"
        change.oldPassword = "supersecurepwd"
        _ = try await cube.updateUser(user: change)
        try await cube.signOut()
        try await cube.destroySession()
        return me
    }

    private func documentedSequence(_ me: Int32) -> [StateStep] {
        [
            StateStep(.noSession, nil, .initial),
            StateStep(.signedIn, me, .signedIn),
            StateStep(.noSession, nil, .expired),
            StateStep(.signedIn, me, .renewed),
            StateStep(.signedIn, me, .passwordChanged),
            StateStep(.appSession, nil, .signedOut),
            StateStep(.noSession, nil, .destroyed),
        ]
    }

    func testStreamHearsASessionLifeInOrder() async throws {
        let states = record(cube.authStates)
        let me = try await liveASession()
        let expected = documentedSequence(me)
        let seen = try await heard(states, count: expected.count)
        XCTAssertEqual(seen, expected)
        XCTAssertEqual(StateStep(cube.authState()), StateStep(.noSession, nil, .destroyed))
    }

    func testCallbackHearsASessionLifeInOrderOnTheMainQueue() async throws {
        let states = Recorder<StateStep>()
        let offMain = Recorder<AuthState>()
        let subscription = cube.addAuthStateListener { state in
            if !Thread.isMainThread { offMain.append(state) }
            states.append(StateStep(state))
        }
        addTeardownBlock { subscription.cancel() }
        let me = try await liveASession()
        let expected = documentedSequence(me)
        let seen = try await heard(states, count: expected.count)
        XCTAssertEqual(seen, expected)
        XCTAssertTrue(offMain.values.isEmpty, "every state is delivered on the main queue")

        // Cancelled: later changes reach other listeners, not this one.
        subscription.cancel()
        XCTAssertTrue(subscription.isCancelled)
        let others = record(cube.authStates)
        _ = try await cube.createSession()
        let othersSeen = try await heard(others, count: 2)
        XCTAssertEqual(
            othersSeen,
            [StateStep(.noSession, nil, .initial), StateStep(.appSession, nil, .created)])
        XCTAssertEqual(states.values, expected, "nothing after cancel()")
    }

    /// A synchronous test, so it runs on the main queue and holds it: the states reach the main
    /// queue before `cancel()` and must still not be delivered.
    func testCancelOnTheMainQueueDropsStatesAlreadyOnTheirWay() throws {
        XCTAssertTrue(Thread.isMainThread)
        let heard = Recorder<StateStep>()
        let subscription = cube.addAuthStateListener { heard.append(StateStep($0)) }
        let witness = Recorder<StateStep>()
        let reader = Task { [stream = cube.authStates] in
            for await state in stream { witness.append(StateStep(state)) }
        }
        addTeardownBlock { reader.cancel(); _ = await reader.result }

        let cube = self.cube
        let created = DispatchSemaphore(value: 0)
        Task {
            _ = try? await cube.createSession()
            created.signal()
        }
        XCTAssertEqual(created.wait(timeout: .now() + 10), .success)
        let deadline = Date().addingTimeInterval(10)
        while witness.values.count < 2, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertEqual(witness.values, [StateStep(.noSession, nil, .initial), StateStep(.appSession, nil, .created)])
        // The callback's own native listener has had time to hand both states to the main queue.
        Thread.sleep(forTimeInterval: 0.3)

        subscription.cancel()
        RunLoop.current.run(until: Date().addingTimeInterval(0.3))
        XCTAssertEqual(heard.values, [], "nothing runs once cancel() has returned on the main queue")
    }

    func testAFreshStreamStartsWithTheCurrentState() async throws {
        let me = try await signedIn("marvin18")
        XCTAssertEqual(StateStep(cube.authState()), StateStep(.signedIn, me.id, .signedIn))

        var states = cube.authStates.makeAsyncIterator()
        let first = await states.next()
        XCTAssertEqual(first.map(StateStep.init), StateStep(.signedIn, me.id, .initial))

        // A second stream is independent and starts from the current state too.
        let second = record(cube.authStates)
        try await cube.signOut()
        let secondSeen = try await heard(second, count: 2)
        XCTAssertEqual(
            secondSeen,
            [StateStep(.signedIn, me.id, .initial), StateStep(.appSession, nil, .signedOut)])
        let next = await states.next()
        XCTAssertEqual(next.map(StateStep.init), StateStep(.appSession, nil, .signedOut))
    }

    func testAStreamFollowsDoInitToTheNewClient() async throws {
        _ = try await signedIn("marvin18")
        let states = record(cube.authStates)
        _ = try await heard(states, count: 1)
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url)
        )
        _ = try await cube.createSession()
        let seen = try await heard(states, count: 3)
        XCTAssertEqual(seen.count, 3)
        XCTAssertEqual(seen.first?.kind, .signedIn)
        XCTAssertEqual(
            Array(seen.dropFirst()),
            [StateStep(.noSession, nil, .initial), StateStep(.appSession, nil, .created)],
            "the new client's state first, then its changes")
    }

    func testCancellingTheReadingTaskEndsTheStreamAndItsNativeListener() async throws {
        let heard = Recorder<StateStep>()
        let stream = cube.authStates
        XCTAssertEqual(BridgedAuthStateListener.live, listenersBefore + 1, "each stream has its listener")
        let reader = Task {
            for await state in stream {
                heard.append(StateStep(state))
            }
            return "ended"
        }
        _ = try await self.heard(heard, count: 1)
        reader.cancel()
        let outcome = await reader.value
        XCTAssertEqual(outcome, "ended", "the loop ends when its task is cancelled")

        // The SDK let go of the stream's listener: it can hear nothing more.
        let deadline = Date().addingTimeInterval(10)
        while BridgedAuthStateListener.live != listenersBefore, Date() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertEqual(BridgedAuthStateListener.live, listenersBefore, "the native listener was cancelled")
        _ = try await cube.createSession()
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(heard.values, [StateStep(.noSession, nil, .initial)])
    }

    func testDroppingAnUnreadStreamCancelsItsNativeListener() async throws {
        do {
            let stream = cube.authStates
            XCTAssertEqual(BridgedAuthStateListener.live, listenersBefore + 1)
            _ = stream
        }
        let deadline = Date().addingTimeInterval(10)
        while BridgedAuthStateListener.live != listenersBefore, Date() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertEqual(BridgedAuthStateListener.live, listenersBefore)
    }

    func testASlowStreamReaderDoesNotSlowTheCalls() async throws {
        let stream = cube.authStates
        let heard = Recorder<StateStep>()
        let reader = Task {
            for await state in stream {
                heard.append(StateStep(state))
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
        addTeardownBlock { reader.cancel(); _ = await reader.result }
        let started = Date()
        _ = try await signedIn("marvin18")
        try await cube.signOut()
        try await cube.destroySession()
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5, "the calls do not wait for the reader")
        // Nothing is dropped while the reader is busy.
        let deadline = Date().addingTimeInterval(10)
        while heard.values.count < 4, Date() < deadline {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTAssertEqual(heard.values.map(\.reason), [.initial, .signedIn, .signedOut, .destroyed])
    }
}
