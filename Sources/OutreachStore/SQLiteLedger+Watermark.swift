public import Foundation
import GRDB
public import OutreachCore

/// The scheduler's materialisation watermark, one per campaign row.
extension SQLiteLedger: ScheduleWatermarkStore {
    public func materialisedThrough(campaign: String) async throws -> Date? {
        try await read("read the schedule watermark") { db in
            let ms = try Int64.fetchOne(db, sql: "SELECT materialised_through FROM campaign WHERE name = ?", arguments: [campaign])
            return ms.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
    }

    public func setMaterialisedThrough(campaign: String, _ instant: Date) async throws {
        let ms = Milliseconds.from(instant)
        try await write("move the schedule watermark") { db in
            try db.execute(sql: "UPDATE campaign SET materialised_through = ? WHERE name = ?", arguments: [ms, campaign])
        }
    }
}
