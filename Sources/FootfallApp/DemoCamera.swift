import CountingCore
import Storage

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

    public static func camera(video: String) -> Camera {
        Camera(id: "demo", name: "Demo plaza (vtest.avi)", source: video, geometry: geometry)
    }
}
