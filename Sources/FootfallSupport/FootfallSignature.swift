import Crypto
import Foundation

/// Footfall's request signature: HMAC-SHA256 of `"<timestamp>.<body>"` with a shared key, sent
/// as `X-Footfall-Signature: t=<timestamp>,v1=<hex>`. The timestamp (Unix seconds) is signed
/// too, so a receiver can refuse an old request by its age. Footfall signs its webhook
/// deliveries with it, and checks it on detections a smart camera pushes.
public enum FootfallSignature {
    public static let header = "X-Footfall-Signature"

    /// The header's value for `body` sent at `timestamp`.
    public static func header(body: [UInt8], timestamp: Int, secret: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(body: body, timestamp: timestamp, secret: secret))"
    }

    /// The hex HMAC alone.
    public static func hex(body: [UInt8], timestamp: Int, secret: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// The timestamp and the signatures a header carries; nil without a timestamp or a signature.
    public static func parse(_ header: String) -> (timestamp: Int, signatures: [String])? {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, !signatures.isEmpty else { return nil }
        return (timestamp, signatures)
    }

    /// Whether one of `signatures` signs `body` at `timestamp` with `secret`.
    public static func matches(_ signatures: [String], body: [UInt8], timestamp: Int, secret: [UInt8]) -> Bool {
        let expected = Array(hex(body: body, timestamp: timestamp, secret: secret).utf8)
        // Compared in constant time: how much of a guess matched must not show in the timing.
        return signatures.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    /// Whether `header` signs `body` with `secret` and is at most `tolerance` seconds from `now`
    /// (what a webhook receiver does; Footfall's tests check deliveries with it).
    public static func verify(header: String, body: [UInt8], secret: [UInt8], now: Int, tolerance: Int = 300) -> Bool {
        guard let (timestamp, signatures) = parse(header), abs(now - timestamp) <= tolerance else { return false }
        return matches(signatures, body: body, timestamp: timestamp, secret: secret)
    }
}
