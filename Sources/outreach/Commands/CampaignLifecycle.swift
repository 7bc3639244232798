import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject
import OutreachStore

/// `outreach launch NAME`: a campaign is a draft until someone launches it
/// on purpose, after seeing who it reaches, what they get, what it costs
/// and when it sends.
struct Launch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Launch a draft campaign after showing its audience, sample messages, SMS parts and send times.")

    @OptionGroup var options: ProjectOptions
    @OptionGroup var clock: ClockOptions
    @Argument(help: "Campaign name.") var campaign: String
    @Flag(name: .long, help: "Do not ask for confirmation (for scripts).") var yes = false
    @Option(name: .long, help: "Ledger file, instead of PROJECT/.outreach/ledger.sqlite.") var ledger: String?

    func run() async throws {
        try await reportingErrors {
            let workspace = try options.load()
            let definition = try workspace.campaignDefinition(campaign)
            let store = try workspace.openLedger(ledger)
            let state = try await store.campaignState(definition.name)
            guard state.canMove(to: .launched) else {
                throw OutreachError(.invalidValue, "campaign '\(definition.name)' is \(state.rawValue); only a draft can be launched",
                                    hint: state == .paused ? "use `outreach resume \(definition.name)`" : nil)
            }
            // A launch runs every check `validate` runs and refuses on any error: what it
            // launches must be what validate approves.
            let check = ProjectCheck(project: workspace.project)
            guard check.errors.isEmpty else {
                for error in check.errors { printError(error.description) }
                throw OutreachError(.invalidProject, "launch refused: the project has \(check.errors.count) error(s), listed above; nothing was launched",
                                    hint: "fix them (`outreach validate` checks the whole project) and launch again")
            }
            let now = try clock.clock().now()
            if let reason = LaunchWindow.refusal(definition.schedule, now: now) {
                throw OutreachError(.invalidValue, "launch refused: campaign '\(definition.name)' would never send: \(reason)",
                                    at: definition.file.map { SourceLocation(file: $0, line: 1, column: 1) },
                                    hint: "set schedule.start to a Gregorian date and time between now and a year ahead")
            }
            let (population, importReport) = try workspace.population()
            var templates: [String: CompiledTemplate] = [:]
            for name in Set(definition.segments.map(\.template)) { templates[name] = try workspace.template(name, for: definition) }
            var previewer = try await workspace.previewer(for: definition, templates: templates, ledger: nil, store: store)
            previewer.sampleSize = 2
            let preview = try previewer.preview(definition, population: population)
            print(PreviewText.render(preview, importReport: importReport))
            print("")
            // The sends as the scheduler will make them: from the launch's day (the day of --at, unless --today says).
            let projectZone = TimeZone(identifier: workspace.project.configuration.timeZone) ?? TimeZone(identifier: "UTC")!
            let launchDay = options.today == nil ? LocalDateTime(now, in: projectZone).day : workspace.today
            let segmentation = try CampaignSegmentation(definition, catalog: try workspace.catalog(), population: population,
                                                        today: launchDay)
            let plan = CampaignPlanner.plan(definition, segmentation: segmentation, population: population,
                                            composer: previewer.composer(for: definition), launchedAt: now,
                                            from: launchDay, until: launchDay.adding(days: 366))
            print(LaunchSends.text(plan, definition: definition))
            let gateways = definition.channels.map { "\($0.rawValue): \(definition.gateway(for: $0) ?? "none")" }.joined(separator: ", ")
            print("Gateway: \(gateways)  sender: \(definition.sender ?? "gateway default")")
            if !yes {
                FileHandle.standardError.write(Data("Launch '\(definition.name)': \(grouped(preview.ready)) message(s) ready today, for \(grouped(preview.recipients)) recipient(s)? Type yes to launch: ".utf8))
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    print("Not launched; the campaign stays a draft.")
                    throw ExitCode(1)
                }
            }
            try await store.setCampaignState(definition.name, to: .launched, at: now)
            print("Launched '\(definition.name)'. `outreach run` sends it; `outreach status \(definition.name)` follows it.")
        }
    }
}

/// The launch confirmation's "Sends:" lines: when the campaign sends, and the sends that had already passed.
enum LaunchSends {
    static func text(_ plan: CampaignPlan, definition: CampaignDefinition) -> String {
        guard definition.schedule != nil else {
            return "Sends: once, as soon as `outreach run` picks it up (quiet hours respected): \(grouped(plan.messages)) message(s)"
        }
        var lines: [String] = []
        let happening = plan.sends.filter { $0.timing != .passed }
        if let first = happening.first, let last = happening.last {
            lines.append("Sends: \(happening.count) send time(s) in the next year, \(grouped(plan.messages)) message(s), first \(first.local) \(first.timeZone)"
                         + (first.timing == .late ? " (passed — sent at launch)" : "")
                         + (happening.count > 1 ? ", last \(last.local) \(last.timeZone)" : ""))
        } else {
            lines.append("Sends: none planned in the next year for today's audience")
        }
        if plan.kind == "relative", plan.passed > 0 {
            lines.append("  sends already past: \(grouped(plan.passed)) — \(PlanText.passedSplit(plan))")
        }
        for send in plan.sends where send.timing != .upcoming {
            lines.append("  \(send.local) \(send.timeZone)  \(send.label)  \(grouped(send.recipients)) message(s) \(send.note ?? "")")
        }
        if let notReached = PlanText.notReached(plan.leftOut) { lines.append("  not reached: " + notReached) }
        return lines.joined(separator: "\n")
    }
}

/// What `pause`, `resume` and `cancel` take, and the state change they share.
struct CampaignStateOptions: ParsableArguments {
    @OptionGroup var options: ProjectOptions
    @OptionGroup var clock: ClockOptions
    @Argument(help: "Campaign name.") var campaign: String
    @Option(name: .long, help: "Ledger file.") var ledger: String?

    /// Moves the campaign to `state`; `done` is printed with NAME filled in.
    func change(to state: CampaignState, done: String) async throws {
        try await reportingErrors {
            let workspace = try options.load()
            let definition = try workspace.campaignDefinition(campaign)
            let store = try workspace.openLedger(ledger)
            try await store.setCampaignState(definition.name, to: state, at: try clock.clock().now())
            print(done.replacingOccurrences(of: "NAME", with: definition.name))
        }
    }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pause a launched campaign: nothing more is sent until it is resumed.")
    @OptionGroup var state: CampaignStateOptions
    func run() async throws {
        try await state.change(to: .paused, done: "Paused 'NAME'. Queued messages wait; `outreach resume NAME` continues.")
    }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused campaign.")
    @OptionGroup var state: CampaignStateOptions
    func run() async throws {
        try await state.change(to: .launched, done: "Resumed 'NAME'.")
    }
}

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel a campaign: queued messages are recorded as skipped (cancelled).")
    @OptionGroup var state: CampaignStateOptions
    func run() async throws {
        try await state.change(to: .cancelled, done: "Cancelled 'NAME'. Nothing more will be sent.")
    }
}

extension Workspace {
    func campaignDefinition(_ name: String) throws(OutreachError) -> CampaignDefinition {
        guard let definition = project.campaign(name) else {
            var hint = "campaigns are: \(project.campaigns.map(\.name).sorted().joined(separator: ", "))"
            if let close = NameSuggestion.closest(to: name, in: project.campaigns.map(\.name)) { hint = "did you mean '\(close)'? " + hint }
            throw OutreachError(.unknownName, "no campaign '\(name)'", hint: hint)
        }
        return definition
    }

    /// The project's ledger (outreach.yaml `ledger:`, default .outreach/ledger.sqlite) or `path`.
    func openLedger(_ path: String?) throws(OutreachError) -> SQLiteLedger {
        try SQLiteLedger(path: path ?? project.configuration.ledgerFile(root: project.root))
    }
}
