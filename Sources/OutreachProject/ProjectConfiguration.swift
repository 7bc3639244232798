public import OutreachCore
import Foundation

/// Settings from `outreach.yaml`, with the defaults a ministry project in
/// Saudi Arabia starts from.
public struct ProjectConfiguration: Sendable {
    public var name: String = "Outreach project"
    /// IANA zone used for "today" and, later, schedules.
    public var timeZone: String = "Asia/Riyadh"
    /// BCP 47 locale for templates that do not name one.
    public var locale: String = "ar-SA"
    /// Population file, relative to the project folder.
    public var populationFile: String?
    /// Schema file, relative to the project folder.
    public var schemaFile: String?
    /// Field holding each channel's address; default: the first field of
    /// type `phone` (sms) or `email` (email) in the schema.
    public var contactFields: [Channel: String] = [:]
    /// No campaign sends inside this daily window unless it is `urgent`
    /// (the bundled project sets 22:00-09:00).
    public var quietHours: TimeWindow?
    /// At most this many messages per person per period, across campaigns.
    public var frequencyCap: FrequencyCap?
    /// The send ledger (SQLite), relative to the project folder.
    public var ledgerPath: String = ".outreach/ledger.sqlite"
    /// `store:` as written: where the ledger lives (a SQLite file path, `sqlite:PATH`, later `postgres://…`);
    /// nil: `ledgerPath`. OutreachApp's `StoreLocation` reads it.
    public var store: String?
    /// Where outreach.yaml writes `store:`, for its errors.
    public var storeSource: SourceLocation?
    /// The most SMS parts one message may cost, for campaigns that set none
    /// (`max_parts`): a longer message is a render failure, never sent.
    public var maxParts: Int = ConfigurationLimits.defaultMaxParts
    /// Whom an opt-out stops (`opt_out_scope`): the person on every channel (default) or only the address.
    public var optOutScope: Suppression.Scope = .person
    /// `replies:`: the STOP and START words replies are matched against, and the confirmations to send back.
    public var replies = ReplySettings()
    /// `server:` — where `outreach serve` listens and its public address.
    public var server = ServerConfiguration()

    public init() {}

    /// The ledger file for a project folder: `ledgerPath` as written, or
    /// relative to the folder.
    public func ledgerFile(root: String) -> String {
        ledgerPath.hasPrefix("/") ? ledgerPath : URL(fileURLWithPath: root).appendingPathComponent(ledgerPath).path
    }
}
