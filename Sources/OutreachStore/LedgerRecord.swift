import Foundation
import GRDB
import OutreachCore

/// One entry as stored — its `ledger` row with its `ledger_payload` (see
/// `columnList` and `source`): times are integer milliseconds since 1970
/// (compact, index-friendly, exact), states and reasons their raw strings.
/// The ledger writes through `RawStatement`; `PersistableRecord` and
/// `init(_:updatedAt:)` write the layout before migration v7 (one table), which
/// the migration tests use to build old ledgers.
struct LedgerRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "ledger"

    var id: Int64?
    var campaign: String
    var occurrence: String
    var recipientID: String
    var messageID: String
    var segment: String?
    var address: String
    var channel: String
    var parts: Int
    var state: String
    var skipReason: String?
    var attempts: Int
    var providerMessageID: String?
    var lastDetail: String?
    var dueAt: Int64
    var queuedAt: Int64
    var sentAt: Int64?
    var finishedAt: Int64?
    var updatedAt: Int64
    var sender: String?
    var subject: String?
    var body: String?
    var html: String?
    var language: String?
    /// Since migration v14; not in `CodingKeys` (the layouts `PersistableRecord` writes for the migration
    /// tests predate it): read as `columnList`'s last column, written by the ledger's own insert.
    var variant: String? = nil

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, campaign, occurrence
        case recipientID = "recipient_id"
        case messageID = "message_id"
        case segment, address, channel, parts, state
        case skipReason = "skip_reason"
        case attempts
        case providerMessageID = "provider_message_id"
        case lastDetail = "last_detail"
        case dueAt = "due_at"
        case queuedAt = "queued_at"
        case sentAt = "sent_at"
        case finishedAt = "finished_at"
        case updatedAt = "updated_at"
        case sender, subject, body, html, language
    }

    /// The columns in `CodingKeys` order, for hand-written SQL over `source` (the payload's from
    /// `ledger_payload`, `p`, since migration v7).
    static let columnList = (CodingKeys.allCases.map { key in
        payloadColumns.contains(key) ? "p.\(key.rawValue)" : "ledger.\(key.rawValue)"
    } + ["ledger.variant"]).joined(separator: ", ")

    /// The ledger with each entry's payload, if it has one.
    static let source = "ledger LEFT JOIN ledger_payload p ON p.id = ledger.id"

    static let payloadColumns: Set<CodingKeys> = [.sender, .subject, .body, .html, .language]

    init(_ entry: LedgerEntry, updatedAt: Date) {
        id = nil
        campaign = entry.campaign
        occurrence = entry.occurrence
        recipientID = entry.recipientID
        messageID = entry.messageID
        segment = entry.segment
        address = entry.address
        channel = entry.channel.rawValue
        parts = entry.parts
        state = entry.state.rawValue
        skipReason = entry.skipReason?.rawValue
        attempts = entry.attempts
        providerMessageID = entry.providerMessageID
        lastDetail = entry.lastDetail
        dueAt = Milliseconds.from(entry.dueAt)
        queuedAt = Milliseconds.from(entry.queuedAt)
        sentAt = entry.sentAt.map(Milliseconds.from)
        finishedAt = entry.finishedAt.map(Milliseconds.from)
        self.updatedAt = Milliseconds.from(updatedAt)
        sender = entry.payload?.sender
        subject = entry.payload?.subject
        body = entry.payload?.text
        html = entry.payload?.html
        language = entry.payload?.language
        variant = entry.variant
    }

    /// Reads by column position (the `columnList` order): the claim path
    /// decodes thousands of rows per batch, and this skips Codable's keyed
    /// lookups.
    init(row: Row) {
        id = row[0]
        campaign = row[1]
        occurrence = row[2]
        recipientID = row[3]
        messageID = row[4]
        segment = row[5]
        address = row[6]
        channel = row[7]
        parts = row[8]
        state = row[9]
        skipReason = row[10]
        attempts = row[11]
        providerMessageID = row[12]
        lastDetail = row[13]
        dueAt = row[14]
        queuedAt = row[15]
        sentAt = row[16]
        finishedAt = row[17]
        updatedAt = row[18]
        sender = row[19]
        subject = row[20]
        body = row[21]
        html = row[22]
        language = row[23]
        variant = row.count > 24 ? row[24] : nil
    }

    /// The core value; unknown raw strings (a newer writer) read as the
    /// safest meaning rather than crashing.
    var entry: LedgerEntry {
        var entry = LedgerEntry(messageID: messageID, campaign: campaign, occurrence: occurrence, recipientID: recipientID,
                    segment: segment, address: address, channel: Channel(rawValue: channel) ?? .sms, parts: parts,
                    state: LedgerState(rawValue: state) ?? .uncertain,
                    skipReason: skipReason.flatMap(SkipReason.init(rawValue:)), attempts: attempts,
                    providerMessageID: providerMessageID, lastDetail: lastDetail,
                    dueAt: Milliseconds.date(dueAt), queuedAt: Milliseconds.date(queuedAt),
                    sentAt: sentAt.map(Milliseconds.date), finishedAt: finishedAt.map(Milliseconds.date),
                    payload: body.map { LedgerEntry.Payload(sender: sender, subject: subject, text: $0, html: html, language: language) })
        entry.variant = variant
        return entry
    }
}

/// Times in the database: integer milliseconds since 1970.
enum Milliseconds {
    static func from(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ ms: Int64) -> Date {
        Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}
