import Testing
@testable import Server

struct RequestHeadCheckTests {
    func problem(_ head: String) -> String? {
        var check = RequestHeadCheck()
        for byte in head.utf8 {
            if let problem = check.take(byte) { return problem }
        }
        return nil
    }

    @Test func wellFormedHeadsPass() {
        for head in ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "POST /api/v1/cameras?x=1 HTTP/1.0\r\nContent-Length: 2\r\n\r\n",
                     "GET /%64oor HTTP/1.1\r\n\r\n", "OPTIONS * HTTP/1.1\r\nHost:x\r\n\r\n", "GET / HTTP/1.1\nHost: x\n\n",
                     "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"] {
            #expect(problem(head) == nil, "\(head)")
        }
    }

    @Test func malformedHeadsAreNamedAtTheLineThatShowsIt() {
        #expect(problem("NOT HTTP AT ALL\r\n\r\n") == "the request line is not METHOD TARGET HTTP/1.1")
        #expect(problem("GET / HTTP/9.9\r\n\r\n") == "only HTTP/1.0 and HTTP/1.1 are spoken here")
        #expect(problem("GE(T / HTTP/1.1\r\n\r\n") == "the method is not a token")
        #expect(problem("GET /a\u{1}b HTTP/1.1\r\n\r\n") == "the target has spaces or control characters")
        #expect(problem("GET /  HTTP/1.1\r\n\r\n") == "the request line is not METHOD TARGET HTTP/1.1")
        #expect(problem("GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n") == "a header line has no colon")
    }

    @Test func aRequestLineBeyondWhatIsKeptIsLeftToTheSizeLimit() {
        #expect(problem("GET /" + String(repeating: "a", count: RequestHeadCheck.keptRequestLine) + " HTTP/1.1\r\n") == nil)
    }
}
