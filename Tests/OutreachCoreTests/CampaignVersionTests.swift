import Foundation
import Testing
import OutreachCore

/// A launched version's hash says whether what would be sent changed: the same texts in any order hash the
/// same, any change to a text or a name does not, and the paths (where the project folder is) do not count.
@Suite("Campaign versions")
struct CampaignVersionTests {
    let sources = [
        CampaignVersion.Source(role: .template, name: "t", path: "templates/t.yaml", text: "text: hi\n"),
        CampaignVersion.Source(role: .campaign, name: "c", path: "campaigns/c.yaml", text: "audience: a\ntemplate: t\n"),
        CampaignVersion.Source(role: .audience, name: "a", path: "audiences/a.yaml", text: "where: age > 1\n"),
    ]

    @Test("the hash is the same for the same texts in any order, moved folders and CRLF files; it is SHA-256 hex")
    func stable() {
        let hash = CampaignVersion.hash(sources)
        #expect(hash.count == 64 && hash.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(CampaignVersion.hash(sources.reversed()) == hash)
        var moved = sources
        moved[0].path = "/elsewhere/templates/t.yaml"
        #expect(CampaignVersion.hash(moved) == hash)
        var crlf = sources
        crlf[1].text = "audience: a\r\ntemplate: t\r\n"
        #expect(CampaignVersion.hash(crlf) == hash)
        let version = CampaignVersion(campaign: "c", number: 1, kind: .launch, generation: 1, storedAt: Date(), sources: sources)
        #expect(version.hash == hash)
        #expect(version.sources.map(\.role) == [.campaign, .template, .audience])
    }

    @Test("a changed text, a renamed file or a text moved between two files changes the hash")
    func changes() {
        let hash = CampaignVersion.hash(sources)
        var edited = sources
        edited[0].text = "text: hello\n"
        #expect(CampaignVersion.hash(edited) != hash)
        var renamed = sources
        renamed[0].name = "t2"
        #expect(CampaignVersion.hash(renamed) != hash)
        let split = [CampaignVersion.Source(role: .template, name: "x", path: "", text: "ab"),
                     CampaignVersion.Source(role: .template, name: "y", path: "", text: "")]
        let joined = [CampaignVersion.Source(role: .template, name: "x", path: "", text: "a"),
                      CampaignVersion.Source(role: .template, name: "y", path: "", text: "b")]
        #expect(CampaignVersion.hash(split) != CampaignVersion.hash(joined))
    }

    @Test("occurrence keys carry the generation from the second on")
    func occurrenceKeys() {
        #expect(CampaignVersion.occurrenceKey("#1", generation: 1) == "#1")
        #expect(CampaignVersion.occurrenceKey("#1", generation: 2) == "g2:#1")
        #expect(CampaignVersion.occurrenceKey("-7d@2027-03-01", generation: 3) == "g3:-7d@2027-03-01")
    }

    @Test("only a cancelled or completed campaign can be relaunched, and relaunching is no state move")
    func relaunchable() {
        #expect(CampaignState.allCases.filter(\.canRelaunch) == [.cancelled, .completed])
        #expect(!CampaignState.cancelled.canMove(to: .launched))
    }
}
