import CountingCore
import Foundation
import Messaging
import NIOCore
import Storage
import Testing
@testable import MessagingRabbitMQ

struct CrossingMessageTests {
    static func crossing(_ i: Int, camera: String) -> CrossingRecord {
        // Geometry versions and lease tokens vary, so that the round trip checks they travel.
        CrossingRecord(id: "\(camera)-\(i)", cameraID: camera, line: "door", direction: i % 2 == 0 ? .in : .out,
                       trackID: i, time: Date(timeIntervalSince1970: 1_800_000_000.123 + Double(i)),
                       geometryVersion: 1 + i % 3, leaseToken: i % 2 == 0 ? Int64(100 + i) : nil,
                       countedAt: i % 2 == 0 ? Date(timeIntervalSince1970: 1_800_000_005.5 + Double(i)) : nil)
    }

    @Test func oneMessagePerCameraAndFiveHundredCrossingsThatRoundTrip() throws {
        // Two cameras interleaved, as two cameras' frames may be handed over together.
        let crossings = (0..<3).flatMap { [Self.crossing($0, camera: "a"), Self.crossing($0, camera: "b")] }
            + (3..<1_200).map { Self.crossing($0, camera: "a") }
        let messages = CrossingMessage.messages(for: crossings, exchange: "events")
        let keys: [String] = messages.map { $0.routingKey }
        #expect(keys == ["camera.a.crossing", "camera.a.crossing", "camera.a.crossing", "camera.b.crossing"])
        #expect(messages.first?.properties.messageID == "a-0")
        #expect(messages.allSatisfy { $0.mandatory && $0.properties.deliveryMode == AMQPBasicProperties.persistent })
        let decoded = try messages.flatMap { try CrossingMessage.crossings(from: $0.body) }
        #expect(decoded.count == crossings.count)
        #expect(Set(decoded) == Set(crossings))
        #expect(messages.map { try! CrossingMessage.crossings(from: $0.body).count }.max() == CrossingMessage.maximumCrossings)
    }

    @Test func aMessageFromBeforeVersionsAndLeasesWereCarriedReadsAsVersionOneWithoutALease() throws {
        let body = ByteBuffer(string: #"{"crossings":[{"id":"x","camera":"a","line":"door","direction":"in","track":1,"time":0}]}"#)
        let decoded = try CrossingMessage.crossings(from: body)
        #expect(decoded.map(\.geometryVersion) == [1])
        #expect(decoded.map(\.leaseToken) == [nil])
    }

    @Test func aBadFieldIsNamed() {
        let body = ByteBuffer(string: #"{"crossings":[{"id":"x","camera":"a","line":"door","direction":"sideways","track":1,"time":0}]}"#)
        #expect(throws: MessagingError.self) { try CrossingMessage.crossings(from: body) }
        do {
            _ = try CrossingMessage.crossings(from: body)
        } catch {
            #expect(error.description.contains("crossings[0].direction"))
        }
    }
}
