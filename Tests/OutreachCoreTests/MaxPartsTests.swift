import Foundation
import OutreachCore
import Testing

/// `max_parts`: a message costing more SMS parts than the campaign allows is
/// a render failure for its recipient — counted in preview, never sent —
/// decided in one place (`RecipientComposer.outgoingSMS`) for both.
@Suite("max_parts")
struct MaxPartsTests {
    typealias Fixture = CampaignMessagesTests

    /// 400 GSM-7 characters: three concatenated parts (153 each).
    static let threeParts = String(repeating: "a", count: 400)

    static func campaign(maxParts: Int, smart: Bool = false) -> CampaignDefinition {
        var campaign = Fixture.vaccinationRound()
        campaign.maxParts = maxParts
        campaign.smartEncoding = smart
        return campaign
    }

    static func previewer(_ template: CompiledTemplate) throws -> CampaignPreviewer {
        CampaignPreviewer(catalog: try Fixture.catalog(), templates: ["vaccination_reminder": template],
                          contactFields: [.sms: "mobile", .email: "email"], today: Fixture.today)
    }

    @Test("over the limit: a render failure with the reason, in sending and in preview alike")
    func overLimit() throws {
        let population = try Fixture.population()
        let sms = try Fixture.template("vaccination_reminder", channel: .sms, ar: Self.threeParts)
        let campaign = Self.campaign(maxParts: 2)
        let reason = "message longer than max_parts (2 SMS parts)"

        let set = try Fixture.builder(["vaccination_due": [.sms: sms]]).build(campaign, population: population)
        #expect(set.messages.isEmpty)
        #expect(set.renderFailures == 5)
        #expect(set.problems.filter { $0.kind == .renderFailure }.allSatisfy { $0.reason == reason })
        #expect(set.segments[0].renderFailures.map(\.reason) == [reason])

        let preview = try Self.previewer(sms).preview(campaign, population: population)
        #expect(preview.ready == 0)
        #expect(preview.totalParts == 0)
        #expect(preview.segments[0].renderFailures.map(\.reason) == [reason])
        #expect(preview.segments[0].renderFailures.first?.count == 5)
        #expect(preview.segments[0].samples.isEmpty)
        #expect(preview.warnings.contains { $0.contains(reason) })
    }

    @Test("at the limit: sent as usual")
    func atLimit() throws {
        let population = try Fixture.population()
        let sms = try Fixture.template("vaccination_reminder", channel: .sms, ar: Self.threeParts)
        let set = try Fixture.builder(["vaccination_due": [.sms: sms]]).build(Self.campaign(maxParts: 3), population: population)
        #expect(set.messages.count == 5)
        #expect(set.renderFailures == 0)
        #expect(set.parts == 15)
        let preview = try Self.previewer(sms).preview(Self.campaign(maxParts: 3), population: population)
        #expect(preview.ready == 5)
        #expect(preview.totalParts == 15)
    }

    @Test("the default is 10 parts")
    func defaultLimit() {
        #expect(Fixture.vaccinationRound().maxParts == 10)
        #expect(ConfigurationLimits.defaultMaxParts == 10)
    }

    @Test("parts are counted after smart encoding, as they are sent")
    func smartEncodingFirst() throws {
        // 150 GSM-7 characters and one typographic apostrophe: UCS-2, 3 parts as
        // written; GSM-7, 1 part once smart-encoded.
        let text = String(repeating: "a", count: 150) + "\u{2019}"
        let composerText = RecipientComposer.outgoingSMS(text, campaign: Self.campaign(maxParts: 1))
        #expect(composerText == .tooLong(reason: "message longer than max_parts (1 SMS part)"))
        guard case .ready(let sent, let info) = RecipientComposer.outgoingSMS(text, campaign: Self.campaign(maxParts: 1, smart: true)) else {
            Issue.record("a smart-encoded one-part message is within max_parts 1")
            return
        }
        #expect(sent == String(repeating: "a", count: 150) + "'")
        #expect(info.parts == 1)
    }

    @Test("email is not held to SMS parts")
    func emailUnaffected() throws {
        let population = try Fixture.population()
        let email = try Fixture.template("vaccination_reminder", channel: .email, ar: Self.threeParts, subject: "s")
        let set = try Fixture.builder(["vaccination_due": [.email: email]])
            .build(Self.campaign(maxParts: 1).with(channels: [.email]), population: population)
        #expect(set.renderFailures == 0)
        #expect(!set.messages.isEmpty)
    }
}

private extension CampaignDefinition {
    func with(channels: [Channel]) -> CampaignDefinition {
        var copy = self
        copy.channels = channels
        return copy
    }
}
