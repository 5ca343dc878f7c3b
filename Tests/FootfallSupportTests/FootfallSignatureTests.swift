import FootfallSupport
import Testing

/// The signature against one computed outside Footfall (Python's hmac), and what a receiver refuses.
struct FootfallSignatureTests {
    let secret = Array("footfall-test-secret".utf8)
    let body = Array(#"{"type":"alert"}"#.utf8)

    @Test func matchesAnIndependentHMAC() {
        #expect(FootfallSignature.header(body: body, timestamp: 1_800_000_000, secret: secret)
            == "t=1800000000,v1=5e4dce5b590678d05cd5e7de749daa3ee892bb0f099f9ae5dc9797a598f7961d")
    }

    @Test func aReceiverRefusesAnotherBodySecretOrAnOldTimestamp() {
        let header = FootfallSignature.header(body: body, timestamp: 1_800_000_000, secret: secret)
        #expect(FootfallSignature.verify(header: header, body: body, secret: secret, now: 1_800_000_100))
        #expect(!FootfallSignature.verify(header: header, body: Array(#"{"type":"alert "}"#.utf8), secret: secret, now: 1_800_000_100))
        #expect(!FootfallSignature.verify(header: header, body: body, secret: Array("another".utf8), now: 1_800_000_100))
        #expect(!FootfallSignature.verify(header: header, body: body, secret: secret, now: 1_800_000_301), "a replay after 5 minutes")
        #expect(!FootfallSignature.verify(header: "t=1800000000", body: body, secret: secret, now: 1_800_000_000))
        #expect(!FootfallSignature.verify(header: "garbage", body: body, secret: secret, now: 1_800_000_000))
    }
}
