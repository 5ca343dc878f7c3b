import CountingCore
import Testing
import Vision

struct BlobSplitterTests {
    // People 20×50 with their feet at row 100, 40×100 at row 300.
    let size = PersonSize(far: .init(y: 100, width: 20, height: 50), near: .init(y: 300, width: 40, height: 100))

    @Test func sizesFollowAStraightLineWithTheFeet() {
        let middle = size.expected(atFeet: 200)
        #expect(middle.width == 30 && middle.height == 75)
        #expect(PersonSize("100:20x50,300:40x100") == size)
        #expect(PersonSize("100:20x50") == nil)
        #expect(PersonSize("100:20x50,100:40x100") == nil)
        #expect(PersonSize("100:0x50,300:40x100") == nil)
    }

    @Test func onePersonStaysOneBox() {
        let splitter = BlobSplitter(personSize: size)
        let person = Box(x: 10, y: 200, width: 45, height: 100)
        #expect(splitter.split([person]) == [person])
    }

    @Test func threeSideBySideBecomeThreeBoxesOnTheSameFeetRow() {
        let splitter = BlobSplitter(personSize: size)
        let parts = splitter.split([Box(x: 0, y: 200, width: 120, height: 100)])
        #expect(parts == [
            Box(x: 0, y: 200, width: 40, height: 100), Box(x: 40, y: 200, width: 40, height: 100),
            Box(x: 80, y: 200, width: 40, height: 100),
        ])
    }

    @Test func twoOneBehindTheOtherAreStackedWithTheirOwnHeights() {
        let splitter = BlobSplitter(personSize: size)
        // Feet at 300: a person is 100 tall; a blob 190 tall holds two people, the second's feet at 205.
        let parts = splitter.split([Box(x: 0, y: 110, width: 40, height: 190)])
        #expect(parts.count == 2)
        #expect(parts[0] == Box(x: 0, y: 200, width: 40, height: 100))
        #expect(parts[1].y + parts[1].height == 205)
        #expect(abs(parts[1].height - 76.25) < 1e-9)
    }

    @Test func aHugeBlobIsCappedAtSixPartsEachWay() {
        let splitter = BlobSplitter(personSize: size)
        #expect(splitter.split([Box(x: 0, y: 200, width: 4_000, height: 100)]).count == BlobSplitter.maximumParts)
    }
}
