public import Foundation
public import OutreachCore

/// What the JSON API reads, each a small protocol so the server stays independent of how the application
/// is put together: the ledger answers campaigns and message histories (`SQLiteLedger` conforms), the
/// project answers audience counts (the executable adapts the code `outreach audience count` runs).
public struct APIReaders: Sendable {
    public var campaigns: any CampaignReader
    public var audiences: any AudienceCounter
    public var messages: any MessageHistoryReader

    public init(campaigns: any CampaignReader, audiences: any AudienceCounter, messages: any MessageHistoryReader) {
        self.campaigns = campaigns
        self.audiences = audiences
        self.messages = messages
    }
}

/// Campaigns as the ledger knows them (launched once, or with messages in it).
public protocol CampaignReader: Sendable {
    func campaignSummaries() async throws -> [CampaignSummary]
    /// nil when the ledger does not know the campaign.
    func campaign(named name: String) async throws -> CampaignDetail?
}

/// Audience sizes, counted as `outreach audience list` and `outreach audience count` count them.
public protocol AudienceCounter: Sendable {
    /// Every audience (`names` nil) or the ones named; an unknown name throws `OutreachError(.unknownName)`.
    func audienceCounts(_ names: [String]?) async throws -> AudienceCounts
}

/// A person's messages, newest first.
public protocol MessageHistoryReader: Sendable {
    func history(recipientID: String, limit: Int) async throws -> [LedgerEntry]
    /// The messages that left for an address as the ledger holds it (E.164, lower-cased email).
    func history(address: String, limit: Int) async throws -> [LedgerEntry]
    func isOptedOut(_ address: String) async throws -> Bool
}

/// One campaign in `GET /api/v1/campaigns`.
public struct CampaignSummary: Sendable, Codable, Equatable {
    public var name: String
    public var state: CampaignState
    /// The last state change (launch, pause, …).
    public var stateChangedAt: Date?
    public var launchedAt: Date?
    /// The version it runs (nil for a campaign launched before versions were kept, or never launched).
    public var version: LaunchedVersion?
    /// The latest of: a state change, a version stored, a message of it queued, sent, answered or reported.
    public var lastActivityAt: Date?

    public init(name: String, state: CampaignState, stateChangedAt: Date?, launchedAt: Date?, version: LaunchedVersion?,
                lastActivityAt: Date?) {
        self.name = name
        self.state = state
        self.stateChangedAt = stateChangedAt
        self.launchedAt = launchedAt
        self.version = version
        self.lastActivityAt = lastActivityAt
    }
}

/// A stored campaign version: what the scheduler sends (`CampaignVersion`, without its texts).
public struct LaunchedVersion: Sendable, Codable, Equatable {
    public var number: Int
    public var kind: String
    public var generation: Int
    public var storedAt: Date
    /// Lower-case hex SHA-256 of the version's sources (`CampaignVersion.hash`).
    public var hash: String

    public init(_ version: CampaignVersion) {
        number = version.number
        kind = version.kind.rawValue
        generation = version.generation
        storedAt = version.storedAt
        hash = version.hash
    }
}

/// `GET /api/v1/campaigns/{name}`: the summary and the report `outreach report NAME --json` prints.
public struct CampaignDetail: Sendable, Codable {
    public var campaign: CampaignSummary
    public var report: CampaignReport

    public init(campaign: CampaignSummary, report: CampaignReport) {
        self.campaign = campaign
        self.report = report
    }
}

/// One audience and how many people are in it.
public struct AudienceCount: Sendable, Codable, Equatable {
    public var name: String
    public var title: String
    public var description: String
    public var count: Int

    public init(name: String, title: String, description: String, count: Int) {
        self.name = name
        self.title = title
        self.description = description
        self.count = count
    }
}

/// Audience counts over the population as it is now, evaluated on `evaluatedOn` (the project's today).
public struct AudienceCounts: Sendable, Codable, Equatable {
    public var audiences: [AudienceCount]
    /// Records in the population file.
    public var population: Int
    /// `YYYY-MM-DD`: ages and relative dates are as of this day.
    public var evaluatedOn: String

    public init(audiences: [AudienceCount], population: Int, evaluatedOn: String) {
        self.audiences = audiences
        self.population = population
        self.evaluatedOn = evaluatedOn
    }
}
