import Foundation
import Logging
import OutreachApp
import OutreachCore
import OutreachProject
import OutreachStore
import Testing

@Suite("Workspace")
struct WorkspaceTests {
    @Test("the bundled example project builds a workspace: project, population, audiences, templates")
    func exampleProject() throws {
        let workspace = try Workspace.load(root: ExampleProject.root.path, today: "2027-03-01")
        #expect(workspace.today == Day(iso: "2027-03-01"))
        let project = workspace.project
        #expect(Set(project.campaigns.map(\.name)) == ["back_to_school", "residency_notice", "vaccination_email", "vaccination_round", "vaccination_wording"])
        let (population, report) = try workspace.population()
        #expect(population.count > 0)
        #expect(report.lostRecordsRefusal == nil)
        let catalog = try workspace.catalog()
        for audience in project.audiences {
            #expect(catalog.rule(audience.name) != nil, "audience \(audience.name)")
        }
        // Every campaign's segments get a template for their own channel.
        for campaign in project.campaigns {
            let templates = try workspace.channelTemplates(for: campaign)
            for segment in campaign.segments {
                let own = try workspace.template(segment.template, for: campaign)
                #expect(templates[segment.name]?[own.channel] != nil, "campaign \(campaign.name) segment \(segment.name)")
            }
            let gateways = try CampaignGateways.byChannel(campaign)
            #expect(Set(gateways.keys) == Set(campaign.channels))
            try CampaignGateways.check(campaign, project: project)
        }
        #expect(workspace.contactFields[.sms] == "mobile")
        #expect(workspace.contactFields[.email] == "email")
    }

    @Test("a name the project does not have is refused with the names it has")
    func unknownNames() throws {
        let workspace = try Workspace.load(root: ExampleProject.root.path)
        let campaign = #expect(throws: OutreachError.self) { try workspace.campaignDefinition("back_to_skool") }
        #expect(campaign?.hint?.contains("did you mean 'back_to_school'?") == true)
        #expect(throws: OutreachError.self) { try workspace.audienceName("nobody") }
        #expect(throws: OutreachError.self) { try workspace.template("missing") }
        #expect(throws: OutreachError.self) { try Workspace.load(root: ExampleProject.root.path, today: "01/03/2027") }
    }

    @Test("launched versions: a campaign launched into the ledger runs from its stored version, not its file")
    func launchedVersions() async throws {
        let dir = try ExampleProject.copy()
        let disk = try LaunchWorkspace(root: dir.path, today: "2027-03-01")
        #expect(disk.fileProblems.isEmpty)
        let store = try disk.workspace.openLedger(nil)
        #expect(store.path == dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let definition = try disk.workspace.campaignDefinition("vaccination_round")
        let sources = try CampaignSources.collect(definition, project: disk.project)
        _ = try await store.storeVersion(campaign: definition.name, kind: .launch, sources: sources, at: Date())

        // The file changes on disk after the launch: the run still sends the launched version.
        let file = dir.appendingPathComponent("campaigns/vaccination_round.yaml")
        try (try String(contentsOf: file, encoding: .utf8) + "\n# edited after launch\n").write(to: file, atomically: true, encoding: .utf8)
        let edited = try LaunchWorkspace(root: dir.path, today: "2027-03-01")
        let launched = try await LaunchedCampaigns.load(edited, store: store, now: Date(), logger: Logger(label: "test"))
        #expect(launched.campaigns.map(\.definition.name) == ["vaccination_round"])
        #expect(launched.campaigns.first?.version.number == 1)
        #expect(launched.errors.isEmpty)
        #expect(launched.adoptions.isEmpty)
        _ = try launched.campaigns.first?.scheduled()
        #expect(VersionDiff(try #require(launched.campaigns.first?.version), workspace: edited).hasChanges)
    }
}
