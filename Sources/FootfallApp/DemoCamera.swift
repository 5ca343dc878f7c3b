import CountingCore
import Storage
import Vision

/// The demo camera: OpenCV's sample pedestrian video played as a live camera.
public enum DemoCamera {
    /// One line across the walkway (in = walking left, towards the grass on the left), one
    /// across the path at the bottom (in = walking down the image), and one zone over the road
    /// junction on the right. Pixels of the 768×576 video.
    /// `Fixtures/vtest-geometry.json` holds the same geometry for `footfall count`.
    public static let geometry = Geometry(
        lines: [
            CountingLine(name: "walkway", a: Point(x: 360, y: 180), b: Point(x: 360, y: 380)),
            CountingLine(name: "plaza-south", a: Point(x: 150, y: 470), b: Point(x: 700, y: 470)),
        ],
        zones: [Zone(name: "junction", polygon: [
            Point(x: 440, y: 190), Point(x: 620, y: 120), Point(x: 768, y: 110),
            Point(x: 768, y: 480), Point(x: 600, y: 430), Point(x: 440, y: 330),
        ])])

    /// How big a person looks in the video: about 20×55 pixels with the feet at row 150,
    /// 37×100 at row 365 (`--person-size 150:20x55,365:37x100`).
    public static let personSize = PersonSize(far: .init(y: 150, width: 20, height: 55),
                                              near: .init(y: 365, width: 37, height: 100))

    /// The demo camera's id.
    public static let id = "demo"

    /// The demo camera, with the trained detector when its model is installed in `dataDirectory`.
    public static func camera(video: String, dataDirectory: String? = nil) -> Camera {
        let trained = dataDirectory.map { SSDModel.isInstalled(directory: DefaultDetector.model.directory(dataDirectory: $0)) } ?? false
        return Camera(id: id, name: "Demo plaza (vtest.avi)", source: video, geometry: geometry,
                      detector: trained ? "ssd" : Camera.defaultDetector)
    }
}
