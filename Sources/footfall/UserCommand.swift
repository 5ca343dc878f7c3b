import ArgumentParser
import Foundation
import FootfallApp
import Storage
#if canImport(Glibc)
import Glibc
#endif

extension Role: ExpressibleByArgument {}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users from the server's command line (the first administrator, say).",
        subcommands: [Add.self, List.self, Export.self, Erase.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user to the default tenant.",
            discussion: """
                The password is asked for twice on the terminal, or read from one line of standard input \
                with --password-stdin (for scripts: printf '%s\\n' "$PASSWORD" | footfall user add --admin admin --password-stdin).
                """)

        @OptionGroup var common: CommonOptions

        @Argument(help: "The username: letters, digits, '-', '_', '.' or '@'.")
        var username: String

        @Flag(help: "Make the user an administrator (same as --role admin).")
        var admin = false

        @Option(help: "The user's role.")
        var role: Role = .viewer

        @Flag(help: "Read the password from standard input instead of asking.")
        var passwordStdin = false

        func run() async throws {
            let password = try readPassword()
            let configuration = try common.load()
            let role = admin ? Role.admin : role
            let username = username
            try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) { store in
                try await FootfallApp.addUser(username: username, password: password, role: role, store: store)
            }
            print("added \(role.rawValue) \(username)")
        }

        private func readPassword() throws -> String {
            if passwordStdin {
                guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("no password on standard input")
                }
                return line
            }
            guard let first = getpass("Password: ").map({ String(cString: $0) }),
                  let second = getpass("Again: ").map({ String(cString: $0) })
            else { throw ValidationError("cannot read a password from the terminal; use --password-stdin") }
            guard first == second else { throw ValidationError("the passwords differ") }
            return first
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users of every tenant.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.load()
            let rows = try await FootfallApp.withStore(configuration: configuration, logger: CommonOptions.logger(configuration)) { store in
                var rows: [String] = []
                for tenant in try await store.tenants() {
                    for user in try await store.scoped(to: tenant.id).users() {
                        let sites = user.sites.isEmpty ? "all sites" : user.sites.joined(separator: ",")
                        rows.append("\(user.username)\t\(user.role.rawValue)\t\(tenant.name)\t\(sites)")
                    }
                }
                return rows
            }
            print(rows.isEmpty ? "no users yet: footfall user add --admin NAME" : rows.joined(separator: "\n"))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print everything Footfall keeps about a user, as JSON (their request to see it).")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The user's name.")
        var username: String

        func run() async throws {
            let configuration = try common.load()
            print(try await FootfallApp.exportUser(username: username, configuration: configuration,
                                                   logger: CommonOptions.logger(configuration)))
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a user: account and credentials removed, a pseudonym where the audit trail named them.",
            discussion: """
                Their crossings and counts hold no personal data and stay. The audit trail keeps what \
                they did and what was done to them, under a pseudonym (erased-…); free text they \
                typed (a token's name) stays as it was. Months already archived by retention are not \
                rewritten. See docs/operations.md.
                """)

        @OptionGroup var common: CommonOptions

        @Argument(help: "The user's name.")
        var username: String

        func run() async throws {
            let configuration = try common.load()
            let erasure = try await FootfallApp.eraseUser(username: username, configuration: configuration,
                                                          logger: CommonOptions.logger(configuration))
            print("user: erased; now \(erasure.pseudonym) in \(erasure.auditEntries) audit entries and \(erasure.alerts) alerts; "
                + "\(erasure.revokedTokenHashes.count) sessions and tokens revoked")
        }
    }
}
