import Foundation
import FootfallApp
import Testing

struct FootfallConfigurationTests {
    @Test func defaults() throws {
        let configuration = try FootfallConfiguration.load(commandLine: [:], environment: [:])
        #expect(configuration.dataDirectory == "./footfall-data")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.demo == false)
        #expect(configuration.demoVideo == "./footfall-data/samples/vtest.avi")
    }

    @Test func commandLineBeatsEnvironmentBeatsFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-\(UUID().uuidString).json")
        try Data(#"{"port": 7000, "host": "0.0.0.0", "data-dir": "/srv/file", "demo": true}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try FootfallConfiguration.load(
            commandLine: ["port": "9000", "config": file.path],
            environment: ["FOOTFALL_PORT": "8000", "FOOTFALL_DATA_DIR": "/srv/env"])
        #expect(configuration.port == 9000)
        #expect(configuration.dataDirectory == "/srv/env")
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.demo == true)
        #expect(configuration.demoVideo == "/srv/env/samples/vtest.avi")
    }

    @Test func badValuesNameTheKeyAndWhereItCameFrom() throws {
        #expect(throws: ConfigurationError.invalidValue(key: "port", source: "FOOTFALL_PORT",
                                                        reason: "\"eighty\" is not a whole number from 0 to 65535")) {
            try FootfallConfiguration.load(commandLine: [:], environment: ["FOOTFALL_PORT": "eighty"])
        }
        #expect(throws: ConfigurationError.invalidValue(key: "demo", source: "--demo", reason: "\"maybe\" is not true or false")) {
            try FootfallConfiguration.load(commandLine: ["demo": "maybe"], environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try FootfallConfiguration.load(commandLine: ["config": "/nonexistent/footfall.json"], environment: [:])
        }
    }
}
