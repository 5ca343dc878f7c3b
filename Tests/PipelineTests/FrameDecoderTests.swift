import CountingCore
import Foundation
import Pipeline
import Testing
import Vision

/// The in-process decoder gives the frames the ffmpeg subprocess gives, loops a file with
/// stream time still growing, and counts the synthetic walks as the ffmpeg path does.
@Suite(.enabled(if: SyntheticVideo.available, "needs ffmpeg"))
struct FrameDecoderTests {
    @Test func bothDecodersGiveTheSameFrames() throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let inProcess = try FrameDecoder.inProcess.open(source: video)
        let piped = try FrameDecoder.ffmpeg.open(source: video)
        defer {
            inProcess.close()
            piped.close()
        }
        #expect(inProcess.info.width == 320 && inProcess.info.height == 240)
        #expect(inProcess.info.frameRate == 25)
        var frames = 0
        var largestMeanDifference = 0.0
        while let mine = try inProcess.next() {
            let theirs = try #require(try piped.next(), "ffmpeg ended before frame \(frames)")
            #expect(mine.width == theirs.width && mine.height == theirs.height)
            #expect(mine.index == theirs.index && mine.time == theirs.time)
            // Colour conversion may round differently by a level or two. Every 7th byte is
            // compared: a full comparison of 350 frames keeps a core busy for seconds in a debug
            // build, and other tests share the machine.
            let sampled = stride(from: 0, to: mine.pixels.count, by: 7)
            let difference = mine.pixels.withUnsafeBufferPointer { a in
                theirs.pixels.withUnsafeBufferPointer { b in sampled.reduce(0) { $0 + abs(Int(a[$1]) - Int(b[$1])) } }
            }
            let samples = (mine.pixels.count + 6) / 7
            largestMeanDifference = max(largestMeanDifference, Double(difference) / Double(samples))
            frames += 1
        }
        #expect(try piped.next() == nil)
        #expect(frames == 350)
        #expect(largestMeanDifference < 2, "frames differ by \(largestMeanDifference) levels on average")
    }

    @Test func framesOfAnyWidthAreDecodedWithinTheirOwnMemory() throws {
        // libswscale writes a little past a packed BGR picture at widths like these (24 bytes
        // at 200 and 360, 18 at 202): into the next allocation, before the decoder's buffers had room.
        for (width, height) in [(200, 150), (202, 114), (360, 240)] {
            let clip = GarbageInputTests.temporary("width-\(width).mkv")
            defer { try? FileManager.default.removeItem(atPath: clip) }
            try SyntheticVideo.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                                    "testsrc2=size=\(width)x\(height):rate=25:duration=2",
                                    "-c:v", "ffv1", "-pix_fmt", "yuv420p", clip])
            for decoder in [FrameDecoder.inProcess, .inProcessFast] {
                let reader = try decoder.open(source: clip, keepRate: 12.5)
                let piped = try FrameDecoder.ffmpeg.open(source: clip)
                defer {
                    reader.close()
                    piped.close()
                }
                var frames = 0
                while let frame = try reader.next() {
                    #expect(frame.width == width && frame.height == height)
                    // The storage has room for what the converter writes beyond the picture.
                    #expect(frame.pixels.capacity >= frame.pixels.count + 24)
                    var theirs = try #require(try piped.next())
                    while theirs.index < frame.index { theirs = try #require(try piped.next()) }
                    let difference = zip(frame.pixels, theirs.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
                    #expect(Double(difference) / Double(frame.pixels.count) < 2, "\(width)×\(height), frame \(frame.index)")
                    frames += 1
                }
                #expect(frames == 25, "\(decoder) at \(width)×\(height)")
            }
        }
    }

    @Test func aLoopedFileKeepsItsStreamTimeGrowing() throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let reader = try FrameDecoder.inProcess.open(source: video, loop: true)
        defer { reader.close() }
        var times: [Double] = []
        while times.count < 800, let frame = try reader.next() { times.append(frame.time) }
        #expect(times.count == 800, "a looped file does not end")
        #expect(zip(times, times.dropFirst()).allSatisfy { abs($1 - $0 - 0.04) < 1e-9 })
    }

    @Test func aKeepRateHandsOnTheFramesTheAnalysisTakesUnchanged() throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let every = try FrameDecoder.inProcess.open(source: video)
        var all: [Frame] = []
        while let frame = try every.next() { all.append(frame) }
        every.close()
        // Five a second of 25: every fifth frame, exactly as decoded in full.
        let five = try FrameDecoder.inProcess.open(source: video, keepRate: 5)
        var kept: [Frame] = []
        while let frame = try five.next() { kept.append(frame) }
        five.close()
        #expect(kept.map(\.index) == Array(stride(from: 0, to: 350, by: 5)))
        // Compared as bytes (memcmp): an element-by-element comparison is slow in a debug build.
        #expect(kept.allSatisfy { Data($0.pixels) == Data(all[$0.index].pixels) && $0.time == all[$0.index].time })
        // A rate below one a second still hands on a frame a second, so the stream never looks stalled.
        let slow = try FrameDecoder.inProcess.open(source: video, keepRate: 0.05)
        var times: [Double] = []
        while let frame = try slow.next() { times.append(frame.time) }
        slow.close()
        #expect(times == (0..<14).map(Double.init))
    }

    @Test func framesNoKeptFrameNeedsAreNotDecodedAndTheKeptOnesAreUnchanged() throws {
        let video = try SyntheticVideo.fourPasses(bFrames: true)
        defer { try? FileManager.default.removeItem(atPath: video) }
        let every = try InProcessFrameReader(source: video)
        var all: [Frame] = []
        while let frame = try every.next() { all.append(frame) }
        let decodedInFull = every.framesDecoded
        every.close()
        #expect(all.count == 350 && decodedInFull == 350)
        let five = try InProcessFrameReader(source: video, keepRate: 5)
        var kept: [Frame] = []
        while let frame = try five.next() { kept.append(frame) }
        let decoded = five.framesDecoded
        five.close()
        #expect(kept.map(\.index) == Array(stride(from: 0, to: 350, by: 5)))
        #expect(kept.allSatisfy { Data($0.pixels) == Data(all[$0.index].pixels) && $0.time == all[$0.index].time })
        // Three frames in four are B-frames no frame refers to; of those, only the ones kept
        // (every fifth frame) are decoded: about 88 reference frames and 52 B-frames.
        #expect(decoded < 175, "decoded \(decoded) of 350 frames")
    }

    @Test func theFastDecoderSkipsDeblockingOnlyOnFramesPassedOverAndStaysClose() throws {
        // H.264 with strong deblocking (a high quantiser), a key frame every 2 s, no B-frames:
        // every frame is a reference, so the frames passed over still have to be decoded.
        let clip = GarbageInputTests.temporary("deblocked.mp4")
        defer { try? FileManager.default.removeItem(atPath: clip) }
        try SyntheticVideo.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4",
                                "-c:v", "libx264", "-preset", "veryfast", "-crf", "35", "-g", "50", "-sc_threshold", "0", "-bf", "0",
                                "-pix_fmt", "yuv420p", clip])
        func frames(_ decoder: FrameDecoder, keepRate: Double?) throws -> [Frame] {
            let reader = try decoder.open(source: clip, keepRate: keepRate)
            defer { reader.close() }
            var frames: [Frame] = []
            while let frame = try reader.next() { frames.append(frame) }
            return frames
        }
        let exact = try frames(.inProcess, keepRate: nil)
        #expect(exact.count == 100)
        // Handing on every frame, nothing is passed over: the same bytes.
        let everyFrame = try frames(.inProcessFast, keepRate: nil)
        #expect(everyFrame.count == exact.count && zip(everyFrame, exact).allSatisfy { Data($0.pixels) == Data($1.pixels) })
        let fast = try frames(.inProcessFast, keepRate: 5)
        #expect(fast.map(\.index) == Array(stride(from: 0, to: 100, by: 5)))
        func meanDifference(_ a: Frame, _ b: Frame) -> Double {
            var sum = 0
            for i in a.pixels.indices { sum += abs(Int(a.pixels[i]) - Int(b.pixels[i])) }
            return Double(sum) / Double(a.pixels.count)
        }
        let differences = fast.map { meanDifference($0, exact[$0.index]) }
        // Key frames (0 and 50) are decoded exactly: what the skipped filter leaves lasts only
        // until the next one. The frames between inherit it, so they differ, but by little (a
        // mean of a few levels of 255 at this quantiser; 46 dB PSNR on the demo video's copy).
        let keyFramePositions: Set = [0, 10]
        for (i, difference) in differences.enumerated() {
            #expect(keyFramePositions.contains(i) ? difference == 0 : difference > 0 && difference < 4,
                    "frame \(fast[i].index): \(differences)")
        }
        // One frame in three: key frame 50 is passed over but still filtered, so frame 51, which
        // refers only to it, is exact, while frame 54, after two unfiltered frames, is not.
        let third = try frames(.inProcessFast, keepRate: 25.0 / 3)
        let at51 = try #require(third.first { $0.index == 51 }, "\(third.map(\.index))")
        let at54 = try #require(third.first { $0.index == 54 }, "\(third.map(\.index))")
        #expect(!third.contains { $0.index == 50 })
        #expect(meanDifference(at51, exact[51]) == 0)
        #expect(meanDifference(at54, exact[54]) > 0)
    }

    @Test func aStreamWhoseTimestampsGoBackStillHandsOnFramesAtTheKeptRate() throws {
        // Two 2-s MPEG-TS clips joined byte for byte: the second's timestamps start again, as a
        // live stream's do when its camera restarts.
        let clip = GarbageInputTests.temporary("clip.ts"), joined = GarbageInputTests.temporary("joined.ts")
        defer { for path in [clip, joined] { try? FileManager.default.removeItem(atPath: path) } }
        try SyntheticVideo.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
                                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-f", "mpegts", clip])
        let part = try Data(contentsOf: URL(fileURLWithPath: clip))
        try (part + part).write(to: URL(fileURLWithPath: joined))
        let reader = try InProcessFrameReader(source: joined, keepRate: 5)
        defer { reader.close() }
        var times: [Double] = []
        while let frame = try reader.next() { times.append(frame.time) }
        // Five a second over both parts; without going on from the first part's time, the
        // second part would read as already passed over and end the stream at 10 frames.
        #expect(times.count >= 19 && times.count <= 21, "\(times.count) frames: \(times)")
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 > $0 })
    }

    // Every frame is analysed here, so the lighter decoder skips nothing: it is tested above.
    @Test func theSyntheticWalksCountTheSameWithEveryDecoder() throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let geometry = try JSONDecoder().decode(Geometry.self, from: Data(SyntheticVideo.geometryJSON.utf8))
        let counts = try FrameDecoder.allCases.map { decoder in
            try VideoCounter(decoder: decoder).count(video: video, geometry: geometry).lines.map { [$0.countIn, $0.countOut] }
        }
        #expect(counts[0] == [[1, 2]])
        #expect(counts.allSatisfy { $0 == counts[0] }, "\(zip(FrameDecoder.allCases, counts).map { "\($0): \($1)" })")
    }
}
