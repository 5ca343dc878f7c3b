/// One decoded video frame: packed 8-bit BGR pixels, row after row.
public struct Frame: Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]
    /// Position in the stream, from 0.
    public var index: Int
    /// Stream time in seconds: `index / frameRate` for files, growing across loops.
    public var time: Double

    public init(width: Int, height: Int, pixels: [UInt8], index: Int, time: Double) {
        precondition(pixels.count == width * height * 3, "a BGR frame holds width × height × 3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
        self.index = index
        self.time = time
    }
}
