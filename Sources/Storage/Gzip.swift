import CZlib
import Foundation

/// gzip (RFC 1952) through zlib, for archive files that any `gzip -d` reads back.
public enum Gzip {
    /// `data` compressed in the gzip format.
    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        // 15 + 16: the largest window, with a gzip header and trailer.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw StorageError.backend(operation: "compress", reason: "zlib could not start")
        }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        let status: Int32 = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw StorageError.backend(operation: "compress", reason: "zlib status \(status)") }
        output.count = Int(stream.total_out)
        return output
    }

    /// The bytes of gzip `data` (every member, as `gzip -d` does); throws on damaged input.
    public static func decompress(_ data: Data) throws -> Data {
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
                let base = input.bindMemory(to: Bytef.self).baseAddress!.advanced(by: offset)
                stream.next_in = UnsafeMutablePointer(mutating: base)
                stream.avail_in = uInt(data.count - offset)
                repeat {
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
                    if status == Z_OK && stream.avail_in == 0 && produced == 0 {
                        throw StorageError.invalidInput(field: "archive", reason: "the gzip data ends early")
                    }
                } while status != Z_STREAM_END
            }
            offset += Int(stream.total_in)
        }
        return output
    }
}
