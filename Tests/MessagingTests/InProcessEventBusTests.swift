import Foundation
import Messaging
import Testing

struct InProcessEventBusTests {
    let message = LiveMessage.occupancy(.init(cameraID: "c", zone: "z", occupancy: 2, time: Date(timeIntervalSince1970: 0)))

    @Test func everySubscriberGetsEveryMessage() async {
        let bus = InProcessEventBus()
        let first = bus.subscribe()
        let second = bus.subscribe()
        bus.publish(message)
        var a = first.makeAsyncIterator()
        var b = second.makeAsyncIterator()
        #expect(await a.next() == message)
        #expect(await b.next() == message)
    }

    @Test func aSlowSubscriberKeepsOnlyTheNewestMessages() async {
        let bus = InProcessEventBus(bufferSize: 2)
        let stream = bus.subscribe()
        for occupancy in 1...5 {
            bus.publish(.occupancy(.init(cameraID: "c", zone: "z", occupancy: occupancy, time: Date(timeIntervalSince1970: 0))))
        }
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        let second = await iterator.next()
        #expect(first.map { if case .occupancy(let o) = $0 { o.occupancy } else { -1 } } == 4)
        #expect(second.map { if case .occupancy(let o) = $0 { o.occupancy } else { -1 } } == 5)
    }

    @Test func endingASubscriptionRemovesIt() async {
        let bus = InProcessEventBus()
        do {
            let stream = bus.subscribe()
            #expect(bus.subscriberCount == 1)
            let task = Task { for await _ in stream {} }
            task.cancel()
            await task.value
        }
        #expect(bus.subscriberCount == 0)
    }
}
