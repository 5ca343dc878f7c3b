import Foundation

/// One tenant's rows of one month of a table, written to the file store by retention
/// (`ArchiveFile`).
public struct ArchivedMonth: Sendable, Hashable {
    public var table: String
    /// `2025-01`.
    public var month: String
    public var tenantID: UUID
    public var rows: Int
    public var file: StoredFile

    public init(table: String, month: String, tenantID: UUID, rows: Int, file: StoredFile) {
        self.table = table
        self.month = month
        self.tenantID = tenantID
        self.rows = rows
        self.file = file
    }
}
