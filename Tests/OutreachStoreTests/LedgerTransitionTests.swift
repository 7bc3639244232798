import Foundation
import Testing
import OutreachCore
import OutreachStore

/// Every store operation against an entry in every state: it acts exactly
/// where the state machine allows, and leaves the entry alone elsewhere.
@Suite("SQLite ledger: every transition through the store")
struct LedgerTransitionTests {
    enum Operation: String, CaseIterable, CustomStringConvertible {
        case claim, recordAccepted, recordRejected, reportDelivered, reportFailed, reportExpired
        case release, recover, skip, resend, skipUncertain

        var description: String { rawValue }

        /// The state it moves an entry to, and the states it acts on.
        var target: LedgerState {
            switch self {
            case .claim: .sending
            case .recordAccepted: .accepted
            case .recordRejected, .reportFailed: .failed
            case .reportDelivered: .delivered
            case .reportExpired: .expired
            case .release, .resend: .queued
            case .recover: .uncertain
            case .skip, .skipUncertain: .skipped
            }
        }

        var sources: Set<LedgerState> {
            switch self {
            case .claim: [.queued]
            case .recordAccepted, .recordRejected, .release, .recover: [.sending]
            case .reportDelivered, .reportFailed, .reportExpired: [.accepted]
            case .skip: [.queued, .uncertain]
            case .resend, .skipUncertain: [.uncertain]
            }
        }

        func apply(to id: String, in ledger: SQLiteLedger) async throws {
            let now = at(100)
            switch self {
            case .claim: _ = try await ledger.claim(ClaimRequest(limit: 10, now: now))
            case .recordAccepted: _ = try await ledger.record([DeliveryOutcome(messageID: id, kind: .accepted, detail: "ok")], at: now)
            case .recordRejected: _ = try await ledger.record([DeliveryOutcome(messageID: id, kind: .rejected, detail: "no")], at: now)
            case .reportDelivered: _ = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(id), status: .delivered, at: now)])
            case .reportFailed: _ = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(id), status: .failed, at: now)])
            case .reportExpired: _ = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(id), status: .expired, at: now)])
            case .release: _ = try await ledger.release([id], at: now)
            case .recover:
                // An attempt was under way (a claimed, never-attempted entry is queued again: LedgerAttemptTests).
                try await ledger.markAttempted([id], at: now)
                _ = try await ledger.recoverInterrupted(at: now)
            case .skip: _ = try await ledger.skip([id], reason: .renderFailed, detail: nil, at: now)
            case .resend: _ = try await ledger.resolveUncertain(campaign: "vaccination_round", policy: .resend, at: now)
            case .skipUncertain: _ = try await ledger.resolveUncertain(campaign: "vaccination_round", policy: .skip, at: now)
            }
        }
    }

    /// Drives a fresh entry to `state` through the public operations.
    static func entry(in state: LedgerState, ledger: SQLiteLedger) async throws -> String {
        let entry = entries(1)[0]
        _ = try await ledger.materialise([entry], at: t0)
        try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
        let id = entry.messageID
        switch state {
        case .queued: break
        case .skipped: _ = try await ledger.skip([id], reason: .unreachable, detail: nil, at: at(1))
        default:
            _ = try await ledger.claim(ClaimRequest(limit: 1, now: at(1)))
            switch state {
            case .sending: break
            case .uncertain:
                try await ledger.markAttempted([id], at: at(1))
                _ = try await ledger.recoverInterrupted(at: at(2))
            default:
                _ = try await ledger.record(accepted([entry]), at: at(2))
                if let status = DeliveryReport.Status(rawValue: state.rawValue) {
                    _ = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(id), status: status, at: at(3))])
                }
            }
        }
        #expect(try await ledger.entry(messageID: id)?.state == state, "set-up reached \(state)")
        return id
    }

    @Test("each operation on each state", arguments: LedgerState.allCases, Operation.allCases)
    func operation(state: LedgerState, operation: Operation) async throws {
        try await withLedger { ledger, _ in
            let id = try await Self.entry(in: state, ledger: ledger)
            try await operation.apply(to: id, in: ledger)
            let after = try await ledger.entry(messageID: id)?.state
            if operation.sources.contains(state) {
                #expect(state.canMove(to: operation.target))
                #expect(after == operation.target)
            } else {
                #expect(after == state, "\(operation) must not move a \(state) entry")
            }
        }
    }

    @Test("together the operations reach every legal transition and no other")
    func completeness() {
        var reached: Set<[LedgerState]> = []
        for operation in Operation.allCases {
            for source in operation.sources { reached.insert([source, operation.target]) }
        }
        var legal: Set<[LedgerState]> = []
        for from in LedgerState.allCases {
            for to in LedgerState.allCases where from.canMove(to: to) { legal.insert([from, to]) }
        }
        #expect(reached == legal)
    }
}
