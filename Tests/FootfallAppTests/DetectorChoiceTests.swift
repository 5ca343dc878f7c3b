import CountingCore
@testable import FootfallApp
import Storage
import Testing
import Vision

/// A camera's detector name becomes the detector its worker runs.
struct DetectorChoiceTests {
    private func specification(_ detector: String) -> DetectorSpecification {
        let camera = Camera(id: "door", name: "Door", source: "rtsp://camera/stream", geometry: Geometry(),
                            detector: detector)
        return DetectorChoice.specification(for: camera, dataDirectory: "/nonexistent").specification
    }

    @Test func eachWeightFreeNameGetsItsOwnBackgroundModel() {
        #expect(specification("motion") == .motion(MotionDetectorConfiguration()))
        #expect(specification("motion-fast") == .motion(MotionDetectorConfiguration(background: .gaussian)))
        #expect(specification("hog") == .hog(upscale: 1.5))
    }

    @Test func theTrainedDetectorWithoutItsModelFallsBackToMotion() {
        #expect(specification("ssd") == .motion(MotionDetectorConfiguration()))
    }
}
