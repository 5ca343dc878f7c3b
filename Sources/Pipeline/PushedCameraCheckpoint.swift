import CountingCore
import Foundation
import Messaging

/// What a pushed camera's next holder needs to count on exactly as the last one would have:
/// the run's name and start, the last batch counted, the counting engine itself, the ordinals
/// of recent crossing ids and the run's figures of recent minutes. Written, and the batches it
/// covers then acknowledged, only when no crossing counted so far is held for delivery
/// (delivered, or on the worker's spool).
struct PushedCameraCheckpoint: Codable {
    /// Raised when the layout changes, so an older one is never misread (`decoded` says which
    /// older ones are still taken up).
    static let format = 4
    /// The oldest format still taken up: format 3 lacks only the zones' presence time, and
    /// reads as none, which is how it counted.
    static let oldestReadable = 3

    var format = Self.format
    var runID: String
    var start: Date
    var lastAnalysed: Double
    var geometryVersion: Int
    var engine: CountingEngine
    /// The ordinals of the last minute's crossing ids, so a crossing held back until its track
    /// is confirmed gets, when counted again, the id it got the first time.
    var crossingOrdinals: [String: CameraRun.CrossingOrdinal]
    /// The run's figures of recent minutes, so that a minute the next holder writes again
    /// (having counted the same frames) is counted once, and the part of the open minute
    /// before the checkpoint is not lost.
    var minutes: MinuteAccumulator.Pending

    func encoded(cameraID: String, leaseToken: Int64) throws -> CameraCheckpoint {
        CameraCheckpoint(cameraID: cameraID, leaseToken: leaseToken,
                         state: String(decoding: try Self.encoder.encode(self), as: UTF8.self))
    }

    /// The checkpoint in `kept`, or nil when it is of another format or does not decode. Formats
    /// 1 and 2 are not taken up: their counting engine has an older shape (format 3 added the
    /// size limit and the replaced-track check), and the next holder starts counting afresh.
    /// Format 4 added the zones' presence time, which format 3 reads as none.
    static func decoded(_ kept: CameraCheckpoint) -> Self? {
        guard let checkpoint = try? decoder.decode(Self.self, from: Data(kept.state.utf8)),
              (oldestReadable...format).contains(checkpoint.format) else { return nil }
        return checkpoint
    }

    init(runID: String, start: Date, lastAnalysed: Double, geometryVersion: Int, engine: CountingEngine,
         crossingOrdinals: [String: CameraRun.CrossingOrdinal], minutes: MinuteAccumulator.Pending) {
        self.runID = runID
        self.start = start
        self.lastAnalysed = lastAnalysed
        self.geometryVersion = geometryVersion
        self.engine = engine
        self.crossingOrdinals = crossingOrdinals
        self.minutes = minutes
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        runID = try container.decode(String.self, forKey: .runID)
        start = try container.decode(Date.self, forKey: .start)
        lastAnalysed = try container.decode(Double.self, forKey: .lastAnalysed)
        geometryVersion = try container.decode(Int.self, forKey: .geometryVersion)
        engine = try container.decode(CountingEngine.self, forKey: .engine)
        crossingOrdinals = try container.decodeIfPresent([String: CameraRun.CrossingOrdinal].self, forKey: .crossingOrdinals) ?? [:]
        minutes = try container.decodeIfPresent(MinuteAccumulator.Pending.self, forKey: .minutes) ?? .init()
    }

    // Stream times start at minus infinity before the first frame.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()
}
