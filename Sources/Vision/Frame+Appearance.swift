import CountingCore

extension Frame {
    /// The colour signature of the person in `box` (see `Appearance`). Samples the middle half
    /// of the box's width, where the person is and the background is not: the upper body from
    /// 15 % to 50 % of its height and the legs from 50 % to 90 %, at most 16 × 16 pixels each,
    /// so the cost does not grow with the person's size. Nil when either part has fewer than
    /// 4 × 4 pixels inside the frame.
    public func appearance(of box: Box) -> Appearance? {
        let x0 = max(0, Int(box.x + box.width * 0.25)), x1 = min(width, Int(box.x + box.width * 0.75))
        guard x1 - x0 >= 4 else { return nil }
        let rows = [(box.y + box.height * 0.15, box.y + box.height * 0.5), (box.y + box.height * 0.5, box.y + box.height * 0.9)]
        var bins = SIMD32<Float>(repeating: 0)
        for (half, (top, bottom)) in rows.enumerated() {
            let y0 = max(0, Int(top)), y1 = min(height, Int(bottom))
            guard y1 - y0 >= 4 else { return nil }
            let stepX = max(1, (x1 - x0) / 16), stepY = max(1, (y1 - y0) / 16)
            var histogram = SIMD16<Float>(repeating: 0)
            var total: Float = 0
            pixels.withUnsafeBufferPointer { p in
                var y = y0
                while y < y1 {
                    var i = (y * width + x0) * 3
                    var x = x0
                    while x < x1 {
                        histogram[Self.appearanceBin(blue: p[i], green: p[i + 1], red: p[i + 2])] += 1
                        total += 1
                        x += stepX
                        i += stepX * 3
                    }
                    y += stepY
                }
            }
            histogram /= total
            for index in 0..<Appearance.binsPerHalf { bins[half * Appearance.binsPerHalf + index] = histogram[index] }
        }
        return Appearance(bins: bins)
    }

    /// Bin of one pixel: 0–11 by hue when it is clearly coloured (its chroma at least 32 levels
    /// and a quarter of its brightest channel), else 12–15 by brightness.
    static func appearanceBin(blue: UInt8, green: UInt8, red: UInt8) -> Int {
        let r = Int(red), g = Int(green), b = Int(blue)
        let high = max(r, g, b), low = min(r, g, b)
        let chroma = high - low
        guard chroma >= 32, chroma * 4 >= high else { return Appearance.hueBins + high / 64 }
        // Hue in sixths of the colour circle, 0..<6, then two bins per sixth.
        let hue: Double
        if high == r {
            hue = Double(g - b) / Double(chroma) + (g < b ? 6 : 0)
        } else if high == g {
            hue = Double(b - r) / Double(chroma) + 2
        } else {
            hue = Double(r - g) / Double(chroma) + 4
        }
        return min(Appearance.hueBins - 1, Int(hue * 2))
    }
}
