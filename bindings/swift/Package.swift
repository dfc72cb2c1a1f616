// swift-tools-version:6.0
// The ConnectyCube Swift SDK: the uniffi-generated `ConnectyCube.swift` compiled together with
// the handwritten layer in `Sources/ConnectyCube` into one module, `ConnectyCube`.
//
// Generated files are build outputs, never committed (see .gitignore):
// - `Sources/ConnectyCube/Generated/ConnectyCube.swift` — written by `cargo xtask apple`
//   (Apple) or `cargo xtask test-bindings --lang swift` (Linux).
// - Apple: `ConnectyCubeFFI.xcframework` (static libraries + header + module map), from
//   `cargo xtask apple`.
// - Linux: `Sources/ConnectyCubeFFI/{module.modulemap, ConnectyCubeFFI.h}`, and
//   `libconnectycube_ffi.so` in `CONNECTYCUBE_FFI_LIB_DIR` (default: the workspace's
//   `target/debug`).
import PackageDescription

#if os(Linux)
let libraryDirectory = Context.environment["CONNECTYCUBE_FFI_LIB_DIR"]
    ?? Context.packageDirectory + "/../../target/debug"
let ffiTarget: Target = .systemLibrary(name: "ConnectyCubeFFI", path: "Sources/ConnectyCubeFFI")
let linkerSettings: [LinkerSetting] = [
    .linkedLibrary("connectycube_ffi"),
    .unsafeFlags(["-L", libraryDirectory, "-Xlinker", "-rpath", "-Xlinker", libraryDirectory]),
]
#else
let ffiTarget: Target = .binaryTarget(name: "ConnectyCubeFFI", path: "ConnectyCubeFFI.xcframework")
let linkerSettings: [LinkerSetting] = []
#endif

let package = Package(
    name: "ConnectyCube",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "ConnectyCube", targets: ["ConnectyCube"]),
    ],
    targets: [
        ffiTarget,
        .target(
            name: "ConnectyCube",
            dependencies: ["ConnectyCubeFFI"],
            path: "Sources/ConnectyCube",
            linkerSettings: linkerSettings
        ),
        .testTarget(
            name: "ConnectyCubeTests",
            dependencies: ["ConnectyCube"],
            path: "Tests/ConnectyCubeTests",
            // XCTest's expectations and test classes are not Sendable; the SDK module itself
            // builds in Swift 6 mode, and `DocsSnippets.swift` compiles in both.
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
