import AsyncHTTPClient
import CountingCore
import Evaluation
import FootfallSupport
import Foundation
import NIOCore

/// One simulated smart camera of the drill: once a second it pushes the frames of its scene
/// that are due, and keeps those a push could not hand over for the next second, as a camera
/// with a buffer would.
struct DrillCamera: Sendable {
    /// What became of one push.
    enum Outcome: Sendable {
        case accepted
        /// A server had taken these frames already: the answer to an earlier push was lost.
        case takenBefore
        /// Refused for good (the reason); the frames are not sent again.
        case refused(String)
        /// Not taken now (a broker restarting, a server down): sent again with the next push.
        case tryAgain
    }

    let id: String
    let scene: DrillScene
    let framesPerSecond: Double
    /// Seconds of scene pushed.
    let duration: Double
    /// Wall-clock time of scene time 0, and the same moment on the monotonic clock.
    let origin: Date
    let originInstant: ContinuousClock.Instant
    /// Where in each second this camera pushes, so the cameras do not all push at once.
    let phase: Double

    private static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Pushes the whole scene; returns the frames never handed over (still waiting at `giveUpAt`).
    func run(client: HTTPClient, api: String, token: String, figures: DrillFigures,
             giveUpAt: ContinuousClock.Instant) async -> Int {
        let clock = ContinuousClock()
        let frameCount = Int(duration * framesPerSecond)
        var next = 0
        var pending: [Int] = []
        var tick = 0
        while next < frameCount || !pending.isEmpty {
            tick += 1
            let due = originInstant.advanced(by: .seconds(Double(tick) + phase))
            guard due < giveUpAt else { break }
            do {
                try await clock.sleep(until: due)
            } catch {
                break
            }
            let elapsed = Double(tick) + phase
            while next < frameCount, Double(next) / framesPerSecond <= elapsed {
                pending.append(next)
                next += 1
            }
            guard !pending.isEmpty else { continue }
            let frames = Array(pending.prefix(1_000))
            let started = clock.now
            let outcome = await push(frames, client: client, api: api, token: token)
            let seconds = started.duration(to: clock.now)
            figures.pushed(seconds: seconds.inSeconds,
                           frames: frames.count, outcome: outcome, at: elapsed)
            if case .tryAgain = outcome { continue }
            pending.removeFirst(frames.count)
        }
        return pending.count + (frameCount - next)
    }

    private func push(_ frames: [Int], client: HTTPClient, api: String, token: String) async -> Outcome {
        var request = HTTPClientRequest(url: "\(api)/api/v1/cameras/\(id)/detections")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(ByteBuffer(string: body(frames)))
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
            switch response.status.code {
            case 202:
                return .accepted
            case 422 where text.contains("not after the camera's last frame"):
                return .takenBefore
            case 400, 401, 403, 404, 413, 415, 422:
                return .refused("\(response.status.code) \(text.prefix(120))")
            default:
                return .tryAgain
            }
        } catch {
            return .tryAgain
        }
    }

    /// `{"frames":[{"time":…,"people":[…]}]}` for the given frames of the scene.
    func body(_ frames: [Int]) -> String {
        var text = #"{"frames":["#
        for (index, frame) in frames.enumerated() {
            if index > 0 { text += "," }
            let time = Double(frame) / framesPerSecond
            text += #"{"time":""# + Self.timeStyle.format(origin.addingTimeInterval(time)) + #"","people":["#
            for (person, detection) in scene.detections(at: time).enumerated() {
                if person > 0 { text += "," }
                let box = detection.box
                text += #"{"x":\#(box.x),"y":\#(box.y),"width":\#(box.width),"height":\#(box.height),"confidence":\#(detection.confidence)}"#
            }
            text += "]}"
        }
        return text + "]}"
    }
}
