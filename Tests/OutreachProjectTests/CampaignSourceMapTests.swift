import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// The loader records where a campaign writes each name it refers to, so
/// errors about an unknown one point at it.
@Suite("Campaign reference locations")
struct CampaignSourceMapTests {
    @Test("segments' audiences and templates, exclusions, gateways, channel, sender and relative_to are located")
    func locations() throws {
        let path = try writeTemporary("""
        title: t
        audience:
          - audience: mothrs
            template: remindr
          - fathers
        template: fallback
        exclude: [residents, students]
        channel: sms, email
        gateway: {sms: kanel, email: mail}
        sender: MOH
        schedule: {relative_to: next_vacination, offsets: [-1d]}
        """, name: "c.yaml")
        let sources = try ProjectLoader.readCampaign(path).sources
        func at(_ site: CampaignSourceMap.Site?) -> String? { site.map { "\($0.location.line):\($0.location.column)" } }
        #expect(at(sources.audiences["mothrs"]) == "3:15")
        #expect(at(sources.templates["remindr"]) == "4:15")
        #expect(at(sources.audiences["fathers"]) == "5:5")
        #expect(at(sources.templates["fallback"]) == "6:11")
        #expect(at(sources.audiences["residents"]) == "7:11")
        #expect(at(sources.audiences["students"]) == "7:22")
        #expect(at(sources.gateways["kanel"]) == "9:16")
        #expect(at(sources.gateways["mail"]) == "9:30")
        #expect(at(sources.channel) == "8:10")
        #expect(at(sources.sender) == "10:9")
        #expect(at(sources.relativeTo) == "11:25")
        #expect(sources.audiences["mothrs"]?.sourceLine == "  - audience: mothrs")
    }

    @Test("an unknown audience in a campaign is reported at its name, with a suggestion")
    func segmentationError() throws {
        let path = try writeTemporary("title: t\naudience: mothrs\ntemplate: reminder\n", name: "c.yaml")
        let campaign = try ProjectLoader.readCampaign(path)
        let catalog = try AudienceCatalog([AudienceDefinition(name: "mothers", title: "m", description: "",
                                                              rule: SourceText("gender = 'female'"))])
        let population = try PopulationFile.load(try writeTemporary("id,gender\n1,female\n", name: "p.csv"),
                                                 schema: PopulationSchema(idField: "id", fields: ["gender": .gender]), fields: nil).0
        let error = try #require(throws: OutreachError.self) {
            _ = try CampaignSegmentation(campaign, catalog: catalog, population: population, today: Day(year: 2027, month: 1, day: 1)!)
        }
        #expect(error.location == SourceLocation(file: path, line: 2, column: 11))
        #expect(error.sourceLine == "audience: mothrs")
        #expect(error.hint?.hasPrefix("did you mean 'mothers'?") == true)
    }
}
