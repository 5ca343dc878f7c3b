import CountingCore
import Foundation
import Testing
import Vision

/// The ssd detector on consecutive frames of the demo video.
@Suite(.enabled(if: SSDFixtures.available, "needs the installed ssdlite model and vtest.avi (scripts/test.sh)"))
struct SSDDetectorTests {
    let geometry = Geometry(
        lines: [CountingLine(name: "walkway", a: Point(x: 360, y: 180), b: Point(x: 360, y: 380))],
        zones: [Zone(name: "junction", polygon: [Point(x: 440, y: 190), Point(x: 620, y: 120), Point(x: 768, y: 110),
                                                 Point(x: 768, y: 480), Point(x: 600, y: 430), Point(x: 440, y: 330)])])

    @Test func regionsFindWhatTheWholeFrameFindsWhereItMatters() throws {
        let model = try SSDFixtures.model()
        let network = try SSDNetwork(model: model)
        let configuration = SSDDetectorConfiguration(modelDirectory: model.directory, mode: .regions,
                                                     personSize: PersonSize("150:20x55,365:37x100"), geometry: geometry,
                                                     refreshInterval: 1000)
        let regions = try SSDDetector(network: network, configuration: configuration)
        var native = configuration
        native.mode = .native
        let whole = try SSDDetector(network: network, configuration: native)
        let frames = try SSDFixtures.frames(Set(90...100))
        var plans: [RegionPlan] = []
        for index in 90...100 {
            let frame = try #require(frames[index])
            let inRegions = try regions.detect(frame)
            plans.append(try #require(regions.lastPlan))
            guard index == 100 else { continue }
            // Everyone native finds inside a region is found by the regions too.
            let plan = try #require(regions.lastPlan)
            let wanted = try whole.detect(frame).filter { person in
                plan.wholeFrame || plan.regions.contains { $0.contains(person.box) }
            }
            #expect(!wanted.isEmpty)
            let score = SSDFixtures.score(inRegions, against: wanted.map(\.box), iou: 0.5)
            #expect(score.matched >= wanted.count - 1, "native \(wanted), regions \(inRegions)")
        }
        // The first frame looks at the whole lines and zones; later ones only where people move.
        #expect(plans.first.map { $0.wholeFrame || !$0.tiles.isEmpty } == true)
        #expect(plans.dropFirst().contains { !$0.wholeFrame && $0.relativeCost < 1 })
        #expect(regions.tilesRun > 0)
    }

    @Test func aBadConfigurationIsRefusedWhenTheDetectorIsMade() throws {
        let model = try SSDFixtures.model()
        #expect(throws: VisionError.self) {
            try DetectorSpecification.ssd(SSDDetectorConfiguration(modelDirectory: model.directory, scoreThreshold: 1.5)).makeDetector()
        }
        #expect {
            try DetectorSpecification.ssd(SSDDetectorConfiguration(modelDirectory: "/nonexistent/ssdlite")).makeDetector()
        } throws: { error in
            "\(error)".contains("not installed in /nonexistent/ssdlite") && "\(error)".contains("footfall models install")
        }
    }
}

extension Box {
    func contains(_ other: Box) -> Bool {
        other.x >= x - 1 && other.y >= y - 1 && other.x + other.width <= x + width + 1 && other.y + other.height <= y + height + 1
    }
}
