import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// `variants:` and `holdout:` in a campaign file: read as written, and every mistake reported where it is.
@Suite("Campaign variants and holdout in YAML")
struct CampaignVariantsFileTests {
    @Test("segments' variants with weights, a campaign holdout and a segment's own are read; variant templates are located")
    func reads() throws {
        let path = try writeTemporary("""
        title: t
        audience:
          - name: mothers
            audience: mothers
            variants:
              - {template: vax_short, weight: 50}
              - {template: vax_warm, weight: 25.5}
            holdout: 10%
          - audience: fathers
            template: vax_short
        holdout: 5%
        """, name: "c.yaml")
        let campaign = try ProjectLoader.readCampaign(path)
        #expect(campaign.segments[0].variants == [.init(template: "vax_short", weight: 50), .init(template: "vax_warm", weight: 25.5)])
        #expect(campaign.segments[0].template == "vax_short")
        #expect(campaign.segments[0].holdout?.percent == 10)
        #expect(campaign.segments[1].variants.isEmpty && campaign.segments[1].holdout == nil)
        #expect(campaign.holdout?.percent == 5)
        #expect(campaign.holdout(of: campaign.segments[1])?.percent == 5)
        #expect(campaign.templateNames == ["vax_short", "vax_warm"])
        #expect(campaign.hasExperiment)
        let site = try #require(campaign.sources.templates["vax_warm"])
        #expect(site.location.line == 7 && site.location.column == 20)
    }

    @Test("mistakes are refused at the line and column they are written", arguments: [
        ("variants:\n      - {template: a, weight: 0}\n      - {template: b, weight: 50}", "weight '0' must be a positive number", 6, 31),
        ("variants:\n      - {template: a, weight: -5}\n      - {template: b, weight: 50}", "weight '-5' must be a positive number", 6, 31),
        ("variants:\n      - {template: a, weight: lots}\n      - {template: b}", "weight 'lots' must be a positive number", 6, 31),
        ("variants:\n      - {template: a, weight: 50}", "'variants' needs two or more templates", 6, 7),
        ("variants:\n      - {template: a}\n      - {template: a}", "template 'a' is listed twice", 7, 20),
        ("template: a\n    variants:\n      - {template: a}\n      - {template: b}", "has both 'template' and 'variants'", 6, 5),
        ("variants:\n      - {template: a, wieght: 5}\n      - {template: b}", "unknown key 'wieght' in a variant", 6, 23),
        ("template: a\n    holdout: 60%", "holdout '60%' must be a percentage from 0% to 50%", 6, 14),
        ("template: a\n    holdout: -1%", "holdout '-1%' must be a percentage from 0% to 50%", 6, 14),
        ("template: a\n    holdout: some", "holdout 'some' must be a percentage from 0% to 50%", 6, 14),
    ])
    func located(segment: String, message: String, line: Int, column: Int) throws {
        let path = try writeTemporary("""
        title: t
        channel: sms
        audience:
          - audience: mothers
            \(segment)
        """, name: "c.yaml")
        let error = try #require(throws: OutreachError.self) { _ = try ProjectLoader.readCampaign(path) }
        #expect(error.message.contains(message), "\(error)")
        #expect(error.location?.file == path)
        #expect(error.location?.line == line && error.location?.column == column, "\(error)")
    }

    @Test("an urgent campaign cannot have a holdout, the campaign's or a segment's; at the holdout")
    func urgent() throws {
        for (text, line, column) in [
            ("title: t\naudience: mothers\ntemplate: a\nholdout: 5%\nschedule: {start: 2027-01-01T09:00, urgent: true}\n", 4, 10),
            ("title: t\naudience:\n  - audience: mothers\n    template: a\n    holdout: 5%\nschedule: {start: 2027-01-01T09:00, urgent: true}\n", 5, 14),
        ] {
            let path = try writeTemporary(text, name: "c.yaml")
            let error = try #require(throws: OutreachError.self) { _ = try ProjectLoader.readCampaign(path) }
            #expect(error.message.contains("an urgent campaign cannot have a holdout (holdout: 5%)"), "\(error)")
            #expect(error.location?.line == line && error.location?.column == column, "\(error)")
        }
        // Not urgent, or urgent without a holdout: fine.
        _ = try ProjectLoader.readCampaign(try writeTemporary("title: t\naudience: mothers\ntemplate: a\nholdout: 5%\nschedule: {start: 2027-01-01T09:00, urgent: false}\n", name: "c.yaml"))
        _ = try ProjectLoader.readCampaign(try writeTemporary("title: t\naudience: mothers\ntemplate: a\nschedule: {start: 2027-01-01T09:00, urgent: true}\n", name: "c.yaml"))
    }
}
