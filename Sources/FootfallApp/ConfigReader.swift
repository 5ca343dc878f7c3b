import Foundation

/// The one place configuration values are read from: command line, then environment
/// (`FOOTFALL_` + the key in capitals with `_` for `-`), then the configuration file, then defaults.
public struct ConfigReader: Sendable {
    /// A value and where it came from, for error messages.
    public struct Value: Sendable {
        public var text: String
        public var source: String
    }

    private let commandLine: [String: String]
    private let environment: [String: String]
    private let file: [String: String]
    private let filePath: String?

    /// - Parameters:
    ///   - commandLine: options given on the command line, by key (`data-dir`).
    ///   - environment: the process environment.
    ///   - fileContents: the JSON configuration file's data, when there is one.
    public init(commandLine: [String: String], environment: [String: String], file: (path: String, data: Data)? = nil)
        throws(ConfigurationError)
    {
        self.commandLine = commandLine
        self.environment = environment
        self.filePath = file?.path
        guard let file else {
            self.file = [:]
            return
        }
        guard let object = try? JSONDecoder().decode([String: FileValue].self, from: file.data) else {
            throw .unreadableFile(key: "config", path: file.path,
                                  reason: "not a JSON object of strings, numbers and booleans")
        }
        let values = object.mapValues(\.text)
        self.file = values
    }

    /// The environment variable that holds `key`.
    public static func environmentName(_ key: String) -> String {
        "FOOTFALL_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The value of `setting`, from the first place that has it; a secret is never taken from
    /// the command line.
    public func value(_ setting: Setting) -> Value? {
        value(setting.key, fromCommandLine: !setting.isSecret)
    }

    public func string(_ setting: Setting, default defaultValue: String) -> String {
        value(setting)?.text ?? defaultValue
    }

    public func int(_ setting: Setting, default defaultValue: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        try int(setting.key, value: value(setting), default: defaultValue, range: range)
    }

    public func double(_ setting: Setting, default defaultValue: Double, range: ClosedRange<Double>)
        throws(ConfigurationError) -> Double
    {
        guard let value = value(setting) else { return defaultValue }
        guard let number = Double(value.text), number.isFinite, range.contains(number) else {
            throw .invalidValue(key: setting.key, source: value.source,
                                reason: "\"\(value.text)\" is not a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    public func bool(_ setting: Setting, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        try bool(setting.key, value: value(setting), default: defaultValue)
    }

    private func value(_ key: String, fromCommandLine: Bool) -> Value? {
        if fromCommandLine, let text = commandLine[key] { return Value(text: text, source: "--\(key)") }
        let variable = Self.environmentName(key)
        if let text = environment[variable], !text.isEmpty { return Value(text: text, source: variable) }
        if let text = file[key], let filePath { return Value(text: text, source: filePath) }
        return nil
    }

    private func int(_ key: String, value: Value?, default defaultValue: Int, range: ClosedRange<Int>)
        throws(ConfigurationError) -> Int
    {
        guard let value else { return defaultValue }
        guard let number = Int(value.text), range.contains(number) else {
            throw .invalidValue(key: key, source: value.source,
                                reason: "\"\(value.text)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private func bool(_ key: String, value: Value?, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let value else { return defaultValue }
        switch value.text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .invalidValue(key: key, source: value.source, reason: "\"\(value.text)\" is not true or false")
        }
    }

    /// A scalar in the configuration file.
    private struct FileValue: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                text = bool ? "true" : "false"
            } else if let int = try? container.decode(Int.self) {
                text = String(int)
            } else if let double = try? container.decode(Double.self) {
                text = String(double)
            } else {
                text = try container.decode(String.self)
            }
        }
    }
}
