import Foundation

/// The crossings by eye, with their frames, from the same file as `ManualCounts`.
struct EyeCrossings: Decodable {
    struct Line: Decodable {
        struct Crossing: Decodable {
            var frame: Int
            var direction: String
        }

        var name: String
        var crossings: [Crossing]
    }

    var lines: [Line]

    static func load(path: String) throws -> EyeCrossings {
        try JSONDecoder().decode(EyeCrossings.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
