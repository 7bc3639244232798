import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// `test_phase:` in a campaign file: read as written, and every mistake reported where it is.
@Suite("Campaign test_phase in YAML")
struct CampaignTestPhaseFileTests {
    static func campaign(_ phase: String, segment: String = "variants: [{template: a}, {template: b}]", schedule: String = "") -> String {
        """
        title: t
        audience:
          - audience: mothers
            \(segment)
        test_phase: \(phase)
        \(schedule)
        """
    }

    @Test("share, decide_after and metric are read; metric defaults to outcome", arguments: [
        ("{share: 10%, decide_after: 48h, metric: reply}", 10.0, 48, TestPhase.Metric.reply),
        ("{share: 2.5%, decide_after: 2d, metric: Delivered}", 2.5, 48, .delivered),
        ("{share: 50, decide_after: 1w}", 50.0, 168, .outcome),
        ("{share: 1%, decide_after: 1h, metric: outcome}", 1.0, 1, .outcome),
    ])
    func reads(phase: String, percent: Double, hours: Int, metric: TestPhase.Metric) throws {
        let campaign = try ProjectLoader.readCampaign(try writeTemporary(Self.campaign(phase), name: "c.yaml"))
        let read = try #require(campaign.testPhase)
        #expect(read.percent == percent && read.decideAfterHours == hours && read.metric == metric)
        #expect(campaign.unsupportedForSending != nil)
    }

    @Test("a campaign without test_phase has none and can be sent")
    func absent() throws {
        let campaign = try ProjectLoader.readCampaign(try writeTemporary("title: t\naudience: mothers\ntemplate: a\n", name: "c.yaml"))
        #expect(campaign.testPhase == nil && campaign.unsupportedForSending == nil)
    }

    @Test("mistakes are refused at the line and column they are written", arguments: [
        ("{share: 0%, decide_after: 48h}", "test_phase share '0%' must be a percentage from 1% to 50%", 5, 21),
        ("{share: 60%, decide_after: 48h}", "test_phase share '60%' must be a percentage from 1% to 50%", 5, 21),
        ("{share: some, decide_after: 48h}", "test_phase share 'some' must be a percentage from 1% to 50%", 5, 21),
        ("{share: 10%, decide_after: soon}", "test_phase decide_after 'soon' must be a duration in hours, days or weeks, from 1h to 60d", 5, 40),
        ("{share: 10%, decide_after: 0h}", "test_phase decide_after '0h' must be a duration", 5, 40),
        ("{share: 10%, decide_after: 61d}", "test_phase decide_after '61d' must be a duration", 5, 40),
        ("{share: 10%, decide_after: 2mo}", "test_phase decide_after '2mo' must be a duration", 5, 40),
        ("{share: 10%, decide_after: 48h, metric: clicks}", "test_phase metric 'clicks' must be outcome, reply or delivered", 5, 53),
        ("{share: 10%, decide_after: 48h, metrc: reply}", "unknown key 'metrc' in test_phase", 5, 45),
        ("{decide_after: 48h}", "share", 5, 13),
        ("10%", "test_phase", 5, 13),
    ])
    func located(phase: String, message: String, line: Int, column: Int) throws {
        let path = try writeTemporary(Self.campaign(phase), name: "c.yaml")
        let error = try #require(throws: OutreachError.self) { _ = try ProjectLoader.readCampaign(path) }
        #expect(error.message.contains(message), "\(error)")
        #expect(error.location?.file == path)
        #expect(error.location?.line == line && error.location?.column == column, "\(error)")
    }

    @Test("test_phase needs variants, and an urgent campaign cannot have one; at the test_phase key")
    func needsVariantsNotUrgent() throws {
        let noVariants = try writeTemporary(Self.campaign("{share: 10%, decide_after: 48h}", segment: "template: a"), name: "c.yaml")
        var error = try #require(throws: OutreachError.self) { _ = try ProjectLoader.readCampaign(noVariants) }
        #expect(error.message.contains("test_phase needs variants"), "\(error)")
        #expect(error.location?.line == 5 && error.location?.column == 1, "\(error)")
        let urgent = try writeTemporary(Self.campaign("{share: 10%, decide_after: 48h}", schedule: "schedule: {start: 2027-01-01T09:00, urgent: true}"), name: "c.yaml")
        error = try #require(throws: OutreachError.self) { _ = try ProjectLoader.readCampaign(urgent) }
        #expect(error.message.contains("an urgent campaign cannot have a test_phase"), "\(error)")
        #expect(error.location?.line == 5 && error.location?.column == 1, "\(error)")
    }
}
