import Foundation
import OutreachCore
import Testing

/// `CampaignMessages` on the bundled example project's sample population
/// (data/sample-population.csv) on 2026-11-29, with the example's audiences
/// and templates written out here (the core reads no YAML).
@Suite("CampaignMessages")
struct CampaignMessagesTests {
    static let today = Day(year: 2026, month: 11, day: 29)!

    static let schema = PopulationSchema(idField: "national_id", fields: [
        "national_id": .text, "first_name": .text, "family_name": .text, "gender": .gender, "birth_date": .date,
        "nationality": .text, "city": .text, "mobile": .phone, "email": .email, "language": .text,
        "marital_status": .text, "children": .int, "youngest_child_birth_date": .date, "student": .bool,
        "education_level": .text, "next_vaccination": .hijriDate, "permit_expiry": .date,
    ])

    static func population() throws -> Population {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("data/sample-population.csv"))
        return try importPopulation(bytes: Array(data), schema: schema, fileName: "sample-population.csv").0
    }

    static func catalog() throws -> AudienceCatalog {
        func audience(_ name: String, _ rule: String) -> AudienceDefinition {
            AudienceDefinition(name: name, title: name, description: "", rule: SourceText(rule))
        }
        return try AudienceCatalog([
            audience("mothers", "gender = 'female' AND children > 0"),
            audience("fathers", "gender = 'male' AND children > 0"),
            audience("parents", "IN AUDIENCE mothers OR IN AUDIENCE fathers"),
            audience("vaccination_due", "IN AUDIENCE parents AND days_until(next_vaccination) BETWEEN 0 AND 30"),
            audience("mothers_of_infants", "IN AUDIENCE mothers AND age(youngest_child_birth_date) < 2"),
        ])
    }

    static let reminderSMS = """
        {salutation} {first_name}، يحين موعد تطعيم {children, plural, one {طفلك} two {طفليك} few {أحد أطفالك} many {أحد أطفالك} other {أحد أطفالك}} \
        يوم {next_vaccination, date, hijri} الموافق {next_vaccination, date, gregorian}. \
        {gender, select, female {احرصي} other {احرص}} على زيارة أقرب مركز صحي. وزارة الصحة
        """

    static func template(_ name: String, channel: Channel, ar: String, en: String? = nil, subject: String? = nil) throws -> CompiledTemplate {
        var variants: [TemplateSpec.VariantSpec] = [.init(language: "ar", text: SourceText(ar), subject: subject.map { SourceText($0) })]
        if let en { variants.append(.init(language: "en", text: SourceText(en), subject: subject.map { SourceText($0) })) }
        return try CompiledTemplate(TemplateSpec(name: name, channel: channel.rawValue, locale: "ar-SA", fallback: "ar", variants: variants),
                                    defaultLocale: "ar-SA")
    }

    static func builder(_ templates: [String: [Channel: CompiledTemplate]]) throws -> CampaignMessages {
        CampaignMessages(catalog: try catalog(), templates: templates, contactFields: [.sms: "mobile", .email: "email"],
                         today: today, occurrence: "2026-11-29")
    }

    static func vaccinationRound(channels: [Channel] = [.sms]) -> CampaignDefinition {
        CampaignDefinition(name: "vaccination_round", title: "جولة التطعيم",
                           segments: [.init(name: "vaccination_due", audience: "vaccination_due", template: "vaccination_reminder")],
                           channels: channels, gateway: "outbox", sender: "MOH")
    }

    @Test("vaccination round: one SMS per reachable parent, the one without a mobile is unreachable")
    func vaccinationRound() throws {
        let population = try Self.population()
        let sms = try Self.template("vaccination_reminder", channel: .sms, ar: Self.reminderSMS,
                                    en: "Dear {first_name}, your child's next vaccination is due on {next_vaccination, date, gregorian}.")
        let set = try Self.builder(["vaccination_due": [.sms: sms]]).build(Self.vaccinationRound(), population: population)

        // The same counts `outreach preview vaccination_round --today 2026-11-29` shows.
        #expect(set.targeted == 6)
        #expect(set.messages.count == 5)
        #expect(set.unreachable == 1)
        #expect(set.problems == [RecipientProblem(recipientID: "1112345678", segment: "vaccination_due", kind: .unreachable,
                                                  reason: "no valid mobile")])
        #expect(set.renderFailures == 0)
        #expect(set.parts == 8)
        for message in set.messages {
            #expect(message.id == "vaccination_round/2026-11-29/\(message.recipientID)")
            let key = MessageIDKey.random()
            #expect(CampaignMessages.messageID(campaign: "vaccination_round", occurrence: "2026-11-29", recipient: message.recipientID, key: key)
                    == LedgerEntry.messageID(campaign: "vaccination_round", occurrence: "2026-11-29", recipient: message.recipientID, key: key))
            #expect(message.channel == .sms)
            #expect(message.to.hasPrefix("+9665") && message.to.count == 13)
            #expect(message.sender == "MOH")
            #expect(message.subject == nil)
        }
        let sara = try #require(set.messages.first { $0.recipientID == "1012345678" })
        #expect(sara.to == "+966551234567")
        #expect(sara.language == "ar")
        #expect(sara.text.contains("سارة"))
        #expect(sara.text.contains("احرصي"))
        #expect(set.segments.first?.byChannel == ["sms": 5])
    }

    @Test("the same occurrence gives the same messages and ids; another occurrence other ids")
    func deterministic() throws {
        let population = try Self.population()
        let sms = try Self.template("vaccination_reminder", channel: .sms, ar: Self.reminderSMS)
        let a = try Self.builder(["vaccination_due": [.sms: sms]]).build(Self.vaccinationRound(), population: population)
        let b = try Self.builder(["vaccination_due": [.sms: sms]]).build(Self.vaccinationRound(), population: population)
        #expect(a.messages == b.messages)
        var other = try Self.builder(["vaccination_due": [.sms: sms]])
        other.occurrence = "2026-12-06"
        let c = try other.build(Self.vaccinationRound(), population: population)
        #expect(c.messages.map(\.id) == a.messages.map { $0.id.replacingOccurrences(of: "2026-11-29", with: "2026-12-06") })
        #expect(Set(a.messages.map(\.id)).count == a.messages.count)
    }

    @Test("channel fallback: email first, then SMS for those without an email; nobody twice")
    func channelFallback() throws {
        let population = try Self.population()
        let email = try Self.template("vaccination_email", channel: .email, ar: "{salutation} {first_name}، موعد التطعيم {next_vaccination, date, hijri}.",
                                      subject: "تذكير بموعد التطعيم")
        let sms = try Self.template("vaccination_sms", channel: .sms, ar: "{first_name}: موعد التطعيم {next_vaccination, date, hijri}")
        let campaign = CampaignDefinition(name: "vaccination_email", title: "t",
                                          segments: [.init(name: "mothers_of_infants", audience: "mothers_of_infants", template: "vaccination_email")],
                                          channels: [.email, .sms], sender: "MOH")
        let set = try Self.builder(["mothers_of_infants": [.email: email, .sms: sms]]).build(campaign, population: population)
        // `preview vaccination_email`: 7 recipients, 3 with an email.
        #expect(set.targeted == 7)
        let emails = set.messages.filter { $0.channel == .email }
        let texts = set.messages.filter { $0.channel == .sms }
        #expect(emails.count == 3)
        #expect(emails.allSatisfy { $0.to.contains("@") && $0.subject == "تذكير بموعد التطعيم" && $0.sender == nil })
        #expect(texts.allSatisfy { $0.to.hasPrefix("+966") && $0.sender == "MOH" })
        #expect(emails.count + texts.count + set.unreachable + set.renderFailures == 7)
        #expect(set.problems.filter { $0.kind == .unreachable }.allSatisfy { $0.reason == "no valid email or mobile" })
        #expect(set.problems.contains { $0.recipientID == "1112345678" })
        #expect(Set(set.messages.map(\.recipientID)).count == set.messages.count)

        // SMS only: the ones with an email but no mobile become unreachable instead.
        let smsOnly = CampaignDefinition(name: "x", title: "t", segments: campaign.segments, channels: [.sms])
        let smsSet = try Self.builder(["mothers_of_infants": [.email: email, .sms: sms]]).build(smsOnly, population: population)
        #expect(smsSet.messages.allSatisfy { $0.channel == .sms })
        #expect(smsSet.messages.count <= texts.count + emails.count)
    }

    @Test("a recipient missing a field the template needs is a render failure with its reason")
    func renderFailures() throws {
        let population = try Self.population()
        let sms = try Self.template("needs_permit", channel: .sms, ar: "{first_name}، تنتهي إقامتك في {permit_expiry, date}")
        let set = try Self.builder(["vaccination_due": [.sms: sms]]).build(Self.vaccinationRound(), population: population)
        #expect(set.renderFailures > 0)
        #expect(set.problems.filter { $0.kind == .renderFailure }.allSatisfy { $0.reason == "missing permit_expiry" })
        #expect(set.messages.count + set.renderFailures + set.unreachable == set.targeted)
        #expect(set.segments[0].renderFailures.first?.reason == "missing permit_expiry")
    }

    @Test("a campaign with smart_encoding sends GSM-7 where a typographic quote would force UCS-2")
    func smartEncoding() throws {
        let population = try Self.population()
        let sms = try Self.template("en_notice", channel: .sms, ar: "Don\u{2019}t miss your child\u{2019}s vaccination \u{2014} visit your health centre")
        var campaign = Self.vaccinationRound()
        let plain = try Self.builder(["vaccination_due": [.sms: sms]]).build(campaign, population: population)
        campaign.smartEncoding = true
        let smart = try Self.builder(["vaccination_due": [.sms: sms]]).build(campaign, population: population)
        #expect(plain.messages.allSatisfy { $0.text.contains("\u{2019}") })
        #expect(smart.messages.allSatisfy { $0.text.hasPrefix("Don't miss your child's vaccination - ") && !$0.text.contains("\u{2019}") })
        #expect(smart.messages.map(\.id) == plain.messages.map(\.id))
    }

    @Test("a segment with no template for any of the campaign's channels is an error, not an empty send")
    func noTemplateForChannel() throws {
        let population = try Self.population()
        let email = try Self.template("vaccination_email", channel: .email, ar: "x", subject: "s")
        #expect(throws: OutreachError.self) {
            try Self.builder(["vaccination_due": [.email: email]]).build(Self.vaccinationRound(), population: population)
        }
    }

    @Test("addresses: SMS numbers normalised to E.164, emails without header-breaking characters", arguments: [
        (Value.text("0551234567"), Channel.sms, "+966551234567"),
        (.text("+966 55 123 4567"), .sms, "+966551234567"),
        (.text("12345"), .sms, nil),
        (.int(551234567), .sms, nil),
        (.text("sara@example.sa"), .email, "sara@example.sa"),
        (.text("sara@example.sa\r\nBcc: x@evil.example"), .email, nil),
        (.text("a@b@c"), .email, nil),
        (.text("<sara@example.sa>"), .email, nil),
    ] as [(Value, Channel, String?)])
    func addresses(value: Value, channel: Channel, expected: String?) {
        #expect(RecipientComposer.address(value, channel: channel) == expected)
    }
}
