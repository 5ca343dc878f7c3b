import Foundation
import Storage

/// Which camera sources the API accepts: network streams, smart cameras that push, and files
/// inside the media directory. A source naming any other file on the server is refused, as is
/// anything that is not a well-formed URL.
struct CameraSourcePolicy: Sendable {
    /// Stream schemes ffmpeg reads from cameras.
    static let schemes: Set<String> = ["rtsp", "rtsps", "http", "https", "rtmp", "rtmps", "srt"]

    /// Where video files may be; nil: no file sources through the API.
    let mediaDirectory: String?

    /// The source to store for `text`; throws 400 naming `field` otherwise.
    func validate(_ text: String, field: String = "source") throws -> String {
        if text.isEmpty || text.count > 2_000 {
            throw APIError(.badRequest, field: field, message: "a source of 1 to 2000 characters is required")
        }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            throw APIError(.badRequest, field: field, message: "a source must not contain spaces or control characters")
        }
        switch CameraSource(text) {
        case .external:
            return text
        case .stream(let url):
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                  Self.schemes.contains(scheme), let host = components.host, !host.isEmpty
            else {
                throw APIError(.badRequest, field: field, message: """
                    not a camera stream URL: use \(Self.schemes.sorted().joined(separator: ", ")) with a host, \
                    such as rtsp://user:password@10.0.0.5:554/stream1
                    """)
            }
            if let port = components.port, !(1...65_535).contains(port) {
                throw APIError(.badRequest, field: field, message: "the port must be from 1 to 65535")
            }
            return url
        case .file(let path):
            guard let mediaDirectory else {
                throw APIError(.badRequest, field: field, message: """
                    file sources are not accepted through the API: give a stream URL, `external`, or start \
                    Footfall with a media directory and name a file in it
                    """)
            }
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.hasPrefix("/") || parts.contains("..") || parts.contains(".") || parts.contains("") {
                throw APIError(.badRequest, field: field, message: "name a file inside the media directory, such as door/monday.mp4")
            }
            return URL(fileURLWithPath: mediaDirectory).appendingPathComponent(path).path
        }
    }

    /// What the API shows of a source: its kind and, for a stream, its host — never the
    /// credentials, path or query, which may carry secrets.
    static func describe(_ source: String) -> APIModels.SourceInfo {
        switch CameraSource(source) {
        case .external: APIModels.SourceInfo(kind: "external", host: nil)
        case .file: APIModels.SourceInfo(kind: "file", host: nil)
        case .stream(let url): APIModels.SourceInfo(kind: "stream", host: URLComponents(string: url)?.host)
        }
    }
}

/// Which detectors a camera may name through the API (the worker turns the name into a detector).
enum DetectorPolicy {
    static let kinds: Set<String> = ["motion", "motion-fast", "hog", "ssd"]

    /// `motion`, `motion-fast`, `hog`, `ssd`, or `onnx:NAME` for a model file in the models
    /// directory.
    static func validate(_ text: String, field: String = "detector") throws -> String {
        if kinds.contains(text) { return text }
        if text.hasPrefix("onnx:") {
            let name = text.dropFirst(5)
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
            if !name.isEmpty, name.count <= 200, name.allSatisfy(allowed.contains), !name.hasPrefix(".") {
                return text
            }
            throw APIError(.badRequest, field: field, message: "onnx: must be followed by a model file name such as yolov8n.onnx")
        }
        throw APIError(.badRequest, field: field, message: "unknown detector \"\(text.prefix(50))\": use motion, motion-fast, hog, ssd or onnx:MODEL")
    }
}
