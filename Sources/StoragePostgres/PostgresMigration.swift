import Crypto
import Foundation

/// One versioned schema change, applied in its own transaction.
struct PostgresMigration: Sendable {
    var version: Int
    var name: String
    var sql: String

    /// The SQL split into single statements (the extended protocol takes one at a time);
    /// semicolons inside quotes and dollar-quoted bodies stay where they are.
    var statements: [String] {
        var result: [String] = []
        var current = ""
        var dollarTag: String?
        var inQuote = false
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            if let tag = dollarTag {
                if sql[index...].hasPrefix(tag) {
                    current += tag
                    index = sql.index(index, offsetBy: tag.count)
                    dollarTag = nil
                    continue
                }
            } else if inQuote {
                if character == "'" { inQuote = false }
            } else if character == "'" {
                inQuote = true
            } else if character == "$", let end = sql[sql.index(after: index)...].firstIndex(of: "$"),
                      sql[sql.index(after: index)..<end].allSatisfy({ $0.isLetter || $0 == "_" }) {
                let tag = String(sql[index...end])
                current += tag
                index = sql.index(after: end)
                dollarTag = tag
                continue
            } else if character == "-", sql[index...].hasPrefix("--") {
                let lineEnd = sql[index...].firstIndex(of: "\n") ?? sql.endIndex
                index = lineEnd
                continue
            } else if character == ";" {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { result.append(statement) }
                current = ""
                index = sql.index(after: index)
                continue
            }
            current.append(character)
            index = sql.index(after: index)
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { result.append(last) }
        return result
    }

    /// SHA-256 of the SQL text, stored when applied and compared on every later run.
    var checksum: String {
        SHA256.hash(data: Array(sql.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
