// `cargo xtask bench` driver for our Swift binding: `ConnectyCube()` (the shared instance) and its
// async methods, as an app would call them.
//
// The driver protocol is described at the top of crates/connectycube-bench/src/bin/bench-sdk/main.rs (drivers/js-driver.mjs is
// the reference driver): arguments `--url --token --user-id --scenario --mode --concurrency
// --requests --warmup-requests --seconds --warmup --login-prefix`, one JSON record line on stdout,
// anything else on stderr.
import ConnectyCube
import Dispatch
import Foundation

let applicationId = "1"
let authorizationKey = "29WfrNWdvkhmX6V"
let password = "benchpass1"

struct DriverError: Error, CustomStringConvertible {
    let description: String
}

struct Options {
    var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var i = 0
        while i < arguments.count {
            let flag = arguments[i]
            guard flag.hasPrefix("--"), i + 1 < arguments.count else {
                throw DriverError(description: "unexpected argument \(flag) (flags come with a value)")
            }
            values[String(flag.dropFirst(2))] = arguments[i + 1]
            i += 2
        }
    }

    func text(_ name: String, _ fallback: String? = nil) throws -> String {
        guard let value = values[name] ?? fallback else { throw DriverError(description: "--\(name) is required") }
        return value
    }

    func number(_ name: String, _ fallback: Double) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text) else { throw DriverError(description: "--\(name): '\(text)' is not a number") }
        return value
    }
}

/// One worker's latencies (µs) and errors; merged at the end, so nothing is shared while measuring.
struct Tally: Sendable {
    var latencies: [UInt64] = []
    var errors = 0
    var firstError: String?

    mutating func error(_ error: Error) {
        errors += 1
        if firstError == nil { firstError = "\(error)" }
    }

    mutating func merge(_ other: Tally) {
        latencies.append(contentsOf: other.latencies)
        errors += other.errors
        if firstError == nil { firstError = other.firstError }
    }
}

typealias Call = @Sendable (Int) async throws -> Void

func now() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}

func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
    if sorted.isEmpty { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

func makeCall(_ options: Options) throws -> Call {
    let cube = ConnectyCube()
    var url = try options.text("url")
    while url.hasSuffix("/") { url.removeLast() }
    try cube.doInit(
        applicationId: applicationId,
        authorizationKey: authorizationKey,
        connectycubeConfig: ConnectycubeConfig(apiEndpoint: url)
    )
    switch try options.text("scenario") {
    case "get":
        guard let id = Int32(try options.text("user-id")) else { throw DriverError(description: "--user-id is not an id") }
        // An app restoring a stored user session: its token, no network call.
        ConnectycubeSessionManager().setToken(token: try options.text("token"))
        return { _ in _ = try await cube.getUserById(id: id) }
    case "session":
        return { _ in _ = try await cube.createSession() }
    case "signup":
        let prefix = try options.text("login-prefix", "swift\(ProcessInfo.processInfo.processIdentifier)x")
        return { n in _ = try await cube.signUp(user: ConnectycubeUser(login: "\(prefix)\(n)", password: password)) }
    case let other:
        throw DriverError(description: "unknown scenario \(other)")
    }
}

/// One call at a time: `warmup` calls, then `requests` measured ones. Returns the measured seconds.
func sequential(_ call: Call, warmup: Int, requests: Int, tally: inout Tally) async -> Double {
    for n in 0..<warmup {
        do { try await call(n) } catch { tally.error(error) }
    }
    tally.latencies.reserveCapacity(requests)
    let from = now()
    for n in warmup..<(warmup + requests) {
        let started = now()
        do {
            try await call(n)
            tally.latencies.append((now() - started) / 1000)
        } catch {
            tally.error(error)
        }
    }
    return Double(now() - from) / 1e9
}

/// `concurrency` tasks, each looping one call at a time until the window ends; worker w uses the
/// logins w, w + C, w + 2C… (unique without shared state).
func throughput(_ call: @escaping Call, concurrency: Int, warmup: Double, seconds: Double) async -> Tally {
    let measureFrom = now() + UInt64(warmup * 1e9)
    let end = measureFrom + UInt64(seconds * 1e9)
    return await withTaskGroup(of: Tally.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var tally = Tally()
                var n = worker
                while now() < end {
                    let started = now()
                    do {
                        try await call(n)
                        let done = now()
                        if done >= measureFrom && done < end { tally.latencies.append((done - started) / 1000) }
                    } catch {
                        tally.error(error)
                    }
                    n += concurrency
                }
                return tally
            }
        }
        var total = Tally()
        for await tally in group { total.merge(tally) }
        return total
    }
}

/// Every option is read before the call is made: nothing throws while the closure is alive
/// (Debian's Swift 6.0.3 asserts on an ownership check otherwise).
func measure(_ options: Options, sequentialMode: Bool, concurrency: Int) async throws -> (Tally, Double) {
    let warmupRequests = Int(try options.number("warmup-requests", 200))
    let requests = Int(try options.number("requests", 2000))
    let seconds = try options.number("seconds", 3)
    let warmup = try options.number("warmup", 1)
    let call = try makeCall(options)
    if sequentialMode {
        var tally = Tally()
        let measured = await sequential(call, warmup: warmupRequests, requests: requests, tally: &tally)
        return (tally, measured)
    }
    let tally = await throughput(call, concurrency: concurrency, warmup: warmup, seconds: seconds)
    return (tally, seconds)
}

@main
struct Driver {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("swift driver: \(error)\n".utf8))
            exit(2)
        }
    }

    /// Off the main actor: the calls run and resume on Swift's cooperative pool, as in an app's
    /// background task.
    nonisolated static func run() async throws {
        let options = try Options(Array(CommandLine.arguments.dropFirst()))
        let scenario = try options.text("scenario")
        let mode = try options.text("mode")
        let sequentialMode = mode == "sequential"
        let concurrency = sequentialMode ? 1 : Int(try options.number("concurrency", 1))
        let (tally, seconds) = try await measure(options, sequentialMode: sequentialMode, concurrency: concurrency)
        let sorted = tally.latencies.sorted()
        let record: [String: Any] = [
            "client": "swift",
            "scenario": scenario,
            "mode": mode,
            "concurrency": concurrency,
            "requests": sorted.count,
            "errors": tally.errors,
            "seconds": seconds,
            "rps": seconds > 0 ? Double(sorted.count) / seconds : 0,
            "p50_us": Int(percentile(sorted, 50)),
            "p99_us": Int(percentile(sorted, 99)),
            "first_error": tally.firstError ?? NSNull(),
        ]
        let line = try JSONSerialization.data(withJSONObject: record)
        FileHandle.standardOutput.write(line + Data([0x0A]))
        exit(0)
    }
}
