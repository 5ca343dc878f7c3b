import CountingCore
import Testing
import Vision

struct DetectorSpecificationTests {
    @Test func detectorsThatSeePeopleStandingStillTakeTheUnseenOutOfZones() {
        let ssd = DetectorSpecification.ssd(SSDDetectorConfiguration(modelDirectory: "/nonexistent/ssdlite")).recommendedCounting
        #expect(ssd.zonePresenceSeconds == 0.5)
        #expect(ssd.tracker == SSDDetectorConfiguration.tracking)
        #expect(DetectorSpecification.hog(upscale: 1.5).recommendedCounting.zonePresenceSeconds == 0.5)
        let onnx = DetectorSpecification.onnx(modelPath: "/nonexistent.onnx", inputSize: 640, family: .v8, confidenceThreshold: 0.25)
        #expect(onnx.recommendedCounting.zonePresenceSeconds == 0.5)
        // Motion loses a person who stops: they count until their track ends.
        #expect(DetectorSpecification.motion(.init()).recommendedCounting == CountingConfiguration())
        #expect(CountingConfiguration().zonePresenceSeconds == 0)
        // So does a detector run only when something moves.
        #expect(DetectorSpecification.motionGated(.hog(upscale: 1.5)).recommendedCounting.zonePresenceSeconds == 0)
        let gatedSSD = DetectorSpecification.motionGated(.ssd(SSDDetectorConfiguration(modelDirectory: "/nonexistent/ssdlite")))
        #expect(gatedSSD.recommendedCounting.zonePresenceSeconds == 0)
        #expect(gatedSSD.recommendedCounting.tracker == SSDDetectorConfiguration.tracking, "the rest as the detector inside")
    }
}
