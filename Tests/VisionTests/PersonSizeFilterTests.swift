import CountingCore
import Testing
import Vision

struct PersonSizeFilterTests {
    let filter = PersonSizeFilter(personSize: PersonSize("100:10x20,500:50x100"), minimumRatio: 0.5, maximumRatio: 1.6)

    @Test func keepsPeopleOfTheExpectedSizeWhereTheyStand() {
        // Expected 60 pixels tall with the feet at row 300.
        #expect(filter.accepts(Box(x: 0, y: 240, width: 25, height: 60), frameHeight: 600))
        #expect(filter.accepts(Box(x: 0, y: 210, width: 25, height: 90), frameHeight: 600))
        #expect(!filter.accepts(Box(x: 0, y: 200, width: 80, height: 100), frameHeight: 600))
        #expect(!filter.accepts(Box(x: 0, y: 280, width: 10, height: 20), frameHeight: 600))
        // The right height but five people wide (expected width 30): a group or a shadow.
        #expect(!filter.accepts(Box(x: 0, y: 220, width: 150, height: 80), frameHeight: 600))
        #expect(filter.accepts(Box(x: 0, y: 220, width: 70, height: 80), frameHeight: 600))
    }

    @Test func withoutAPersonSizeOnlyHugeBoxesGo() {
        let plain = PersonSizeFilter(personSize: nil)
        #expect(plain.accepts(Box(x: 0, y: 0, width: 10, height: 300), frameHeight: 600))
        #expect(!plain.accepts(Box(x: 0, y: 0, width: 300, height: 400), frameHeight: 600))
    }
}
