import GRDB
import OutreachCore

/// One row of the `opt_out` table (the suppression list), keyed by the
/// normalised address.
struct OptOutRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "opt_out"

    var address: String
    var channel: String
    var source: String
    var reason: String?
    var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case address, channel, source, reason
        case createdAt = "created_at"
    }

    init(_ optOut: OptOut) {
        address = optOut.address
        channel = optOut.channel.rawValue
        source = optOut.source
        reason = optOut.reason
        createdAt = Milliseconds.from(optOut.createdAt)
    }

    var optOut: OptOut {
        OptOut(address: address, channel: Channel(rawValue: channel) ?? .sms, source: source, reason: reason,
               createdAt: Milliseconds.date(createdAt))
    }
}

/// One row of the `campaign` table: a campaign's current state.
struct CampaignRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "campaign"

    var name: String
    var state: String
    var updatedAt: Int64
    var launchedAt: Int64?

    enum CodingKeys: String, CodingKey {
        case name, state
        case updatedAt = "updated_at"
        case launchedAt = "launched_at"
    }

    var status: CampaignStatus {
        CampaignStatus(campaign: name, state: CampaignState(rawValue: state) ?? .paused,
                       updatedAt: Milliseconds.date(updatedAt), launchedAt: launchedAt.map(Milliseconds.date))
    }
}
