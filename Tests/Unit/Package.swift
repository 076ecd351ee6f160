// swift-tools-version:6.2
// The unit layer: domain, use-case, store and rendering tests, built from the project's own
// package (`../..`) without the hub, PostgresNIO, the HTTP client or the `kiosk` executable, and
// run with no cupsd, PostgreSQL, umockdev or Chromium. `Provisioning/dev.sh test --unit` runs it;
// `dev.sh test` runs these same test folders (linked here) with everything else.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "lswo-kiosk-unit",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "lswo-kiosk", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        .testTarget(
            name: "KioskCoreTests",
            dependencies: [
                .product(name: "KioskCore", package: "lswo-kiosk"),
                .product(name: "KioskTestSupport", package: "lswo-kiosk"),
                .product(name: "Fingerprint", package: "lswo-kiosk"),
            ],
            path: "KioskCoreTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KioskStoreTests",
            dependencies: [
                .product(name: "KioskCore", package: "lswo-kiosk"),
                .product(name: "KioskStore", package: "lswo-kiosk"),
                .product(name: "KioskTestSupport", package: "lswo-kiosk"),
                .product(name: "Fingerprint", package: "lswo-kiosk"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "KioskStoreTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PrintingTests",
            dependencies: [
                .product(name: "Printing", package: "lswo-kiosk"),
                .product(name: "KioskCore", package: "lswo-kiosk"),
                .product(name: "KioskTestSupport", package: "lswo-kiosk"),
            ],
            path: "PrintingTests",
            swiftSettings: swiftSettings
        ),
    ]
)
