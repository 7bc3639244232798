import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: opt-outs")
struct LedgerOptOutTests {
    static let phoneForms = [
        "0512345678", "512345678", "966512345678", "00966512345678", "+966512345678", "+966 51 234 5678",
        "051-234-5678", "(051) 234 5678", "+966 (0)51 234 5678", "٠٥١٢٣٤٥٦٧٨", "۰۵۱۲۳۴۵۶۷۸", "+٩٦٦٥١٢٣٤٥٦٧٨",
    ]

    @Test("an opt-out written in any phone form matches the number in every other form", arguments: phoneForms)
    func everyPhoneForm(form: String) async throws {
        try await withLedger { ledger, _ in
            let address = try #require(ContactAddress(form))
            #expect(try await ledger.addOptOut(OptOut(address: address, source: "cli", createdAt: t0)))
            for other in Self.phoneForms { #expect(try await ledger.isOptedOut(other), "\(other)") }
            #expect(try await !ledger.isOptedOut("+966512345679"))
            #expect(try await ledger.optOuts().map(\.address) == ["+966512345678"])
        }
    }

    @Test("emails match whatever their case; add is idempotent; remove takes it off")
    func emails() async throws {
        try await withLedger { ledger, _ in
            let address = try #require(ContactAddress("Hind.Ali@Example.com"))
            #expect(try await ledger.addOptOut(OptOut(address: address, source: "cli", reason: "asked by phone", createdAt: t0)))
            #expect(try await !ledger.addOptOut(OptOut(address: address, source: "reply", createdAt: at(10))))
            #expect(try await ledger.isOptedOut("hind.ali@example.com"))
            #expect(try await ledger.isOptedOut("HIND.ALI@EXAMPLE.COM"))
            let listed = try await ledger.optOuts()
            #expect(listed.count == 1)
            #expect(listed[0].source == "reply" && listed[0].reason == "asked by phone" && listed[0].createdAt == t0)
            #expect(try await ledger.removeOptOut(address))
            #expect(try await !ledger.removeOptOut(address))
            #expect(try await !ledger.isOptedOut("hind.ali@example.com"))
        }
    }

    @Test("opted out before materialising: stored as skipped(optedOut), never claimed")
    func atMaterialisation() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.addOptOuts([OptOut(address: ContactAddress("0500000001")!, source: "cli", createdAt: t0),
                                             OptOut(address: ContactAddress("+966 50 000 0003")!, source: "cli", createdAt: t0)])
            let result = try await ledger.materialise(entries(5), at: t0)
            #expect(result == MaterialisationResult(inserted: 5, alreadyPresent: 0, optedOut: 2))
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: at(1)))
            #expect(claimed.map(\.recipientID) == ["r0", "r2", "r4"])
            #expect(try await ledger.counts(campaign: "vaccination_round").skipped(.optedOut) == 2)
        }
    }

    @Test("opted out after materialising: the claim skips them with reason optedOut")
    func atClaim() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(5), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            _ = try await ledger.addOptOut(OptOut(address: ContactAddress("٠٥٠٠٠٠٠٠٠٢")!, source: "reply", createdAt: at(1)))
            // limit 4: the skipped one does not use up the batch.
            let claimed = try await ledger.claim(ClaimRequest(limit: 4, now: at(2)))
            #expect(claimed.map(\.recipientID) == ["r0", "r1", "r3", "r4"])
            let skipped = try #require(try await ledger.entries(campaign: "vaccination_round", state: .skipped, limit: 10).first)
            #expect(skipped.recipientID == "r2" && skipped.skipReason == .optedOut)
        }
    }

    @Test("person scope at claim: an unsubscribe from one address stops a queued message to another of the person's",
          arguments: [Suppression.Scope.person, .address])
    func personScopeAtClaim(scope: Suppression.Scope) async throws {
        try await withLedger { ledger, _ in
            // r1 was emailed by another campaign; r0 and r1 then have SMS queued.
            let email = LedgerEntry(campaign: "newsletter", occurrence: "o", recipientID: "r1", address: "hind@moh.example",
                                    channel: .email, dueAt: t0, payload: .init(subject: "s", text: "t"), key: .none)
            _ = try await ledger.materialise([email], at: t0)
            _ = try await ledger.materialise(entries(2), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            // The email's unsubscribe arrives after the SMS was queued.
            _ = try await ledger.addOptOut(OptOut(address: ContactAddress("Hind@MOH.example")!, source: "unsubscribe", createdAt: at(1)))
            var request = ClaimRequest(limit: 10, now: at(2), campaigns: ["vaccination_round"])
            request.optOutScope = scope
            let claimed = try await ledger.claim(request)
            switch scope {
            case .person:
                #expect(claimed.map(\.recipientID) == ["r0"])
                let skipped = try #require(try await ledger.entries(campaign: "vaccination_round", state: .skipped, limit: 10).first)
                #expect(skipped.recipientID == "r1" && skipped.skipReason == .optedOut)
            case .address:
                #expect(Set(claimed.map(\.recipientID)) == ["r0", "r1"])
            }
        }
    }

    @Test("an email entry is suppressed by an opt-out in another case")
    func emailEntries() async throws {
        try await withLedger { ledger, _ in
            let entry = LedgerEntry(campaign: "news", occurrence: "o", recipientID: "r1", address: "Omar@moh.example",
                                    channel: .email, dueAt: t0, payload: .init(subject: "تذكير", text: "نص"), key: .none)
            _ = try await ledger.addOptOut(OptOut(address: ContactAddress("OMAR@MOH.EXAMPLE")!, source: "unsubscribe", createdAt: t0))
            #expect(try await ledger.materialise([entry], at: t0).optedOut == 1)
        }
    }
}
