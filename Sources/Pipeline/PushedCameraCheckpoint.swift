import CountingCore
import Foundation
import Messaging

/// What a pushed camera's next holder needs to count on exactly as the last one would have:
/// the run's name and start (so crossings keep their ids), the last batch counted and the
/// counting engine itself. Written, with the batches it covers acknowledged, only when every
/// crossing counted so far is delivered.
struct PushedCameraCheckpoint: Codable {
    /// Raised when the layout changes, so an older one is never misread.
    static let format = 1

    var format = Self.format
    var runID: String
    var start: Date
    var lastAnalysed: Double
    var geometryVersion: Int
    var engine: CountingEngine

    func encoded(cameraID: String, leaseToken: Int64) throws -> CameraCheckpoint {
        CameraCheckpoint(cameraID: cameraID, leaseToken: leaseToken,
                         state: String(decoding: try Self.encoder.encode(self), as: UTF8.self))
    }

    /// The checkpoint in `kept`, or nil when it is of another format or does not decode.
    static func decoded(_ kept: CameraCheckpoint) -> Self? {
        guard let checkpoint = try? decoder.decode(Self.self, from: Data(kept.state.utf8)),
              checkpoint.format == format else { return nil }
        return checkpoint
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
