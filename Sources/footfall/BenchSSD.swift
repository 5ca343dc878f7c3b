import ArgumentParser
import CountingCore
import FootfallApp
import FootfallSupport
import Foundation
import Pipeline
import Vision

/// `footfall bench vision --detector ssd`: the trained detector's speed in each mode, batching,
/// and what that means for cameras per core.
struct BenchSSD {
    var video: String
    var lines: String
    var dataDirectory: String
    var frames: Int
    var personSize: PersonSize?
    var tileSize: Int
    var padding: Double

    func run() throws {
        let clock = ContinuousClock()
        let model = try SSDModel.load(directory: InstallableModel.ssdlite.directory(dataDirectory: dataDirectory))
        let network = try SSDNetwork(model: model)
        let geometry = try GeometryFile.load(path: lines)

        // Decoding, timed over the whole video: every frame of a camera is decoded, analysed or not.
        var decoded = 0
        var sample: [Frame] = []
        let decode = try clock.measure {
            let reader = try FFmpegFrameReader(source: video)
            defer { reader.close() }
            while let frame = try reader.next() {
                decoded += 1
                if sample.count < frames { sample.append(frame) }
            }
        }
        guard let first = sample.first else { throw ValidationError("\(video) has no frames") }
        let decodeSeconds = decode.inSeconds / Double(max(1, decoded))
        let streamRate = try VideoInfo.probe(video).frameRate
        print("\(sample.count) consecutive frames of \(first.width)×\(first.height), one OpenCV thread; detection only; "
              + "regions in \(tileSize)×\(tileSize) tiles, padded by \(padding) person heights")

        func configuration(_ mode: SSDDetectorConfiguration.Mode) -> SSDDetectorConfiguration {
            SSDDetectorConfiguration(modelDirectory: model.directory, mode: mode, personSize: personSize, geometry: geometry,
                                     tileSize: tileSize, padding: padding)
        }
        var results: [String: [[Detection]]] = [:]
        var seconds: [String: Double] = [:]
        var regionCost = 0.0
        var regionTiles = 0, regionWhole = 0
        let modes: [(String, SSDDetectorConfiguration.Mode)] = [
            ("whole frame 300×300 (baseline)", .resized(width: 300, height: 300)),
            ("whole frame native", .native),
            ("regions at native scale", .regions),
        ]
        for (name, mode) in modes {
            let detector = try SSDDetector(network: network, configuration: configuration(mode))
            var found: [[Detection]] = []
            let duration = try clock.measure {
                for frame in sample {
                    found.append(try detector.detect(frame))
                    if mode == .regions { regionCost += detector.lastPlan?.relativeCost ?? 0 }
                }
            }
            if mode == .regions { (regionTiles, regionWhole) = (detector.tilesRun, detector.wholeFramePasses) }
            results[name] = found
            seconds[name] = duration.inSeconds
        }
        let base = seconds[modes[0].0] ?? 1
        for (name, _) in modes {
            let time = seconds[name] ?? 0
            let fps = Double(sample.count) / time
            print(name.padding(toLength: 34, withPad: " ", startingAt: 0)
                  + String(format: "%7.1f frames/s  %6.1f ms/frame  cost ×%.2f of the baseline", fps, 1000 / fps, time / base))
        }
        let native = seconds[modes[1].0] ?? 1, regions = seconds[modes[2].0] ?? 1
        print(String(format: "regions cost %.2f of native (planned %.2f); %d tiles and %d whole-frame passes over %d frames",
                     regions / native, regionCost / Double(sample.count), regionTiles, regionWhole, sample.count))
        let agreement = Self.recall(of: results[modes[1].0] ?? [], in: results[modes[2].0] ?? [])
        let reverse = Self.recall(of: results[modes[2].0] ?? [], in: results[modes[1].0] ?? [])
        print(String(format: "regions find %.1f %% of the people native finds (IoU ≥ 0.5); %.1f %% of theirs are native's", agreement * 100, reverse * 100))

        // Batching: 8 cameras, one input each, in one pass or in 8.
        let cameras = 8
        let spread = (0..<cameras).map { sample[($0 * sample.count) / cameras] }
        for (name, width, height, crops) in [
            ("300×300 whole frames", 300, 300, spread.map { FrameCrop(frame: $0) }),
            ("320×320 tiles", 320, 320, spread.map { FrameCrop(frame: $0, x: 224, y: 128, width: 320, height: 320) }),
        ] {
            let rounds = 6
            _ = try network.detect(crops, inputWidth: width, inputHeight: height)
            _ = try network.detect([crops[0]], inputWidth: width, inputHeight: height)
            let single = try clock.measure {
                for _ in 0..<rounds { for crop in crops { _ = try network.detect([crop], inputWidth: width, inputHeight: height) } }
            }
            let batched = try clock.measure {
                for _ in 0..<rounds { _ = try network.detect(crops, inputWidth: width, inputHeight: height) }
            }
            let singleRate = Double(rounds * cameras) / single.inSeconds, batchedRate = Double(rounds * cameras) / batched.inSeconds
            print("batch of \(cameras) \(name)".padding(toLength: 34, withPad: " ", startingAt: 0)
                  + String(format: "unbatched %6.1f inputs/s, batched %6.1f inputs/s: ×%.2f", singleRate, batchedRate, batchedRate / singleRate))
        }

        // Capacity: a camera decodes every frame of its stream and analyses 5 a second.
        let tracking = try trackingSeconds(results[modes[2].0] ?? [], geometry: geometry)
        let analysed = 5.0
        for (name, _) in modes {
            let detect = (seconds[name] ?? 0) / Double(sample.count)
            let perCamera = streamRate * decodeSeconds + analysed * (detect + tracking)
            print("cameras per core at \(Int(analysed)) analysed frames/s, \(name)".padding(toLength: 66, withPad: " ", startingAt: 0)
                  + String(format: "%5.2f  (decode %.1f ms × %.0f frames/s, detect %.1f ms, track %.2f ms)",
                           1 / perCamera, decodeSeconds * 1000, streamRate, detect * 1000, tracking * 1000))
        }
    }

    /// Seconds per frame to track and count these detections.
    private func trackingSeconds(_ detections: [[Detection]], geometry: Geometry) throws -> Double {
        var engine = CountingEngine(geometry: geometry)
        let duration = ContinuousClock().measure {
            for (index, found) in detections.enumerated() { _ = engine.step(detections: found, time: Double(index) / 10) }
        }
        return duration.inSeconds / Double(max(1, detections.count))
    }

    /// The share of `reference` boxes matched by a box of `candidate` in the same frame (IoU ≥ 0.5).
    static func recall(of reference: [[Detection]], in candidate: [[Detection]]) -> Double {
        var matched = 0, total = 0
        for (wanted, found) in zip(reference, candidate) {
            var free = found
            for detection in wanted {
                total += 1
                if let index = free.firstIndex(where: { $0.box.iou(detection.box) >= 0.5 }) {
                    matched += 1
                    free.remove(at: index)
                }
            }
        }
        return total > 0 ? Double(matched) / Double(total) : 1
    }
}
