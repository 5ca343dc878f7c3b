import CountingCore

/// How a frame is fitted into a square network input without distortion: scaled by `scale`,
/// centred, and padded by `padX`/`padY` pixels of the input on each side.
public struct Letterbox: Hashable, Sendable {
    public var inputSize: Int
    public var scale: Double
    public var padX: Double
    public var padY: Double

    public init(sourceWidth: Int, sourceHeight: Int, inputSize: Int) {
        self.inputSize = inputSize
        scale = min(Double(inputSize) / Double(sourceWidth), Double(inputSize) / Double(sourceHeight))
        let width = (Double(sourceWidth) * scale).rounded()
        let height = (Double(sourceHeight) * scale).rounded()
        padX = ((Double(inputSize) - width) / 2).rounded(.down)
        padY = ((Double(inputSize) - height) / 2).rounded(.down)
    }

    /// A box given in network-input pixels as centre and size, in source pixels.
    public func sourceBox(centerX: Double, centerY: Double, width: Double, height: Double) -> Box {
        Box(x: (centerX - width / 2 - padX) / scale, y: (centerY - height / 2 - padY) / scale,
            width: width / scale, height: height / scale)
    }
}
