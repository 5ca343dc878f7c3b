import FootfallApp
import FootfallTestSupport
import Foundation
import Testing

struct SettingsTests {
    @Test func theREADMETableIsTheSettingsTable() throws {
        let readme = try String(contentsOfFile: Repository.root.appendingPathComponent("README.md").path, encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- settings -->\n"))
        let end = try #require(readme.range(of: "\n<!-- /settings -->"))
        let table = String(readme[start.upperBound..<end.lowerBound])
        #expect(table == Settings.markdownTable(), "regenerate with `footfall config --markdown`")
    }

    @Test func everySettingHasItsOwnKeyAndVariable() {
        #expect(Set(Settings.all.map(\.key)).count == Settings.all.count)
        #expect(Settings.all.allSatisfy { $0.environmentVariable.hasPrefix("FOOTFALL_") })
        #expect(Settings.port.optionHelp == "Port to listen on. [env: FOOTFALL_PORT, default: 8080]")
    }

    @Test func secretsAreNeverTakenFromTheCommandLineNorShown() throws {
        let key = Data(repeating: 3, count: 32).base64EncodedString()
        let configuration = try FootfallConfiguration.load(
            commandLine: [Settings.redisURL.key: "redis://evil:1/0"],
            environment: [Settings.secretKey.environmentVariable: key, "FOOTFALL_REDIS_URL": "redis://:pw@cache:6379/0"])
        #expect(configuration.redisURL == "redis://:pw@cache:6379/0")
        let rows = try Settings.explain(commandLine: [Settings.port.key: "9000"],
                                        environment: ["FOOTFALL_REDIS_URL": "redis://:pw@cache:6379/0"])
        let redis = try #require(rows.first { $0.setting == Settings.redisURL })
        #expect(redis.value == "(set)" && redis.source == "FOOTFALL_REDIS_URL")
        let port = try #require(rows.first { $0.setting == Settings.port })
        #expect(port.value == "9000" && port.source == "--port")
        #expect(rows.first { $0.setting == Settings.host }?.source == "default")
    }
}
