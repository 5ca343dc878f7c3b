import Crypto
import Foundation

/// The signature a webhook receiver checks: HMAC-SHA256 of `"<timestamp>.<body>"` with the
/// shared secret, sent as `X-Footfall-Signature: t=<timestamp>,v1=<hex>`. The timestamp (Unix
/// seconds) is signed too, so a receiver can refuse a replayed request by its age.
public enum WebhookSignature {
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

    /// Whether `header` signs `body` with `secret` and is at most `tolerance` seconds from `now`
    /// (what a receiver does; Footfall's tests check deliveries with it).
    public static func verify(header: String, body: [UInt8], secret: [UInt8], now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(hex(body: body, timestamp: timestamp, secret: secret).utf8)
        // Compared in constant time: how much of a guess matched must not show in the timing.
        return signatures.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
