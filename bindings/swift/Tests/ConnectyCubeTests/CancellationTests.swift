import ConnectyCube
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A server on 127.0.0.1 that accepts, reads the request and never answers, so only the
/// client can close the connection. Blocking calls, each bounded by a `poll` timeout.
final class SilentServer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: UInt16
    private let listener: Int32

    init() throws {
        #if os(Linux)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        let fd = socket(AF_INET, stream, 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { named in
                bind(fd, named, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, named, &length) == 0
            }
        }
        guard listening else {
            close(fd)
            throw Failure(description: "bind/listen on 127.0.0.1: errno \(errno)")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit {
        close(listener)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    private static func readable(_ socket: Int32, milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) == 1
    }

    /// Accepts one connection and reads what arrives first (the request head); the caller
    /// closes the returned socket.
    func acceptAndRead(milliseconds: Int32 = 5_000) throws -> (socket: Int32, request: String) {
        guard Self.readable(listener, milliseconds: milliseconds) else {
            throw Failure(description: "no connection within \(milliseconds) ms")
        }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { throw Failure(description: "accept: errno \(errno)") }
        var buffer = [UInt8](repeating: 0, count: 4096)
        guard Self.readable(connection, milliseconds: milliseconds) else {
            close(connection)
            throw Failure(description: "no request within \(milliseconds) ms")
        }
        let count = recv(connection, &buffer, buffer.count, 0)
        return (connection, String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self))
    }

    /// Reads until the peer closes the connection (end of stream or reset) and returns how long
    /// that took, or nil if it stayed open for `milliseconds`.
    static func waitForClose(_ connection: Int32, milliseconds: Int32) -> TimeInterval? {
        let started = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = milliseconds - Int32(Date().timeIntervalSince(started) * 1000)
            guard left > 0, readable(connection, milliseconds: left) else { return nil }
            let count = recv(connection, &buffer, buffer.count, 0)
            if count == 0 || (count < 0 && errno != EINTR) {
                return Date().timeIntervalSince(started)
            }
        }
    }
}

/// A cancelled Task drops the Rust future, which closes its connection: the server sees it
/// within 500 ms, the call ends with `CancellationError`, and the SDK keeps working.
final class CancellationTests: EmulatorTestCase {
    /// Points the SDK at a `SilentServer`, runs `start` (which begins `createSession`), cancels
    /// the task it returns once the request arrived, and checks the connection closes promptly.
    private func cancelAndWatchTheSocket(_ start: () -> Task<Void, Never>) throws {
        let server = try SilentServer()
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: server.url)
        )
        let task = start()
        let (connection, request) = try server.acceptAndRead()
        defer { close(connection) }
        XCTAssertTrue(request.hasPrefix("POST /session"), request)

        task.cancel()
        let closedAfter = SilentServer.waitForClose(connection, milliseconds: 2_000)
        let elapsed = try XCTUnwrap(closedAfter, "the connection stayed open for 2 s after the Task was cancelled")
        XCTAssertLessThan(elapsed, 0.5, "the connection closed, but not promptly")
    }

    /// The SDK, pointed back at the emulator, opens a session.
    private func assertStillUsable() throws {
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url)
        )
        let opened = expectation(description: "a session from the emulator")
        cube.createSession(successCallback: { session in
            XCTAssertFalse(session.token?.isEmpty ?? true)
            opened.fulfill()
        }) { error in
            XCTFail("after the cancelled call: \(error)")
            opened.fulfill()
        }
        wait(for: [opened], timeout: 10)
    }

    func testCancelledTaskClosesItsConnection() throws {
        let outcome = Recorder<Error?>()
        let ended = expectation(description: "the cancelled call ends")
        let cube = self.cube
        try cancelAndWatchTheSocket {
            Task {
                do {
                    _ = try await cube.createSession()
                    outcome.append(nil)
                } catch {
                    outcome.append(error)
                }
                ended.fulfill()
            }
        }
        wait(for: [ended], timeout: 5)
        let error = outcome.values.first ?? nil
        XCTAssertTrue(error is CancellationError, "expected CancellationError, got \(String(describing: error))")
        try assertStillUsable()
    }

    func testCancelledCallbackTaskClosesItsConnection() throws {
        let outcome = Recorder<Error?>()
        let ended = expectation(description: "errorCallback with CancellationError")
        try cancelAndWatchTheSocket {
            cube.createSession(successCallback: { _ in
                outcome.append(nil)
                ended.fulfill()
            }) { error in
                XCTAssertTrue(Thread.isMainThread)
                outcome.append(error)
                ended.fulfill()
            }
        }
        wait(for: [ended], timeout: 5)
        XCTAssertEqual(outcome.values.count, 1, "exactly one callback")
        let error = outcome.values.first ?? nil
        XCTAssertTrue(error is CancellationError, "expected CancellationError, got \(String(describing: error))")
        try assertStillUsable()
    }
}
