import CountingCore
import Evaluation
import Foundation

/// Reads a file of counts made by eye (`Fixtures/vtest-eye-counts.json`).
public enum ManualCountsFile {
    public static func load(path: String) throws(ConfigurationError) -> ManualCounts {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableFile(key: "truth", path: path, reason: error.localizedDescription)
        }
        let counts: ManualCounts
        do {
            counts = try JSONDecoder().decode(ManualCounts.self, from: data)
        } catch {
            throw .unreadableFile(key: "truth", path: path, reason: ConfigurationError.reason(decoding: error))
        }
        // Checked here, where a field's index is the file's own, not a place in the geometry the
        // lines are later merged into.
        for (index, line) in counts.lines.enumerated() {
            for (end, point) in [("a", line.a), ("b", line.b)] where point.count != 2 {
                throw .invalidValue(key: "truth", source: path,
                                    reason: "lines[\(index)].\(end): a point is two numbers, [x, y]")
            }
        }
        do throws(CountingCoreError) {
            try counts.geometry.validate()
        } catch {
            throw .invalidValue(key: "truth", source: path, reason: error.description)
        }
        return counts
    }
}
