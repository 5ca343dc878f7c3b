import CountingCore

/// One row of a MOTChallenge text file: `frame, id, left, top, width, height, conf, x, y, z`.
public struct MOTRow: Hashable, Sendable {
    /// Frame number, from 1.
    public var frame: Int
    /// Track identity (−1 for detections).
    public var id: Int
    public var box: Box
    /// Detector score for detections; for ground truth 1 (scored) or 0 (ignored).
    public var confidence: Double

    public init(frame: Int, id: Int, box: Box, confidence: Double) {
        self.frame = frame
        self.id = id
        self.box = box
        self.confidence = confidence
    }
}

/// Reads and writes MOTChallenge text files.
public enum MOTFile {
    /// Errors name the line and the field.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }

        public var description: String { "line \(line): \(reason)" }
    }

    /// The largest frame number accepted: 10 days at 120 frames/s.
    public static let maximumFrame = 100_000_000

    /// Parses the text of a MOT file. Blank lines are skipped; at least 7 fields are needed.
    public static func parse(_ text: String) throws(ParseError) -> [MOTRow] {
        var rows: [MOTRow] = []
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 7 else {
                throw ParseError(line: lineNumber, reason: "expected at least 7 comma-separated fields, found \(fields.count)")
            }
            var numbers: [Double] = []
            numbers.reserveCapacity(7)
            for (index, field) in fields.prefix(7).enumerated() {
                guard let value = Double(field.trimmingWhitespace()), value.isFinite else {
                    let names = ["frame", "id", "bb_left", "bb_top", "bb_width", "bb_height", "conf"]
                    throw ParseError(line: lineNumber, reason: "\(names[index]) is not a number: \"\(field)\"")
                }
                numbers.append(value)
            }
            guard let frame = Int(exactly: numbers[0]), (1...maximumFrame).contains(frame) else {
                throw ParseError(line: lineNumber, reason: "frame must be a whole number from 1 to \(maximumFrame)")
            }
            guard let id = Int(exactly: numbers[1]), abs(id) <= Int(Int32.max) else {
                throw ParseError(line: lineNumber, reason: "id must be a whole number of at most 10 digits")
            }
            rows.append(MOTRow(frame: frame, id: id,
                               box: Box(x: numbers[2], y: numbers[3], width: numbers[4], height: numbers[5]),
                               confidence: numbers[6]))
        }
        return rows
    }

    /// Formats trajectories as MOT rows, sorted by frame then id.
    public static func format(_ trajectories: Trajectories) -> String {
        var text = ""
        for frame in trajectories.frames.keys.sorted() {
            for (id, box) in trajectories.frames[frame]!.sorted(by: { $0.id < $1.id }) {
                text += "\(frame),\(id),\(rounded(box.x)),\(rounded(box.y)),\(rounded(box.width)),\(rounded(box.height)),1,-1,-1,-1\n"
            }
        }
        return text
    }

    // Full precision: rounding would move boxes across the IoU 0.5 threshold when re-scored.
    private static func rounded(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
