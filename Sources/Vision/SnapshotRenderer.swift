import COpenCV
import CountingCore

/// Draws a camera's lines, zones and tracked boxes on a frame and encodes it as JPEG.
public enum SnapshotRenderer {
    /// - Parameter regions: where the detector looked (`SSDDetector.lastPlan`), drawn as thin
    ///   yellow outlines under everything else; none by default.
    public static func jpeg(
        frame: Frame, geometry: Geometry, tracks: [Track], regions: [Box] = [], quality: Int = 80
    ) throws(VisionError) -> [UInt8] {
        let regionBoxes = regions.map { ff_box(x: Float($0.x), y: Float($0.y), width: Float($0.width), height: Float($0.height)) }
        let linePoints = geometry.lines.flatMap { [ff_point(x: Float($0.a.x), y: Float($0.a.y)),
                                                   ff_point(x: Float($0.b.x), y: Float($0.b.y))] }
        let polygonPoints = geometry.zones.flatMap { $0.polygon.map { ff_point(x: Float($0.x), y: Float($0.y)) } }
        let polygonSizes = geometry.zones.map { Int32($0.polygon.count) }
        let shown = tracks.filter(\.isConfirmed)
        let boxes = shown.map { ff_box(x: Float($0.box.x), y: Float($0.box.y),
                                       width: Float($0.box.width), height: Float($0.box.height)) }
        let ids = shown.map { Int32(truncatingIfNeeded: $0.id) }
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = [CChar](repeating: 0, count: 256)
        let status = frame.pixels.withUnsafeBufferPointer { pixels in
            ff_render_jpeg(pixels.baseAddress, Int32(frame.width), Int32(frame.height),
                           regionBoxes, Int32(regionBoxes.count),
                           linePoints, Int32(geometry.lines.count),
                           polygonPoints, polygonSizes, Int32(polygonSizes.count),
                           boxes, ids, Int32(boxes.count),
                           Int32(quality), &out, &length, &error, Int32(error.count))
        }
        guard status == 0, let out else {
            throw .renderFailed(reason: String(errorBuffer: error))
        }
        defer { ff_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }
}
