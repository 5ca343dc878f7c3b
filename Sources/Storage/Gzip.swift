import CZlib
import Foundation

/// gzip (RFC 1952) through zlib, for archive files that any `gzip -d` reads back.
public enum Gzip {
    /// `data` compressed in the gzip format.
    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        try compress(data, level: level, pieceSize: largestPiece)
    }

    /// The bytes of gzip `data` (every member, as `gzip -d` does); throws on damaged input.
    public static func decompress(_ data: Data) throws -> Data {
        try decompress(data, pieceSize: largestPiece)
    }

    // zlib counts bytes in 32 bits: input is handed over in pieces no larger, so that an
    // archive of 4 GiB or more is compressed rather than stopping the process.
    static let largestPiece = Int(UInt32.max)

    /// `compress`, handing zlib at most `pieceSize` bytes of input at a time.
    static func compress(_ data: Data, level: Int32, pieceSize: Int) throws -> Data {
        var stream = z_stream()
        // 15 + 16: the largest window, with a gzip header and trailer.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw StorageError.backend(operation: "compress", reason: "zlib could not start")
        }
        defer { deflateEnd(&stream) }
        var output = Data()
        output.reserveCapacity(Int(deflateBound(&stream, UInt(data.count))))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { input in
            let base = input.bindMemory(to: Bytef.self).baseAddress
            var offset = 0
            var flush = Z_NO_FLUSH
            while flush != Z_FINISH {
                let piece = min(pieceSize, input.count - offset)
                stream.next_in = base.map { UnsafeMutablePointer(mutating: $0 + offset) }
                stream.avail_in = uInt(piece)
                offset += piece
                flush = offset == input.count ? Z_FINISH : Z_NO_FLUSH
                // Until zlib has taken the whole piece (and, at the end, written the trailer).
                repeat {
                    let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        status = deflate(&stream, flush)
                        return buffer.count - Int(stream.avail_out)
                    }
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        throw StorageError.backend(operation: "compress", reason: "zlib status \(status)")
                    }
                    output.append(contentsOf: chunk[0..<produced])
                } while stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
            }
        }
        guard status == Z_STREAM_END else { throw StorageError.backend(operation: "compress", reason: "zlib status \(status)") }
        return output
    }

    /// `decompress`, handing zlib at most `pieceSize` bytes of input at a time.
    static func decompress(_ data: Data, pieceSize: Int) throws -> Data {
        var output = Data()
        var offset = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        // One inflate per gzip member: concatenated members decompress to the concatenated bytes.
        while offset < data.count {
            var stream = z_stream()
            guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw StorageError.backend(operation: "decompress", reason: "zlib could not start")
            }
            defer { inflateEnd(&stream) }
            var status: Int32 = Z_OK
            try data.withUnsafeBytes { input in
                let base = input.bindMemory(to: Bytef.self).baseAddress!
                var fed = offset
                repeat {
                    if stream.avail_in == 0, fed < data.count {
                        let piece = min(pieceSize, data.count - fed)
                        stream.next_in = UnsafeMutablePointer(mutating: base + fed)
                        stream.avail_in = uInt(piece)
                        fed += piece
                    }
                    let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        return buffer.count - Int(stream.avail_out)
                    }
                    guard status == Z_OK || status == Z_STREAM_END else {
                        throw StorageError.invalidInput(field: "archive", reason: "not gzip data, or damaged (zlib status \(status))")
                    }
                    output.append(contentsOf: chunk[0..<produced])
                    if status == Z_OK && stream.avail_in == 0 && fed == data.count && produced == 0 {
                        throw StorageError.invalidInput(field: "archive", reason: "the gzip data ends early")
                    }
                } while status != Z_STREAM_END
            }
            offset += Int(stream.total_in)
        }
        return output
    }
}
