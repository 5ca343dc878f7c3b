import Foundation
import NIOCore

/// Rows in PostgreSQL's `COPY … FROM STDIN` text format: fields separated by tabs, rows ended
/// by newlines, backslash, tab, newline and carriage return escaped.
struct CopyText {
    private(set) var buffer: ByteBuffer

    init(capacity: Int = 1 << 16) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Appends a text field, escaped, followed by a tab (or a newline when it ends the row).
    mutating func text(_ value: String, last: Bool = false) {
        var value = value
        value.withUTF8 { bytes in
            if !bytes.contains(where: Self.needsEscape) {
                buffer.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
        end(last)
    }

    /// Appends an integer field.
    mutating func integer<I: BinaryInteger>(_ value: I, last: Bool = false) {
        buffer.writeString(String(value))
        end(last)
    }

    /// Empties the buffer for the next chunk of rows.
    mutating func clear() {
        buffer.clear()
    }

    fileprivate mutating func end(_ last: Bool) {
        buffer.writeInteger(last ? UInt8(ascii: "\n") : UInt8(ascii: "\t"))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Microseconds since 2000-01-01 UTC, as PostgreSQL keeps a `timestamptz` and as PostgresNIO
    /// sends a `Date` (truncated toward zero), so a time copied as text equals the same time bound
    /// as a parameter.
    static func postgresMicroseconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince(postgresEpoch) * 1_000_000)
    }

    static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)
}

extension CopyText {
    /// Appends a `timestamptz` field in UTC with microseconds (`2027-01-15 08:00:00.250000+00`).
    mutating func timestamp(_ date: Date, last: Bool = false) {
        let micros = Self.postgresMicroseconds(date) + 946_684_800 * 1_000_000
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        // Days to a civil date (proleptic Gregorian), after Howard Hinnant's algorithm; times
        // before 1970 (negative remainders) are not crossings Footfall stores.
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let micro = String(fraction)
        buffer.writeString("\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3_600)):\(two(secondOfDay / 60 % 60)):"
            + "\(two(secondOfDay % 60)).\(String(repeating: "0", count: 6 - micro.count))\(micro)+00")
        end(last)
    }
}
