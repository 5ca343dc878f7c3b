import Foundation

/// Every setting Footfall reads, in one table (see ``Setting``).
public enum Settings {
    public static let dataDirectory = Setting(
        key: "data-dir", onCommandLine: true, defaultText: "./footfall-data", help: "database (`footfall.sqlite`) and local files")
    public static let host = Setting(key: "host", onCommandLine: true, defaultText: "127.0.0.1", help: "address to listen on")
    public static let port = Setting(key: "port", onCommandLine: true, defaultText: "8080", help: "port to listen on")
    public static let demo = Setting(
        key: "demo", onCommandLine: true, defaultText: "off", help: "add the demo camera (stored cameras always run)")
    public static let demoVideo = Setting(
        key: "demo-video", onCommandLine: true, defaultText: "<data-dir>/samples/vtest.avi", help: "video the demo camera plays, looped in real time")
    public static let databaseURL = Setting(
        key: "database-url", defaultText: "none (SQLite)",
        help: "`postgres://user:password@host:port/db?sslmode=require`: PostgreSQL as the system of record",
        isSecret: true)
    public static let databaseReadURL = Setting(
        key: "database-read-url", defaultText: "none", help: "optional PostgreSQL read replica for count history",
        isSecret: true)
    public static let secretKey = Setting(
        key: "secret-key", defaultText: "none",
        help: "32 bytes, base64: seals camera stream URLs in PostgreSQL (required with it; never logged)", isSecret: true)
    public static let previousSecretKeys = Setting(
        key: "previous-secret-keys", defaultText: "none",
        help: "keys used before `secret-key`, comma-separated: still read until `footfall keys rotate` has sealed everything again (never logged)",
        isSecret: true)
    public static let migrateOnStart = Setting(
        key: "migrate-on-start", defaultText: "true", help: "apply missing migrations when `serve` starts")
    public static let redisURL = Setting(
        key: "redis-url", defaultText: "none (in process)",
        help: "`redis://[user:password@]host:port/db`: live cache, fan-out, camera leases, rate limits in Redis",
        isSecret: true)
    public static let amqpURL = Setting(
        key: "amqp-url", defaultText: "none (direct)",
        help: "`amqp://user:password@host:port/vhost` (or `amqps://…?cacertfile=PEM` for TLS): crossings and events through RabbitMQ", isSecret: true)
    public static let requestsPerMinute = Setting(
        key: "requests-per-minute", onCommandLine: true, defaultText: "0 (off)", help: "API requests one client may make per minute (429 beyond)")
    public static let cameras = Setting(
        key: "cameras", commandLine: "--no-cameras", defaultText: "true",
        help: "count cameras in this process; `--no-cameras` (or `false`) serves the API only and `footfall worker` processes count")
    public static let workerName = Setting(
        key: "worker-name", commandLine: "--worker-name", defaultText: "host-pid",
        help: "this process's name in the camera lease table (`footfall worker`)")
    public static let workerCapacity = Setting(
        key: "worker-capacity", commandLine: "--worker-capacity", defaultText: "200 × cores",
        help: "analysed frames per second this process can carry; workers share the cameras in proportion to it")
    public static let leaseSeconds = Setting(
        key: "lease-seconds", defaultText: "6",
        help: "how long a worker's hold on a camera lasts unless renewed (renewed every third); a dead worker's cameras move within about this")
    public static let workerHTTPPort = Setting(
        key: "worker-http-port", defaultText: "0 (none)",
        help: "`footfall worker`: port on `host` for /healthz, /readyz and /metrics, without authentication")
    public static let mediaDirectory = Setting(
        key: "media-dir", defaultText: "<data-dir>/media", help: "video files cameras added through the API may play")
    public static let secureCookies = Setting(
        key: "secure-cookies", defaultText: "false",
        help: "Footfall is reached over HTTPS (as behind a proxy): mark the session cookie Secure and tell browsers to keep to HTTPS")
    public static let tlsCertificate = Setting(
        key: "tls-certificate", defaultText: "none (plain HTTP)",
        help: "PEM file of the server's certificate chain: serve HTTPS (with `tls-key`; cookies are then Secure)")
    public static let tlsKey = Setting(
        key: "tls-key", defaultText: "none", help: "PEM file of the private key of `tls-certificate`")
    public static let publicURL = Setting(
        key: "public-url", defaultText: "none (the address asked for)",
        help: "addresses browsers reach Footfall at, comma-separated (`https://counts.example.com`): a browser under another name gets 421, dashboard changes and live streams from other sites are refused; the first makes the links in report announcements")
    public static let pushMaxAge = Setting(
        key: "push-max-age", defaultText: "30",
        help: "seconds a pushed frame's time may lie before the server's clock (older: 422, nothing counted)")
    public static let pushMaxLead = Setting(
        key: "push-max-lead", defaultText: "5",
        help: "seconds a pushed frame's time may lie ahead of the server's clock (further: 422, nothing counted)")
    public static let requirePushSignature = Setting(
        key: "require-push-signature", defaultText: "false",
        help: "pushed detections must carry `X-Footfall-Signature` (HMAC-SHA256 of `<t>.<body>` keyed with the SHA-256 of the camera's token; see docs/api.md); a signature sent is always checked")
    public static let maxConnections = Setting(
        key: "max-connections", defaultText: "4096", help: "connections `serve` holds at once (beyond: 503 and closed)")
    public static let maxConnectionsPerAddress = Setting(
        key: "max-connections-per-address", defaultText: "512",
        help: "connections from one client address at once (behind a proxy every client has the proxy's)")
    public static let headerTimeout = Setting(
        key: "header-timeout", defaultText: "10", help: "seconds a new connection has to send its first request's headers")
    public static let idleTimeout = Setting(
        key: "idle-timeout", defaultText: "60",
        help: "seconds a connection may sit with nothing read or written before it is closed (WebSocket streams excepted)")
    public static let requestTimeout = Setting(
        key: "request-timeout", defaultText: "60",
        help: "seconds from the end of a request's headers to the start of its answer; a body sent more slowly closes the connection")
    public static let maxHeaderBytes = Setting(
        key: "max-header-bytes", defaultText: "32768",
        help: "bytes of a request line and its headers (beyond: 414 or 431, and the connection is closed)")
    public static let livePingInterval = Setting(
        key: "live-ping-interval", defaultText: "30",
        help: "seconds between pings on a live WebSocket stream; a client that has not answered one by the next is closed")
    public static let maxLiveStreamsPerAddress = Setting(
        key: "max-live-streams-per-address", defaultText: "64",
        help: "live WebSocket streams one client address may hold at once (beyond: 429)")
    public static let decoder = Setting(
        key: "decoder", defaultText: "in-process",
        help: "how cameras' video is decoded: `in-process` (libavcodec in this process, no copy through a pipe), `in-process-fast` (the same, with frames the analysis passes over not deblocked) or `ffmpeg` (a subprocess per camera)")
    public static let inferenceThreads = Setting(
        key: "inference-threads", defaultText: "the number of cores",
        help: "threads that run every camera's detector; frames wait their turn in order")
    public static let minimumAnalysisRate = Setting(
        key: "min-analysis-rate", defaultText: "2",
        help: "frames per second each camera still analyses while detection is behind (the frames shed are counted and shown)")
    public static let alertWebhookURL = Setting(
        key: "alert-webhook-url", defaultText: "none",
        help: "`https://…`: every alert change and every scheduled report made (with links to its files) is POSTed there, signed (see docs/alerts.md); may hold a token, so never logged",
        isSecret: true)
    public static let alertWebhookSecret = Setting(
        key: "alert-webhook-secret", defaultText: "none",
        help: "the shared secret of the webhook's HMAC-SHA256 signature (required with the webhook; never logged)", isSecret: true)
    public static let reportTime = Setting(
        key: "report-time", defaultText: "06:00",
        help: "local time (`HH:MM`, each site's time zone) at which `serve` makes the day's and, on Mondays, the week's reports")
    public static let filesDirectory = Setting(
        key: "files-dir", defaultText: "<data-dir>/files", help: "where stored files (reports) are kept, without `s3-url`")
    public static let retentionCrossings = Setting(
        key: "retention-crossings-days", defaultText: "30", help: "days each crossing is kept, then archived to the file store and removed")
    public static let retentionMinutes = Setting(
        key: "retention-minutes-days", defaultText: "400", help: "days per-minute results are kept, then archived (PostgreSQL's hourly and daily rollups stay)")
    public static let retentionCameraEvents = Setting(
        key: "retention-camera-events-days", defaultText: "90", help: "days camera events are kept, then archived")
    public static let retentionSnapshots = Setting(
        key: "retention-snapshots-days", defaultText: "30",
        help: "days a snapshot kept on request or with an alert is kept, then deleted with its file")
    public static let retentionExports = Setting(
        key: "retention-exports-days", defaultText: "7",
        help: "days a count export (`POST /api/v1/cameras/{id}/exports`) is kept, then deleted with its file")
    public static let snapshotBlur = Setting(
        key: "snapshot-blur", defaultText: "true",
        help: "pixelate people in the snapshots kept as files (the live picture on the dashboard is not stored)")
    public static let retentionAudit = Setting(
        key: "retention-audit-days", defaultText: "365", help: "PostgreSQL: days audit entries are kept, then archived (the embedded database keeps them all)")
    public static let s3URL = Setting(
        key: "s3-url", defaultText: "none",
        help: "`http(s)://host[:port]/bucket[/prefix]`: keep stored files in this S3-compatible bucket (MinIO, AWS) instead of `files-dir`; downloads are presigned links")
    public static let s3Region = Setting(key: "s3-region", defaultText: "us-east-1", help: "the bucket's region, as signatures name it")
    public static let s3VirtualHost = Setting(
        key: "s3-virtual-host", defaultText: "false", help: "address the bucket as `bucket.host` (AWS) rather than `host/bucket` (MinIO)")
    public static let s3AccessKeyID = Setting(key: "s3-access-key-id", defaultText: "none", help: "the access key id for `s3-url`")
    public static let s3SecretAccessKey = Setting(
        key: "s3-secret-access-key", defaultText: "none", help: "the secret of that access key (never logged)", isSecret: true)
    public static let adminPassword = Setting(
        key: "admin-password", defaultText: "none",
        help: "with no users yet, `serve` creates the administrator `admin` with this password", isSecret: true)
    public static let configFile = Setting(key: "config", onCommandLine: true, defaultText: "none", help: "JSON configuration file")
    public static let logLevel = Setting(
        key: "log-level", onCommandLine: true, defaultText: "info", help: "`trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`")

    /// Every setting, in the order the README lists them.
    public static let all: [Setting] = [
        dataDirectory, host, port, demo, demoVideo, databaseURL, databaseReadURL, secretKey, previousSecretKeys, migrateOnStart,
        redisURL, amqpURL, requestsPerMinute, cameras, workerName, workerCapacity, leaseSeconds, workerHTTPPort, mediaDirectory, secureCookies, tlsCertificate, tlsKey, publicURL, pushMaxAge, pushMaxLead, requirePushSignature, maxConnections,
        maxConnectionsPerAddress, headerTimeout, idleTimeout, requestTimeout, maxHeaderBytes, livePingInterval, maxLiveStreamsPerAddress,
        decoder, inferenceThreads,
        minimumAnalysisRate, alertWebhookURL, alertWebhookSecret, reportTime,
        filesDirectory, retentionCrossings, retentionMinutes, retentionCameraEvents, retentionAudit, retentionSnapshots,
        retentionExports, snapshotBlur, s3URL, s3Region, s3VirtualHost, s3AccessKeyID, s3SecretAccessKey, adminPassword, configFile, logLevel,
    ]

    /// The README's configuration table, in Markdown.
    public static func markdownTable() -> String {
        var lines = ["| option | environment | default | meaning |", "|---|---|---|---|"]
        for setting in all {
            let option = setting.commandLine.map { "`\($0)`" } ?? "—"
            lines.append("| \(option) | `\(setting.environmentVariable)` | `\(setting.defaultText)` | \(setting.help) |")
        }
        return lines.joined(separator: "\n")
    }
}

extension Settings {
    /// Where each setting's value comes from, for `footfall config`: the value (secrets shown
    /// only as set or not) and its source (`--port`, `FOOTFALL_PORT`, the file's path or `default`).
    public static func explain(commandLine: [String: String], environment: [String: String])
        throws(ConfigurationError) -> [(setting: Setting, value: String, source: String)]
    {
        let bootstrap = try ConfigReader(commandLine: commandLine, environment: environment)
        var file: (String, Data)?
        if let path = bootstrap.value(configFile) {
            do {
                file = (path.text, try Data(contentsOf: URL(fileURLWithPath: path.text)))
            } catch {
                throw .unreadableFile(key: configFile.key, path: path.text, reason: error.localizedDescription)
            }
        }
        let reader = try ConfigReader(commandLine: commandLine, environment: environment, file: file)
        return all.map { setting in
            guard let value = reader.value(setting) else { return (setting, setting.defaultText, "default") }
            return (setting, setting.isSecret ? "(set)" : value.text, value.source)
        }
    }
}
