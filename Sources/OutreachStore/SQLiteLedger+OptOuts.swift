import Foundation
import GRDB
public import OutreachCore

/// The suppression list: checked at materialisation and again at claim time.
extension SQLiteLedger {
    public func addOptOuts(_ optOuts: [OptOut]) async throws -> Int {
        guard !optOuts.isEmpty else { return 0 }
        return try await write("add opt-outs") { db in
            // Refreshes source and reason but keeps the first opt-out time.
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO opt_out (address, channel, source, reason, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (address) DO UPDATE SET source = excluded.source, reason = COALESCE(excluded.reason, reason)
                """)
            let exists = try db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM opt_out WHERE address = ?)")
            var added = 0
            for optOut in optOuts {
                let record = OptOutRecord(optOut)
                if try Bool.fetchOne(exists, arguments: [record.address]) != true { added += 1 }
                try upsert.execute(arguments: [record.address, record.channel, record.source, record.reason, record.createdAt])
            }
            return added
        }
    }

    public func removeOptOut(_ address: ContactAddress) async throws -> Bool {
        try await write("remove opt-out") { db in
            try OptOutRecord.deleteOne(db, key: address.value)
        }
    }

    public func optOuts() async throws -> [OptOut] {
        try await read("list opt-outs") { db in
            try OptOutRecord.order(Column("created_at"), Column("address")).fetchAll(db).map(\.optOut)
        }
    }

    public func isOptedOut(_ address: String) async throws -> Bool {
        let key = ContactAddress.key(address)
        return try await read("check opt-out") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM opt_out WHERE address = ?)", arguments: [key]) ?? false
        }
    }
}
