import Foundation
import Storage

extension APIModels {
    /// A user as the API shows it: never the password hash.
    struct UserItem: Encodable {
        var id: UUID
        var username: String
        var role: Role
        var sites: [String]
        var created: Date

        init(_ user: User) {
            id = user.id
            username = user.username
            role = user.role
            sites = user.sites
            created = user.created
        }
    }

    struct UserList: Encodable {
        var users: [UserItem]
    }

    /// `POST /api/v1/sessions`.
    struct SignIn: Decodable {
        var username: String
        var password: String
        static let shape = BodyShape.object(["username": .value, "password": .value])
    }

    /// The answer to signing in: the secret is shown this once.
    struct SessionCreated: Encodable {
        struct Who: Encodable {
            var id: UUID
            var username: String
            var role: Role
        }

        var token: String
        var expires: Date?
        var user: Who
    }

    /// `GET /api/v1/sessions/check`.
    struct SessionCheck: Encodable {
        var signedIn: Bool
        /// No user exists yet: only this machine is answered, as the local setup administrator.
        var firstRun: Bool
    }

    /// `GET /api/v1/sessions/current`.
    struct CurrentSession: Encodable {
        var user: UserItem
        var kind: String
        var expires: Date?
    }

    /// `PUT /api/v1/sessions/current/password`.
    struct PasswordChange: Decodable {
        var current: String
        var new: String
        static let shape = BodyShape.object(["current": .value, "new": .value])
    }

    /// `POST /api/v1/users`.
    struct UserCreate: Decodable {
        var username: String
        var password: String
        var role: Role
        var sites: [String]?
        static let shape = BodyShape.object(["username": .value, "password": .value, "role": .value, "sites": .array(.value)])
    }

    /// `PATCH /api/v1/users/{id}`.
    struct UserPatch: Decodable {
        var password: String?
        var role: Role?
        var sites: [String]?
        static let shape = BodyShape.object(["password": .value, "role": .value, "sites": .array(.value)])
    }

    /// A user as the audit trail records it.
    struct UserAudit: Encodable {
        var username: String
        var role: Role
        var sites: [String]
        var passwordChanged: Bool?

        init(_ user: User, passwordChanged: Bool? = nil) {
            username = user.username
            role = user.role
            sites = user.sites
            self.passwordChanged = passwordChanged
        }
    }

    /// `POST /api/v1/tokens`.
    struct TokenCreate: Decodable {
        var name: String
        /// Days until it stops working; none: until revoked.
        var expiresInDays: Int?
        /// A token for a smart camera: it may only push this camera's detections.
        var camera: String?
        static let shape = BodyShape.object(["name": .value, "expiresInDays": .value, "camera": .value])
    }

    /// An API token as listed: never its secret.
    struct TokenItem: Encodable {
        var id: UUID
        var name: String?
        var created: Date
        var expires: Date?
        var camera: String?

        init(_ credential: Credential) {
            id = credential.id
            name = credential.name
            created = credential.created
            expires = credential.expires
            camera = credential.cameraID
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(created, forKey: .created)
            try container.encode(expires, forKey: .expires)
            try container.encodeIfPresent(camera, forKey: .camera)
        }

        enum CodingKeys: String, CodingKey { case id, name, created, expires, camera }
    }

    /// A new API token: its secret is shown this once.
    struct TokenCreated: Encodable {
        var id: UUID
        var name: String?
        var token: String
        var expires: Date?
        var camera: String?
    }

    struct TokenList: Encodable {
        var tokens: [TokenItem]
    }

    struct Revoked: Encodable {
        var revoked: Int
    }

    /// `PUT /api/v1/sites/{id}`.
    struct SiteBody: Decodable {
        var name: String
        var timeZone: String?
        static let shape = BodyShape.object(["name": .value, "timeZone": .value])
    }

    struct SiteItem: Codable {
        var id: String
        var name: String
        var timeZone: String

        init(_ site: Site) {
            id = site.id
            name = site.name
            timeZone = site.timeZone
        }
    }

    struct SiteList: Encodable {
        var sites: [SiteItem]
    }

    struct AuditItem: Encodable {
        var time: Date
        var user: String
        var userID: UUID?
        var address: String?
        var action: String
        var target: String
        var before: String?
        var after: String?

        init(_ entry: AuditEntry) {
            time = entry.time
            user = entry.username
            userID = entry.userID
            address = entry.address
            action = entry.action
            target = entry.target
            before = entry.before
            after = entry.after
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(time, forKey: .time)
            try container.encode(user, forKey: .user)
            try container.encode(userID, forKey: .userID)
            try container.encode(address, forKey: .address)
            try container.encode(action, forKey: .action)
            try container.encode(target, forKey: .target)
            try container.encode(before, forKey: .before)
            try container.encode(after, forKey: .after)
        }

        enum CodingKeys: String, CodingKey { case time, user, userID, address, action, target, before, after }
    }

    struct AuditList: Encodable {
        var entries: [AuditItem]
    }
}
