import Foundation

/// Paths inside the Footfall checkout, for tests that run its scripts and fixtures.
public enum Repository {
    /// The checkout's top directory.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL

    /// The path of `scripts/<name>`.
    public static func script(_ name: String) -> String {
        root.appendingPathComponent("scripts").appendingPathComponent(name).path
    }

    /// The path of `Fixtures/<name>`.
    public static func fixture(_ name: String) -> String {
        root.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}
