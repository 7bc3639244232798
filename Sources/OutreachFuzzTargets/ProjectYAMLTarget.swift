import Foundation
import OutreachCore
import OutreachProject

/// Reads the input as every file of a project at once: the same bytes are
/// written as outreach.yaml, schema.yaml, an audience, a template, a
/// campaign and gateways.yaml of a scratch project folder, which
/// `ProjectLoader` then loads as `validate` does. What loads is then
/// checked as `validate` checks it (rules against the schema, templates
/// compiled and rendered once) and a campaign's schedule is planned.
///
/// Going through files keeps the loaders' own path, reading and UTF-8
/// check included; the folder is in memory (`/dev/shm`) where there is one.
enum ProjectYAMLTarget {
    static let files = ["outreach.yaml", "schema.yaml", "audiences/fuzzed.yaml", "templates/fuzzed.yaml",
                        "campaigns/fuzzed.yaml", "gateways.yaml"]

    /// One scratch folder per process, made for each input and removed after it.
    static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return (base as NSString).appendingPathComponent("outreach-fuzz-project-\(ProcessInfo.processInfo.processIdentifier)")
    }()

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        for sub in ["audiences", "templates", "campaigns"] {
            try? FileManager.default.createDirectory(atPath: (folder as NSString).appendingPathComponent(sub),
                                                     withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = Data(buffer: input)
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file)
            guard FileManager.default.createFile(atPath: path, contents: data) else {
                fatalError("cannot write the fuzz project's \(file) in \(folder)")
            }
        }
        var loader = ProjectLoader(root: folder, schemaOverride: (folder as NSString).appendingPathComponent("schema.yaml"))
        loader.environment = ["KANNEL_PASSWORD": "kannel-secret", "TWILIO_ACCOUNT_SID": "AC0123", "TWILIO_AUTH_TOKEN": "twilio-token",
                              "TWILIO_MESSAGING_SERVICE_SID": "MG0123", "UNIFONIC_APP_SID": "app-sid", "SMTP_PASSWORD": "smtp-secret"]
        let project = loader.loadCollectingProblems()
        for problem in loader.problems + project.gatewayProblems { _ = problem.description }

        var fieldTypes = project.schema.fields
        fieldTypes[project.schema.idField] = fieldTypes[project.schema.idField] ?? .text
        for problem in AudienceCatalog.check(project.audiences, fieldTypes: fieldTypes) { _ = problem.description }

        for spec in project.templates {
            let problems = CompiledTemplate.check(spec, defaultLocale: project.configuration.locale)
            for problem in problems { _ = problem.description }
            guard problems.isEmpty, let template = try? CompiledTemplate(spec, defaultLocale: project.configuration.locale) else { continue }
            for record in MessageFormatTarget.records(for: template.recipientFields).prefix(3) {
                _ = template.render(record)
            }
        }

        for campaign in project.campaigns {
            _ = campaign.effectiveFrequencyCap(project: project.configuration.frequencyCap)
            guard let schedule = campaign.schedule else { continue }
            let planner = SchedulePlanner(schedule)
            _ = planner.occurrences(limit: 20)
            let now = LocalDateTime(day: FuzzPopulation.today, time: LocalTime(hour: 9, minute: 0)!)
            for day in [FuzzPopulation.today, Day(year: 1900, month: 1, day: 1)!, Day(year: 9999, month: 12, day: 31)!] {
                for offset in schedule.relative?.offsets ?? [] {
                    let (local, _) = planner.adjust(LocalDateTime(day: offset.advance(day), time: schedule.relative!.at))
                    _ = SendTimeline.timing(of: local.instant(in: TimeZone(identifier: "UTC")!),
                                            launchedAt: now.instant(in: TimeZone(identifier: "UTC")!), schedule: schedule)
                }
            }
            _ = LaunchWindow.refusal(schedule, now: now.instant(in: TimeZone(identifier: "UTC")!))
        }
    }
}
