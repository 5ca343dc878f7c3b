// swift-tools-version:6.1
import PackageDescription

// The target graph is the architecture: arrows point inward to `CountingCore`.
// `Server` never links `Vision`; only the `footfall` executable joins them.
let openCVModules = [
    "opencv_core", "opencv_imgproc", "opencv_video", "opencv_imgcodecs", "opencv_objdetect", "opencv_dnn",
]

let package = Package(
    name: "footfall",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "footfall", targets: ["footfall"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
    ],
    targets: [
        // Pure counting logic: geometry, detections, tracker, counters. Standard library only.
        .target(name: "CountingCore"),
        // Time and retry helpers every service shares: Duration units, Backoff, withTimeout, rounds
        // until shutdown. The standard library and swift-service-lifecycle only.
        .target(name: "FootfallSupport", dependencies: [
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Scoring against ground truth (CLEAR-MOT, IDF1) and counting from trajectories; pure Swift.
        .target(name: "Evaluation", dependencies: ["CountingCore", "FootfallSupport"]),

        // OpenCV behind a plain C header, so Swift needs no C++ interop.
        .target(
            name: "COpenCV",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4"])],
            linkerSettings: openCVModules.map { .linkedLibrary($0) }
        ),
        // libavformat, libavcodec and libswscale behind a plain C header: decoding in process.
        .target(
            name: "CFFmpeg",
            linkerSettings: ["avformat", "avcodec", "avutil", "swscale"].map { .linkedLibrary($0) }
        ),
        .target(
            name: "Vision",
            dependencies: [
                "CountingCore", "COpenCV", "CFFmpeg",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .target(name: "Storage", dependencies: ["CountingCore", "CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "StorageSQLite",
            dependencies: [
                "Storage", "CSQLite", "FootfallSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .target(
            name: "StoragePostgres",
            dependencies: [
                "Storage", "CountingCore", "FootfallSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Files in S3-compatible storage: Footfall's own S3 client (Signature V4 on
        // async-http-client) and the file store on it.
        .target(
            name: "StorageS3",
            dependencies: [
                "Storage", "FootfallSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .target(name: "Messaging", dependencies: [
            "CountingCore", "FootfallSupport", "Storage", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Footfall's own AMQP 0-9-1 client (SwiftNIO) and what Footfall builds on it: the crossing
        // sink, the ingest consumer, dead letters, status events.
        .target(
            name: "MessagingRabbitMQ",
            dependencies: [
                "Messaging", "Storage", "CountingCore", "FootfallSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Footfall's own Redis client (RESP, SwiftNIO) and the live cache, fan-out, leases and
        // rate limits on it.
        .target(
            name: "MessagingRedis",
            dependencies: [
                "Messaging", "Storage", "CountingCore", "FootfallSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Answers from stored counts: footfall per bucket in a site's time zone, peak hours,
        // occupancy with drift correction. Pure Swift over `Storage` types.
        .target(
            name: "Analytics",
            dependencies: [
                "Storage", "Messaging", "FootfallSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Alert rules watched over the live state (a pure evaluator and the service that runs it),
        // and their delivery to signed webhooks.
        .target(
            name: "Alerting",
            dependencies: [
                "Storage", "Messaging", "FootfallSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .target(
            name: "Pipeline",
            dependencies: [
                "CountingCore", "FootfallSupport", "Vision", "Storage", "Messaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .target(
            name: "Server",
            dependencies: [
                "CountingCore", "FootfallSupport", "Storage", "Messaging", "Analytics", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Dashboard"), .copy("OpenAPI")]
        ),

        // Composition root and configuration: the `build…` functions that `main` and tests call.
        .target(
            name: "FootfallApp",
            dependencies: [
                "CountingCore", "Evaluation", "Vision", "Storage", "StorageSQLite", "StoragePostgres", "StorageS3", "Messaging", "Pipeline",
                "Server", "Alerting", "MessagingRedis", "MessagingRabbitMQ",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "footfall",
            dependencies: [
                "FootfallApp", "Evaluation", "CountingCore", "FootfallSupport", "Pipeline", "Storage", "StoragePostgres", "Vision", "Messaging",
                "Alerting", "StorageSQLite", "StorageS3", "Analytics",
                "MessagingRedis", "MessagingRabbitMQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Test helpers shared by every test target: a manual clock, `eventually`, child processes, free ports.
        .target(name: "FootfallTestSupport", path: "Tests/FootfallTestSupport"),
        // Stores for tests that must hold on every backend, and fresh PostgreSQL databases.
        .target(
            name: "StorageTestSupport",
            dependencies: [
                "Storage", "StorageSQLite", "StoragePostgres", "StorageS3",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/StorageTestSupport"
        ),

        .testTarget(name: "CountingCoreTests", dependencies: ["FootfallTestSupport", "CountingCore"]),
        .testTarget(name: "FootfallSupportTests", dependencies: ["FootfallSupport", "FootfallTestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["FootfallTestSupport", "Evaluation", "CountingCore"]),
        .testTarget(name: "VisionTests", dependencies: ["FootfallTestSupport", "Vision", "CountingCore"]),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "FootfallTestSupport", "StorageTestSupport",
                "Storage", "StorageSQLite", "StoragePostgres", "StorageS3", "CountingCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "StorageS3Tests",
            dependencies: [
                "FootfallTestSupport", "FootfallSupport", "StorageTestSupport", "StorageS3", "Storage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "FootfallTestSupport", "FootfallSupport",
                "Messaging", "MessagingRedis", "CountingCore", "Storage",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MessagingRabbitMQTests",
            dependencies: [
                "FootfallTestSupport",
                "MessagingRabbitMQ", "Messaging", "Storage", "CountingCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "MessagingRedisTests",
            dependencies: [
                "FootfallTestSupport", "FootfallSupport",
                "MessagingRedis", "Messaging", "Storage", "CountingCore", "Pipeline",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "FootfallTestSupport", "StorageTestSupport",
                "Server", "Storage", "StorageS3", "Messaging", "CountingCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "FootfallTestSupport",
                "Pipeline", "Vision", "Storage", "StorageSQLite", "Messaging", "CountingCore", "FootfallApp", "Server",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AnalyticsTests",
            dependencies: [
                "Analytics", "Storage", "Messaging", "CountingCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AlertingTests",
            dependencies: [
                "FootfallTestSupport", "Alerting", "Storage", "Messaging", "CountingCore", "FootfallSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FootfallAppTests",
            dependencies: [
                "FootfallTestSupport", "StorageTestSupport", "FootfallApp", "CountingCore", "Storage", "StorageSQLite", "StorageS3",
                "Vision", .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
