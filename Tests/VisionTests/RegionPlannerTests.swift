import CountingCore
import Testing
import Vision

/// Region planning is pure: lines, zones and motion in, regions and tiles out.
struct RegionPlannerTests {
    /// People 50 pixels tall everywhere in a 1000 × 800 frame (0.0625 of its height).
    let planner = RegionPlanner(tileWidth: 200, tileHeight: 200, defaultPersonHeight: 0.0625, padding: 1)

    @Test func aLinesBandIsPaddedByAPersonsHeightAndFitsAWholePersonAbove() {
        let line = Geometry(lines: [CountingLine(name: "door", a: Point(x: 400, y: 300), b: Point(x: 600, y: 300))])
        let areas = planner.areas(for: line, frameWidth: 1000, frameHeight: 800)
        // Feet up to one height away on either side, and the body above the highest feet.
        #expect(areas == [Box(x: 350, y: 200, width: 300, height: 150)])
    }

    @Test func aZonesBoxIsPaddedAndClippedToTheFrame() {
        let zone = Geometry(zones: [Zone(name: "lobby", polygon: [Point(x: 20, y: 700), Point(x: 300, y: 650), Point(x: 200, y: 790)])])
        #expect(planner.areas(for: zone, frameWidth: 1000, frameHeight: 800) == [Box(x: 0, y: 550, width: 350, height: 250)])
    }

    @Test func withoutLinesOrZonesTheWholeFrameMatters() {
        #expect(planner.areas(for: Geometry(), frameWidth: 640, frameHeight: 480) == [Box(x: 0, y: 0, width: 640, height: 480)])
    }

    @Test func personSizeGrowsThePaddingNearTheCamera() {
        let sized = RegionPlanner(tileWidth: 200, tileHeight: 200, personSize: PersonSize("100:10x20,500:50x100"), padding: 1)
        let near = sized.areas(for: Geometry(lines: [CountingLine(name: "n", a: Point(x: 400, y: 500), b: Point(x: 500, y: 500))]),
                               frameWidth: 1000, frameHeight: 800)
        let far = sized.areas(for: Geometry(lines: [CountingLine(name: "f", a: Point(x: 400, y: 100), b: Point(x: 500, y: 100))]),
                              frameWidth: 1000, frameHeight: 800)
        #expect(near[0].height > 3 * far[0].height)
    }

    @Test func motionOutsideTheAreasIsIgnoredAndInsideIsCroppedToThem() {
        let areas = [Box(x: 300, y: 200, width: 300, height: 200)]
        let away = planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas,
                                motion: [Box(x: 800, y: 600, width: 30, height: 60)], people: [], wholeAreas: false)
        #expect(away == .nothing)
        let inside = planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas,
                                  motion: [Box(x: 560, y: 250, width: 30, height: 60)], people: [], wholeAreas: false)
        // Padded by one height (50) on every side, then cut to the area.
        #expect(inside.regions == [Box(x: 510, y: 200, width: 90, height: 160)])
        #expect(inside.tiles == [Box(x: 455, y: 180, width: 200, height: 200)])
        #expect(!inside.wholeFrame)
        #expect(abs(inside.relativeCost - 40_000.0 / 800_000) < 1e-9)
    }

    @Test func peopleFromTheLastFrameAreLookedAtEvenWhenStill() {
        let areas = [Box(x: 0, y: 0, width: 1000, height: 800)]
        let plan = planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas, motion: [],
                                people: [Box(x: 100, y: 100, width: 20, height: 50)], wholeAreas: false)
        #expect(plan.regions == [Box(x: 50, y: 50, width: 120, height: 150)])
        #expect(plan.tiles.count == 1)
    }

    @Test func aRefreshLooksAtTheWholeAreas() {
        let areas = [Box(x: 300, y: 200, width: 150, height: 150), Box(x: 700, y: 500, width: 100, height: 100)]
        let plan = planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas, motion: [], people: [], wholeAreas: true)
        #expect(plan.regions == areas)
        #expect(plan.tiles.count == 2)
    }

    @Test func overlappingRegionsAreMerged() {
        let areas = [Box(x: 0, y: 0, width: 1000, height: 800)]
        let plan = planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas,
                                motion: [Box(x: 100, y: 100, width: 20, height: 40), Box(x: 150, y: 120, width: 20, height: 40)],
                                people: [], wholeAreas: false)
        #expect(plan.regions == [Box(x: 50, y: 50, width: 170, height: 160)])
    }

    @Test func aLongRegionIsTiledWithOverlapAndInsideTheFrame() {
        let tiles = planner.tiles(covering: Box(x: 0, y: 300, width: 1000, height: 100), frameWidth: 1000, frameHeight: 800)
        let xs = tiles.map(\.x)
        #expect(xs.first == 0)
        #expect(tiles.last.map { $0.x + $0.width } == 1000)
        #expect(tiles.allSatisfy { $0.y == 250 && $0.width == 200 && $0.height == 200 })
        // Neighbours overlap by at least a person's width and a half (here 30 px).
        for (left, right) in zip(xs, xs.dropFirst()) { #expect(left + 200 - right >= 30) }
        // A region wider than the frame allows is still covered edge to edge.
        let corner = planner.tiles(covering: Box(x: 900, y: 700, width: 100, height: 100), frameWidth: 1000, frameHeight: 800)
        #expect(corner == [Box(x: 800, y: 600, width: 200, height: 200)])
    }

    @Test func theWholeFrameIsChosenWhenTilesWouldCostMore() {
        let areas = [Box(x: 0, y: 0, width: 1000, height: 800)]
        let plan = planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas, motion: [], people: [], wholeAreas: true)
        #expect(plan.wholeFrame)
        #expect(plan.tiles.isEmpty)
        #expect(plan.relativeCost == 1)
        // A frame no bigger than a tile is always run whole.
        let small = planner.plan(frameWidth: 200, frameHeight: 200, areas: [Box(x: 0, y: 0, width: 200, height: 200)],
                                 motion: [Box(x: 10, y: 10, width: 5, height: 5)], people: [], wholeAreas: false)
        #expect(small.wholeFrame)
    }

    @Test func theSamePlanForTheSameInputs() {
        let areas = planner.areas(for: Geometry(lines: [CountingLine(name: "l", a: Point(x: 100, y: 400), b: Point(x: 900, y: 400))]),
                                  frameWidth: 1000, frameHeight: 800)
        let motion = [Box(x: 300, y: 380, width: 25, height: 50), Box(x: 700, y: 390, width: 30, height: 50)]
        #expect(planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas, motion: motion, people: [], wholeAreas: false)
                == planner.plan(frameWidth: 1000, frameHeight: 800, areas: areas, motion: motion, people: [], wholeAreas: false))
    }
}
