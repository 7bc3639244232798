public import Foundation
public import Logging
public import OutreachCore
import OutreachProject
public import OutreachScheduler
public import OutreachStore
import Synchronization

/// The campaigns `run` sends: every launched or paused campaign, built from
/// its stored version (a campaign launched before versions were kept is
/// adopted: its files as they are now become version 1). Drafts' files are
/// not read; a broken or deleted file is a warning line.
public struct LaunchedCampaigns: Sendable {
    /// One launched campaign as stored: its version, definition and project; a campaign with `errors` is not run.
    public struct Campaign: Sendable {
        public var version: CampaignVersion
        public var definition: CampaignDefinition
        /// The project as the version has it (its templates and audiences).
        public var workspace: Workspace
        /// What `validate` finds wrong with it: such a campaign is not run.
        public var errors: [OutreachError] = []

        /// The campaign as the scheduler runs it.
        public func scheduled() throws(OutreachError) -> ScheduledCampaign {
            // The scheduler draws variants and holdouts with its ledger's key.
            let composer = try workspace.recipientComposer(for: definition, key: nil)
            return ScheduledCampaign(definition: definition, composer: composer, generation: version.generation,
                                     catalog: try workspace.catalog())
        }
    }

    public var campaigns: [Campaign] = []
    /// Campaigns adopted by this load (a first version stored): one line each, for stderr before the warnings.
    public var adoptions: [String] = []
    /// One line each, for stderr.
    public var warnings: [String] = []
    /// Checks `validate` runs that fail on what a launched version sends.
    public var errors: [OutreachError] = []

    /// `adopt`: store a first version for a launched campaign that has none (at the start of `run`).
    public static func load(_ disk: LaunchWorkspace, store: SQLiteLedger, now: Date, logger: Logger, adopt: Bool = true) async throws -> LaunchedCampaigns {
        var result = LaunchedCampaigns()
        var versions = try await store.latestVersions()
        var reported: Set<String> = []
        var seenErrors: Set<String> = []
        for status in try await store.campaigns() where status.state == .launched || status.state == .paused {
            let name = status.campaign
            let fileProblem = disk.campaignProblem(name)
            if versions[name] == nil && !adopt { continue }
            if versions[name] == nil {
                // Launched before versions were kept: adopt the files as they are, when they load.
                guard let definition = disk.project.campaign(name), disk.problems(usedBy: definition).isEmpty else {
                    result.warnings.append("warning: campaign '\(name)' is \(status.state.rawValue) but has no stored version and its files "
                                           + (fileProblem != nil || disk.campaignFileExists(name) ? "have errors" : "are missing")
                                           + "; it is not run (fix its files, then `outreach run` stores them as its version 1)")
                    continue
                }
                let adopted = try await store.storeVersion(campaign: name, kind: .adopted,
                                                           sources: try CampaignSources.collect(definition, project: disk.project), at: now)
                versions[name] = adopted
                result.adoptions.append("campaign '\(name)' was launched before versions were kept: its files as they are now are stored as version 1")
                logger.info("campaign adopted", metadata: ["campaign": "\(name)", "version": "1"])
            }
            guard let version = versions[name] else { continue }
            if let fileProblem {
                if let path = disk.fileProblems.first(where: { $0.value.description == fileProblem.description })?.key { reported.insert(path) }
                result.warnings.append("warning: campaign '\(name)': file has errors (\(LaunchWorkspace.firstLine(fileProblem))); "
                                       + "running the launched version \(version.number)")
            } else if !disk.campaignFileExists(name) {
                result.warnings.append("warning: campaign '\(name)': file missing; running the launched version \(version.number)")
            }
            let (definition, workspace) = try disk.launched(version)
            let errors = LaunchWorkspace.checkErrors(workspace)
            for error in errors where seenErrors.insert(error.description).inserted {
                result.errors.append(error)
            }
            result.campaigns.append(Campaign(version: version, definition: definition, workspace: workspace, errors: errors))
        }
        result.warnings += disk.warningLines(except: reported)
        return result
    }
}

/// What `run` keeps while it runs: the launched version numbers it built its campaigns from, and each
/// campaign's gateway per channel (read by the dispatcher's route), both replaced when a launch, update or
/// relaunch comes in.
public final class LaunchedCampaignRoutes: Sendable {
    private struct State {
        var versions: [String: Int]
        var gateways: [String: [Channel: String]] = [:]
    }
    private let state: Mutex<State>

    public init(versions: [String: Int]) {
        state = Mutex(State(versions: versions))
    }

    public func gateway(campaign: String, channel: Channel) -> String? {
        state.withLock { $0.gateways[campaign]?[channel] }
    }

    public func setGateways(_ byChannel: [Channel: String], campaign: String) {
        state.withLock { $0.gateways[campaign] = byChannel }
    }

    /// True (and remembered) when `numbers` differ from the last seen.
    public func changed(_ numbers: [String: Int]) -> Bool {
        state.withLock { state in
            guard state.versions != numbers else { return false }
            state.versions = numbers
            return true
        }
    }
}
