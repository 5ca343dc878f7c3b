import Testing
@testable import MessagingRabbitMQ

@Suite struct AMQPConfigurationTests {
    @Test func parsesEveryPart() throws {
        let configuration = try AMQPConfiguration(url: "amqp://footfall:s%40cret@broker.local:5673/%2F")
        #expect(configuration.user == "footfall")
        #expect(configuration.password == "s@cret")
        #expect(configuration.host == "broker.local")
        #expect(configuration.port == 5673)
        #expect(configuration.virtualHost == "/")
    }

    @Test func percentDecodesTheVirtualHost() throws {
        #expect(try AMQPConfiguration(url: "amqp://u:p@h/site%2Fa").virtualHost == "site/a")
        #expect(try AMQPConfiguration(url: "amqp://u:p@h/counts").virtualHost == "counts")
    }

    @Test func defaultsApplyWhenPartsAreMissing() throws {
        let configuration = try AMQPConfiguration(url: "amqp://rabbit")
        #expect(configuration.user == "guest")
        #expect(configuration.password == "guest")
        #expect(configuration.port == 5672)
        #expect(configuration.virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://[::1]:5679/").port == 5679)
        #expect(try AMQPConfiguration(url: "amqp://[::1]:5679/").host == "::1")
    }

    @Test func badURLsNameTheField() {
        #expect(throws: AMQPError.badURL(field: "scheme", reason: "'http' is not supported; expected amqp or amqps")) {
            try AMQPConfiguration(url: "http://h")
        }
        #expect(throws: AMQPError.badURL(field: "port", reason: "'abc' is not a port number")) {
            try AMQPConfiguration(url: "amqp://h:abc/")
        }
        #expect(throws: AMQPError.badURL(field: "host", reason: "is empty")) { try AMQPConfiguration(url: "amqp://u:p@/") }
        #expect(throws: AMQPError.badURL(field: "vhost", reason: "has an invalid percent escape")) {
            try AMQPConfiguration(url: "amqp://h/%zz")
        }
        #expect(throws: AMQPError.badURL(field: "scheme", reason: "is missing; expected amqp://")) { try AMQPConfiguration(url: "rabbit") }
    }

    @Test func descriptionHidesThePassword() throws {
        let configuration = try AMQPConfiguration(url: "amqp://footfall:topsecret@h:5672/%2F")
        #expect(!configuration.description.contains("topsecret"))
        #expect(!"\(configuration)".contains("topsecret"))
        #expect(configuration.description.contains("footfall:***@h:5672"))
        do {
            _ = try AMQPConfiguration(url: "amqp://footfall:top%zzsecret@h/")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("secret"))
        }
    }
}

struct AMQPConfigurationTLSTests {
    @Test func amqpsSpeaksTLSOnItsOwnPortWithTheAuthorityGiven() throws {
        let configuration = try AMQPConfiguration(url: "amqps://u:p@broker.example/%2F?cacertfile=%2Fetc%2Fca.pem")
        #expect(configuration.tls == AMQPConfiguration.TLS(caFile: "/etc/ca.pem"))
        #expect(configuration.port == 5671)
        #expect(configuration.description.hasPrefix("amqps://u:***@broker.example:5671/%2F"))
        #expect(try AMQPConfiguration(url: "amqps://broker.example:6000").tls == AMQPConfiguration.TLS())
        let noPath = try AMQPConfiguration(url: "amqps://broker.example?cacertfile=/etc/ca.pem")
        #expect(noPath.host == "broker.example" && noPath.tls?.caFile == "/etc/ca.pem" && noPath.virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://broker.example").tls == nil)
        #expect(throws: AMQPError.badURL(field: "cacertfile", reason: "only applies to amqps:// URLs")) {
            try AMQPConfiguration(url: "amqp://broker.example/%2F?cacertfile=/etc/ca.pem")
        }
    }
}
