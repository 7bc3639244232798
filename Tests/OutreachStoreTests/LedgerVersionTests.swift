import Foundation
import GRDB
import Testing
import OutreachCore
@testable import OutreachStore

/// The ledger keeps every launched version of a campaign with the state change it went with, reads back
/// exactly what it stored (hash checked), and a ledger from before versions has launched campaigns
/// without one (the first run adopts them).
@Suite("Ledger: campaign versions")
struct LedgerVersionTests {
    func sources(_ text: String) -> [CampaignVersion.Source] {
        [CampaignVersion.Source(role: .campaign, name: "c", path: "campaigns/c.yaml", text: "audience: a\ntemplate: t\n"),
         CampaignVersion.Source(role: .template, name: "t", path: "templates/t.yaml", text: text),
         CampaignVersion.Source(role: .audience, name: "a", path: "audiences/a.yaml", text: "where: age > 1\n")]
    }

    @Test("launch, update, cancel, relaunch: versions numbered in order, kinds and generations kept, hash stable across loads")
    func lifecycle() async throws {
        try await withLedger { ledger, temporary in
            let v1 = try await ledger.storeVersion(campaign: "c", kind: .launch, sources: sources("text: one\n"), at: at(0))
            #expect(v1.number == 1 && v1.generation == 1)
            #expect(try await ledger.campaignState("c") == .launched)
            let launchedAt = try await ledger.campaigns().first?.launchedAt
            #expect(launchedAt == at(0))
            try await ledger.setMaterialisedThrough(campaign: "c", at(100))

            let v2 = try await ledger.storeVersion(campaign: "c", kind: .update, sources: sources("text: two\n"), at: at(200))
            #expect(v2.number == 2 && v2.generation == 1 && v2.hash != v1.hash)
            #expect(try await ledger.campaignState("c") == .launched)
            #expect(try await ledger.campaigns().first?.launchedAt == launchedAt)       // an update is no new launch
            #expect(try await ledger.materialisedThrough(campaign: "c") == at(100))

            try await ledger.setCampaignState("c", to: .cancelled, at: at(300))
            let v3 = try await ledger.storeVersion(campaign: "c", kind: .relaunch, sources: sources("text: two\n"), at: at(400))
            #expect(v3.number == 3 && v3.generation == 2 && v3.hash == v2.hash)
            #expect(try await ledger.campaignState("c") == .launched)
            #expect(try await ledger.campaigns().first?.launchedAt == at(400))
            #expect(try await ledger.materialisedThrough(campaign: "c") == nil)

            // Read back by a fresh connection: the same texts, the same hashes, in order.
            let reopened = try temporary.open()
            let versions = try await reopened.versions(campaign: "c")
            #expect(versions.map(\.number) == [1, 2, 3])
            #expect(versions.map(\.kind) == [.launch, .update, .relaunch])
            #expect(versions.map(\.hash) == [v1.hash, v2.hash, v3.hash])
            #expect(versions[1].source(.template, "t")?.text == "text: two\n")
            #expect(try await reopened.latestVersion(campaign: "c")?.number == 3)
            #expect(try await reopened.latestVersions()["c"]?.generation == 2)
            #expect(try await reopened.latestVersion(campaign: "other") == nil)
        }
    }

    @Test("each kind is refused in the wrong state, and nothing is stored then")
    func refusals() async throws {
        try await withLedger { ledger, _ in
            await #expect(throws: OutreachError.self) {
                try await ledger.storeVersion(campaign: "c", kind: .update, sources: sources("x"), at: at(0))
            }
            await #expect(throws: OutreachError.self) {
                try await ledger.storeVersion(campaign: "c", kind: .relaunch, sources: sources("x"), at: at(0))
            }
            try await ledger.storeVersion(campaign: "c", kind: .launch, sources: sources("x"), at: at(0))
            await #expect(throws: CampaignTransitionError.self) {
                try await ledger.storeVersion(campaign: "c", kind: .launch, sources: sources("x"), at: at(1))
            }
            await #expect(throws: OutreachError.self) {
                try await ledger.storeVersion(campaign: "c", kind: .relaunch, sources: sources("x"), at: at(1))
            }
            await #expect(throws: OutreachError.self) {
                try await ledger.storeVersion(campaign: "c", kind: .adopted, sources: sources("x"), at: at(1))
            }
            #expect(try await ledger.versions(campaign: "c").count == 1)
        }
    }

    @Test("a stored text altered in the file is refused, not sent")
    func tampered() async throws {
        try await withLedger { ledger, temporary in
            try await ledger.storeVersion(campaign: "c", kind: .launch, sources: sources("text: one\n"), at: at(0))
            let queue = try DatabaseQueue(path: temporary.path)
            try await queue.write { db in
                try db.execute(sql: "UPDATE campaign_version_source SET text = 'text: other' WHERE role = 'template'")
            }
            await #expect(throws: OutreachError.self) { try await ledger.latestVersion(campaign: "c") }
        }
    }

    @Test("a campaign launched in a v11 ledger opens with no version; adopting stores version 1 of generation 1")
    func fromV11() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        try FileManager.default.createDirectory(at: temporary.folder, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: temporary.path)
            try SQLiteLedger.migrator.migrate(queue, upTo: "v11-ledger-events")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO campaign (name, state, updated_at, launched_at) VALUES ('c', 'launched', 1, 1)")
            }
        }
        let ledger = try temporary.open()
        #expect(try await ledger.latestVersion(campaign: "c") == nil)
        #expect(try await ledger.campaignState("c") == .launched)
        let adopted = try await ledger.storeVersion(campaign: "c", kind: .adopted, sources: sources("t"), at: at(0))
        #expect(adopted.number == 1 && adopted.generation == 1 && adopted.kind == .adopted)
        #expect(try await ledger.campaignState("c") == .launched)
        #expect(try await ledger.campaigns().first?.launchedAt == Date(timeIntervalSince1970: 0.001))
    }

    @Test("a campaign cancelled before versions were kept relaunches as generation 2")
    func relaunchUnversioned() async throws {
        try await withLedger { ledger, _ in
            try await ledger.setCampaignState("c", to: .launched, at: at(0))
            try await ledger.setCampaignState("c", to: .cancelled, at: at(1))
            let v = try await ledger.storeVersion(campaign: "c", kind: .relaunch, sources: sources("x"), at: at(2))
            #expect(v.number == 1 && v.generation == 2)
        }
    }
}
