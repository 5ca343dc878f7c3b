/// A rectangle of a frame, in whole pixels: one input of a network's forward pass.
public struct FrameCrop: Sendable {
    public var frame: Frame
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    /// The rectangle clamped to the frame.
    public init(frame: Frame, x: Int, y: Int, width: Int, height: Int) {
        self.frame = frame
        self.x = min(max(0, x), max(0, frame.width - 1))
        self.y = min(max(0, y), max(0, frame.height - 1))
        self.width = max(1, min(width, frame.width - self.x))
        self.height = max(1, min(height, frame.height - self.y))
    }

    /// The whole frame.
    public init(frame: Frame) {
        self.init(frame: frame, x: 0, y: 0, width: frame.width, height: frame.height)
    }
}
