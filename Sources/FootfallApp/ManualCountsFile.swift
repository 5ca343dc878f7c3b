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
        do {
            return try JSONDecoder().decode(ManualCounts.self, from: data)
        } catch {
            throw .unreadableFile(key: "truth", path: path, reason: ConfigurationError.reason(decoding: error))
        }
    }
}
