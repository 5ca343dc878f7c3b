import CountingCore

extension Frame {
    /// The colour signature of the person in `box` (see `Appearance`). Samples the middle half
    /// of the box's width, where the person is and the background is not: the upper body from
    /// 15 % to 50 % of its height and the legs from 50 % to 90 %, at most 16 × 16 pixels each,
    /// so the cost does not grow with the person's size. Nil when either part has fewer than
    /// 4 × 4 pixels inside the frame, or the box is not finite.
    public func appearance(of box: Box) -> Appearance? {
        guard box.x.isFinite, box.y.isFinite, box.width.isFinite, box.height.isFinite else { return nil }
        func column(_ x: Double) -> Int { Int(min(max(x, 0), Double(width))) }
        func row(_ y: Double) -> Int { Int(min(max(y, 0), Double(height))) }
        let x0 = column(box.x + box.width * 0.25), x1 = column(box.x + box.width * 0.75)
        guard x1 - x0 >= 4 else { return nil }
        let stepX = (x1 - x0 + 15) / 16
        var bins = SIMD32<Float>(repeating: 0)
        for half in 0..<2 {
            let y0 = row(box.y + box.height * (half == 0 ? 0.15 : 0.5))
            let y1 = row(box.y + box.height * (half == 0 ? 0.5 : 0.9))
            guard y1 - y0 >= 4 else { return nil }
            let stepY = (y1 - y0 + 15) / 16
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Appearance.binsPerHalf) { histogram in
                histogram.initialize(repeating: 0)
                var total: Int32 = 0
                Self.appearanceBinTable.withUnsafeBufferPointer { table in
                    pixels.withUnsafeBufferPointer { p in
                        var y = y0
                        while y < y1 {
                            var i = (y * width + x0) * 3
                            var x = x0
                            while x < x1 {
                                let cell = Int(p[i] >> 3) | Int(p[i + 1] >> 3) << 5 | Int(p[i + 2] >> 3) << 10
                                histogram[Int(table[cell])] += 1
                                total += 1
                                x += stepX
                                i += stepX * 3
                            }
                            y += stepY
                        }
                    }
                }
                for index in 0..<Appearance.binsPerHalf {
                    bins[half * Appearance.binsPerHalf + index] = Float(histogram[index]) / Float(total)
                }
            }
        }
        return Appearance(bins: bins)
    }

    /// `appearanceBin` of the centre of every cell of 8 × 8 × 8 levels, indexed by
    /// blue / 8 + (green / 8) × 32 + (red / 8) × 1024: a pixel's bin in one look-up.
    static let appearanceBinTable: [UInt8] = (0..<(32 * 32 * 32)).map { cell in
        func level(_ shift: Int) -> UInt8 { UInt8((cell >> shift) & 31) << 3 | 4 }
        return UInt8(appearanceBin(blue: level(0), green: level(5), red: level(10)))
    }

    /// Bin of one pixel: 0–11 by hue when it is clearly coloured (its chroma at least 32 levels
    /// and a quarter of its brightest channel), else 12–15 by brightness. Hue bins are centred
    /// on red, yellow, green, cyan, blue, magenta and the hues between, so that a red garment's
    /// noise does not split it between the first bin and the last.
    static func appearanceBin(blue: UInt8, green: UInt8, red: UInt8) -> Int {
        let r = Int(red), g = Int(green), b = Int(blue)
        let high = max(r, g, b), low = min(r, g, b)
        let chroma = high - low
        guard chroma >= 32, chroma * 4 >= high else { return Appearance.hueBins + high / 64 }
        let hue: Double
        if high == r {
            hue = Double(g - b) / Double(chroma) + (g < b ? 6 : 0)
        } else if high == g {
            hue = Double(b - r) / Double(chroma) + 2
        } else {
            hue = Double(r - g) / Double(chroma) + 4
        }
        return Int(hue * 2 + 0.5) % Appearance.hueBins
    }
}
