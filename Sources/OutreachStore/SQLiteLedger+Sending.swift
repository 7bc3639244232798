public import Foundation
import GRDB
public import OutreachCore

/// Materialise, claim, release, record: the send path.
extension SQLiteLedger {
    private static let ledgerColumns = LedgerRecord.CodingKeys.allCases.dropFirst().filter { !LedgerRecord.payloadColumns.contains($0) }
    private static let insertSQL = """
        INSERT INTO ledger (\(ledgerColumns.map(\.rawValue).joined(separator: ", ")), quiet_from, quiet_until, variant)
        VALUES (\(Array(repeating: "?", count: ledgerColumns.count + 3).joined(separator: ", ")))
        ON CONFLICT DO NOTHING
        """
    /// Quiet hours repeat daily (`QuietPeriod`).
    static let dayMilliseconds: Int64 = 86_400_000

    /// SQL: whether an entry's quiet hours (`LedgerEntry.quiet`, as `QuietPeriod.contains`) hold at `now`, a
    /// parameter such as `?2` — inside its first quiet stretch or the same hours a whole number of days later;
    /// false for an entry without them.
    static func quietHoursHold(at now: String) -> String {
        "(quiet_from IS NOT NULL AND \(now) >= quiet_from AND (\(now) - quiet_from) % \(dayMilliseconds) < quiet_until - quiet_from)"
    }

    private static let insertPayloadSQL = """
        INSERT INTO ledger_payload (id, sender, subject, body, html, language) VALUES (?, ?, ?, ?, ?, ?)
        """

    public func materialise(_ entries: [LedgerEntry], at now: Date) async throws -> MaterialisationResult {
        for entry in entries where entry.state != .queued && entry.state != .skipped {
            throw OutreachError(.invalidValue, "cannot materialise message \(entry.messageID) in state \(entry.state.rawValue)",
                                hint: "new ledger entries are queued, or skipped with a reason")
        }
        guard !entries.isEmpty else { return MaterialisationResult() }
        // Ids made with another key would escape the frequency cap (it reads a person's ids by prefix) and
        // could tell whose they are: every entry is checked, by the key fingerprint it carries (an integer
        // compare); only an entry that carries none (given its id) has its prefix derived again.
        let key = messageIDKey
        for entry in entries {
            let madeWithKey = if let fingerprint = entry.idOrigin.keyFingerprint {
                fingerprint == key.fingerprint
            } else {
                entry.messageID.hasPrefix(LedgerEntry.messageIDPrefix(recipient: entry.recipientID, key: key))
            }
            guard madeWithKey else {
                throw OutreachError(.invalidValue, "message \(entry.messageID) was not made with this ledger's message-id key; nothing was written",
                                    hint: "make entries with LedgerEntry(…, key: ledger.messageIDKey)")
            }
        }
        return try await write("materialise") { db in
            let insert = RawStatement(try db.cachedStatement(sql: Self.insertSQL), in: db)
            let insertPayload = RawStatement(try db.cachedStatement(sql: Self.insertPayloadSQL), in: db)
            let optOuts = try OptOutCheck(db)
            let updatedAt = Milliseconds.from(now)
            var result = MaterialisationResult()
            for var entry in entries {
                var optedOut = false
                if entry.state == .queued, try optOuts.contains(entry.address) {
                    entry.state = .skipped
                    entry.skipReason = .optedOut
                    entry.lastDetail = "address on the suppression list"
                    optedOut = true
                }
                // In `LedgerRecord.CodingKeys` order, without the id and the payload (`ledger_payload`).
                insert.bind(1, entry.campaign)
                insert.bind(2, entry.occurrence)
                insert.bind(3, entry.recipientID)
                insert.bind(4, entry.messageID)
                insert.bind(5, entry.segment)
                insert.bind(6, entry.address)
                insert.bind(7, entry.channel.rawValue)
                insert.bind(8, entry.parts)
                insert.bind(9, entry.state.rawValue)
                insert.bind(10, entry.skipReason?.rawValue)
                insert.bind(11, entry.attempts)
                insert.bind(12, entry.providerMessageID)
                insert.bind(13, entry.lastDetail)
                insert.bind(14, Milliseconds.from(entry.dueAt))
                insert.bind(15, Milliseconds.from(entry.queuedAt))
                insert.bind(16, entry.sentAt.map(Milliseconds.from))
                insert.bind(17, entry.finishedAt.map(Milliseconds.from))
                insert.bind(18, updatedAt)
                insert.bind(19, entry.quiet.map { Milliseconds.from($0.from) })
                insert.bind(20, entry.quiet.map { Milliseconds.from($0.until) })
                insert.bind(21, entry.variant)
                if try insert.execute() == 1 {
                    if let payload = entry.payload {
                        insertPayload.bind(1, db.lastInsertedRowID)
                        insertPayload.bind(2, payload.sender)
                        insertPayload.bind(3, payload.subject)
                        insertPayload.bind(4, payload.text)
                        insertPayload.bind(5, payload.html)
                        insertPayload.bind(6, payload.language)
                        _ = try insertPayload.execute()
                    }
                    result.inserted += 1
                    if optedOut { result.optedOut += 1 }
                } else {
                    result.alreadyPresent += 1
                }
            }
            return result
        }
    }

    public func claim(_ request: ClaimRequest) async throws -> [LedgerEntry] {
        guard request.limit > 0 else { return [] }
        let key = messageIDKey
        let (claimed, rows) = try await write("claim") { db -> ([LedgerEntry], [(String, Int64)]) in
            var campaigns: Set<String>
            if request.states == [.launched] {
                campaigns = Set(try String.fetchAll(db, sql: "SELECT name FROM campaign WHERE state = 'launched'"))
                if let only = request.campaigns { campaigns.formIntersection(only) }
            } else {
                // Named campaigns only; one the ledger has never seen is a draft.
                let known = Dictionary(try Row.fetchAll(db, sql: "SELECT name, state FROM campaign").map {
                    ($0["name"] as String, CampaignState(rawValue: $0["state"]) ?? .draft)
                }, uniquingKeysWith: { a, _ in a })
                campaigns = (request.campaigns ?? []).filter { request.states.contains(known[$0] ?? .draft) }
            }
            guard !campaigns.isEmpty else { return ([], []) }
            let names = campaigns.sorted()
            let now = Milliseconds.from(request.now)
            // One campaign at a time, through the (campaign, due_at) partial index:
            // an IN list would make SQLite sort every queued row of those
            // campaigns on each claim (a million-row sort per batch).
            let select = try db.cachedStatement(sql: """
                SELECT \(LedgerRecord.columnList) FROM ledger INDEXED BY ledger_claim_campaign
                LEFT JOIN ledger_payload p ON p.id = ledger.id
                WHERE ledger.state = 'queued' AND ledger.campaign = ?1 AND ledger.due_at <= ?2
                  AND NOT \(Self.quietHoursHold(at: "?2")) AND (?4 IS NULL OR ledger.occurrence = ?4)
                ORDER BY ledger.due_at, ledger.id LIMIT ?3
                """)
            let markSending = RawStatement(try db.cachedStatement(sql: """
                UPDATE ledger SET state = 'sending', sent_at = ?1, updated_at = ?1, attempted_at = ?3 WHERE id = ?2 AND state = 'queued'
                """), in: db)
            let attemptedAt: Int64? = request.markAttempted ? now : nil
            let skip = try db.cachedStatement(sql: """
                UPDATE ledger SET state = 'skipped', skip_reason = ?, last_detail = ?, finished_at = ?, updated_at = ?
                WHERE id = ? AND state = 'queued'
                """)
            let optOuts = try OptOutCheck(db)
            var claimed: [LedgerEntry] = []
            claimed.reserveCapacity(request.limit)
            var claimedRows: [(String, Int64)] = []
            var remaining = names[...]
            while claimed.count < request.limit, let name = remaining.first {
                let rows = try LedgerRecord.fetchAll(select, arguments: [name, now, request.limit - claimed.count, request.occurrence])
                if rows.isEmpty {
                    remaining = remaining.dropFirst()
                    continue
                }
                for row in rows {
                    if try optOuts.contains(row.address) {
                        try skip.execute(arguments: [SkipReason.optedOut.rawValue, "address on the suppression list", now, now, row.id])
                        continue
                    }
                    if request.optOutScope == .person,
                       try optOuts.containsAnyAddress(of: row.recipientID, besides: row.address, db: db, key: key) {
                        try skip.execute(arguments: [SkipReason.optedOut.rawValue, "another address of this person is on the suppression list",
                                                     now, now, row.id])
                        continue
                    }
                    if let cap = request.cap(for: row.campaign) {
                        let since = now - Int64((cap.periodSeconds * 1000).rounded())
                        let sent = try Self.recentSends(db, recipient: row.recipientID, since: since, key: key)
                        if sent >= cap.maxMessages {
                            try skip.execute(arguments: [SkipReason.capped.rawValue,
                                                         "\(sent) messages in the last \(Self.period(cap.periodSeconds))", now, now, row.id])
                            continue
                        }
                    }
                    guard let id = row.id else { continue }
                    markSending.bind(1, now)
                    markSending.bind(2, id)
                    markSending.bind(3, attemptedAt)
                    guard try markSending.execute() == 1 else { continue }
                    claimedRows.append((row.messageID, id))
                    var entry = row.entry
                    entry.state = .sending
                    entry.sentAt = Milliseconds.date(now)
                    claimed.append(entry)
                }
            }
            return (claimed, claimedRows)
        }
        self.claimedRows.add(rows)
        return claimed
    }

    public func release(_ messageIDs: [String], at now: Date) async throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        let now = Milliseconds.from(now)
        let count = try await write("release") { db in
            let update = try db.cachedStatement(sql: """
                UPDATE ledger SET state = 'queued', sent_at = NULL, updated_at = ? WHERE message_id = ? AND state = 'sending'
                """)
            let event = try db.cachedStatement(sql: """
                INSERT INTO ledger_event (entry_id, at, from_state, to_state, detail)
                SELECT id, ?, 'sending', 'queued', 'released unsent (the run stopped)' FROM ledger WHERE message_id = ? AND state = 'sending'
                """)
            var count = 0
            for id in messageIDs {
                try event.execute(arguments: [now, id])
                try update.execute(arguments: [now, id])
                count += db.changesCount
            }
            return count
        }
        claimedRows.remove(messageIDs)
        return count
    }

    public func record(_ outcomes: [DeliveryOutcome], at now: Date) async throws -> RecordResult {
        guard !outcomes.isEmpty else { return RecordResult() }
        let now = Milliseconds.from(now)
        let messageIDs = outcomes.map(\.messageID)
        let rowIDs = claimedRows.lookup(messageIDs)
        let result = try await write("record outcomes") { db in
            let set = """
                UPDATE ledger SET state = ?1, provider_message_id = COALESCE(?2, provider_message_id), last_detail = ?3,
                    attempts = attempts + ?4, finished_at = ?5, updated_at = ?5
                """
            let update = RawStatement(try db.cachedStatement(sql: set + " WHERE message_id = ?7 AND state = 'sending'"), in: db)
            let updateRow = RawStatement(try db.cachedStatement(sql: set + " WHERE id = ?6 AND message_id = ?7 AND state = 'sending'"), in: db)
            let pending = try PendingReports(db)
            var result = RecordResult()
            // A run's outcomes mostly repeat one answer ("202 0: Accepted for delivery"): its stored form is made once.
            var lastDetail: (status: Int?, detail: String, stored: String?)?
            for (outcome, rowID) in zip(outcomes, rowIDs) {
                let state: LedgerState = outcome.kind == .accepted ? .accepted : .failed
                let stored: String?
                if let last = lastDetail, last.status == outcome.status, last.detail == outcome.detail {
                    stored = last.stored
                } else {
                    var detail = outcome.detail
                    if let status = outcome.status, !detail.contains(String(status)) { detail = "\(status) \(detail)" }
                    stored = shortened(detail)
                    lastDetail = (outcome.status, outcome.detail, stored)
                }
                let statement = rowID == nil ? update : updateRow
                statement.bind(1, state.rawValue)
                statement.bind(2, outcome.providerMessageID)
                statement.bind(3, stored)
                statement.bind(4, max(outcome.attempts, 1))
                statement.bind(5, now)
                if let rowID { statement.bind(6, rowID) }
                statement.bind(7, outcome.messageID)
                if try statement.execute() == 1 {
                    result.applied += 1
                    if state == .accepted {
                        try pending.apply(db, messageID: outcome.messageID, providerMessageID: outcome.providerMessageID)
                    }
                } else {
                    result.ignored += 1
                }
            }
            return result
        }
        claimedRows.remove(messageIDs)
        return result
    }

    public func recordDeliveryReports(_ reports: [DeliveryReport]) async throws -> RecordResult {
        guard !reports.isEmpty else { return RecordResult() }
        return try await write("record delivery reports") { db in
            var result = RecordResult()
            // Aliases are only written by migration v6: a ledger without any skips the lookup per report.
            let aliases = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM message_alias)") ?? false
            for report in reports {
                switch try Self.applyReport(db, report, aliases: aliases) {
                case .applied: result.applied += 1
                case .deferred: result.deferred += 1
                case .ignored: result.ignored += 1
                }
            }
            return result
        }
    }

    public func skip(_ messageIDs: [String], reason: SkipReason, detail: String?, at now: Date) async throws -> Int {
        guard !messageIDs.isEmpty else { return 0 }
        let now = Milliseconds.from(now)
        return try await write("skip") { db in
            let update = try db.cachedStatement(sql: """
                UPDATE ledger SET state = 'skipped', skip_reason = ?, last_detail = ?, finished_at = ?, updated_at = ?
                WHERE message_id = ? AND state IN ('queued', 'uncertain')
                """)
            var count = 0
            for id in messageIDs {
                try update.execute(arguments: [reason.rawValue, shortened(detail ?? reason.label), now, now, id])
                count += db.changesCount
            }
            return count
        }
    }

    public func markAttempted(_ messageIDs: [String], at now: Date) async throws {
        guard !messageIDs.isEmpty else { return }
        let now = Milliseconds.from(now)
        let rowIDs = claimedRows.lookup(messageIDs)
        try await write("mark attempted") { db in
            let update = RawStatement(try db.cachedStatement(sql: """
                UPDATE ledger SET attempted_at = ?1 WHERE message_id = ?3 AND state = 'sending' AND attempted_at IS NULL
                """), in: db)
            let updateRow = RawStatement(try db.cachedStatement(sql: """
                UPDATE ledger SET attempted_at = ?1 WHERE id = ?2 AND message_id = ?3 AND state = 'sending' AND attempted_at IS NULL
                """), in: db)
            for (id, rowID) in zip(messageIDs, rowIDs) {
                let statement = rowID == nil ? update : updateRow
                statement.bind(1, now)
                if let rowID { statement.bind(2, rowID) }
                statement.bind(3, id)
                _ = try statement.execute()
            }
        }
    }

    public func recoverInterrupted(at now: Date) async throws -> Int {
        let now = Milliseconds.from(now)
        return try await write("recover") { db in
            // Claimed but never attempted: nothing left, so they simply wait their turn again.
            try Self.recordEvents(db, at: now, from: .sending, to: .queued, detail: "claimed, never attempted, when the previous run stopped",
                                  where: "state = 'sending' AND attempted_at IS NULL")
            try db.execute(sql: """
                UPDATE ledger SET state = 'queued', sent_at = NULL, updated_at = ?
                WHERE state = 'sending' AND attempted_at IS NULL
                """, arguments: [now])
            // Attempted with no answer recorded: the attempt counts, and the doubt is kept for reports.
            try Self.recordEvents(db, at: now, from: .sending, to: .uncertain, detail: "in flight when the previous run stopped",
                                  where: "state = 'sending'")
            try db.execute(sql: """
                UPDATE ledger SET state = 'uncertain', last_detail = 'in flight when the previous run stopped', updated_at = ?,
                    attempts = attempts + 1
                WHERE state = 'sending'
                """, arguments: [now])
            let recovered = db.changesCount
            // Parked delivery reports older than a day will never find their message.
            try db.execute(sql: "DELETE FROM pending_report WHERE at < ?", arguments: [now - 86_400_000])
            return recovered
        }
    }

    public func resolveUncertain(campaign: String, policy: UncertainPolicy, at now: Date) async throws -> Int {
        let now = Milliseconds.from(now)
        return try await write("resolve uncertain") { db in
            switch policy {
            case .resend:
                try Self.recordEvents(db, at: now, from: .uncertain, to: .queued, detail: "queued again (on_uncertain: resend)",
                                      where: "campaign = ?2 AND state = 'uncertain'", campaign)
                try db.execute(sql: """
                    UPDATE ledger SET state = 'queued', sent_at = NULL, last_detail = 'queued again (on_uncertain: resend)', updated_at = ?
                    WHERE campaign = ? AND state = 'uncertain'
                    """, arguments: [now, campaign])
            case .skip:
                try Self.recordEvents(db, at: now, from: .uncertain, to: .skipped, detail: "in flight at a crash (on_uncertain: skip)",
                                      where: "campaign = ?2 AND state = 'uncertain'", campaign)
                try db.execute(sql: """
                    UPDATE ledger SET state = 'skipped', skip_reason = ?, last_detail = 'in flight at a crash (on_uncertain: skip)',
                        finished_at = ?, updated_at = ?
                    WHERE campaign = ? AND state = 'uncertain'
                    """, arguments: [SkipReason.inDoubt.rawValue, now, now, campaign])
            }
            return db.changesCount
        }
    }

    // MARK: Helpers

    /// Appends one `ledger_event` row per entry matching `condition` (SQL over `ledger`; `?2` is `argument`),
    /// before the update that moves them.
    static func recordEvents(_ db: Database, at now: Int64, from: LedgerState, to: LedgerState, detail: String,
                             where condition: String, _ argument: String? = nil) throws {
        try db.execute(sql: """
            INSERT INTO ledger_event (entry_id, at, from_state, to_state, detail)
            SELECT id, ?1, '\(from.rawValue)', '\(to.rawValue)', ?3 FROM ledger WHERE \(condition)
            """, arguments: [now, argument, detail])
    }

    /// A person's sends since `since`, read through the message-id index: every id of a person starts with
    /// the same prefix (`LedgerEntry.messageIDPrefix`); the recipient is compared as well.
    static func recentSends(_ db: Database, recipient: String, since: Int64, key: MessageIDKey) throws -> Int {
        let statement = try db.cachedStatement(sql: """
            SELECT count(*) FROM ledger
            WHERE message_id >= ? AND message_id < ? AND recipient_id = ? AND sent_at IS NOT NULL AND sent_at >= ?
              AND state IN ('sending', 'accepted', 'delivered', 'uncertain')
            """)
        let prefix = LedgerEntry.messageIDPrefix(recipient: recipient, key: key)
        return try Int.fetchOne(statement, arguments: [prefix, prefix + "g", recipient, since]) ?? 0
    }

    /// The id a message has now: ids from before migration v6 are found through `message_alias`.
    static func currentMessageID(_ db: Database, _ id: String) throws -> String {
        let statement = try db.cachedStatement(sql: "SELECT message_id FROM message_alias WHERE old_id = ?")
        return try String.fetchOne(statement, arguments: [id]) ?? id
    }

    static func period(_ seconds: Double) -> String {
        if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
        if seconds >= 3_600, seconds.truncatingRemainder(dividingBy: 3_600) == 0 { return "\(Int(seconds / 3_600))h" }
        return "\(Int(seconds))s"
    }

    enum ReportOutcome { case applied, deferred, ignored }

    /// `aliases`: whether `message_alias` may hold the report's id (false when the table is empty).
    static func applyReport(_ db: Database, _ report: DeliveryReport, aliases: Bool = true) throws -> ReportOutcome {
        let at = Milliseconds.from(report.at)
        let column: String
        let key: String
        switch report.key {
        case .messageID(let id): column = "message_id"; key = aliases ? try currentMessageID(db, id) : id
        case .providerMessageID(let id): column = "provider_message_id"; key = id
        }
        let update = RawStatement(try db.cachedStatement(sql: """
            UPDATE ledger SET state = ?1, last_detail = COALESCE(?2, last_detail), finished_at = ?3, updated_at = ?3
            WHERE \(column) = ?4 AND state = 'accepted'
            """), in: db)
        update.bind(1, report.state.rawValue)
        update.bind(2, shortened(report.detail))
        update.bind(3, at)
        update.bind(4, key)
        if try update.execute() > 0 { return .applied }
        // Not (yet) accepted: is the gateway's answer still to be recorded?
        let waiting: Bool
        switch report.key {
        case .messageID:
            waiting = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM ledger WHERE message_id = ? AND state = 'sending')",
                                        arguments: [key]) ?? false
        case .providerMessageID(let id):
            // The provider id is only known once the outcome is recorded; an
            // id no entry carries yet may be for a message still `sending`.
            let known = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM ledger WHERE provider_message_id = ?)",
                                          arguments: [id]) ?? false
            let anySending = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM ledger WHERE state = 'sending')") ?? false
            waiting = !known && anySending
        }
        guard waiting else { return .ignored }
        let kind: String
        if case .messageID = report.key { kind = "message" } else { kind = "provider" }
        try db.execute(sql: "INSERT INTO pending_report (key_kind, key, status, detail, at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [kind, key, report.status.rawValue, shortened(report.detail), at])
        return .deferred
    }
}

/// Delivery reports parked until their message's outcome is recorded.
struct PendingReports {
    private let any: Bool

    init(_ db: Database) throws {
        any = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM pending_report)") ?? false
    }

    func apply(_ db: Database, messageID: String, providerMessageID: String?) throws {
        guard any else { return }
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, key_kind, key, status, detail, at FROM pending_report
            WHERE (key_kind = 'message' AND key = ?) OR (key_kind = 'provider' AND key = ?)
            ORDER BY at, id
            """, arguments: [messageID, providerMessageID])
        for row in rows {
            let status = DeliveryReport.Status(rawValue: row["status"]) ?? .failed
            let report = DeliveryReport(key: .messageID(messageID), status: status, detail: row["detail"],
                                        at: Milliseconds.date(row["at"]))
            _ = try SQLiteLedger.applyReport(db, report)
            try db.execute(sql: "DELETE FROM pending_report WHERE id = ?", arguments: [row["id"] as Int64])
        }
    }
}

/// The suppression-list check inside a transaction; skips the lookups
/// entirely while the list is empty.
struct OptOutCheck {
    private let statement: Statement?

    init(_ db: Database) throws {
        let any = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM opt_out)") ?? false
        statement = any ? try db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM opt_out WHERE address = ?)") : nil
    }

    func contains(_ address: String) throws -> Bool {
        guard let statement, !address.isEmpty else { return false }
        return try Bool.fetchOne(statement, arguments: [ContactAddress.key(address)]) ?? false
    }

    /// Whether another address the ledger holds for `recipient` (any campaign, any channel) is on the list —
    /// the person scope at claim time. The person's entries are one narrow range of the message-id index
    /// (ids lead with the person key, as the frequency cap reads them); nothing is read when the list is empty.
    func containsAnyAddress(of recipient: String, besides address: String, db: Database, key: MessageIDKey) throws -> Bool {
        guard statement != nil else { return false }
        let addresses = try db.cachedStatement(sql: """
            SELECT DISTINCT address FROM ledger WHERE message_id >= ? AND message_id < ? AND recipient_id = ? AND address <> ?
            """)
        let prefix = LedgerEntry.messageIDPrefix(recipient: recipient, key: key)
        for other in try String.fetchAll(addresses, arguments: [prefix, prefix + "g", recipient, address]) where try contains(other) {
            return true
        }
        return false
    }
}
