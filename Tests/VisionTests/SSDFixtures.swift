import CountingCore
import Foundation
import Vision

/// The installed ssdlite model and the demo video, found through `FOOTFALL_TEST_MODEL_DIR` and
/// `FOOTFALL_TEST_VIDEO` (`scripts/test.sh` installs both and sets them). Without them the
/// model tests are skipped, except in CI (`CI=true`), where they must run.
enum SSDFixtures {
    static let environment = ProcessInfo.processInfo.environment

    static var modelDirectory: String? { environment["FOOTFALL_TEST_MODEL_DIR"].flatMap { $0.isEmpty ? nil : $0 } }
    static var video: String? { environment["FOOTFALL_TEST_VIDEO"].flatMap { $0.isEmpty ? nil : $0 } }

    static var available: Bool {
        if environment["CI"] == "true" { return true }
        guard let modelDirectory, let video else { return false }
        return SSDModel.isInstalled(directory: modelDirectory) && FileManager.default.fileExists(atPath: video)
    }

    static func model() throws -> SSDModel {
        guard let modelDirectory else { throw FixtureError.missing("FOOTFALL_TEST_MODEL_DIR is not set (scripts/test.sh sets it)") }
        return try SSDModel.load(directory: modelDirectory)
    }

    /// The frames of the demo video at these indices.
    static func frames(_ indices: Set<Int>) throws -> [Int: Frame] {
        guard let video else { throw FixtureError.missing("FOOTFALL_TEST_VIDEO is not set (scripts/test.sh sets it)") }
        let reader = try FFmpegFrameReader(source: video)
        defer { reader.close() }
        var found: [Int: Frame] = [:]
        let last = indices.max() ?? 0
        while found.count < indices.count, let frame = try reader.next(), frame.index <= last {
            if indices.contains(frame.index) { found[frame.index] = frame }
        }
        return found
    }

    /// People in the demo video, boxed by eye (pixels of the 768×576 frame).
    static let people: [Int: [Box]] = [
        100: [
            Box(x: 219, y: 58, width: 17, height: 37),   // far away on the upper lawn
            Box(x: 338, y: 193, width: 35, height: 80),  // woman in black
            Box(x: 372, y: 176, width: 36, height: 84),  // man beside her
            Box(x: 420, y: 183, width: 30, height: 84),  // man half behind the sign
            Box(x: 483, y: 146, width: 30, height: 77),  // pair on the road
            Box(x: 503, y: 147, width: 33, height: 76),
            Box(x: 580, y: 150, width: 36, height: 86),  // man on the right
        ],
        600: [
            Box(x: 188, y: 145, width: 28, height: 70),  // walking left on the upper path
            Box(x: 452, y: 302, width: 44, height: 115), // red jacket by the tripod
            Box(x: 282, y: 430, width: 50, height: 146), // woman at the bottom, cut by the frame
            Box(x: 566, y: 198, width: 30, height: 90),
            Box(x: 668, y: 208, width: 32, height: 88),
            Box(x: 637, y: 303, width: 36, height: 108),
        ],
    ]

    /// How many of `expected` a detection matches (IoU ≥ `iou`, each detection used once), and
    /// how many detections match no one.
    static func score(_ found: [Detection], against expected: [Box], iou: Double = 0.4) -> (matched: Int, extra: Int) {
        var free = found.map(\.box)
        var matched = 0
        for person in expected {
            if let best = free.indices.max(by: { free[$0].iou(person) < free[$1].iou(person) }), free[best].iou(person) >= iou {
                matched += 1
                free.remove(at: best)
            }
        }
        return (matched, free.count)
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-ssd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts").path

    enum FixtureError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let what): what
            }
        }
    }
}
