@testable import OutreachServer
import Testing

@Suite("Kannel DLR detail: the SMSC's answer without its text: part")
struct KannelDeliveryReportDetailTests {
    @Test("text: is cut in any case, the rest trimmed; without an answer only the type is kept", arguments: [
        ("id:1 stat:DELIVRD err:000 text:تذكير", "kannel dlr 1: id:1 stat:DELIVRD err:000"),
        ("id:1 stat:DELIVRD TEXT:hello", "kannel dlr 1: id:1 stat:DELIVRD"),
        ("id:1 stat:DELIVRD TeXt:hello text:again", "kannel dlr 1: id:1 stat:DELIVRD"),
        ("  \n id:1 stat:DELIVRD  \t", "kannel dlr 1: id:1 stat:DELIVRD"),
        ("text:only the message", "kannel dlr 1"),
        ("id:1 tex:t text", "kannel dlr 1: id:1 tex:t text"),
        ("رد المشغل text:x", "kannel dlr 1: رد المشغل"),
        ("", "kannel dlr 1"),
    ])
    func detail(answer: String, expected: String) {
        #expect(KannelDeliveryReport.detail(.delivered, answer: answer) == expected)
    }

    @Test("the kept answer is at most 160 characters")
    func long() {
        let answer = String(repeating: "ب", count: 300)
        #expect(KannelDeliveryReport.detail(.failed, answer: answer) == "kannel dlr 2: " + String(repeating: "ب", count: 160))
    }
}
