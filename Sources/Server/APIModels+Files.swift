import Foundation
import Storage

extension APIModels {
    /// A stored file, with where to download it.
    struct FileItem: Encodable {
        var id: UUID
        var kind: String
        var name: String
        var site: String?
        var contentType: String
        var size: Int
        var sha256: String
        var created: Date
        var download: String

        init(_ file: StoredFile) {
            id = file.id
            kind = file.kind.rawValue
            name = file.name
            site = file.siteID
            contentType = file.contentType
            size = file.size
            sha256 = file.sha256Hex
            created = file.created
            download = "/api/v1/files/\(file.id.uuidString.lowercased())"
        }
    }

    struct FileList: Encodable {
        var files: [FileItem]
    }
}
