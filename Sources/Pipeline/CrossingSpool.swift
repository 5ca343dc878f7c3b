import CountingCore
import Foundation
import Storage

/// A camera run's crossings that the sink has not yet taken, on disk: written (and synced)
/// before each delivery, emptied once the sink took them. A run that ends with crossings held,
/// or a process killed mid-delivery, leaves its file: the camera's next run in the process
/// takes it over, and `SpoolDrainService` delivers whatever no live run holds. Delivery is
/// idempotent, so a spool delivered twice stores each crossing once.
///
/// One file per run (`<camera hex>-<run>-<random>.jsonl`, one crossing per line) in a directory
/// per process and tenant. The run holds an exclusive `flock` on its file while it lives, so
/// that nobody else takes it; whoever takes a closed file claims it the same way first.
struct CrossingSpool {
    /// Where the file is.
    let path: String
    /// How many of the pending crossings are in the file.
    private var written = 0
    private let handle: FileHandle

    /// Opens a new, empty spool file for `runID` of `cameraID` in `directory`, and locks it.
    init(directory: String, cameraID: String, runID: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = Self.prefix(cameraID) + runID + "-" + UUID().uuidString.prefix(8).lowercased() + ".jsonl"
        path = (directory as NSString).appendingPathComponent(name)
        // Made under a name nobody looks for, locked, then given its own: a drain never sees it
        // unlocked. The lock stays with the file through the rename.
        let hidden = path + ".new"
        // Close-on-exec: a child process started without closing what it inherits would
        // otherwise share the lock and hold it after the run closes the file.
        let descriptor = open(hidden, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StorageError.backend(operation: "open the crossing spool", reason: "cannot create \(hidden): errno \(errno)")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, rename(hidden, path) == 0 else {
            Foundation.close(descriptor)
            try? FileManager.default.removeItem(atPath: hidden)
            throw StorageError.backend(operation: "open the crossing spool", reason: "cannot lock and name \(path): errno \(errno)")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Makes the file hold `pending` (the outbox's crossings, oldest first), appending those not
    /// yet written and syncing.
    mutating func write(_ pending: [CrossingRecord]) throws {
        if pending.count < written {
            try handle.truncate(atOffset: 0)
            written = 0
        }
        guard pending.count > written else { return }
        var data = Data()
        for crossing in pending[written...] {
            data.append(try JSONEncoder().encode(Line(crossing)))
            data.append(0x0A)
        }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        try handle.synchronize()
        written = pending.count
    }

    /// The sink took everything: the file is emptied (not synced: should a crash undo it, the
    /// crossings are delivered again and stored once).
    mutating func delivered() throws {
        guard written > 0 else { return }
        try handle.truncate(atOffset: 0)
        written = 0
    }

    /// Removes the file when it holds nothing, then closes it, which lets others claim it.
    func close() {
        if written == 0 { try? FileManager.default.removeItem(atPath: path) }
        try? handle.close()
    }

    /// The spool files in `directory` (of one camera, if given), by name.
    static func files(in directory: String, cameraID: String? = nil) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let prefix = cameraID.map(Self.prefix) ?? ""
        return names.filter { $0.hasSuffix(".jsonl") && $0.hasPrefix(prefix) }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// A camera's files begin with its id in hexadecimal (any id makes a safe file name) and a dash.
    private static func prefix(_ cameraID: String) -> String {
        Array(cameraID.utf8).map { String(format: "%02x", $0) }.joined() + "-"
    }

    /// A closed spool file taken by one reader: locked until `release`, so that no live run's
    /// file and no file another reader took is delivered twice at once.
    struct Claim {
        let path: String
        private let descriptor: Int32

        /// Nil when the file is gone or someone holds it (its run is alive, or another reader
        /// took it).
        init?(path: String) {
            let descriptor = open(path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            // A file its claimer removed after we opened it is gone already.
            var status = stat()
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, fstat(descriptor, &status) == 0, status.st_nlink > 0 else {
                Foundation.close(descriptor)
                return nil
            }
            self.path = path
            self.descriptor = descriptor
        }

        /// Its crossings; a line cut short by a crash (the last one) is skipped.
        func read() throws -> [CrossingRecord] {
            try CrossingSpool.read(path)
        }

        /// Lets go of the file, removing it first when its crossings are safe elsewhere.
        func release(removing: Bool) {
            if removing { try? FileManager.default.removeItem(atPath: path) }
            Foundation.close(descriptor)
        }
    }

    /// The crossings of one spool file; a line cut short by a crash (the last one) is skipped.
    static func read(_ path: String) throws -> [CrossingRecord] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.split(separator: 0x0A).compactMap { try? JSONDecoder().decode(Line.self, from: Data($0)).record }
    }

    /// One crossing, one line.
    private struct Line: Codable {
        var id: String
        var camera: String
        var line: String
        var direction: CrossingDirection
        var track: Int
        /// Seconds since 2001-01-01, the date's own number, so that it reads back exactly: the
        /// store keys a crossing on its id and time.
        var time: Double
        var version: Int
        var lease: Int64?
        /// Seconds since 2001-01-01, like `time`.
        var counted: Double?

        init(_ crossing: CrossingRecord) {
            id = crossing.id
            camera = crossing.cameraID
            line = crossing.line
            direction = crossing.direction
            track = crossing.trackID
            time = crossing.time.timeIntervalSinceReferenceDate
            version = crossing.geometryVersion
            lease = crossing.leaseToken
            counted = crossing.countedAt?.timeIntervalSinceReferenceDate
        }

        var record: CrossingRecord {
            CrossingRecord(id: id, cameraID: camera, line: line, direction: direction, trackID: track,
                           time: Date(timeIntervalSinceReferenceDate: time), geometryVersion: version, leaseToken: lease,
                           countedAt: counted.map { Date(timeIntervalSinceReferenceDate: $0) })
        }
    }
}
