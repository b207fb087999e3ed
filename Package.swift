// swift-tools-version:6.0
import PackageDescription

// Berth depends on no packages: Foundation, Dispatch and system libraries only.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Berth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "berthd", targets: ["berthd"])
    ],
    targets: [
        // C glue: module maps and macro wrappers only, no logic.
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .target(name: "CLinux", cSettings: [.define("_GNU_SOURCE")]),

        // logfmt/JSON log lines to stderr.
        .target(name: "Log", swiftSettings: strictSettings),
        // JSON values: encoding as Go's encoder writes it, and a strict parser.
        .target(name: "JSON", swiftSettings: strictSettings),
        // Lock-free counters and histograms, and the Prometheus text format (`GET /1.0/metrics`).
        .target(name: "Observability", swiftSettings: strictSettings),
        // Pure HTTP/1.1 + WebSocket codec: no I/O, the fuzz target.
        .target(name: "HTTP", swiftSettings: strictSettings),
        // Event loops, listeners, connections, limits, sd_notify.
        .target(name: "Server", dependencies: ["HTTP", "CLinux", "COpenSSL"], swiftSettings: strictSettings),
        // SQLite: connections, statements, transactions, migrations.
        .target(name: "Store", dependencies: ["CSQLite"], swiftSettings: strictSettings),
        // Durable operations: model and state machine, job queue with group commit, scheduler, workers,
        // recovery, retention, event bus.
        .target(name: "Operations", dependencies: ["JSON", "Store", "Log", "Observability"], swiftSettings: strictSettings),
        // The local image store: uploads, unpacked root filesystems, image operation types.
        .target(
            name: "Images", dependencies: ["JSON", "Store", "Operations", "COpenSSL", "Drivers"],
            swiftSettings: strictSettings),
        // Instance drivers: host commands, LXC containers through the lxc-* tools, QEMU VMs over QMP (JSON).
        .target(name: "Drivers", dependencies: ["Log", "CLinux", "JSON"], swiftSettings: strictSettings),
        // Instances: rows, validation, and the operation types that drive an instance driver.
        .target(
            name: "Instances", dependencies: ["Drivers", "Images", "JSON", "Operations", "Store"],
            swiftSettings: strictSettings),
        // LXD API: router, envelopes, the one error mapping, endpoints.
        .target(
            name: "API",
            dependencies: [
                "HTTP", "JSON", "Operations", "Server", "Store", "Log", "COpenSSL", "Images", "Instances", "Drivers",
                "Observability",
            ],
            swiftSettings: strictSettings),
        // The daemon: command line, wiring, state-directory lock, signals.
        .target(
            name: "Daemon", dependencies: ["API", "Operations", "Server", "Store", "Log", "CLinux", "Images", "Instances", "Drivers"],
            swiftSettings: strictSettings),
        // The executable: nothing but `@main`. Linked by the toolchain's lld with packed relative
        // relocations (DT_RELR, glibc >= 2.36): a position-independent Swift binary otherwise carries
        // ~80,000 RELA entries (1.9 MB) that the loader reads at every start and that stay resident.
        .executableTarget(
            name: "berthd", dependencies: ["Daemon"], swiftSettings: strictSettings,
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux]))
            ]),
        // libFuzzer entry point over the HTTP parser and WebSocket decoder (see scripts/fuzz.sh).
        .executableTarget(name: "FuzzHTTP", dependencies: ["HTTP", "JSON"], swiftSettings: strictSettings),
        // libFuzzer entry points over what else reads untrusted bytes (see scripts/fuzz.sh): image
        // tarball headers, JSON request bodies, the collections filter grammar and its regex engine.
        // They reach internal types with @testable, so they build only in debug or with -enable-testing.
        .executableTarget(name: "FuzzTar", dependencies: ["Images"], swiftSettings: strictSettings),
        .executableTarget(
            name: "FuzzRequests", dependencies: ["API", "HTTP", "Instances", "JSON", "Server"],
            swiftSettings: strictSettings),
        .executableTarget(name: "FuzzFilter", dependencies: ["API", "JSON"], swiftSettings: strictSettings),

        .testTarget(
            name: "OperationsTests", dependencies: ["Operations", "JSON", "Store", "Log"], swiftSettings: strictSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: strictSettings),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"], swiftSettings: strictSettings),
        .testTarget(name: "ServerTests", dependencies: ["Server", "HTTP", "CLinux"], swiftSettings: strictSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store"], swiftSettings: strictSettings),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "Store"], swiftSettings: strictSettings),
        .testTarget(name: "InstancesTests", dependencies: ["Instances", "Images", "JSON", "Store"], swiftSettings: strictSettings),
        .testTarget(name: "APITests", dependencies: ["API", "HTTP", "JSON", "Operations", "Server", "Store", "Log"], swiftSettings: strictSettings),
        .testTarget(name: "DaemonTests", dependencies: ["Daemon", "Log"], swiftSettings: strictSettings),
        .testTarget(name: "DriversTests", dependencies: ["Drivers", "JSON", "Log"], swiftSettings: strictSettings),
        // A real daemon process with test operation types and endpoints, for the end-to-end suite
        // (crash recovery, queue benchmarks). A test double: it lives in Tests/, never in the product.
        .executableTarget(
            name: "BerthTestDaemon", dependencies: ["Daemon", "API", "HTTP", "Operations", "JSON"], path: "Tests/TestDaemon",
            swiftSettings: strictSettings),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability"], swiftSettings: strictSettings),
        .testTarget(name: "LogTests", dependencies: ["Log"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
