import Foundation
import Testing
import OutreachCore

@Suite("Ledger states and transitions")
struct LedgerStateTests {
    /// The whole state machine, written out: every pair not listed is illegal.
    static let legal: Set<[LedgerState]> = [
        [.queued, .sending], [.queued, .skipped],
        [.sending, .accepted], [.sending, .failed], [.sending, .queued], [.sending, .uncertain],
        [.accepted, .delivered], [.accepted, .failed], [.accepted, .expired],
        [.uncertain, .queued], [.uncertain, .skipped],
    ]

    @Test("every pair of states: allowed exactly when the state machine says so",
          arguments: LedgerState.allCases)
    func everyTransition(from: LedgerState) {
        for to in LedgerState.allCases {
            #expect(from.canMove(to: to) == Self.legal.contains([from, to]), "\(from) → \(to)")
        }
    }

    @Test("delivered, failed, expired and skipped are final; nothing moves to itself")
    func finalStates() {
        #expect(Set(LedgerState.allCases.filter(\.isFinal)) == [.delivered, .failed, .expired, .skipped])
        for state in LedgerState.allCases { #expect(!state.canMove(to: state)) }
    }

    @Test("only messages that may have left count toward a frequency cap")
    func capCounting() {
        #expect(Set(LedgerState.allCases.filter(\.mayHaveReachedRecipient)) == [.sending, .accepted, .delivered, .uncertain])
    }

    @Test("states and reasons are stored by stable raw names")
    func rawNames() {
        #expect(LedgerState.allCases.map(\.rawValue) ==
                ["queued", "sending", "accepted", "delivered", "failed", "expired", "skipped", "uncertain"])
        #expect(SkipReason.optedOut.rawValue == "opted_out")
        #expect(SkipReason.quietHoursOverflow.rawValue == "quiet_hours_overflow")
        #expect(Set(SkipReason.allCases.map(\.rawValue)).count == SkipReason.allCases.count)
    }

    @Test("campaign states: draft until launched; pause and resume; cancel from any live state")
    func campaignTransitions() {
        let legal: Set<[CampaignState]> = [
            [.draft, .launched], [.launched, .paused], [.paused, .launched], [.launched, .completed],
            [.draft, .cancelled], [.launched, .cancelled], [.paused, .cancelled],
        ]
        for from in CampaignState.allCases {
            for to in CampaignState.allCases {
                #expect(from.canMove(to: to) == legal.contains([from, to]), "\(from) → \(to)")
            }
        }
        #expect(CampaignTransitionError(campaign: "x", from: .cancelled, to: .launched).description
                == "cannot launch campaign 'x': it is cancelled")
        #expect(CampaignTransitionError(campaign: "x", from: .launched, to: .launched).description
                == "campaign 'x' is already launched")
    }
}

@Suite("Ledger entries and message ids")
struct LedgerEntryTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256(input: String, hex: String) {
        let digest = SHA256.hash(input.utf8)
        #expect(digest.map { String(format: "%02x", $0) }.joined() == hex)
    }

    @Test("SHA-256 of a million 'a's (many blocks, fed in pieces)")
    func sha256Long() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().map { String(format: "%02x", $0) }.joined()
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the message id is derived from campaign, occurrence and recipient, and only from them")
    func messageID() {
        let a = LedgerEntry.messageID(campaign: "vaccination_round", occurrence: "2027-08-20T14:00:00Z", recipient: "1012345678", key: .none)
        #expect(a == LedgerEntry.messageID(campaign: "vaccination_round", occurrence: "2027-08-20T14:00:00Z", recipient: "1012345678", key: .none))
        #expect(a.count == 33 && a.hasPrefix("m"))
        #expect(a.dropFirst().allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(a != LedgerEntry.messageID(campaign: "vaccination_round", occurrence: "2027-08-27T14:00:00Z", recipient: "1012345678", key: .none))
        #expect(a != LedgerEntry.messageID(campaign: "vaccination_round", occurrence: "2027-08-20T14:00:00Z", recipient: "1012345679", key: .none))
        // The separator keeps field boundaries: "ab"+"c" is not "a"+"bc".
        #expect(LedgerEntry.messageID(campaign: "ab", occurrence: "c", recipient: "r", key: .none)
                != LedgerEntry.messageID(campaign: "a", occurrence: "bc", recipient: "r", key: .none))
        let ids = Set((0..<10_000).map { LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: String($0), key: .none) })
        #expect(ids.count == 10_000)
    }

    @Test("a person's message ids share a prefix and sort as person keys do")
    func messageIDsInPersonOrder() {
        let prefix = LedgerEntry.messageIDPrefix(recipient: "1012345678", key: .none)
        #expect(prefix.count == 17)
        for (campaign, occurrence) in [("vaccination_round", "o1"), ("school_start", "2027-08-20T14:00:00Z"), ("x", "")] {
            let id = LedgerEntry.messageID(campaign: campaign, occurrence: occurrence, recipient: "1012345678", key: .none)
            #expect(id.hasPrefix(prefix))
            #expect(id == LedgerEntry.messageID(personKey: LedgerEntry.personKey(recipient: "1012345678", key: .none),
                                                campaign: campaign, occurrence: occurrence, recipient: "1012345678", key: .none))
        }
        #expect(!LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345679", key: .none).hasPrefix(prefix))
        let recipients = (0..<2_000).map { "10\($0 * 7919)" }
        let keys = recipients.map { (LedgerEntry.personKey(recipient: $0, key: .none), $0) }
        let ids = recipients.map { (LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: $0, key: .none), $0) }
        #expect(keys.sorted { $0.0 < $1.0 }.map(\.1) == ids.sorted { $0.0 < $1.0 }.map(\.1))
        #expect(Set(keys.map(\.0)).count == recipients.count)
    }

    @Test("a new entry is queued with its derived id; a skipped one carries its reason")
    func newEntries() {
        let due = Date(timeIntervalSince1970: 1_800_000_000)
        let entry = LedgerEntry(campaign: "c", occurrence: "o", recipientID: "r", address: "+966512345678",
                                channel: .sms, parts: 2, dueAt: due,
                                payload: .init(sender: "MOH", text: "مرحبا", language: "ar"), key: .none)
        #expect(entry.state == .queued && entry.attempts == 0 && entry.queuedAt == due)
        #expect(entry.messageID == LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "r", key: .none))
        let message = entry.outboundMessage
        #expect(message?.id == entry.messageID && message?.to == "+966512345678" && message?.text == "مرحبا")
        let skipped = LedgerEntry.skipped(campaign: "c", occurrence: "o", recipientID: "r2", channel: .sms,
                                          reason: .unreachable, dueAt: due, key: .none)
        #expect(skipped.state == .skipped && skipped.skipReason == .unreachable && skipped.parts == 0)
        #expect(skipped.outboundMessage == nil)
    }
}

@Suite("Ledger opt-out addresses")
struct LedgerAddressTests {
    /// Every form the population import accepts gives the same key.
    @Test("phones normalise exactly as the population import does", arguments: [
        "0512345678", "512345678", "966512345678", "00966512345678", "+966512345678", "+966 51 234 5678",
        "051-234-5678", "(051) 234 5678", "+966 (0)51 234 5678", " 0512345678 ", "٠٥١٢٣٤٥٦٧٨", "۰۵۱۲۳۴۵۶۷۸",
        "+٩٦٦٥١٢٣٤٥٦٧٨", "\u{200E}+966 51 234 5678",
    ])
    func phoneForms(raw: String) {
        let address = ContactAddress(raw)
        #expect(address?.value == "+966512345678")
        #expect(address?.channel == .sms)
        #expect(address?.value == PhoneNumber.normalize(raw))
        #expect(ContactAddress.key(raw) == "+966512345678")
    }

    @Test("emails are checked like the import and lower-cased whole", arguments: [
        ("Hind@Example.COM", "hind@example.com"),
        ("  omar.ali@moh.gov.sa ", "omar.ali@moh.gov.sa"),
    ])
    func emails(raw: String, expected: String) {
        #expect(ContactAddress(raw)?.value == expected)
        #expect(ContactAddress(raw)?.channel == .email)
    }

    @Test("anything else is not an address", arguments: ["", "12345", "+96641234567", "hind@example", "a b@c.d", "@x.com", "نعم"])
    func rejects(raw: String) {
        #expect(ContactAddress(raw) == nil)
    }
}

@Suite("Ledger counts")
struct LedgerCountsTests {
    @Test("sums per state, per reason, per occurrence and segment; parts only for what may have left")
    func sums() {
        let counts = LedgerCounts(campaign: "c", rows: [
            LedgerCount(occurrence: "o1", segment: "mothers", state: .delivered, skipReason: nil, count: 5, parts: 10),
            LedgerCount(occurrence: "o1", segment: "fathers", state: .failed, skipReason: nil, count: 1, parts: 2),
            LedgerCount(occurrence: "o1", segment: "fathers", state: .skipped, skipReason: .optedOut, count: 2, parts: 0),
            LedgerCount(occurrence: "o2", segment: nil, state: .uncertain, skipReason: nil, count: 3, parts: 3),
            LedgerCount(occurrence: "o2", segment: nil, state: .skipped, skipReason: .capped, count: 4, parts: 0),
        ])
        #expect(counts.targeted == 15)
        #expect(counts.count(.delivered) == 5)
        #expect(counts.count(.skipped, occurrence: "o1") == 2)
        #expect(counts.count(.failed, segment: "fathers") == 1)
        #expect(counts.count(.uncertain, segment: .some(nil)) == 3)
        #expect(counts.skipped(.capped) == 4)
        #expect(counts.bySkipReason() == [.optedOut: 2, .capped: 4])
        #expect(counts.byState(occurrence: "o2")[.uncertain] == 3 && counts.byState(occurrence: "o2")[.queued] == 0)
        #expect(counts.partsUsed == 13)
        #expect(counts.occurrences == ["o1", "o2"])
        #expect(counts.segments == [nil, "fathers", "mothers"])
    }
}
