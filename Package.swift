// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "lswo-kiosk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "lmis-hub", targets: ["lmis-hub"]),
        // For the unit layer's own package (`Tests/Unit`), which builds only these and what they need.
        .library(name: "KioskCore", targets: ["KioskCore"]),
        .library(name: "KioskStore", targets: ["KioskStore"]),
        .library(name: "KioskHTTP", targets: ["KioskHTTP"]),
        .library(name: "Printing", targets: ["Printing"]),
        .library(name: "Fingerprint", targets: ["Fingerprint"]),
        .library(name: "FingerprintUSB", targets: ["FingerprintUSB"]),
        .library(name: "KioskTestSupport", targets: ["KioskTestSupport"]),
        .library(name: "KioskHTTPTestSupport", targets: ["KioskHTTPTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // LMIS sync: Ed25519 request signatures, the kiosk's HTTPS client, the hub's PostgreSQL.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        // libxcrypt from Debian: the slow password hash (yescrypt) for staff PINs.
        .systemLibrary(name: "CCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        // libcups2 (Debian's libcups2-dev has no pkg-config file, so the module map links `cups`).
        .systemLibrary(name: "CCUPS", providers: [.apt(["libcups2-dev"])]),
        // Pango text layout drawn with cairo, and cairo's PDF surface.
        .systemLibrary(
            name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        // libusb-1.0 for the fingerprint readers, and libumockdev to replay recorded USB sessions in tests.
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CUMockdev", pkgConfig: "umockdev-1.0", providers: [.apt(["libumockdev-dev"])]),
        // zlib from Debian: gzip bodies of the LMIS protocol, PNG's deflate and CRC-32.
        .systemLibrary(name: "CTimex"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // `key = value` lines of the kiosk's and the hub's config files: one reading of comments and quotes.
        .target(name: "ConfigLines", swiftSettings: swiftSettings),
        // Log lines journald files at their level (the kiosk's and the hub's executables).
        .target(
            name: "JournalLogging", dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        // Fingerprints: grey images, PNG, quality, minutiae, matching. Swift, with zlib for PNG.
        .target(name: "Fingerprint", dependencies: ["CZlib"], swiftSettings: swiftSettings),
        // USB fingerprint readers: libusb wrapper, hot-plug, sensor drivers.
        .target(
            name: "FingerprintUSB",
            dependencies: ["Fingerprint", "CLibUSB", "KioskCore"],
            swiftSettings: swiftSettings
        ),
        // Domain: types, rules, ports. No I/O.
        .target(
            name: "KioskCore",
            dependencies: [
                "Fingerprint",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite adapter (GRDB, the only importer): AppDatabase, migrations, repositories, outbox,
        // sync bookkeeping.
        .target(
            name: "KioskStore",
            dependencies: [
                "KioskCore",
                "LMISProtocol",
                "CCrypt",
                .product(name: "GRDB", package: "GRDB.swift"),
                // AES-GCM for fingerprint templates at rest.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Printing: CUPS client, thermal raster and ESC/POS, PDF documents, printer status.
        .target(
            name: "Printing",
            dependencies: [
                "KioskCore",
                "CCUPS",
                "CPangoCairo",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP adapter: screens rendered from Kiosk/, JSON API.
        .target(
            name: "KioskHTTP",
            dependencies: [
                "KioskCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Composition root: configuration and the service group.
        .target(
            name: "KioskApp",
            dependencies: [
                "ConfigLines",
                "KioskCore",
                "KioskStore",
                "KioskHTTP",
                "Printing",
                "FingerprintUSB",
                "LMISSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // The technician's commands: doctor, provision, staff, printers, sync, fingerprint tools.
        .target(
            name: "KioskAdmin",
            dependencies: [
                "CTimex",
                "ConfigLines",
                "KioskApp",
                "KioskCore",
                "KioskStore",
                "Printing",
                "Fingerprint",
                "FingerprintUSB",
                "LMISProtocol",
                "LMISSync",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "JournalLogging",
                "KioskAdmin",
                "KioskApp",
                "Fingerprint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Wire types of the kiosk ↔ LMIS protocol, request signatures and gzip bodies.
        .target(
            name: "LMISProtocol",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The kiosk's side of sync: outbox upload, downloads, identity checks, enrolment.
        .target(
            name: "LMISSync",
            dependencies: [
                "KioskCore",
                "KioskStore",
                "LMISProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The reference central server: Hummingbird and PostgreSQL.
        .target(
            name: "LMISHub",
            dependencies: [
                "ConfigLines",
                "LMISProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "lmis-hub",
            dependencies: [
                "JournalLogging",
                "LMISHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Recorded sessions of real sensors replayed in-process by libumockdev: tests and benchmark.
        .target(
            name: "FingerprintReplay",
            dependencies: ["FingerprintUSB", "Fingerprint", "CUMockdev"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "usb-bench",
            dependencies: ["FingerprintReplay", "FingerprintUSB", "Fingerprint"],
            path: "Benchmarks/USBBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: rendering figures for the printing targets.
        .executableTarget(
            name: "print-bench",
            dependencies: ["Printing", "KioskCore"],
            path: "Benchmarks/PrintBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: sync figures (backlog upload, vacancy download, 300 kiosks at once).
        .executableTarget(
            name: "sync-bench",
            dependencies: [
                "LMISHub", "LMISSync", "LMISProtocol", "KioskStore", "KioskCore", "KioskTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/SyncBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/hub_pair.py`: kiosks syncing through HAProxy to several `lmis-hub` processes.
        .executableTarget(
            name: "hub-load-bench",
            dependencies: [
                "LMISSync", "LMISProtocol", "KioskTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/HubLoadBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: a busy office day through the HTTP API (issue 3), Swift clients.
        .executableTarget(
            name: "office-day-bench",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Benchmarks/OfficeDayBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: fingerprint accuracy and speed beside the NBIS peer (issue 8).
        .executableTarget(
            name: "fingerprint-bench",
            dependencies: ["Fingerprint", "KioskCore"],
            path: "Benchmarks/FingerprintBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: the office dashboard over a year of a busy office (issue 9).
        .executableTarget(
            name: "dashboard-bench",
            dependencies: [
                "KioskCore", "KioskStore", "KioskTestSupport",
            ],
            path: "Benchmarks/DashboardBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: text messages handed to gammu-smsd's outbox (issue 22).
        .executableTarget(
            name: "sms-bench",
            dependencies: [
                "KioskCore", "KioskStore", "KioskTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SMSBench",
            swiftSettings: swiftSettings
        ),
        // Candidates for a vacancy among 50,000 registered people (issue 27).
        .executableTarget(
            name: "employer-bench",
            dependencies: ["KioskCore", "KioskStore", "KioskTestSupport"],
            path: "Benchmarks/EmployerBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: vacancy search, matches and the printed A4 list (issue 7).
        .executableTarget(
            name: "vacancy-bench",
            dependencies: ["KioskCore", "KioskStore", "KioskTestSupport"],
            path: "Benchmarks/VacancyBench",
            swiftSettings: swiftSettings
        ),
        // `Benchmarks/run.sh`: a counsellor's case page with five years of history (issue 23).
        .executableTarget(
            name: "case-bench",
            dependencies: ["KioskCore", "KioskStore", "KioskTestSupport"],
            path: "Benchmarks/CaseBench",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KioskTestSupport",
            dependencies: ["KioskCore", "KioskStore", "LMISProtocol"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KioskCoreTests",
            dependencies: ["KioskCore", "KioskTestSupport", "Fingerprint"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KioskStoreTests",
            dependencies: [
                "KioskCore", "KioskStore", "KioskTestSupport", "Fingerprint", "LMISProtocol",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Rendering, ESC/POS and retry rules: no cupsd.
        .testTarget(
            name: "PrintingTests",
            dependencies: ["Printing", "KioskCore", "KioskTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Printing through a real cupsd and the print lab's printers.
        .testTarget(
            name: "PrintingCUPSTests",
            dependencies: ["Printing", "KioskCore", "KioskTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FingerprintTests",
            dependencies: ["Fingerprint", "FingerprintReplay"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FingerprintUSBTests",
            dependencies: ["FingerprintUSB", "Fingerprint", "FingerprintReplay", "KioskCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KioskAppTests",
            dependencies: [
                "KioskApp", "KioskCore", "Printing", "LMISSync", "JournalLogging",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KioskAdminTests",
            dependencies: [
                "KioskAdmin", "KioskApp", "KioskCore", "KioskStore", "Printing", "LMISSync",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The router tests' harness: the router over a temporary SQLite file, called in-process by
        // `RouterTestClient` (no HTTP client, no socket).
        .target(
            name: "KioskHTTPTestSupport",
            dependencies: [
                "KioskCore", "KioskHTTP", "KioskStore", "KioskTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KioskHTTPTests",
            dependencies: [
                "KioskCore",
                "FingerprintUSB",
                "KioskStore",
                "KioskHTTP",
                "KioskHTTPTestSupport",
                "KioskTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The screens' printing endpoints against the real print lab (cupsd, emupos, ippeveprinter).
        .testTarget(
            name: "KioskHTTPPrintTests",
            dependencies: [
                "KioskCore", "KioskHTTP", "KioskHTTPTestSupport", "KioskTestSupport", "Printing",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LMISTests",
            dependencies: [
                "LMISProtocol", "LMISSync", "LMISHub", "KioskCore", "KioskStore", "KioskApp", "KioskTestSupport",
                "Fingerprint",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
