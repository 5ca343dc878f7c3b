import MessagingRedis
import Testing

struct RedisConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try RedisConfiguration(
            url: "redis://counter:s%40cret@cache.footfall.local:6380/3?protocol=3&connect_timeout=1.5&command_timeout=2&pool_size=4&client_name=footfall-api")
        #expect(configuration.host == "cache.footfall.local")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "counter")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == 3)
        #expect(configuration.protocolVersion == .resp3)
        #expect(configuration.connectTimeout == .milliseconds(1_500))
        #expect(configuration.commandTimeout == .seconds(2))
        #expect(configuration.poolSize == 4)
        #expect(configuration.clientName == "footfall-api")
        #expect(configuration.tls == nil)
    }

    @Test func appliesDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://localhost")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.protocolVersion == .resp2)
        #expect(configuration.poolSize == 8)
    }

    @Test func passwordOnlyAndTLS() throws {
        let configuration = try RedisConfiguration(url: "rediss://:hunter2@10.0.0.5?ca_file=/etc/footfall/ca.pem")
        #expect(configuration.username == nil)
        #expect(configuration.password == "hunter2")
        #expect(configuration.tls == RedisConfiguration.TLS(caFile: "/etc/footfall/ca.pem"))
    }

    @Test func descriptionHidesThePassword() throws {
        let configuration = try RedisConfiguration(url: "redis://counter:hunter2@localhost:6379/1")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("counter:***@localhost:6379/1"))
        #expect(!"\(try RedisConfiguration(url: "redis://:hunter2@localhost"))".contains("hunter2"))
    }

    @Test(arguments: [
        ("http://localhost", "scheme"),
        ("redis://", "host"),
        ("redis://localhost:99999", "port"),
        ("redis://localhost/zero", "database"),
        ("redis://localhost/-1", "database"),
        ("redis://localhost?protocol=4", "protocol"),
        ("redis://localhost?pool_size=0", "pool_size"),
        ("redis://localhost?command_timeout=soon", "command_timeout"),
        ("redis://localhost?connect_timeout=-1", "connect_timeout"),
        ("redis://localhost?colour=red", "colour"),
        ("redis://localhost?ca_file=/ca.pem", "ca_file"),
        ("redis://user@localhost", "password"),
        ("not a url at all", "scheme"),
        ("redis://localhost:abc/0", "url"),
    ])
    func rejectsBadURLsNamingTheField(url: String, field: String) {
        #expect {
            _ = try RedisConfiguration(url: url)
        } throws: { error in
            guard case .invalidConfiguration(let named, _) = error as? RedisError else { return false }
            return named == field
        }
    }

    @Test func errorsNeverShowThePassword() {
        do {
            _ = try RedisConfiguration(url: "redis://user:hunter2@localhost/nope")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("hunter2"))
            #expect(error.description.contains("database"))
        }
    }
}
