import CountingCore

extension Frame {
    /// The frame with every box (grown by a tenth on each side) turned into coarse blocks of
    /// its mean colours, so that nobody in it can be recognised: what stored snapshots keep.
    /// A box's blocks are an eighth of its height, at least 8 pixels.
    public func pixelating(_ boxes: [Box]) -> Frame {
        var result = self
        result.pixels.withUnsafeMutableBufferPointer { pixels in
            for box in boxes where [box.x, box.y, box.width, box.height].allSatisfy(\.isFinite) {
                let padX = box.width * 0.1, padY = box.height * 0.1
                // Clamped to the frame before becoming whole numbers, which a far-off or huge box
                // (a track's prediction running away) would not fit.
                func column(_ x: Double) -> Int { Int(Swift.min(Swift.max(x, 0), Double(width))) }
                func row(_ y: Double) -> Int { Int(Swift.min(Swift.max(y, 0), Double(height))) }
                let left = column(box.x - padX), top = row(box.y - padY)
                let right = column((box.x + box.width + padX).rounded(.up)), bottom = row((box.y + box.height + padY).rounded(.up))
                guard right > left, bottom > top else { continue }
                let block = Swift.max(8, Int(Swift.min(box.height, Double(height)) / 8))
                for blockTop in stride(from: top, to: bottom, by: block) {
                    for blockLeft in stride(from: left, to: right, by: block) {
                        let blockBottom = Swift.min(bottom, blockTop + block), blockRight = Swift.min(right, blockLeft + block)
                        var sums = (0, 0, 0)
                        for y in blockTop..<blockBottom {
                            for x in blockLeft..<blockRight {
                                let offset = (y * width + x) * 3
                                sums.0 += Int(pixels[offset]); sums.1 += Int(pixels[offset + 1]); sums.2 += Int(pixels[offset + 2])
                            }
                        }
                        let count = (blockBottom - blockTop) * (blockRight - blockLeft)
                        let mean = (UInt8(sums.0 / count), UInt8(sums.1 / count), UInt8(sums.2 / count))
                        for y in blockTop..<blockBottom {
                            for x in blockLeft..<blockRight {
                                let offset = (y * width + x) * 3
                                pixels[offset] = mean.0; pixels[offset + 1] = mean.1; pixels[offset + 2] = mean.2
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
