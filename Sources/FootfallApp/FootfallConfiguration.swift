import Analytics
import Foundation
import Logging
import StorageS3
import Vision

/// Everything the `footfall` commands can be told; ``Settings`` lists each setting.
public struct FootfallConfiguration: Sendable {
    public var dataDirectory: String
    public var host: String
    public var port: Int
    public var demo: Bool
    /// The sample video the demo camera plays; defaults to `<data-dir>/samples/vtest.avi`.
    public var demoVideo: String
    public var logLevel: Logger.Level
    /// `postgres://…` to use PostgreSQL as the system of record; nil keeps the embedded SQLite file.
    public var databaseURL: String?
    /// An optional PostgreSQL read replica for analytics queries.
    public var databaseReadURL: String?
    /// 32-byte key (base64) that seals camera stream URLs in PostgreSQL. Never logged.
    public var secretKey: [UInt8]?
    /// Keys used before `secretKey`, read until re-sealed. Never logged.
    public var previousSecretKeys: [[UInt8]] = []
    /// Apply missing migrations when `serve` starts.
    public var migrateOnStart: Bool
    /// `redis://…` for the shared live cache, fan-out, leases and rate limits; nil keeps them in process.
    /// Holds a password: only from the environment or the file, never logged.
    public var redisURL: String?
    /// `amqp://…` to carry crossings and events through RabbitMQ; nil stores crossings directly.
    /// Holds a password: only from the environment or the file, never logged.
    public var amqpURL: String?
    /// API requests one client may make per minute; 0 turns the limit off.
    public var requestsPerMinute: Int
    /// Run camera pipelines in this process (`serve`); off for an API-only process.
    public var runCameras: Bool
    /// This process's name in the camera lease table.
    public var workerName: String
    /// Analysed frames per second this process can carry; cameras are shared in proportion.
    public var workerCapacity = 200.0
    /// How long a camera lease lasts unless renewed, in seconds.
    public var leaseSeconds = 6.0
    /// `footfall worker`'s port for health and metrics (0: none).
    public var workerHTTPPort = 0
    /// Where video files that cameras added through the API may play live.
    public var mediaDirectory: String
    /// Mark the session cookie Secure.
    public var secureCookies: Bool
    /// Addresses browsers reach Footfall at (`https://counts.example.com`), besides the one each asks for.
    public var publicURLs: [String] = []
    /// PEM files of the server's certificate chain and key: HTTPS when both are set.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// How far pushed frames' times may be from the server's clock, in seconds: before and ahead.
    public var pushMaxAge = 30
    public var pushMaxLead = 5
    /// Pushed detections must be signed.
    public var requirePushSignature = false
    /// Connections `serve` holds, in all and per client address, and their timeouts in seconds.
    public var maxConnections = 4_096
    public var maxConnectionsPerAddress = 512
    public var headerTimeout = 10
    public var idleTimeout = 60
    public var requestTimeout = 60
    public var maxHeaderBytes = 32 << 10
    public var livePingInterval = 30
    public var maxLiveStreamsPerAddress = 64
    /// How cameras' video is decoded.
    public var decoder = FrameDecoder.inProcess
    /// Threads that run detectors (`InferenceService`).
    public var inferenceThreads = ProcessInfo.processInfo.activeProcessorCount
    /// Frames per second a camera still analyses while detection is behind.
    public var minimumAnalysisRate = 2.0
    /// Where alert changes are POSTed, and the secret that signs them. Never logged.
    public var alertWebhookURL: String?
    public var alertWebhookSecret: [UInt8]?
    /// With no users yet, `serve` creates the administrator `admin` with this password. Never logged.
    public var adminPassword: String?
    /// The local time each site's reports are made at.
    public var reportTime = ReportScheduler.TimeOfDay(hour: 6, minute: 0)
    /// Where stored files are kept.
    public var filesDirectory = "./footfall-data/files"
    /// The S3 bucket stored files are kept in instead; its secret is never logged.
    public var s3: S3Configuration?
    /// Days each kind of time series is kept in PostgreSQL before it is archived and dropped.
    public var retentionDays = RetentionDays()

    /// Days each kind of time series stays in PostgreSQL (`retention-…-days`).
    public struct RetentionDays: Sendable, Hashable {
        public var crossings = 30
        public var minutes = 400
        public var cameraEvents = 90
        public var audit = 365
        /// Snapshots kept on request or with alerts.
        public var snapshots = 30
        /// Count exports.
        public var exports = 7
    }
    /// Pixelate people in the snapshots kept as files.
    public var snapshotBlur = true

    /// Host name and process id: unique among the workers of one site.
    public static var defaultWorkerName: String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Resolves the configuration: command line > environment > file (`--config`/`FOOTFALL_CONFIG`) > defaults.
    public static func load(commandLine: [String: String], environment: [String: String])
        throws(ConfigurationError) -> FootfallConfiguration
    {
        let bootstrap = try ConfigReader(commandLine: commandLine, environment: environment)
        var file: (String, Data)?
        if let path = bootstrap.value(Settings.configFile) {
            do {
                file = (path.text, try Data(contentsOf: URL(fileURLWithPath: path.text)))
            } catch {
                throw .unreadableFile(key: Settings.configFile.key, path: path.text, reason: error.localizedDescription)
            }
        }
        let reader = try ConfigReader(commandLine: commandLine, environment: environment, file: file)
        let dataDirectory = reader.string(Settings.dataDirectory, default: "./footfall-data")
        let levelText = reader.value(Settings.logLevel)
        guard let logLevel = Logger.Level(rawValue: levelText?.text ?? "info") else {
            throw .invalidValue(key: Settings.logLevel.key, source: levelText?.source ?? "default",
                                reason: "use trace, debug, info, notice, warning, error or critical")
        }
        let decoderText = reader.value(Settings.decoder)
        guard let decoder = FrameDecoder(rawValue: decoderText?.text ?? FrameDecoder.inProcess.rawValue) else {
            throw .invalidValue(key: Settings.decoder.key, source: decoderText?.source ?? "default", reason: "use one of " + FrameDecoder.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var secretKey: [UInt8]?
        if let value = reader.value(Settings.secretKey) {
            guard let data = Data(base64Encoded: value.text), data.count == 32 else {
                throw .invalidValue(key: Settings.secretKey.key, source: value.source,
                                    reason: "must be 32 bytes in base64 (try: openssl rand -base64 32)")
            }
            secretKey = [UInt8](data)
        }
        var previousSecretKeys: [[UInt8]] = []
        if let value = reader.value(Settings.previousSecretKeys) {
            for text in value.text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let data = Data(base64Encoded: text), data.count == 32 else {
                    throw .invalidValue(key: Settings.previousSecretKeys.key, source: value.source,
                                        reason: "each must be 32 bytes in base64, separated by commas")
                }
                previousSecretKeys.append([UInt8](data))
            }
        }
        var publicURLs: [String] = []
        if let value = reader.value(Settings.publicURL) {
            for text in value.text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
                guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil else {
                    throw .invalidValue(key: Settings.publicURL.key, source: value.source,
                                        reason: "\"\(text.prefix(100))\" is not an http or https address")
                }
                publicURLs.append(text)
            }
        }
        let webhookURL = reader.value(Settings.alertWebhookURL)
        if let webhookURL {
            guard let url = URL(string: webhookURL.text), ["http", "https"].contains(url.scheme?.lowercased()), url.host != nil else {
                throw .invalidValue(key: Settings.alertWebhookURL.key, source: webhookURL.source, reason: "not an http or https address")
            }
        }
        let webhookSecret = reader.value(Settings.alertWebhookSecret)
        if webhookURL != nil && (webhookSecret?.text ?? "").count < 16 {
            throw .invalidValue(key: Settings.alertWebhookSecret.key, source: webhookSecret?.source ?? "default",
                                reason: "the webhook needs a signing secret of at least 16 characters: set FOOTFALL_ALERT_WEBHOOK_SECRET")
        }
        var reportTime = ReportScheduler.TimeOfDay(hour: 6, minute: 0)
        if let value = reader.value(Settings.reportTime) {
            guard let time = ReportScheduler.TimeOfDay(value.text) else {
                throw .invalidValue(key: Settings.reportTime.key, source: value.source, reason: "not a time of day such as 06:00")
            }
            reportTime = time
        }
        var s3: S3Configuration?
        if let url = reader.value(Settings.s3URL) {
            let region = reader.value(Settings.s3Region)
            let keyID = reader.value(Settings.s3AccessKeyID)
            let secret = reader.value(Settings.s3SecretAccessKey)
            let virtualHost = try reader.bool(Settings.s3VirtualHost, default: false)
            do {
                s3 = try S3Configuration(url: url.text, region: region?.text ?? "us-east-1", virtualHost: virtualHost,
                                         credentials: S3Credentials(accessKeyID: keyID?.text ?? "", secretAccessKey: secret?.text ?? ""))
            } catch {
                guard case .invalidConfiguration(let field, let reason) = error as? S3Error else {
                    throw .invalidValue(key: Settings.s3URL.key, source: url.source, reason: "\(error)")
                }
                let sources = [Settings.s3URL.key: url.source, Settings.s3Region.key: region?.source, Settings.s3AccessKeyID.key: keyID?.source]
                throw .invalidValue(key: field, source: (sources[field] ?? nil) ?? "default", reason: reason)
            }
        }
        let databaseURL = reader.value(Settings.databaseURL)?.text
        if databaseURL != nil && secretKey == nil {
            throw .invalidValue(key: Settings.secretKey.key, source: "default",
                                reason: "PostgreSQL needs a key to seal camera stream URLs: set FOOTFALL_SECRET_KEY")
        }
        return FootfallConfiguration(
            dataDirectory: dataDirectory,
            host: reader.string(Settings.host, default: "127.0.0.1"),
            port: try reader.int(Settings.port, default: 8080, range: 0...65_535),
            demo: try reader.bool(Settings.demo, default: false),
            demoVideo: reader.string(Settings.demoVideo, default: dataDirectory + "/samples/vtest.avi"),
            logLevel: logLevel,
            databaseURL: databaseURL,
            databaseReadURL: reader.value(Settings.databaseReadURL)?.text,
            secretKey: secretKey,
            previousSecretKeys: previousSecretKeys,
            migrateOnStart: try reader.bool(Settings.migrateOnStart, default: true),
            redisURL: reader.value(Settings.redisURL)?.text,
            amqpURL: reader.value(Settings.amqpURL)?.text,
            requestsPerMinute: try reader.int(Settings.requestsPerMinute, default: 0, range: 0...1_000_000),
            runCameras: try reader.bool(Settings.cameras, default: true),
            workerName: reader.string(Settings.workerName, default: defaultWorkerName),
            workerCapacity: try reader.double(Settings.workerCapacity,
                                              default: 200 * Double(ProcessInfo.processInfo.activeProcessorCount),
                                              range: 0.1...1_000_000),
            leaseSeconds: try reader.double(Settings.leaseSeconds, default: 6, range: 2...600),
            workerHTTPPort: try reader.int(Settings.workerHTTPPort, default: 0, range: 0...65_535),
            mediaDirectory: reader.string(Settings.mediaDirectory, default: dataDirectory + "/media"),
            secureCookies: try reader.bool(Settings.secureCookies, default: false),
            publicURLs: publicURLs,
            tlsCertificate: reader.value(Settings.tlsCertificate)?.text,
            tlsKey: reader.value(Settings.tlsKey)?.text,
            pushMaxAge: try reader.int(Settings.pushMaxAge, default: 30, range: 1...86_400),
            pushMaxLead: try reader.int(Settings.pushMaxLead, default: 5, range: 0...3_600),
            requirePushSignature: try reader.bool(Settings.requirePushSignature, default: false),
            maxConnections: try reader.int(Settings.maxConnections, default: 4_096, range: 1...1_000_000),
            maxConnectionsPerAddress: try reader.int(Settings.maxConnectionsPerAddress, default: 512, range: 1...1_000_000),
            headerTimeout: try reader.int(Settings.headerTimeout, default: 10, range: 1...3_600),
            idleTimeout: try reader.int(Settings.idleTimeout, default: 60, range: 1...86_400),
            requestTimeout: try reader.int(Settings.requestTimeout, default: 60, range: 1...86_400),
            maxHeaderBytes: try reader.int(Settings.maxHeaderBytes, default: 32 << 10, range: 1_024...1 << 20),
            livePingInterval: try reader.int(Settings.livePingInterval, default: 30, range: 1...3_600),
            maxLiveStreamsPerAddress: try reader.int(Settings.maxLiveStreamsPerAddress, default: 64, range: 1...100_000),
            decoder: decoder,
            inferenceThreads: try reader.int(Settings.inferenceThreads, default: ProcessInfo.processInfo.activeProcessorCount,
                                             range: 1...256),
            minimumAnalysisRate: try reader.double(Settings.minimumAnalysisRate, default: 2, range: 0.1...100),
            alertWebhookURL: webhookURL?.text,
            alertWebhookSecret: webhookSecret.map { Array($0.text.utf8) },
            adminPassword: reader.value(Settings.adminPassword)?.text,
            reportTime: reportTime,
            filesDirectory: reader.string(Settings.filesDirectory, default: dataDirectory + "/files"),
            s3: s3,
            retentionDays: RetentionDays(
                crossings: try reader.int(Settings.retentionCrossings, default: 30, range: 1...36_500),
                minutes: try reader.int(Settings.retentionMinutes, default: 400, range: 1...36_500),
                cameraEvents: try reader.int(Settings.retentionCameraEvents, default: 90, range: 1...36_500),
                audit: try reader.int(Settings.retentionAudit, default: 365, range: 1...36_500),
                snapshots: try reader.int(Settings.retentionSnapshots, default: 30, range: 1...36_500),
                exports: try reader.int(Settings.retentionExports, default: 7, range: 1...36_500)),
            snapshotBlur: try reader.bool(Settings.snapshotBlur, default: true))
    }
}
