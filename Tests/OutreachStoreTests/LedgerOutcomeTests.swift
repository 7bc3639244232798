import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: outcomes")
struct LedgerOutcomeTests {
    @Test("outcomes are stored per campaign, field and person: added, replaced, unchanged; coverage counts people in the ledger")
    func store() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(3), at: t0)
            let d = Day(iso: "2027-08-25")!
            var done = try await ledger.recordOutcomes(campaign: "vaccination_round", field: "vaccinated_on", source: "a.csv",
                                                       [("r0", d), ("r1", d), ("x9", d)], at: t0)
            #expect(done == SQLiteLedger.OutcomeImport(added: 3, replaced: 0, unchanged: 0))
            done = try await ledger.recordOutcomes(campaign: "vaccination_round", field: "vaccinated_on", source: "b.csv",
                                                   [("r0", d), ("r1", d.adding(days: 1))], at: t0)
            #expect(done == SQLiteLedger.OutcomeImport(added: 0, replaced: 1, unchanged: 1))
            _ = try await ledger.recordOutcomes(campaign: "other", field: "vaccinated_on", source: "c.csv", [("r2", d)], at: t0)
            #expect(try await ledger.outcomeFields(campaign: "vaccination_round") == ["vaccinated_on": 3])
            let coverage = try await ledger.outcomeCoverage(campaign: "vaccination_round", field: "vaccinated_on")
            #expect(coverage.stored == 3 && coverage.inLedger == 2)
        }
    }

    @Test("measured people: first accepted send, holdout time, parts, outcome day, replies and opt-outs; one row per person")
    func measured() async throws {
        try await withLedger { ledger, _ in
            // r0…r3 messaged in two occurrences; r4, r5 held out; r6 unreachable.
            _ = try await ledger.materialise(entries(4, segment: "north"), at: t0)
            _ = try await ledger.materialise(entries(4, occurrence: "o2", segment: "north", due: at(86_400)), at: t0)
            _ = try await ledger.materialise((4..<6).map {
                LedgerEntry.skipped(campaign: "vaccination_round", occurrence: "o1", recipientID: "r\($0)", segment: "north",
                                    channel: .sms, reason: .holdout, dueAt: t0, variant: "warm", key: .none)
            } + [LedgerEntry.skipped(campaign: "vaccination_round", occurrence: "o1", recipientID: "r6", segment: "north",
                                     channel: .sms, reason: .unreachable, dueAt: t0, key: .none)], at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let first = try await ledger.claim(ClaimRequest(limit: 4, now: at(60)))
            _ = try await ledger.record(accepted(first), at: at(61))
            let second = try await ledger.claim(ClaimRequest(limit: 10, now: at(86_460)))
            _ = try await ledger.record(accepted(second), at: at(86_461))
            _ = try await ledger.recordReply(InboundReply(receivedAt: at(90_000), from: try #require(ContactAddress(phone(1))),
                                                          text: "STOP", gateway: "kannel"), action: .stop)
            let d = Day(iso: "2027-08-24")!
            _ = try await ledger.recordOutcomes(campaign: "vaccination_round", field: "vaccinated_on", source: "a.csv",
                                                [("r0", d), ("r4", d)], at: t0)
            let people = try await ledger.measuredPeople(campaign: "vaccination_round", field: "vaccinated_on")
            #expect(people.count == 7)
            let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
            let r0 = try #require(byID["r0"])
            #expect(r0.segment == "north" && r0.parts == 4 && r0.outcome == d)
            #expect(abs(try #require(r0.firstSent).timeIntervalSince(at(60))) < 1)
            #expect(byID["r1"]?.replies == 1 && byID["r1"]?.optOuts == 1)
            let r4 = try #require(byID["r4"])
            #expect(r4.firstSent == nil && r4.heldOutAt == t0 && r4.outcome == d && r4.parts == 0 && r4.variant == "warm")
            #expect(r0.variant == nil)
            let r6 = try #require(byID["r6"])
            #expect(r6.firstSent == nil && r6.heldOutAt == nil)
        }
    }
}
