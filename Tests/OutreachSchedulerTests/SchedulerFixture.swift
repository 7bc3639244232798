import Foundation
import Logging
import OutreachCore
import OutreachDispatch
import OutreachProject
import OutreachScheduler
import OutreachStore

/// A clock the test moves by hand.
final class ManualClock: SchedulerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    init(_ instant: Date) { self.instant = instant }
    func now() -> Date { lock.withLock { instant } }
    func set(_ date: Date) { lock.withLock { instant = date } }
    func sleep(until instant: Date) async throws { set(max(instant, now())) }
}

func utc(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

/// The bundled example project, a fresh SQLite ledger and a file outbox in
/// a temporary folder: the scheduler end to end with real storage.
struct SchedulerFixture {
    let directory: URL
    let project: Project
    let ledger: SQLiteLedger
    let clock: ManualClock
    let outboxPath: String

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(start: Date) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-scheduler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        project = try ProjectLoader.load(root: Self.packageRoot.path)
        ledger = try SQLiteLedger(path: directory.appendingPathComponent("ledger.sqlite").path)
        clock = ManualClock(start)
        outboxPath = directory.appendingPathComponent("outbox.jsonl").path
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    func campaign(_ name: String) -> CampaignDefinition { project.campaign(name)! }

    func scheduled(_ definition: CampaignDefinition) throws -> ScheduledCampaign {
        var templates: [String: [Channel: CompiledTemplate]] = [:]
        for segment in definition.segments {
            let compiled = try CompiledTemplate(project.template(segment.template)!, defaultLocale: project.configuration.locale)
            templates[segment.name] = [compiled.channel: compiled]
        }
        var contacts: [Channel: String] = [:]
        for channel in [Channel.sms, .email] { contacts[channel] = project.contactField(for: channel) }
        return ScheduledCampaign(definition: definition, composer: RecipientComposer(campaign: definition, templates: templates, contactFields: contacts))
    }

    /// `gateway` wraps the file outbox, for tests that act while a tick sends.
    func scheduler(_ campaigns: [CampaignDefinition], cap: FrequencyCap? = nil, slice: Int? = nil,
                   gateway: (any MessageGateway) -> any MessageGateway = { $0 }) throws -> CampaignScheduler {
        let outbox = FileOutboxGateway(configuration: GatewayConfiguration(name: "outbox", settings: .file(FileOutboxSettings(path: outboxPath))),
                                       settings: FileOutboxSettings(path: outboxPath), projectRoot: directory.path)
        let dispatcher = Dispatcher(lanes: [DispatchLane(gateway: gateway(outbox))], logger: Logger(label: "test"))
        var settings = CampaignScheduler.Settings(projectTimeZone: project.configuration.timeZone,
                                                  quietHours: project.configuration.quietHours, frequencyCap: cap)
        settings.maxSleep = 3600
        if let slice { settings.materialiseSlice = slice }
        let path = project.populationPath!
        let schema = project.schema
        return CampaignScheduler(store: ledger, campaigns: try campaigns.map(scheduled), catalog: try AudienceCatalog(project.audiences),
                                 population: { try PopulationFile.load(path, schema: schema).0 },
                                 dispatcher: dispatcher, clock: clock, settings: settings, logger: Logger(label: "test"))
    }

    /// The outbox's lines as (id, to) pairs.
    func outbox() throws -> [(id: String, to: String)] {
        guard let text = try? String(contentsOfFile: outboxPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return (object["id"] as! String, object["to"] as! String)
        }
    }

    /// Ticks at every next due time until `end`.
    func runUntil(_ scheduler: CampaignScheduler, end: Date) async throws {
        while true {
            let report = try await scheduler.tick()
            guard let next = report.nextDue, next <= end else { break }
            clock.set(next)
        }
        clock.set(end)
        _ = try await scheduler.tick()
    }
}
