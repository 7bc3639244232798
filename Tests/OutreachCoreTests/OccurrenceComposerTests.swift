@testable import OutreachCore
import Testing

@Suite("One message per address in an occurrence")
struct OccurrenceComposerTests {
    @Test("address keys: phones exactly by their digits, emails without regard to case, never equal across channels")
    func addressKeys() {
        let a = OccurrenceComposer.addressKey("+966501234567", channel: .sms)
        #expect(a == 966_501_234_567)
        #expect(a != OccurrenceComposer.addressKey("+966501234568", channel: .sms))
        #expect(OccurrenceComposer.addressKey("Sara@Example.SA", channel: .email) == OccurrenceComposer.addressKey("sara@example.sa", channel: .email))
        #expect(OccurrenceComposer.addressKey("sara@example.sa", channel: .email) != OccurrenceComposer.addressKey("sarah@example.sa", channel: .email))
        #expect(OccurrenceComposer.addressKey("966501234567@x.sa", channel: .email) >> 63 == 1)
        // A million distinct phones give a million distinct keys.
        var keys = Set<UInt64>()
        for n in 0..<1_000_000 { keys.insert(OccurrenceComposer.addressKey("+96650\(1_000_000 + n)", channel: .sms)) }
        #expect(keys.count == 1_000_000)
    }
}
