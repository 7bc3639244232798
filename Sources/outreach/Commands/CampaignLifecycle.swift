import ArgumentParser
import Foundation
import OutreachApp
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
        try await perform(.launch)
    }

    /// Launch, update or relaunch: the same checks, preview and confirmation, then the campaign's files are
    /// stored in the ledger as a new version of that kind (with the state change it implies).
    func perform(_ kind: CampaignVersion.Kind) async throws {
        try await reportingErrors {
            let disk = try LaunchWorkspace(options)
            let store = try disk.workspace.openLedger(ledger)
            let state = try await store.campaignState(campaign)
            let latest = try await store.latestVersion(campaign: campaign)
            switch kind {
            case .launch, .adopted:
                guard state == .draft else {
                    let hint = state == .paused ? "use `outreach resume \(campaign)`"
                        : state.canRelaunch ? "use `outreach relaunch \(campaign)` to send it again as a new version"
                        : "use `outreach update \(campaign)` to apply changes to its files"
                    throw OutreachError(.invalidValue, "campaign '\(campaign)' is \(state.rawValue); only a draft can be launched", hint: hint)
                }
            case .update:
                guard state == .launched || state == .paused else {
                    throw OutreachError(.invalidValue, "campaign '\(campaign)' is \(state.rawValue); only a launched or paused campaign can be updated",
                                        hint: state == .draft ? "use `outreach launch \(campaign)`" : "use `outreach relaunch \(campaign)`")
                }
            case .relaunch:
                guard state.canRelaunch else {
                    throw OutreachError(.invalidValue, "campaign '\(campaign)' is \(state.rawValue); only a cancelled or completed campaign can be relaunched",
                                        hint: state == .draft ? "use `outreach launch \(campaign)`" : "use `outreach update \(campaign)` to apply changes")
                }
            }
            // What is stored is the campaign's files as they are now; a broken one among them refuses.
            if let problem = disk.campaignProblem(campaign) { throw problem }
            let onDisk = try disk.workspace.campaignDefinition(campaign)
            let broken = disk.problems(usedBy: onDisk)
            guard broken.isEmpty else {
                for error in broken { printError(error.description) }
                throw OutreachError(.invalidProject, "\(kind.verb) refused: \(broken.count) file(s) the campaign uses have errors, listed above",
                                    hint: "fix them and try again")
            }
            let sources = try CampaignSources.collect(onDisk, project: disk.project)
            var changes: VersionDiff?
            if let latest {
                let diff = VersionDiff(latest, workspace: disk)
                if kind == .update && CampaignVersion.hash(sources) == latest.hash {
                    print("No changes since launched version \(latest.number); nothing to update.")
                    return
                }
                changes = diff
            }
            // From here on the campaign is what would be stored: checked, previewed and planned from those texts.
            let frozen = CampaignVersion(campaign: onDisk.name, number: (latest?.number ?? 0) + 1, kind: kind,
                                         generation: latest?.generation ?? 1, storedAt: Date(), sources: sources)
            let (definition, workspace) = try disk.launched(frozen)
            // Every check `validate` runs, on what is sent: refused on any error.
            let check = ProjectCheck(project: workspace.project)
            guard check.errors.isEmpty else {
                for error in check.errors { printError(error.description) }
                throw OutreachError(.invalidProject, "\(kind.verb) refused: the campaign has \(check.errors.count) error(s), listed above; nothing was \(kind.done)",
                                    hint: "fix them (`outreach validate` checks the whole project) and try again")
            }
            for line in disk.warningLines() { printError(line) }
            if let reason = definition.unsupportedForSending {
                throw OutreachError(.invalidValue, "\(kind.verb) refused: campaign '\(definition.name)': \(reason)",
                                    at: definition.file.map { SourceLocation(file: $0, line: 1, column: 1) },
                                    hint: "`outreach plan` and `outreach preview` show the staged plan; remove 'test_phase' to send the variants to everyone")
            }
            let now = try clock.clock().now()
            if let reason = LaunchWindow.refusal(definition.schedule, now: now) {
                throw OutreachError(.invalidValue, "\(kind.verb) refused: campaign '\(definition.name)' would never send: \(reason)",
                                    at: definition.file.map { SourceLocation(file: $0, line: 1, column: 1) },
                                    hint: "set schedule.start to a Gregorian date and time between now and a year ahead")
            }
            let (population, importReport) = try workspace.population()
            var templates: [String: CompiledTemplate] = [:]
            for name in definition.templateNames { templates[name] = try workspace.template(name, for: definition) }
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
            if let changes, let latest {
                print(changes.hasChanges ? "Changes since launched version \(latest.number):" : "No changes since launched version \(latest.number).")
                for line in changes.summary { print(line) }
            }
            if !yes {
                FileHandle.standardError.write(Data("\(kind.verb.capitalized) '\(definition.name)': \(grouped(preview.ready)) message(s) ready today, for \(grouped(preview.recipients)) recipient(s)? Type yes to \(kind.verb): ".utf8))
                guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                    print(kind == .launch ? "Not launched; the campaign stays a draft." : "Not \(kind.done); the campaign stays as it was.")
                    throw ExitCode(1)
                }
            }
            let version = try await store.storeVersion(campaign: definition.name, kind: kind, sources: sources, at: now)
            let stored = "version \(version.number)" + (version.generation > 1 ? ", generation \(version.generation)" : "")
            switch kind {
            case .update:
                print("Updated '\(definition.name)' to \(stored). Messages already queued stay as they are; later sends use this version.")
            case .relaunch:
                print("Relaunched '\(definition.name)' as \(stored). `outreach run` sends it; `outreach status \(definition.name)` follows it.")
            default:
                print("Launched '\(definition.name)' (\(stored)). `outreach run` sends it; `outreach status \(definition.name)` follows it.")
            }
        }
    }
}

/// `outreach update NAME`: a launched or paused campaign's files as they are now become its next version.
struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the files' changes to a launched or paused campaign, after the launch checks, preview and the changes since its version.")
    @OptionGroup var launch: Launch
    func run() async throws { try await launch.perform(.update) }
}

/// `outreach relaunch NAME`: a cancelled or completed campaign sends again, as a new generation.
struct Relaunch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a cancelled or completed campaign again as a new version, after the launch checks and preview.")
    @OptionGroup var launch: Launch
    func run() async throws { try await launch.perform(.relaunch) }
}

extension CampaignVersion.Kind {
    /// The command that stores such a version, for messages.
    var verb: String {
        switch self {
        case .launch, .adopted: "launch"
        case .update: "update"
        case .relaunch: "relaunch"
        }
    }

    var done: String {
        switch self {
        case .launch, .adopted: "launched"
        case .update: "updated"
        case .relaunch: "relaunched"
        }
    }
}

/// The launch confirmation's "Sends:" lines: when the campaign sends, and the sends that had already passed.
enum LaunchSends {
    static func text(_ plan: CampaignPlan, definition: CampaignDefinition) -> String {
        guard definition.schedule != nil else {
            return "Sends: once, as soon as `outreach run` picks it up (quiet hours respected): \(grouped(plan.messages)) message(s)"
                + (plan.heldOut > 0 ? "\n  holdout: \(grouped(plan.heldOut)) people not messaged (the control group)" : "")
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
        if plan.heldOut > 0 { lines.append("  holdout: \(grouped(plan.heldOut)) people not messaged (the control group)") }
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
            // A launched campaign is changed in the ledger even when its file is gone or broken.
            let disk = try LaunchWorkspace(options)
            let store = try disk.workspace.openLedger(ledger)
            let name = try await store.campaigns().contains { $0.campaign == campaign }
                ? campaign : try disk.workspace.campaignDefinition(campaign).name
            try await store.setCampaignState(name, to: state, at: try clock.clock().now())
            print(done.replacingOccurrences(of: "NAME", with: name))
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
