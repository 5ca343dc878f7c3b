import Foundation
import Storage

extension UserStore {
    /// Deletes a credential as part of a change already audited; one that is already gone
    /// (signed out meanwhile, or expired and cleaned up) is no error.
    func deleteCredentialIfPresent(id: UUID, userID: UUID) async throws {
        do {
            try await deleteCredential(id: id, userID: userID, audit: nil)
        } catch let error as StorageError {
            guard case .notFound = error else { throw error }
        }
    }
}
