import Crypto
import Foundation

/// An installed SSD model: a directory with the frozen graph, its generated text graph and a
/// manifest (`footfall models install` makes it).
public struct SSDModel: Hashable, Sendable {
    public var directory: String
    public var manifest: ModelManifest

    public var graphPath: String { directory + "/" + manifest.graphFile }
    public var textGraphPath: String { directory + "/" + manifest.textGraphFile }

    public init(directory: String, manifest: ModelManifest) {
        self.directory = directory
        self.manifest = manifest
    }

    /// Whether `directory` holds an installed model (a manifest; the files are checked by `load`).
    public static func isInstalled(directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + ModelManifest.fileName)
    }

    /// Reads the manifest in `directory` and checks that both files are there and that the
    /// graph still has the checksum it was installed with.
    public static func load(directory: String, verifyChecksum: Bool = true) throws(VisionError) -> SSDModel {
        let manifestPath = directory + "/" + ModelManifest.fileName
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw .modelMissing(name: URL(fileURLWithPath: directory).lastPathComponent, directory: directory)
        }
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        } catch {
            throw .modelInvalid(path: manifestPath, reason: "the manifest cannot be read: \(error)")
        }
        let model = SSDModel(directory: directory, manifest: manifest)
        for path in [model.graphPath, model.textGraphPath] where !FileManager.default.isReadableFile(atPath: path) {
            throw .modelInvalid(path: path, reason: "the file is missing: run `footfall models install \(manifest.name) --force`")
        }
        if verifyChecksum {
            let actual = try sha256(ofFile: model.graphPath)
            guard actual == manifest.sha256.lowercased() else {
                throw .modelInvalid(path: model.graphPath, reason: "its SHA-256 is \(actual), not \(manifest.sha256) as installed: "
                    + "the file is corrupt or was changed; run `footfall models install \(manifest.name) --force`")
            }
        }
        return model
    }

    /// SHA-256 of a file, lowercase hex.
    public static func sha256(ofFile path: String) throws(VisionError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .modelInvalid(path: path, reason: "the file cannot be read")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw .modelInvalid(path: path, reason: "reading failed: \(error)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
