// swift-tools-version:6.0
// `cargo xtask bench` driver for our Swift binding: the `ConnectyCube` package (bindings/swift,
// the uniffi-generated code with the handwritten layer) linked to the release FFI library.
//
// Built by xtask/src/bench_drivers.rs in the Debian trixie chroot the Swift binding tests use:
// `CONNECTYCUBE_SWIFT_PACKAGE` names the copy of bindings/swift holding the generated sources,
// `CONNECTYCUBE_FFI_LIB_DIR` (read by that package) the directory of the release library.
import PackageDescription

let bindings = Context.environment["CONNECTYCUBE_SWIFT_PACKAGE"] ?? Context.packageDirectory + "/../../../bindings/swift"

let package = Package(
    name: "SwiftDriver",
    dependencies: [.package(name: "ConnectyCube", path: bindings)],
    targets: [
        .executableTarget(
            name: "SwiftDriver",
            dependencies: [.product(name: "ConnectyCube", package: "ConnectyCube")],
            path: "Sources/SwiftDriver",
            // Swift 5 mode: the generated classes' Sendable conformance is uniffi's business,
            // and a benchmark loop gains nothing from the stricter checks.
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
