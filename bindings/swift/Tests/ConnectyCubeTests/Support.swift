import ConnectyCube
import Foundation
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The emulator the tests talk to (`CONNECTYCUBE_API_ENDPOINT`, set by `cargo xtask`).
enum Emulator {
    static let url = ProcessInfo.processInfo.environment["CONNECTYCUBE_API_ENDPOINT"] ?? "http://127.0.0.1:8080"
    static let applicationId = "1"
    static let authorizationKey = "29WfrNWdvkhmX6V"

    /// A request to the emulator (its control API or a raw URL), answered with the status and
    /// the decoded JSON body (or nil). Synchronous, so it fits `setUp` and callback tests.
    @discardableResult
    static func request(_ method: String, _ pathOrURL: String, json: Any? = nil, headers: [String: String] = [:]) throws
        -> (status: Int, body: Any?, data: Data)
    {
        let url = URL(string: pathOrURL.hasPrefix("http") ? pathOrURL : url + pathOrURL)!
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers {
            request.setValue(value, forHTTPHeaderField: name)
        }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        URLSession.shared.dataTask(with: request) { data, response, error in
            outcome = (data, response, error)
            done.signal()
        }.resume()
        done.wait()
        if let error = outcome.2 { throw error }
        let data = outcome.0 ?? Data()
        let status = (outcome.1 as? HTTPURLResponse)?.statusCode ?? 0
        let body = data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data)
        return (status, body, data)
    }

    static func reset() throws {
        let answer = try request("POST", "/__emulator/reset")
        XCTAssertEqual(answer.status, 200, "emulator reset")
    }

    /// `POST /session` and friends, as counted by `/__emulator/stats`.
    static func count(_ route: String) throws -> Int {
        let stats = try request("GET", "/__emulator/stats").body as? [String: Any]
        let requests = stats?["requests"] as? [String: Any]
        return (requests?[route] as? NSNumber)?.intValue ?? (requests?[route] as? Int) ?? 0
    }
}

/// Every test starts from an empty emulator and a freshly initialised SDK.
class EmulatorTestCase: XCTestCase {
    let cube = ConnectyCube()

    override func setUpWithError() throws {
        try super.setUpWithError()
        try Emulator.reset()
        try cube.doInit(
            applicationId: Emulator.applicationId,
            authorizationKey: Emulator.authorizationKey,
            connectycubeConfig: ConnectycubeConfig(apiEndpoint: Emulator.url)
        )
    }

    /// Signs a user up (no session needed) and returns it.
    func signUp(_ login: String, password: String = "supersecurepwd", configure: (inout ConnectycubeUser) -> Void = { _ in })
        async throws -> ConnectycubeUser
    {
        var user = ConnectycubeUser()
        user.login = login
        user.password = password
        configure(&user)
        return try await cube.signUp(user: user)
    }

    /// Signs up and opens a session for that user.
    func signedIn(_ login: String, password: String = "supersecurepwd") async throws -> ConnectycubeUser {
        let user = try await signUp(login, password: password)
        _ = try await cube.createSession(user: ConnectycubeUser(login: login, password: password))
        return user
    }
}

/// Thread-safe collection of values reported from other threads.
final class Recorder<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return items }
}
