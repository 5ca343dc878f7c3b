import CountingCore
import Testing

struct KalmanBoxFilterTests {
    @Test func learnsAConstantVelocityAndPredictsAhead() {
        var filter = KalmanBoxFilter(box: Box(x: 0, y: 0, width: 40, height: 100))
        for step in 1...30 {
            filter.predict(dt: 0.1)
            filter.update(with: Box(x: Double(step) * 5, y: 0, width: 40, height: 100))
        }
        #expect(abs(filter.velocity.x - 50) < 2)
        #expect(abs(filter.velocity.y) < 1)
        filter.predict(dt: 1)
        #expect(abs(filter.box.x - 200) < 5)
        #expect(abs(filter.box.height - 100) < 1)
    }

    @Test func theSameMotionGivesTheSameEstimateAtAnyFrameRate() {
        func run(fps: Double) -> Double {
            var filter = KalmanBoxFilter(box: Box(x: 0, y: 0, width: 40, height: 100))
            let frames = Int(3 * fps)
            for step in 1...frames {
                filter.predict(dt: 1 / fps)
                filter.update(with: Box(x: 60 * Double(step) / fps, y: 0, width: 40, height: 100))
            }
            return filter.velocity.x
        }
        #expect(abs(run(fps: 10) - 60) < 3)
        #expect(abs(run(fps: 30) - 60) < 3)
    }
}
