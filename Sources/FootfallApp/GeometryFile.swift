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
            throw .unreadableFile(key: "lines", path: path, reason: ConfigurationError.reason(decoding: error))
        }
        do throws(CountingCoreError) {
            try geometry.validate()
        } catch {
            throw .invalidValue(key: "lines", source: path, reason: error.description)
        }
        return geometry
    }
}
