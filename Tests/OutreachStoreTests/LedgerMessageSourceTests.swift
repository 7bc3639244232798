import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("The ledger as the dispatcher's message source and outcome sink")
struct LedgerMessageSourceTests {
    @Test("next claims due messages (sending before they leave); didFinish records outcomes")
    func roundTrip() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(5), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let source = LedgerMessageSource(store: ledger, clock: { at(10) })
            let messages = try await source.next(max: 3)
            #expect(messages.count == 3)
            #expect(messages[0].to == phone(0) && messages[0].text == "تذكير بموعد التطعيم رقم 0" && messages[0].sender == "MOH")
            for message in messages { #expect(try await ledger.entry(messageID: message.id)?.state == .sending) }
            try await source.willSend(messages)
            try await source.didFinish(messages.map { DeliveryOutcome(messageID: $0.id, kind: .accepted, detail: "0: Accepted for delivery") })
            #expect(try await ledger.counts(campaign: "vaccination_round").count(.accepted) == 3)
            try await source.releaseUnsent(try await source.next(max: 10).map(\.id))
            #expect(try await ledger.counts(campaign: "vaccination_round").count(.queued) == 2)
        }
    }

    @Test("entries stored without a payload are composed, or skipped as renderFailed when they cannot be")
    func compose() async throws {
        try await withLedger { ledger, _ in
            var bare = entries(4)
            for i in bare.indices { bare[i].payload = nil }
            _ = try await ledger.materialise(bare, at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let source = LedgerMessageSource(store: ledger, clock: { at(10) }, compose: { entry in
                entry.recipientID == "r1" ? nil
                    : OutboundMessage(id: entry.messageID, channel: entry.channel, recipientID: entry.recipientID,
                                      to: entry.address, text: "composed")
            })
            let messages = try await source.next(max: 10)
            #expect(messages.map(\.recipientID) == ["r0", "r2", "r3"])
            #expect(try await ledger.counts(campaign: "vaccination_round").skipped(.renderFailed) == 1)
        }
    }
}
