import ConnectyCube
import Foundation
import XCTest

/// What the blocks of one 1.x-style call (`Request.…`) delivered. The expectation is
/// fulfilled by the first block; a second block fails the test (over-fulfilment).
final class BlockOutcome<T>: @unchecked Sendable {
    let delivered: XCTestExpectation
    private let lock = NSLock()
    private var value: T?
    private var error: NSError?
    private var offMainThread = 0
    private var progressSeen: [Float] = []

    init(_ delivered: XCTestExpectation) {
        self.delivered = delivered
    }

    func receive(_ value: T) {
        record { self.value = value }
        delivered.fulfill()
    }

    func fail(_ error: NSError) {
        record { self.error = error }
        delivered.fulfill()
    }

    func progress(_ fraction: Float) {
        record { self.progressSeen.append(fraction) }
    }

    private func record(_ change: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if !Thread.isMainThread { offMainThread += 1 }
        change()
    }

    var progressValues: [Float] { lock.lock(); defer { lock.unlock() }; return progressSeen }
    var blocksOffMainThread: Int { lock.lock(); defer { lock.unlock() }; return offMainThread }

    /// The success block's value; the error block's `NSError` is thrown.
    func get() throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let error { throw error }
        guard let value else { throw NSError(domain: "test", code: 0, userInfo: [NSLocalizedDescriptionKey: "no block ran"]) }
        return value
    }

    /// The error block's `NSError`, or a test failure when the call succeeded.
    func failure(file: StaticString = #filePath, line: UInt = #line) -> NSError? {
        lock.lock()
        defer { lock.unlock() }
        if error == nil { XCTFail("expected the error block, got \(String(describing: value))", file: file, line: line) }
        return error
    }
}

extension EmulatorTestCase {
    /// Starts a legacy call with an outcome to hand its blocks, and waits for a block.
    func legacy<T>(
        _ what: String,
        timeout: TimeInterval = 10,
        file: StaticString = #filePath,
        line: UInt = #line,
        _ start: (BlockOutcome<T>) -> Void
    ) async -> BlockOutcome<T> {
        let outcome = BlockOutcome<T>(expectation(description: what))
        start(outcome)
        await fulfillment(of: [outcome.delivered], timeout: timeout)
        XCTAssertEqual(outcome.blocksOffMainThread, 0, "\(what): blocks run on the main queue", file: file, line: line)
        return outcome
    }

    /// The emulator's answer for a session token: 200 while it lives, 401 once deleted.
    func sessionStatus(_ token: String?) throws -> Int {
        try Emulator.request("GET", "/session", headers: ["CB-Token": token ?? ""]).status
    }
}
