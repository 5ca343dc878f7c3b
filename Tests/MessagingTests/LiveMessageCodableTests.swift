import CountingCore
import Foundation
import Messaging
import Storage
import Testing

struct LiveMessageCodableTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000.25)

    @Test(arguments: [
        LiveMessage.crossing(.init(cameraID: "door", line: "entrance", direction: .out, trackID: 12, time: time,
                                   totalIn: 40, totalOut: 38)),
        .occupancy(.init(cameraID: "door", zone: "lobby", occupancy: 7, time: time)),
        .status(.init(cameraID: "door", status: .stalled, reason: "no frame for 15 s", time: time)),
        .status(.init(cameraID: "door", status: .online, reason: nil, time: time)),
    ])
    func roundTripsThroughJSON(message: LiveMessage) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        let data = try encoder.encode(message)
        #expect(try decoder.decode(LiveMessage.self, from: data) == message)
    }

    @Test func unknownTypesAreRefused() {
        let json = #"{"type":"party","camera":"door","time":0}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LiveMessage.self, from: Data(json.utf8)) }
    }

    @Test func stateRoundTrips() throws {
        let state = CameraLiveState(cameraID: "door", status: .online, framesPerSecond: 9.5, updated: Self.time,
                                    lines: [.init(name: "entrance", countIn: 3, countOut: 1)],
                                    zones: [.init(name: "lobby", occupancy: 2)])
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(CameraLiveState.self, from: data) == state)
    }
}

struct InProcessDetectionInboxTests {
    @Test func pushesReachTheLatestReceiverAndFailWithoutOne() async throws {
        let inbox = InProcessDetectionInbox()
        let batch = DetectionBatch(time: Date(timeIntervalSince1970: 5), detections: [Detection(box: Box(x: 1, y: 2, width: 3, height: 4))])
        #expect(throws: MessagingError.noReceiver(cameraID: "cam")) { try inbox.push(cameraID: "cam", batches: [batch]) }
        let old = inbox.receive(cameraID: "cam")
        let new = inbox.receive(cameraID: "cam")
        try inbox.push(cameraID: "cam", batches: [batch, batch])
        var oldIterator = old.batches.makeAsyncIterator()
        // The replaced receiver is finished; the new one gets the batches.
        #expect(try await oldIterator.next() == nil)
        var newIterator = new.batches.makeAsyncIterator()
        #expect(try await newIterator.next()?.batch == batch)
        #expect(try await newIterator.next()?.batch == batch)
        #expect(!inbox.isDurable)
        // Closed, the subscription ends and pushes are refused again.
        await new.close()
        #expect(try await newIterator.next() == nil)
        #expect(throws: MessagingError.noReceiver(cameraID: "cam")) { try inbox.push(cameraID: "cam", batches: [batch]) }
    }
}
