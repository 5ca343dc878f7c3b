/// Checks a connection's first request head as its bytes arrive, before any HTTP parser sees
/// them: the request line must be `METHOD SP target SP HTTP/1.0|1.1` (empty lines before it are
/// skipped, as RFC 9112 asks) and every header line must have a colon.
/// The HTTP layer would hold a connection with a malformed head until a timeout, answering
/// nothing; the connection guard answers 400 at once instead.
struct RequestHeadCheck {
    private var requestLine: [UInt8] = []
    private var requestLineDone = false
    private var tooLong = false
    private var lineLength = 0
    private var lineHasColon = false

    /// The longest request line kept for the check (longer ones are the size limit's to refuse).
    static let keptRequestLine = 8 << 10

    /// Feeds one byte of the head; returns what is wrong once a line shows it.
    mutating func take(_ byte: UInt8) -> String? {
        if !requestLineDone {
            // Empty lines before the request line are ignored.
            if byte == 10 && (requestLine.isEmpty || requestLine == [13]) {
                requestLine.removeAll()
                return nil
            }
            if byte == 10 {
                requestLineDone = true
                // A line longer than kept is the size limit's to refuse (414), not judged here.
                guard !tooLong else { return nil }
                return Self.problem(inRequestLine: requestLine.last == 13 ? requestLine.dropLast() : requestLine[...])
            }
            if requestLine.count < Self.keptRequestLine { requestLine.append(byte) } else { tooLong = true }
            return nil
        }
        switch byte {
        case 10:
            defer { lineLength = 0; lineHasColon = false }
            // An empty line ends the head; any other needs a colon (`Name: value`).
            return lineLength > 0 && !lineHasColon ? "a header line has no colon" : nil
        case 13:
            return nil
        case 58:
            lineHasColon = true
            lineLength += 1
            return nil
        default:
            lineLength += 1
            return nil
        }
    }

    static func problem(inRequestLine line: ArraySlice<UInt8>) -> String? {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return "the request line is not METHOD TARGET HTTP/1.1" }
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        guard !parts[0].isEmpty, parts[0].allSatisfy(tokenCharacters.contains) else { return "the method is not a token" }
        guard !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 32 && $0 != 127 }) else { return "the target has spaces or control characters" }
        guard Array(parts[2]) == Array("HTTP/1.1".utf8) || Array(parts[2]) == Array("HTTP/1.0".utf8) else {
            return "only HTTP/1.0 and HTTP/1.1 are spoken here"
        }
        return nil
    }
}
