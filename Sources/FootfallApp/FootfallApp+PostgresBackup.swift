import Foundation
import Logging
import NIOCore
import Storage
import StoragePostgres
import StorageS3

/// PostgreSQL backups: a base backup (`pg_basebackup`) and continuous WAL archiving, both to a
/// directory or an S3 prefix, and a point-in-time restore from them into a new data directory.
extension FootfallApp {
    /// Runs `body` with the files of a directory or of an S3 prefix (`s3://bucket/prefix`), and
    /// the S3 client behind them when there is one (closed after).
    static func withArchive<T>(_ text: String, field: String, configuration: FootfallConfiguration, logger: Logger,
                               _ body: (any FileStore, S3Client?) async throws -> T) async throws -> T {
        guard text.hasPrefix("s3://") else {
            guard !text.isEmpty else { throw StorageError.invalidInput(field: field, reason: "a directory or s3://bucket/prefix is needed") }
            return try await body(LocalFileStore(directory: URL(fileURLWithPath: text)), nil)
        }
        guard var s3 = configuration.s3 else {
            throw StorageError.invalidInput(field: "s3-url", reason: "an s3:// location needs s3-url and its key, for the server's address")
        }
        let parts = text.dropFirst("s3://".count).split(separator: "/", maxSplits: 1).map(String.init)
        guard let bucket = parts.first, !bucket.isEmpty else {
            throw StorageError.invalidInput(field: field, reason: "expected s3://bucket/prefix, not \(text)")
        }
        s3.bucket = bucket
        s3.prefix = parts.count > 1 && !parts[1].isEmpty ? (parts[1].hasSuffix("/") ? parts[1] : parts[1] + "/") : ""
        return try await S3Client.with(configuration: s3, logger: logger) { client in try await body(S3FileStore(client: client), client) }
    }

    /// `footfall wal push` (PostgreSQL's `archive_command`): copies one WAL file into the
    /// archive. A file already archived with the same bytes is fine (PostgreSQL may ask again
    /// after a crash); with other bytes it is an error, and nothing is replaced.
    public static func pushWAL(path: String, to target: String, configuration: FootfallConfiguration, logger: Logger) async throws {
        let name = (path as NSString).lastPathComponent
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try await withArchive(target, field: "to", configuration: configuration, logger: logger) { store, _ in
            if let existing = try await store.get(key: name) {
                guard existing == data else {
                    throw StorageError.conflict(field: "wal", reason: "\(name) is already archived with other contents")
                }
            } else {
                try await store.put(data, key: name, contentType: "application/octet-stream")
            }
        }
    }

    /// `footfall wal fetch` (PostgreSQL's `restore_command`): copies one archived WAL file to
    /// `path`. Returns false when the archive has no such file (the end of the archive, for
    /// PostgreSQL).
    public static func fetchWAL(name: String, to path: String, from source: String, configuration: FootfallConfiguration,
                                logger: Logger) async throws -> Bool {
        let data = try await withArchive(source, field: "from", configuration: configuration, logger: logger) { store, _ in
            try await store.get(key: name)
        }
        guard let data else { return false }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        return true
    }

    /// `footfall backup` with PostgreSQL: a base backup by `pg_basebackup` (compressed tar,
    /// with the WAL it needs, and its manifest), put in `target`
    /// (a new directory or an S3 prefix) as `base.tar.gz` and `backup_manifest`. Returns the
    /// files written and their sizes.
    public static func backupPostgres(configuration: FootfallConfiguration, to target: String, logger: Logger) async throws
        -> [(name: String, size: Int)]
    {
        guard let url = configuration.databaseURL else {
            throw StorageError.invalidInput(field: "database-url", reason: "no PostgreSQL database is configured")
        }
        let database = try PostgresStoreConfiguration(url: url, secretKey: configuration.secretKey ?? [])
        if !target.hasPrefix("s3://"), FileManager.default.fileExists(atPath: target + "/base.tar.gz") {
            throw StorageError.invalidInput(field: "to", reason: "\(target) already holds a base backup; a backup never replaces one")
        }
        if target.hasPrefix("s3://") {
            let existing = try await withArchive(target, field: "to", configuration: configuration, logger: logger) { store, _ in
                try? await store.get(key: "backup_manifest")
            }
            if existing != nil {
                throw StorageError.invalidInput(field: "to", reason: "\(target) already holds a base backup; a backup never replaces one")
            }
        }
        let work = NSTemporaryDirectory() + "footfall-basebackup-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        // The password goes through the environment, never the command line (which `ps` shows).
        let connection = "host=\(database.host) port=\(database.port) dbname=\(database.database) sslmode=\(database.tlsMode.rawValue)"
        try run(postgresTool("pg_basebackup"), ["--dbname", connection, "--username", database.username, "--pgdata", work,
                                                "--format", "tar", "--gzip", "--wal-method", "fetch", "--checkpoint", "fast",
                                                "--no-password"],
                environment: database.password.map { ["PGPASSWORD": $0] } ?? [:], field: "database-url")
        var written: [(String, Int)] = []
        // The manifest last: a prefix holding it holds a whole base backup.
        let names = ["base.tar.gz", "backup_manifest"]
        for name in names {
            let size = (try FileManager.default.attributesOfItem(atPath: work + "/" + name)[.size] as? NSNumber)?.intValue ?? 0
            written.append((name, size))
        }
        if target.hasPrefix("s3://") {
            // Sent in parts from the file: a base backup may be far larger than memory.
            try await withArchive(target, field: "to", configuration: configuration, logger: logger) { _, client in
                guard let client else { throw StorageError.backend(operation: "back up", reason: "not an S3 archive") }
                for name in names {
                    try await client.putFile(at: work + "/" + name, key: client.configuration.prefix + name,
                                             contentType: "application/octet-stream")
                }
            }
        } else {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for name in names { try FileManager.default.copyItem(atPath: work + "/" + name, toPath: target + "/" + name) }
        }
        logger.info("backup.written", metadata: ["backup.location": "\(target)", "backup.kind": "postgresql base backup"])
        return written
    }

    /// `footfall restore` with PostgreSQL: puts the base backup in `source` into the new data
    /// directory `pgdata` and sets it to recover from the WAL archive `walSource` (through
    /// `footfall wal fetch`) up to `until` (or to the end of the archive), then promote. Start
    /// PostgreSQL on `pgdata` to run the recovery.
    public static func restorePostgres(from source: String, pgdata: String, walSource: String, until: Date?,
                                       configuration: FootfallConfiguration, logger: Logger) async throws {
        let manager = FileManager.default
        if let contents = try? manager.contentsOfDirectory(atPath: pgdata), !contents.isEmpty {
            throw StorageError.invalidInput(field: "pgdata", reason: "\(pgdata) is not empty; restore into a new directory")
        }
        try manager.createDirectory(atPath: pgdata, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var tarball = source + "/base.tar.gz"
        if source.hasPrefix("s3://") {
            let base = try await withArchive(source, field: "from", configuration: configuration, logger: logger) { store, _ in
                try await store.get(key: "base.tar.gz")
            }
            guard let base else { throw StorageError.invalidInput(field: "from", reason: "\(source) holds no base.tar.gz") }
            tarball = pgdata + "/.base.tar.gz"
            try base.write(to: URL(fileURLWithPath: tarball))
        } else if !manager.fileExists(atPath: tarball) {
            throw StorageError.invalidInput(field: "from", reason: "\(source) holds no base.tar.gz")
        }
        try run("/bin/tar", ["-xzf", tarball, "-C", pgdata], field: "from")
        if source.hasPrefix("s3://") { try manager.removeItem(atPath: tarball) }
        // This very binary, wherever it was started from.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var settings = [
            "restore_command = '\(try shellQuoted(executable, field: "footfall")) wal fetch %f %p --from \(try shellQuoted(walSource, field: "wal-from"))'",
            "recovery_target_action = 'promote'",
            // The restored server must not push its new history into the archive it recovers
            // from: turn archiving back on, to a new archive, once the restore is checked.
            "archive_mode = 'off'",
        ]
        if let until { settings.append("recovery_target_time = '\(postgresTime(until))'") }
        let auto = pgdata + "/postgresql.auto.conf"
        let existing = (try? String(contentsOfFile: auto, encoding: .utf8)) ?? ""
        try (existing + "\n# Footfall restore\n" + settings.joined(separator: "\n") + "\n").write(toFile: auto, atomically: true, encoding: .utf8)
        // Without this file PostgreSQL would start as a primary and skip the recovery.
        do {
            try Data().write(to: URL(fileURLWithPath: pgdata + "/recovery.signal"))
        } catch {
            throw StorageError.invalidInput(field: "pgdata", reason: "cannot write \(pgdata)/recovery.signal (\(error.localizedDescription)); remove \(pgdata) and restore again")
        }
        logger.info("backup.restored", metadata: ["backup.location": "\(source)", "backup.pgdata": "\(pgdata)"])
    }

    /// `2026-12-02 10:30:00.123456+00`, to the microsecond, as PostgreSQL reads a time.
    public static func postgresTime(_ date: Date) -> String {
        var seconds = date.timeIntervalSince1970.rounded(.down)
        var micros = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded())
        if micros == 1_000_000 {
            seconds += 1
            micros = 0
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
                      c.minute ?? 0, c.second ?? 0, micros)
    }

    /// Reads `2026-12-02T10:30:00Z`, with up to six digits of fractional seconds and any offset.
    public static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        guard let dot = text.firstIndex(of: "."),
              let end = text[text.index(after: dot)...].firstIndex(where: { !$0.isNumber }),
              text.distance(from: dot, to: end) > 1, text.distance(from: dot, to: end) <= 7,
              let fraction = Double("0" + text[dot..<end])
        else { return nil }
        return formatter.date(from: String(text[..<dot] + text[end...]))?.addingTimeInterval(fraction)
    }

    /// A PostgreSQL client tool: from Debian's PostgreSQL 15 if there, else `/usr/bin`'s.
    static func postgresTool(_ name: String) -> String {
        let debian = "/usr/lib/postgresql/15/bin/" + name
        return FileManager.default.isExecutableFile(atPath: debian) ? debian : "/usr/bin/" + name
    }

    /// Runs a tool and waits; a failure names `field` and carries what the tool said.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:], field: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: said, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StorageError.invalidInput(field: field, reason: "\((tool as NSString).lastPathComponent) failed: \(text.prefix(500))")
        }
    }

    /// `text` in double quotes for the shell that runs a PostgreSQL command setting (itself in
    /// single quotes); characters that would need more escaping are refused, naming `field`.
    static func shellQuoted(_ text: String, field: String) throws -> String {
        guard !text.contains(where: { "'\"\\$`\n".contains($0) }) else {
            throw StorageError.invalidInput(field: field, reason: "\(text) holds a quote, backslash, $ or backquote; use another path")
        }
        return "\"\(text)\""
    }
}
