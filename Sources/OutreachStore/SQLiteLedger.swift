import Foundation
import GRDB
public import OutreachCore
import Synchronization

/// The durable send ledger in one SQLite file (WAL, through a GRDB
/// `DatabasePool`): readers never wait for the writer, and every batch —
/// thousands of rows — is one immediate transaction.
///
/// Durability: WAL with `synchronous = NORMAL`, so a committed transition
/// survives a `kill -9` of the process (a power cut may lose the last
/// commits before a checkpoint). Only one `outreach run`
/// should claim from a ledger at a time (crash recovery turns every `sending`
/// entry into `uncertain`, which is only right when no other process is
/// mid-send); several claimers in one process are safe.
public final class SQLiteLedger: LedgerStore {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Row ids of the entries this process claimed and has not yet recorded.
    let claimedRows = ClaimedRows()
    /// What this ledger's message ids are made with (`ledger_key`): a random HMAC-SHA256 key drawn when the
    /// ledger is made; a ledger from before keys (empty key) or before HMAC keeps making the ids it made.
    public let messageIDKey: MessageIDKey

    /// `PROJECT/.outreach/ledger.sqlite`, the default location (git-ignored).
    public static func defaultPath(projectRoot: String) -> String {
        URL(fileURLWithPath: projectRoot).appendingPathComponent(".outreach/ledger.sqlite").path
    }

    /// Opens (creating the file and its folder when missing) and migrates. `newKey`: the message-id key a
    /// ledger made now gets (default: `MessageIDKey.random()`, HMAC-SHA256; tests that compute ids
    /// themselves pass `.none`).
    public init(path: String, newKey: MessageIDKey? = nil) throws(OutreachError) {
        self.path = path
        try Self.preparePrivateFiles(path)
        var configuration = Configuration()
        // Another connection (a second process, a second pool) may hold the
        // write lock for one batch: wait for it rather than fail.
        configuration.busyMode = .timeout(30)
        configuration.label = "outreach.ledger"
        configuration.prepareDatabase { db in
            // The writer inserts into indexes keyed by hashed message ids and
            // person ids, i.e. at random places: a 16 MiB page cache (instead
            // of 2 MiB) keeps most of their upper pages; misses are read from
            // the OS's file cache. (A larger cache only adds resident memory.)
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -16384")
                // In WAL mode `NORMAL` syncs at checkpoints, not at every
                // commit: a commit is in the WAL file when it returns, so it
                // survives the process being killed (SIGKILL, a crash); only
                // a power cut may lose the last commits.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // Checkpoint every ~200 MB of WAL instead of 4 MB: a page written by
                // several transactions between two checkpoints (a row claimed,
                // attempted and recorded; an index page) is copied into the
                // database once, not once per transaction.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 50000")
                try db.execute(sql: "PRAGMA journal_size_limit = 268435456")
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            let readKey = "SELECT key, scheme FROM ledger_key WHERE id = 1"
            if let stored = try pool.read({ db in try Row.fetchOne(db, sql: readKey) }) {
                messageIDKey = try Self.messageIDKey(stored, path: path)
            } else {
                messageIDKey = try pool.write { db in
                    // Checked again under the write lock: another process may have just made it.
                    if let stored = try Row.fetchOne(db, sql: readKey) { return try Self.messageIDKey(stored, path: path) }
                    let hadEntries = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM ledger)") ?? false
                    let key = hadEntries ? MessageIDKey.none : (newKey ?? .random())
                    try db.execute(sql: "INSERT INTO ledger_key (id, key, scheme) VALUES (1, ?, ?)",
                                   arguments: [Data(key.bytes), key.scheme.rawValue])
                    return key
                }
            }
        } catch let error as OutreachError {
            throw error
        } catch let error as DatabaseError {
            throw OutreachError(.io, "cannot open the ledger \(path): \(error.message ?? error.resultCode.description)",
                                hint: "check that the file is an Outreach ledger and the folder is writable")
        } catch {
            throw OutreachError(.io, "cannot open the ledger \(path): \(error)")
        }
    }

    /// The ledger holds names, numbers and messages: folders made for it are `0700`, and the database is
    /// created `0600` before SQLite opens it (SQLite gives its `-wal` and `-shm` files the database's
    /// mode), whatever the umask. A ledger made by an older version with the umask's mode is narrowed
    /// to `0600` the same way (best effort: a ledger someone else owns is left as it is).
    static func preparePrivateFiles(_ path: String) throws(OutreachError) {
        let folder = (path as NSString).deletingLastPathComponent
        var made = ""
        for component in folder.split(separator: "/", omittingEmptySubsequences: true) {
            made += (made.isEmpty && !folder.hasPrefix("/") ? "" : "/") + component
            var info = stat()
            guard stat(made, &info) != 0 else { continue }
            guard mkdir(made, 0o700) == 0 || errno == EEXIST else {
                throw OutreachError(.io, "cannot create the ledger folder \(made): \(String(cString: strerror(errno)))")
            }
            _ = chmod(made, 0o700)
        }
        try refuseWhatIsNotALedger(path)
        // Read-only is enough to create it and to set its mode (ownership is what fchmod needs).
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw OutreachError(.io, "cannot open the ledger \(path): \(String(cString: strerror(errno)))",
                                hint: "check that the folder is writable")
        }
        narrowToOwner(descriptor)
        close(descriptor)
        for suffix in ["-wal", "-shm"] {
            let companion = open(path + suffix, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard companion >= 0 else { continue }
            narrowToOwner(companion)
            close(companion)
        }
    }

    /// A file that exists but is empty, or is not an SQLite database, is refused, never replaced: SQLite
    /// would silently start a new ledger in an empty file, and the suppression list and history it held
    /// (a truncated copy, a failed restore) would be gone — the next send could reach an opted-out number.
    static func refuseWhatIsNotALedger(_ path: String) throws(OutreachError) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }   // missing: a new ledger is made
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw OutreachError(.io, "the ledger \(path) is not a regular file", hint: "point --ledger or outreach.yaml's ledger: at a file")
        }
        guard info.st_size > 0 else {
            throw OutreachError(.io, "the ledger \(path) exists but is empty: it is not a ledger, and opening it would start a new one without its opt-outs",
                                hint: "restore it from a backup, or move the empty file away if no ledger was ever written there")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }          // unreadable: SQLite says so with its own error
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 16)
        let read = header.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, 16) }
        guard read == 16, header == Array("SQLite format 3\u{0}".utf8) else {
            throw OutreachError(.io, "the ledger \(path) is not an SQLite database",
                                hint: "point --ledger or outreach.yaml's ledger: at the project's ledger file; this file is left as it is")
        }
    }

    private static func narrowToOwner(_ descriptor: Int32) {
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o7777 != 0o600 {
            _ = fchmod(descriptor, 0o600)
        }
    }

    /// The stored key and its scheme (`ledger_key`).
    private static func messageIDKey(_ row: Row, path: String) throws -> MessageIDKey {
        let schemeName: String = row["scheme"]
        guard let scheme = MessageIDKey.Scheme(rawValue: schemeName) else {
            throw OutreachError(.io, "the ledger \(path) makes message ids with '\(schemeName)', which this version of Outreach does not know",
                                hint: "open it with the version of Outreach that made it, or a newer one")
        }
        let bytes: Data = row["key"]
        return MessageIDKey(scheme: scheme, bytes: Array(bytes))
    }

    /// Opens the project's ledger at its default location.
    public convenience init(projectRoot: String) throws(OutreachError) {
        try self.init(path: Self.defaultPath(projectRoot: projectRoot))
    }

    /// The migrations applied to this file, in the order they were registered (for `status` and tests;
    /// not sorted by name, where `v10` would come before `v2`).
    public func appliedMigrations() async throws -> [String] {
        try await read("read migrations") { db in
            let applied = try Self.migrator.appliedIdentifiers(db)
            return Self.migrator.migrations.filter(applied.contains)
        }
    }

    // MARK: Access with readable errors

    /// Runs `body` in one immediate write transaction; database errors become
    /// `OutreachError(.io)` naming the ledger and the operation.
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw failure(operation, error)
        }
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw failure(operation, error)
        }
    }

    private func failure(_ operation: String, _ error: DatabaseError) -> OutreachError {
        // `message` only: the SQL arguments may hold addresses.
        OutreachError(.io, "ledger \(path): \(operation) failed: \(error.message ?? error.resultCode.description)")
    }
}

/// Shortened gateway answers for `last_detail`.
func shortened(_ text: String?, to limit: Int = 500) -> String? {
    guard let text else { return nil }
    // UTF-8 bytes are never fewer than characters: most texts are settled without counting characters.
    return text.utf8.count <= limit || text.count <= limit ? text : String(text.prefix(limit)) + "…"
}

/// Message id → row id of the entries claimed in this process: attempts and
/// outcomes are written by row id (the table's own key, close together in
/// claim order) instead of through the message-id index (random pages).
/// Each such write also checks the message id, so a stale row id never
/// touches another entry.
final class ClaimedRows: Sendable {
    private let rows = Mutex<[String: Int64]>([:])

    func add(_ pairs: [(String, Int64)]) {
        rows.withLock { rows in for (messageID, id) in pairs { rows[messageID] = id } }
    }

    func lookup(_ messageIDs: [String]) -> [Int64?] {
        rows.withLock { rows in messageIDs.map { rows[$0] } }
    }

    func remove(_ messageIDs: [String]) {
        rows.withLock { rows in for id in messageIDs { rows[id] = nil } }
    }
}

extension SQLiteLedger {
    /// A consistent copy of this ledger at `path` (SQLite's online backup; the file is replaced): what a
    /// rehearsal runs on, so the real ledger is never touched.
    public func copy(to path: String) throws(OutreachError) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        do {
            try Self.preparePrivateFiles(path)
            let target = try DatabaseQueue(path: path)
            try pool.backup(to: target)
            try target.close()
        } catch let error as OutreachError {
            throw error
        } catch {
            throw OutreachError(.io, "cannot copy the ledger to \(path): \(error)")
        }
    }
}
