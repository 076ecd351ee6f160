// swift-tools-version:6.2
// The unit layer: domain, use-case, store and rendering tests, built from the project's own
// package (`../..`) without the hub, PostgresNIO, the HTTP client (AsyncHTTPClient, NIOSSL: the
// router tests call the router in-process with `RouterTestClient`) or the `kiosk` executable, and
// run with no cupsd, PostgreSQL, umockdev or Chromium. `Provisioning/dev.sh test --unit` runs it;
// `dev.sh test` runs these same test folders (linked here) with everything else.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// A test folder linked here, depending on products of the project's package (and `extra`).
func unitTests(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .testTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: "lswo-kiosk") } + extra,
        path: name,
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "lswo-kiosk-unit",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "lswo-kiosk", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        unitTests("KioskCoreTests", ["KioskCore", "KioskTestSupport", "Fingerprint"]),
        unitTests(
            "KioskStoreTests", ["KioskCore", "KioskStore", "KioskTestSupport", "Fingerprint"],
            extra: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]),
        unitTests("PrintingTests", ["Printing", "KioskCore", "KioskTestSupport"]),
        // The router over a SQLite file, with the virtual fingerprint reader.
        unitTests(
            "KioskHTTPTests",
            ["KioskCore", "FingerprintUSB", "KioskStore", "KioskHTTP", "KioskHTTPTestSupport", "KioskTestSupport"],
            extra: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
    ]
)
