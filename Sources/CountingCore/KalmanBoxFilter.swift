/// A constant-velocity Kalman filter on a box's centre x, centre y, aspect ratio (w/h) and height.
///
/// The motion and measurement models act on each of the four quantities separately and the
/// noise is diagonal, so the 8×8 covariance stays block-diagonal: four independent 2×2
/// position/velocity filters. That keeps each step to a few dozen multiplications.
///
/// Noise follows the common "xyah" tracker model (position noise 1/20 and velocity noise 1/160
/// of the box height per frame at 30 frames/s), restated per second so that the filter behaves
/// the same at any frame rate: velocities are in units per second.
public struct KalmanBoxFilter: Hashable, Sendable, Codable {
    /// One quantity: value, rate of change per second, and their 2×2 covariance.
    struct Axis: Hashable, Sendable, Codable {
        var value: Double
        var rate: Double
        var p00: Double
        var p01: Double
        var p11: Double

        mutating func predict(dt: Double, valueNoise: Double, rateNoise: Double) {
            value += rate * dt
            // P = F P Fᵀ + Q with F = [[1, dt], [0, 1]].
            let p00n = p00 + 2 * dt * p01 + dt * dt * p11 + valueNoise
            let p01n = p01 + dt * p11
            p00 = p00n
            p01 = p01n
            p11 += rateNoise
        }

        mutating func update(measurement: Double, noise: Double) {
            let s = p00 + noise
            let k0 = p00 / s
            let k1 = p01 / s
            let innovation = measurement - value
            value += k0 * innovation
            rate += k1 * innovation
            let p00n = (1 - k0) * p00
            let p01n = (1 - k0) * p01
            let p11n = p11 - k1 * p01
            p00 = p00n
            p01 = p01n
            p11 = p11n
        }
    }

    static let positionWeight = 1.0 / 20
    static let velocityWeight = 1.0 / 160
    static let referenceRate = 30.0

    var cx: Axis
    var cy: Axis
    var aspect: Axis
    var height: Axis

    /// Starts a filter at a measured box, at rest, with wide velocity uncertainty.
    public init(box: Box) {
        let h = max(box.height, 1)
        let position = 2 * Self.positionWeight * h
        let velocity = 10 * Self.velocityWeight * h * Self.referenceRate
        cx = Axis(value: box.x + box.width / 2, rate: 0, p00: position * position, p01: 0, p11: velocity * velocity)
        cy = Axis(value: box.y + box.height / 2, rate: 0, p00: position * position, p01: 0, p11: velocity * velocity)
        aspect = Axis(value: box.width / h, rate: 0, p00: 1e-4, p01: 0, p11: 1e-10 * Self.referenceRate * Self.referenceRate)
        height = Axis(value: h, rate: 0, p00: position * position, p01: 0, p11: velocity * velocity)
    }

    /// The box the filter believes in now.
    public var box: Box {
        let h = max(height.value, 1)
        let w = max(aspect.value, 0.01) * h
        return Box(x: cx.value - w / 2, y: cy.value - h / 2, width: w, height: h)
    }

    /// Centre velocity in pixels per second.
    public var velocity: Point { Point(x: cx.rate, y: cy.rate) }

    /// Moves the estimate `dt` seconds ahead.
    public mutating func predict(dt: Double) {
        guard dt > 0 else { return }
        let h = max(height.value, 1)
        let frames = dt * Self.referenceRate
        let position = Self.positionWeight * h
        let velocity = Self.velocityWeight * h * Self.referenceRate
        let positionNoise = position * position * frames
        let velocityNoise = velocity * velocity * frames
        cx.predict(dt: dt, valueNoise: positionNoise, rateNoise: velocityNoise)
        cy.predict(dt: dt, valueNoise: positionNoise, rateNoise: velocityNoise)
        aspect.predict(dt: dt, valueNoise: 1e-4 * frames, rateNoise: 1e-10 * Self.referenceRate * Self.referenceRate * frames)
        height.predict(dt: dt, valueNoise: positionNoise, rateNoise: velocityNoise)
    }

    /// Corrects the estimate with a measured box.
    public mutating func update(with box: Box) {
        let h = max(height.value, 1)
        let position = Self.positionWeight * h
        let noise = position * position
        cx.update(measurement: box.x + box.width / 2, noise: noise)
        cy.update(measurement: box.y + box.height / 2, noise: noise)
        aspect.update(measurement: box.width / max(box.height, 1), noise: 1e-2)
        height.update(measurement: max(box.height, 1), noise: noise)
    }
}
