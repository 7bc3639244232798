public import Foundation
import GRDB
public import OutreachCore

/// What `/metrics` reads from the ledger at scrape time.
extension SQLiteLedger {
    /// Messages per campaign and state (test sends left out, as reports leave them out): one pass over the
    /// ledger.
    public func messageCountsByState() async throws -> [String: [LedgerState: Int]] {
        try await read("count messages by state") { db in
            var result: [String: [LedgerState: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT campaign, state, count(*) AS n FROM ledger WHERE \(Self.notTest) GROUP BY campaign, state
                """) {
                guard let state = LedgerState(rawValue: row["state"]) else { continue }
                result[row["campaign"], default: [:]][state] = row["n"]
            }
            return result
        }
    }

    /// Each launched campaign's materialisation watermark (`ScheduleWatermarkStore`), where it has one.
    public func launchedWatermarks() async throws -> [String: Date] {
        try await read("read the schedule watermarks") { db in
            var result: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT name, materialised_through FROM campaign WHERE state = 'launched' AND materialised_through IS NOT NULL
                """) {
                result[row["name"]] = Milliseconds.date(row["materialised_through"])
            }
            return result
        }
    }
}
