import Storage
import Testing

struct CameraSourceTests {
    @Test(arguments: [
        ("external", CameraSource.external),
        ("rtsp://user:secret@10.0.0.5:554/stream1", .stream(url: "rtsp://user:secret@10.0.0.5:554/stream1")),
        ("http://camera.local/video.mjpg", .stream(url: "http://camera.local/video.mjpg")),
        ("/srv/videos/door.mp4", .file(path: "/srv/videos/door.mp4")),
        ("samples/vtest.avi", .file(path: "samples/vtest.avi")),
    ])
    func theSourceTextDecidesTheKindOnce(text: String, kind: CameraSource) {
        #expect(CameraSource(text) == kind)
        #expect(kind.text == text)
        #expect(Camera(id: "c", name: "C", source: text, geometry: .init()).sourceKind == kind)
    }
}
