import Messaging
import Testing

struct InMemoryLiveStateTests {
    @Test func keepsTheLatestStateAndSnapshotPerCamera() {
        let live = InMemoryLiveState()
        live.put(CameraLiveState(cameraID: "b", status: .online))
        live.put(CameraLiveState(cameraID: "a", status: .connecting))
        live.put(CameraLiveState(cameraID: "a", status: .online, lines: [.init(name: "door", countIn: 3)]))
        #expect(live.states().map(\.cameraID) == ["a", "b"])
        #expect(live.state(cameraID: "a")?.lines.first?.countIn == 3)
        #expect(live.snapshot(cameraID: "a") == nil)
        live.putSnapshot(cameraID: "a", jpeg: [0xFF, 0xD8])
        #expect(live.snapshot(cameraID: "a") == [0xFF, 0xD8])
    }
}
