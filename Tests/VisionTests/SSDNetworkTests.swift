import CountingCore
import Foundation
import Testing
import Vision

/// The installed model on frames of the demo video, batching, and models that must be refused.
@Suite(.enabled(if: SSDFixtures.available, "needs the installed ssdlite model and vtest.avi (scripts/test.sh)"))
struct SSDNetworkTests {
    @Test func theInstalledModelFindsThePeopleSeenByEye() throws {
        let network = try SSDNetwork(model: SSDFixtures.model())
        let frames = try SSDFixtures.frames(Set(SSDFixtures.people.keys))
        let filter = PersonSizeFilter(personSize: PersonSize("150:20x55,365:37x100"))
        for (index, people) in SSDFixtures.people.sorted(by: { $0.key < $1.key }) {
            let frame = try #require(frames[index])
            // Native size: small people are found. Within tolerance: one or two missed or placed
            // loosely (IoU < 0.4), and one or two boxes on no one (the lamp post and sign on 600).
            let native = try network.detect([FrameCrop(frame: frame)], inputWidth: frame.width, inputHeight: frame.height,
                                            minimumScore: 0.4)[0].filter { filter.accepts($0.box, frameHeight: frame.height) }
            let nativeScore = SSDFixtures.score(native, against: people)
            #expect(nativeScore.matched >= people.count - 2, "frame \(index): \(native)")
            #expect(nativeScore.extra <= 2, "frame \(index): \(native)")
            // 300 × 300 is the training size: fewer found, but still most.
            let small = try network.detect([FrameCrop(frame: frame)], inputWidth: 300, inputHeight: 300, minimumScore: 0.4)[0]
            #expect(SSDFixtures.score(small, against: people, iou: 0.3).matched >= people.count / 2, "frame \(index): \(small)")
            #expect(small.allSatisfy { $0.confidence >= 0.4 && $0.confidence <= 1 })
        }
    }

    @Test func aBatchGivesTheSameResultsAsOneByOne() throws {
        let network = try SSDNetwork(model: SSDFixtures.model())
        let frames = try SSDFixtures.frames([100, 600])
        let a = try #require(frames[100]), b = try #require(frames[600])
        let crops = [
            FrameCrop(frame: a, x: 300, y: 100, width: 320, height: 320), FrameCrop(frame: b, x: 200, y: 256, width: 320, height: 320),
            FrameCrop(frame: a, x: 0, y: 0, width: 320, height: 320), FrameCrop(frame: b, x: 420, y: 150, width: 320, height: 320),
        ]
        let batched = try network.detect(crops, inputWidth: 320, inputHeight: 320, minimumScore: 0.05)
        let single = try crops.map { try network.detect([$0], inputWidth: 320, inputHeight: 320, minimumScore: 0.05)[0] }
        #expect(batched.count == crops.count)
        #expect(batched == single)
        #expect(batched.contains { !$0.isEmpty })
        // Resized inputs batch the same way.
        let whole = [FrameCrop(frame: a), FrameCrop(frame: b)]
        #expect(try network.detect(whole, inputWidth: 300, inputHeight: 300)
                == whole.map { try network.detect([$0], inputWidth: 300, inputHeight: 300)[0] })
    }

    @Test func aCallNeverWritesIntoAnEarlierCallersPixels() throws {
        let network = try SSDNetwork(model: SSDFixtures.model())
        let frames = try SSDFixtures.frames([100, 600])
        let a = try #require(frames[100]), b = try #require(frames[600])
        let before = a.pixels.withUnsafeBytes { Data($0) }
        func bytesChanged() -> Int { a.pixels.withUnsafeBytes { zip($0, before).filter { $0 != $1 }.count } }
        // A crop of the input's size goes in as it is, a view of `a`'s pixels; the next call
        // resizes a whole frame to that size, which once landed in that view.
        let tile = try network.detect([FrameCrop(frame: a, x: 0, y: 0, width: 300, height: 300)], inputWidth: 300, inputHeight: 300)
        let whole = try network.detect([FrameCrop(frame: b)], inputWidth: 300, inputHeight: 300)
        #expect(bytesChanged() == 0)
        // And the results do not depend on what ran before.
        let fresh = try SSDNetwork(model: SSDFixtures.model())
        #expect(try fresh.detect([FrameCrop(frame: b)], inputWidth: 300, inputHeight: 300) == whole)
        #expect(try fresh.detect([FrameCrop(frame: a, x: 0, y: 0, width: 300, height: 300)], inputWidth: 300, inputHeight: 300) == tile)
    }

    @Test func aCorruptGraphIsRefusedWithTheReason() throws {
        let model = try SSDFixtures.model()
        let directory = try SSDFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A truncated copy, loaded directly: OpenCV cannot parse it.
        let graph = try Data(contentsOf: URL(fileURLWithPath: model.graphPath))
        let truncated = directory + "/truncated.pb"
        try graph.prefix(graph.count / 3).write(to: URL(fileURLWithPath: truncated))
        #expect {
            try SSDNetwork(graphPath: truncated, textGraphPath: model.textGraphPath)
        } throws: { error in
            "\(error)".contains(truncated) && "\(error)".contains("corrupt or truncated")
        }
        // The same file in an installed model's place: its checksum gives it away first.
        for file in [ModelManifest.fileName, model.manifest.textGraphFile] {
            try FileManager.default.copyItem(atPath: model.directory + "/" + file, toPath: directory + "/" + file)
        }
        try FileManager.default.copyItem(atPath: truncated, toPath: directory + "/" + model.manifest.graphFile)
        #expect {
            try SSDModel.load(directory: directory)
        } throws: { error in
            "\(error)".contains("SHA-256") && "\(error)".contains("corrupt or was changed")
        }
        // A file that is not a graph at all.
        let text = directory + "/notes.pb"
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: VisionError.self) { try SSDNetwork(graphPath: text, textGraphPath: model.textGraphPath) }
    }

    @Test func aModelWithOtherClassesIsRefused() throws {
        let model = try SSDFixtures.model()
        let directory = try SSDFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wrong = directory + "/three-classes.pb"
        try ONNXFixtures.run(["python3", SSDFixtures.scripts + "/fixtures/make_wrong_classes_graph.py", model.graphPath, wrong,
                              "--classes", "3"])
        // Loaded with the person model's text graph: the class heads give it away.
        #expect {
            try SSDNetwork(graphPath: wrong, textGraphPath: model.textGraphPath)
        } throws: { error in
            "\(error)".contains("predicts 3 classes") && "\(error)".contains("needs a model of 1 class (person)")
        }
        // Installing it would stop at the text graph.
        #expect {
            try SSDTextGraph(anchors: InstallableModel.ssdlite.anchors).generate(graphPath: wrong)
        } throws: { error in
            "\(error)".contains("predicts 3 classes per box")
        }
    }

    @Test func theGeneratorGivesTheInstalledTextGraph() throws {
        let model = try SSDFixtures.model()
        let generated = try SSDTextGraph(anchors: InstallableModel.ssdlite.anchors).generate(graphPath: model.graphPath)
        #expect(generated == (try String(contentsOfFile: model.textGraphPath, encoding: .utf8)))
        let graph = try TextProtoMessage(parsing: generated)
        let nodes = graph.values("node").compactMap { value -> TextProtoMessage? in
            if case .message(let node) = value { return node }
            return nil
        }
        #expect(nodes.first?.scalar("op") == "Placeholder")
        #expect(nodes.last?.scalar("name") == "detection_out")
        #expect(nodes.filter { $0.scalar("op") == "PriorBox" }.count == 6)
    }
}
