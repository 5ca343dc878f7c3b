/// What a password must be.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 72

    /// What is wrong with `password`, or nil when it will do (bcrypt reads at most 72 bytes).
    public static func problem(with password: String) -> String? {
        if password.count < minimumLength { return "a password needs at least \(minimumLength) characters" }
        if password.utf8.count > maximumLength { return "a password may have at most \(maximumLength) bytes" }
        return nil
    }

    /// Throws 400 naming `field` for a password that will not do.
    static func check(_ password: String, field: String = "password") throws {
        if let problem = problem(with: password) { throw APIError(.badRequest, field: field, message: problem) }
    }
}
