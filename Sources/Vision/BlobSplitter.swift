import CountingCore

/// Splits a motion blob that holds several people walking together into one box per person,
/// using the size a person is expected to have where the blob stands.
public struct BlobSplitter: Hashable, Sendable {
    public var personSize: PersonSize
    /// A blob this many times wider (or taller) than one person is split.
    public var ratio: Double
    /// Never more parts than this per direction.
    public static let maximumParts = 6

    public init(personSize: PersonSize, ratio: Double = 1.6) {
        self.personSize = personSize
        self.ratio = ratio
    }

    /// The boxes with every crowd blob replaced by its parts.
    public func split(_ boxes: [Box]) -> [Box] {
        var result: [Box] = []
        result.reserveCapacity(boxes.count)
        for box in boxes {
            let expected = personSize.expected(atFeet: box.y + box.height)
            let across = parts(box.width / expected.width)
            let deep = parts(box.height / expected.height)
            if across == 1 && deep == 1 {
                result.append(box)
                continue
            }
            // Side by side, people share the blob's width; one behind another (further up the
            // image), each stands on its own row with a person's height.
            let width = box.width / Double(across)
            let height = box.height / Double(deep)
            for row in 0..<deep {
                let bottom = box.y + box.height - Double(row) * height
                let personHeight = deep == 1 ? box.height : min(box.height, personSize.expected(atFeet: bottom).height)
                for column in 0..<across {
                    result.append(Box(x: box.x + Double(column) * width, y: bottom - personHeight,
                                      width: width, height: personHeight))
                }
            }
        }
        return result
    }

    private func parts(_ size: Double) -> Int {
        guard size >= ratio else { return 1 }
        return min(Self.maximumParts, max(2, Int(size.rounded())))
    }
}
