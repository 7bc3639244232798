import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: materialise, claim, record")
struct SQLiteLedgerTests {
    @Test("a fresh ledger has its named migrations and nothing else")
    func migrations() async throws {
        try await withLedger { ledger, _ in
            let migrations = try await ledger.appliedMigrations()
            #expect(migrations == ["v1-ledger", "v2-schedule-watermark", "v3-claim-by-campaign", "v4-attempted-at",
                                  "v5-person-index", "v6-person-ordered-message-ids", "v7-payload-table", "v8-quiet-hours", "v9-message-id-key",
                                  "v10-message-id-scheme", "v11-ledger-events", "v12-campaign-versions", "v13-replies", "v14-variants",
                                  "v15-outcomes"])
            #expect(try await ledger.counts(campaign: "x").targeted == 0)
            #expect(try await ledger.campaigns().isEmpty)
        }
    }

    @Test("the default location is .outreach/ledger.sqlite in the project folder")
    func defaultLocation() {
        #expect(SQLiteLedger.defaultPath(projectRoot: "/srv/project") == "/srv/project/.outreach/ledger.sqlite")
    }

    @Test("materialising an occurrence twice adds nothing the second time")
    func idempotentMaterialisation() async throws {
        try await withLedger { ledger, _ in
            let first = try await ledger.materialise(entries(500), at: t0)
            #expect(first == MaterialisationResult(inserted: 500, alreadyPresent: 0, optedOut: 0))
            let again = try await ledger.materialise(entries(500), at: at(60))
            #expect(again == MaterialisationResult(inserted: 0, alreadyPresent: 500, optedOut: 0))
            // Overlapping: 250 old, 250 new.
            let overlap = try await ledger.materialise(entries(500, from: 250), at: at(120))
            #expect(overlap == MaterialisationResult(inserted: 250, alreadyPresent: 250, optedOut: 0))
            // Same recipients, another occurrence: new entries.
            let next = try await ledger.materialise(entries(500, occurrence: "o2"), at: at(180))
            #expect(next.inserted == 500)
            let counts = try await ledger.counts(campaign: "vaccination_round")
            #expect(counts.targeted == 1250)
            #expect(counts.count(.queued, occurrence: "o1") == 750)
        }
    }

    @Test("a materialised entry reads back as it was written, Arabic payload included")
    func roundTrip() async throws {
        try await withLedger { ledger, _ in
            let entry = entries(1, segment: "mothers")[0]
            _ = try await ledger.materialise([entry], at: t0)
            let read = try #require(try await ledger.entry(messageID: entry.messageID))
            #expect(read == entry)
            #expect(read.outboundMessage?.text == "تذكير بموعد التطعيم رقم 0")
            #expect(try await ledger.entry(messageID: "m-none") == nil)
        }
    }

    @Test("only queued or skipped entries can be materialised")
    func materialiseRejectsOtherStates() async throws {
        try await withLedger { ledger, _ in
            var entry = entries(1)[0]
            entry.state = .accepted
            await #expect(throws: OutreachError.self) { try await ledger.materialise([entry], at: t0) }
        }
    }

    @Test("only launched campaigns are claimed; only due entries, earliest first")
    func claimRules() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(3, due: at(100)) + entries(2, from: 3, due: at(50)), at: t0)
            #expect(try await ledger.claim(ClaimRequest(limit: 10, now: at(1000))).isEmpty)  // draft
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            #expect(try await ledger.claim(ClaimRequest(limit: 10, now: at(10))).isEmpty)  // nothing due yet
            let early = try await ledger.claim(ClaimRequest(limit: 10, now: at(60)))
            #expect(early.map(\.recipientID) == ["r3", "r4"])
            #expect(early.allSatisfy { $0.state == .sending && $0.sentAt == at(60) })
            try await ledger.setCampaignState("vaccination_round", to: .paused, at: at(70))
            #expect(try await ledger.claim(ClaimRequest(limit: 10, now: at(1000))).isEmpty)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: at(80))
            #expect(try await ledger.claim(ClaimRequest(limit: 10, now: at(1000), campaigns: ["other"])).isEmpty)
            let rest = try await ledger.claim(ClaimRequest(limit: 2, now: at(1000)))
            #expect(rest.map(\.recipientID) == ["r0", "r1"])
            #expect(try await ledger.entry(messageID: rest[0].messageID)?.state == .sending)
        }
    }

    @Test("the full happy path: queued → sending → accepted → delivered | failed | expired")
    func happyPath() async throws {
        try await withLedger { ledger, _ in
            let all = entries(3)
            _ = try await ledger.materialise(all, at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 3, now: at(1)))
            let result = try await ledger.record(accepted(claimed, provider: true), at: at(2))
            #expect(result == RecordResult(applied: 3, ignored: 0))
            let first = try #require(try await ledger.entry(messageID: claimed[0].messageID))
            #expect(first.state == .accepted && first.providerMessageID == "p-\(claimed[0].messageID)" && first.attempts == 1)
            #expect(first.lastDetail == "202 Accepted for delivery" && first.finishedAt == at(2))
            let reports = try await ledger.recordDeliveryReports([
                DeliveryReport(key: .messageID(claimed[0].messageID), status: .delivered, at: at(3)),
                DeliveryReport(key: .providerMessageID("p-\(claimed[1].messageID)"), status: .failed, detail: "absent subscriber", at: at(3)),
                DeliveryReport(key: .messageID(claimed[2].messageID), status: .expired, at: at(3)),
            ])
            #expect(reports == RecordResult(applied: 3))
            #expect(try await ledger.entry(messageID: claimed[0].messageID)?.state == .delivered)
            let failed = try await ledger.entry(messageID: claimed[1].messageID)
            #expect(failed?.state == .failed && failed?.lastDetail == "absent subscriber")
            #expect(try await ledger.entry(messageID: claimed[2].messageID)?.state == .expired)
            // Final: a second report changes nothing.
            let late = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(claimed[2].messageID), status: .delivered, at: at(4))])
            #expect(late == RecordResult(ignored: 1))
        }
    }

    @Test("rejected and exhausted-retry outcomes: sending → failed, with attempts and detail")
    func failures() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(2), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 2, now: at(1)))
            let result = try await ledger.record([
                DeliveryOutcome(messageID: claimed[0].messageID, kind: .rejected, status: 400, detail: "invalid number"),
                DeliveryOutcome(messageID: claimed[1].messageID, kind: .retryable, status: 503, detail: "service unavailable", attempts: 5),
            ], at: at(2))
            #expect(result.applied == 2)
            let a = try await ledger.entry(messageID: claimed[0].messageID)
            let b = try await ledger.entry(messageID: claimed[1].messageID)
            #expect(a?.state == .failed && a?.lastDetail == "400 invalid number" && a?.attempts == 1)
            #expect(b?.state == .failed && b?.attempts == 5)
            // failed is final: no delivery report revives it.
            let dlr = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(claimed[0].messageID), status: .delivered, at: at(3))])
            #expect(dlr.applied == 0)
        }
    }

    @Test("outcomes for entries not in sending are ignored, never applied")
    func illegalRecordsIgnored() async throws {
        try await withLedger { ledger, _ in
            let all = entries(2)
            _ = try await ledger.materialise(all, at: t0)
            // queued → accepted is not a transition.
            let early = try await ledger.record(accepted([all[0]]), at: at(1))
            #expect(early == RecordResult(applied: 0, ignored: 1))
            #expect(try await ledger.entry(messageID: all[0].messageID)?.state == .queued)
            // unknown id
            let unknown = try await ledger.record([DeliveryOutcome(messageID: "m-unknown", kind: .accepted, detail: "")], at: at(1))
            #expect(unknown.ignored == 1)
            // recorded twice: the second is ignored.
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 1, now: at(2)))
            #expect(try await ledger.record(accepted(claimed), at: at(3)).applied == 1)
            #expect(try await ledger.record([DeliveryOutcome(messageID: claimed[0].messageID, kind: .rejected, detail: "x")], at: at(4)).ignored == 1)
            #expect(try await ledger.entry(messageID: claimed[0].messageID)?.state == .accepted)
            // skip applies only to queued or uncertain entries.
            #expect(try await ledger.skip([claimed[0].messageID], reason: .capped, detail: nil, at: at(5)) == 0)
        }
    }

    @Test("a delivery report that beats the gateway's answer is kept and applied when the answer is recorded")
    func earlyDeliveryReport() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(2), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 2, now: at(1)))
            let early = try await ledger.recordDeliveryReports([
                DeliveryReport(key: .messageID(claimed[0].messageID), status: .delivered, at: at(2)),
                DeliveryReport(key: .providerMessageID("p-\(claimed[1].messageID)"), status: .delivered, at: at(2)),
            ])
            #expect(early == RecordResult(applied: 0, ignored: 0, deferred: 2))
            #expect(try await ledger.entry(messageID: claimed[0].messageID)?.state == .sending)
            _ = try await ledger.record(accepted(claimed, provider: true), at: at(3))
            #expect(try await ledger.entry(messageID: claimed[0].messageID)?.state == .delivered)
            #expect(try await ledger.entry(messageID: claimed[1].messageID)?.state == .delivered)
        }
    }

    @Test("release puts claimed messages that never left back in the queue, uncounted by caps")
    func release() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(4), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 4, now: at(1)))
            #expect(try await ledger.release(claimed.suffix(2).map(\.messageID), at: at(2)) == 2)
            let back = try await ledger.entry(messageID: claimed[3].messageID)
            #expect(back?.state == .queued && back?.sentAt == nil)
            #expect(try await ledger.recentSends(recipients: claimed.map(\.recipientID), since: t0).count == 2)
            let again = try await ledger.claim(ClaimRequest(limit: 4, now: at(3)))
            #expect(Set(again.map(\.messageID)) == Set(claimed.suffix(2).map(\.messageID)))
        }
    }

    @Test("counts per occurrence, segment, state and reason, with parts")
    func counts() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(4, segment: "mothers") + entries(3, segment: "fathers", from: 4), at: t0)
            _ = try await ledger.materialise([LedgerEntry.skipped(campaign: "vaccination_round", occurrence: "o1", recipientID: "r99",
                                                                  segment: "fathers", channel: .sms, reason: .unreachable, dueAt: t0, key: .none)], at: t0)
            _ = try await ledger.materialise(entries(2, occurrence: "o2"), at: t0)
            _ = try await ledger.materialise(entries(5, campaign: "other"), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 3, now: at(1), campaigns: ["vaccination_round"]))
            _ = try await ledger.record(accepted(Array(claimed.prefix(2))), at: at(2))
            let counts = try await ledger.counts(campaign: "vaccination_round")
            #expect(counts.targeted == 10)
            #expect(counts.count(.accepted) == 2 && counts.count(.sending) == 1)
            #expect(counts.count(.queued, occurrence: "o1") == 4)
            #expect(counts.count(.queued, occurrence: "o2") == 2)
            #expect(counts.skipped(.unreachable) == 1)
            #expect(counts.count(.skipped, segment: "fathers") == 1)
            #expect(counts.partsUsed == 6)
            #expect(counts.occurrences == ["o1", "o2"])
            #expect(try await ledger.counts(campaign: "other").targeted == 5)
            #expect(try await ledger.entries(campaign: "vaccination_round", state: .accepted, limit: 10).count == 2)
        }
    }
}
