public import Foundation

/// Recipients' zones (a `timezone` field wins over the campaign's; an
/// unknown zone name falls back to the campaign's) and local-to-instant
/// conversions, cached: a million recipients share a few zones and dates.
/// What `SendTimeline` and `CampaignPlanner` both place sends with.
public struct RecipientZones {
    let campaignZone: TimeZone
    let campaignZoneName: String
    let population: Population
    let hasZoneField: Bool
    var zones: [String: TimeZone] = [:]
    var instants: [String: [LocalDateTime: Date]] = [:]

    public init(campaignZone: TimeZone, campaignZoneName: String, population: Population) {
        self.campaignZone = campaignZone
        self.campaignZoneName = campaignZoneName
        self.population = population
        self.hasZoneField = population.type(of: "timezone") != nil
    }

    public mutating func zone(row: Int) -> (String, TimeZone) {
        guard hasZoneField, case .text(let name)? = population.value(row: row, field: "timezone") else {
            return (campaignZoneName, campaignZone)
        }
        if let z = zones[name] { return (name, z) }
        guard let z = TimeZone(identifier: name) else { return (campaignZoneName, campaignZone) }
        zones[name] = z
        return (name, z)
    }

    public mutating func instant(_ local: LocalDateTime, zoneName: String, zone: TimeZone) -> Date {
        if let d = instants[zoneName]?[local] { return d }
        let d = local.instant(in: zone)
        instants[zoneName, default: [:]][local] = d
        return d
    }
}
