/// One configuration setting: the key used on the command line and in the JSON configuration
/// file, the environment variable that holds it, its default as users see it, and what it does.
/// ``Settings`` lists them all; `FootfallConfiguration.load`, the commands' `--help` and the
/// README's table all come from that list.
public struct Setting: Sendable, Hashable {
    /// The key: `--<key>` on the command line, `"<key>"` in the configuration file.
    public var key: String
    /// How it is given on the command line (`--data-dir`, `--no-cameras`); nil when it may
    /// only come from the environment or the file (secrets, which must not show in `ps`).
    public var commandLine: String?
    /// The default as shown to users.
    public var defaultText: String
    /// What it does, in a phrase.
    public var help: String
    /// Holds a password or key: never taken from the command line, never logged.
    public var isSecret: Bool

    /// - Parameters:
    ///   - commandLine: its spelling on the command line when not `--<key>` (it is then an option).
    ///   - onCommandLine: true for the settings the commands take as options (`--<key>`); the
    ///     others come from the environment or the file only.
    public init(key: String, commandLine: String? = nil, onCommandLine: Bool = false, defaultText: String, help: String,
                isSecret: Bool = false) {
        self.key = key
        self.commandLine = isSecret ? nil : (commandLine ?? (onCommandLine ? "--\(key)" : nil))
        self.defaultText = defaultText
        self.help = help
        self.isSecret = isSecret
    }

    /// The environment variable that holds it: `FOOTFALL_` and the key in capitals.
    public var environmentVariable: String { ConfigReader.environmentName(key) }

    /// The `--help` text of its option: what it does, its variable and its default.
    public var optionHelp: String {
        "\(help.prefix(1).uppercased() + help.dropFirst()). [env: \(environmentVariable), default: \(defaultText)]"
    }
}
