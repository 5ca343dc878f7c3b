import CountingCore
import Evaluation
import Testing

struct MOTFileTests {
    @Test func parsesRowsWithWindowsLineEndsAndBlankLines() throws {
        let rows = try MOTFile.parse("1,-1,10,20,30,40,0.9,-1,-1,-1\r\n\r\n2,3,1.5,2,3,4,1,-1,-1,-1\r\n")
        #expect(rows == [
            MOTRow(frame: 1, id: -1, box: Box(x: 10, y: 20, width: 30, height: 40), confidence: 0.9),
            MOTRow(frame: 2, id: 3, box: Box(x: 1.5, y: 2, width: 3, height: 4), confidence: 1),
        ])
    }

    @Test func errorsNameTheLineAndField() {
        #expect(throws: MOTFile.ParseError(line: 2, reason: "bb_width is not a number: \"wide\"")) {
            try MOTFile.parse("1,1,0,0,1,1,1\n1,1,0,0,wide,1,1\n")
        }
        #expect(throws: MOTFile.ParseError(line: 1, reason: "expected at least 7 comma-separated fields, found 3")) {
            try MOTFile.parse("1,2,3")
        }
        #expect(throws: MOTFile.ParseError(line: 1, reason: "frame must be a whole number from 1 to 100000000")) {
            try MOTFile.parse("0,1,0,0,1,1,1")
        }
        #expect(throws: MOTFile.ParseError(line: 1, reason: "frame must be a whole number from 1 to 100000000")) {
            try MOTFile.parse("1e19,1,0,0,1,1,1")
        }
    }

    @Test func formatRoundTrips() throws {
        var tracks = Trajectories()
        tracks.add(frame: 2, id: 4, box: Box(x: 1.25, y: 2, width: 3, height: 4.125))
        tracks.add(frame: 1, id: 9, box: Box(x: 0, y: 0, width: 10, height: 20))
        #expect(Trajectories(rows: try MOTFile.parse(MOTFile.format(tracks))) == tracks)
    }
}
