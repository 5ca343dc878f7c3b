import Foundation
@testable import Storage
import Testing

/// Archives are gzip that the system's `gzip` reads, and read back what it writes.
struct GzipTests {
    static let text = Data((0..<200_000).map { "row \($0 % 997),door,in\n" }.joined().utf8)

    func gzip(_ arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // Written from another thread: gzip's output pipe could fill before its input is all written.
        let writer = Thread { stdin.fileHandleForWriting.write(input); try? stdin.fileHandleForWriting.close() }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return output
    }

    @Test func whatItWritesGzipReadsAndTheOtherWayRound() throws {
        let compressed = try Gzip.compress(Self.text)
        #expect(compressed.count < Self.text.count / 10)
        #expect(try gzip(["-dc"], input: compressed) == Self.text)
        #expect(try Gzip.decompress(try gzip(["-c"], input: Self.text)) == Self.text)
        #expect(try Gzip.decompress(compressed + compressed) == Self.text + Self.text, "members one after another")
        #expect(try Gzip.decompress(try Gzip.compress(Data())) == Data())
    }

    @Test func dataHandedToZlibInPiecesComesOutTheSame() throws {
        // Archives of 4 GiB and more go to zlib in pieces of at most 4 GiB − 1; small pieces
        // run the same loops here.
        let text = Self.text.prefix(30_000)
        for piece in [1, 7, 4_096] {
            let compressed = try Gzip.compress(text, level: 6, pieceSize: piece)
            #expect(try gzip(["-dc"], input: compressed) == text, "pieces of \(piece)")
            #expect(try Gzip.decompress(compressed, pieceSize: piece) == text)
            #expect(try Gzip.decompress(compressed + compressed, pieceSize: piece) == text + text)
            #expect(throws: StorageError.self) { try Gzip.decompress(compressed.prefix(compressed.count - 9), pieceSize: piece) }
        }
        #expect(try Gzip.decompress(try Gzip.compress(Data(), level: 6, pieceSize: 1), pieceSize: 1) == Data())
    }

    @Test func damagedOrCutDataIsRefused() throws {
        var compressed = try Gzip.compress(Self.text)
        #expect(throws: StorageError.self) { try Gzip.decompress(compressed.prefix(compressed.count / 2)) }
        compressed[compressed.count / 2] ^= 0xFF
        #expect(throws: StorageError.self) { try Gzip.decompress(compressed) }
        #expect(throws: StorageError.self) { try Gzip.decompress(Data("plain text".utf8)) }
    }
}
