import Foundation

/// An organisation: every camera, site, user and count belongs to exactly one.
public struct Tenant: Hashable, Sendable {
    public var id: UUID
    public var name: String

    public init(id: UUID, name: String) {
        self.id = id
        self.name = name
    }

    /// The tenant a single-organisation installation uses, created by the first migration.
    public static let defaultID = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        try Validation.name(name, field: "tenant.name")
    }
}
