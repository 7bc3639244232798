import Foundation
public import OutreachCore
public import OutreachProject
public import OutreachStore

/// Where the ledger lives, as outreach.yaml's `store:` chooses it:
///
/// - a file path or `sqlite:PATH` (relative to the project folder): the embedded SQLite ledger, the default
///   (`ledger:`, else `.outreach/ledger.sqlite`);
/// - `postgres://USER@HOST:PORT/DATABASE` (or `postgresql://`): read and checked, then refused — PostgreSQL is not
///   supported yet.
///
/// Anything else is refused with the forms it may take.
public enum StoreLocation: Sendable, Equatable {
    case sqlite(path: String)
    /// A PostgreSQL server; never opened yet (`open` refuses it). The password, if the URL had one, is not kept.
    case postgres(PostgresAddress)

    /// The address of a PostgreSQL database, without its password.
    public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
        public var user: String?
        public var host: String
        public var port: Int
        public var database: String

        public init(user: String?, host: String, port: Int, database: String) {
            self.user = user
            self.host = host
            self.port = port
            self.database = database
        }

        public var description: String {
            "postgres://\(user.map { $0 + "@" } ?? "")\(host):\(port)/\(database)"
        }
    }

    /// The store outreach.yaml chooses for the project at `root`: `store:`, else the `ledger:` file.
    public init(configuration: ProjectConfiguration, root: String) throws(OutreachError) {
        guard let text = configuration.store else {
            self = .sqlite(path: configuration.ledgerFile(root: root))
            return
        }
        self = try Self.parse(text, root: root, at: configuration.storeSource)
    }

    /// `text` as written in `store:`; relative SQLite paths are taken from `root`. `location` is where the value
    /// is written, for the error.
    public static func parse(_ text: String, root: String, at location: SourceLocation? = nil) throws(OutreachError) -> StoreLocation {
        let forms = "write a SQLite file path (e.g. .outreach/ledger.sqlite), sqlite:PATH, or postgres://USER@HOST:PORT/DATABASE"
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else {
            throw OutreachError(.invalidValue, "store: is empty", at: location, hint: forms)
        }
        if let path = value.strippingPrefix("sqlite://") ?? value.strippingPrefix("sqlite:") {
            guard !path.isEmpty else { throw OutreachError(.invalidValue, "store '\(value)' names no file", at: location, hint: forms) }
            return .sqlite(path: absolute(path, root: root))
        }
        if let scheme = value.range(of: "://").map({ value[..<$0.lowerBound].lowercased() }) {
            guard scheme == "postgres" || scheme == "postgresql" else {
                throw OutreachError(.invalidValue, "store '\(Self.withoutPassword(value))' is not a store outreach knows ('\(scheme)://')",
                                    at: location, hint: forms)
            }
            return .postgres(try postgres(value, at: location, hint: forms))
        }
        if value.contains("\u{0}") || value.hasSuffix("/") {
            throw OutreachError(.invalidValue, "store '\(value)' is not a file path", at: location, hint: forms)
        }
        return .sqlite(path: absolute(value, root: root))
    }

    /// Opens the store as the embedded SQLite ledger; PostgreSQL is refused.
    public func openSQLite() throws(OutreachError) -> SQLiteLedger {
        switch self {
        case .sqlite(let path):
            return try SQLiteLedger(path: path)
        case .postgres(let address):
            throw OutreachError(.invalidProject, "store \(address): PostgreSQL is not supported yet",
                                hint: "use the embedded SQLite ledger for now: remove store: from outreach.yaml (or write store: .outreach/ledger.sqlite)")
        }
    }

    /// The SQLite file, when the store is one.
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    private static func absolute(_ path: String, root: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: root).appendingPathComponent(path).path
    }

    /// `postgres://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?…]`; the password is dropped.
    private static func postgres(_ value: String, at location: SourceLocation?, hint: String) throws(OutreachError) -> PostgresAddress {
        guard let url = URLComponents(string: value), let host = url.host, !host.isEmpty else {
            throw OutreachError(.invalidValue, "store '\(withoutPassword(value))' is not a PostgreSQL URL: it names no host",
                                at: location, hint: hint)
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw OutreachError(.invalidValue, "store '\(withoutPassword(value))' is not a PostgreSQL URL: it names no database",
                                at: location, hint: hint)
        }
        if let port = url.port, !(1...65_535).contains(port) {
            throw OutreachError(.invalidValue, "store '\(withoutPassword(value))': port \(port) is out of range", at: location, hint: hint)
        }
        return PostgresAddress(user: url.user, host: host, port: url.port ?? 5432, database: database)
    }

    /// `scheme://user:secret@host` → `scheme://user:***@host`: a password in outreach.yaml never reaches a message.
    static func withoutPassword(_ value: String) -> String {
        guard let scheme = value.range(of: "://"), let at = value[scheme.upperBound...].lastIndex(of: "@") else { return value }
        let credentials = value[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return value }
        return String(value[..<colon]) + ":***" + String(value[at...])
    }
}

extension String {
    fileprivate func strippingPrefix(_ prefix: String) -> String? {
        lowercased().hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
