import CountingCore

/// A camera and what is drawn on it.
public struct Camera: Hashable, Sendable {
    /// Short stable identifier used in URLs: letters, digits, `-` and `_`.
    public var id: String
    public var name: String
    /// Where the video comes from: a file path or URL. May hold credentials; never log it raw.
    public var source: String
    public var geometry: Geometry

    public init(id: String, name: String, source: String, geometry: Geometry) {
        self.id = id
        self.name = name
        self.source = source
        self.geometry = geometry
    }

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        if id.isEmpty || id.count > 64 || !id.allSatisfy(allowed.contains) {
            throw .invalidInput(field: "camera.id", reason: "use 1 to 64 letters, digits, '-' or '_'")
        }
        if name.isEmpty || name.count > 200 {
            throw .invalidInput(field: "camera.name", reason: "a name must have 1 to 200 characters")
        }
        if source.isEmpty {
            throw .invalidInput(field: "camera.source", reason: "a source path or URL is required")
        }
        do throws(CountingCoreError) {
            try geometry.validate()
        } catch {
            switch error {
            case .invalidGeometry(let field, let reason):
                throw .invalidInput(field: "camera.geometry.\(field)", reason: reason)
            }
        }
    }
}
