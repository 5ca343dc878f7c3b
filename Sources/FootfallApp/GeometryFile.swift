import CountingCore
import Foundation

/// Reads and checks a geometry file (see `docs/counting.md` for the format).
public enum GeometryFile {
    public static func load(path: String) throws(ConfigurationError) -> Geometry {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableFile(key: "lines", path: path, reason: error.localizedDescription)
        }
        let geometry: Geometry
        do {
            geometry = try JSONDecoder().decode(Geometry.self, from: data)
        } catch {
            throw .unreadableFile(key: "lines", path: path, reason: describe(error))
        }
        do throws(CountingCoreError) {
            try geometry.validate()
        } catch {
            throw .invalidValue(key: "lines", source: path, reason: error.description)
        }
        return geometry
    }

    /// A decoding error as a sentence that names the JSON path.
    private static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : "at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys): "
        }
        switch error as? DecodingError {
        case .dataCorrupted(let context): return path(context) + context.debugDescription
        case .keyNotFound(let key, let context): return path(context) + "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return path(context) + context.debugDescription
        default: return "\(error)"
        }
    }
}
