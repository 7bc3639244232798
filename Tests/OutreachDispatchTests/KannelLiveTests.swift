import OutreachCore
@testable import OutreachDispatch
import Testing

/// Against a real Kannel (bearerbox + smsbox) with its fake SMSC as the
/// handset side; each test starts and stops its own instance on free ports.
/// Needs the Debian packages kannel and kannel-extras (`make test-deps`).
@Suite("Kannel, live", .serialized)
struct KannelLiveTests {
    static func message(_ text: String, to: String = "+966501234567", sender: String? = nil, id: String = "m-1") -> OutboundMessage {
        OutboundMessage(id: id, channel: .sms, recipientID: "r-\(id)", to: to, sender: sender, text: text)
    }

    static func gateway(_ kannel: KannelHarness, _ transport: CurlHTTPTransport, sender: String = "MOH") -> KannelGateway {
        KannelGateway(name: "kannel",
                      settings: KannelSettings(url: kannel.sendsmsURL, username: kannel.username, password: kannel.password),
                      defaultSender: sender, timeout: .seconds(10), transport: transport)
    }

    static func padded(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    @Test("Arabic arrives as UCS-2 with exactly the rendered text")
    func arabic() async throws {
        try await KannelHarness.run { kannel in
            let transport = try CurlHTTPTransport()
            defer { transport.shutdown() }
            let text = "مرحباً أحمد، موعد تطعيم طفلك غداً الساعة ٩:٣٠ صباحاً"
            #expect(SMSText.info(text).encoding == .ucs2)
            #expect(SMSText.info(text).parts == 1)
            let outcome = await Self.gateway(kannel, transport).send(Self.message(text), attempt: 1)
            #expect(outcome.kind == .accepted, "\(outcome.detail)")
            #expect(outcome.status == 202)
            #expect(outcome.detail == "0: Accepted for delivery")
            let received = try await kannel.waitForReceived(count: 1)
            #expect(received.count == 1)
            let sms = try #require(received.first)
            #expect(sms.coding == .ucs2)
            #expect(sms.utf16Text == text)
            #expect(sms.receiver == "+966501234567")
            #expect(sms.sender == "MOH")
        }
    }

    @Test("GSM-7 text arrives as 7-bit, unchanged")
    func gsm() async throws {
        try await KannelHarness.run { kannel in
            let transport = try CurlHTTPTransport()
            defer { transport.shutdown() }
            let text = "Dear parent, the vaccination is due on 12/03 at 9:30 @ clinic #4 (bring the card)."
            #expect(SMSText.info(text).encoding == .gsm7)
            let outcome = await Self.gateway(kannel, transport).send(Self.message(text), attempt: 1)
            #expect(outcome.kind == .accepted, "\(outcome.detail)")
            let received = try await kannel.waitForReceived(count: 1)
            #expect(received.count == 1)
            #expect(received.first?.coding == .sevenBit)
            #expect(received.first?.utf8Text == text)
        }
    }

    @Test("a long message arrives as concatenated parts that join back into the text", arguments: [
        String(repeating: "يرجى زيارة أقرب مركز صحي لتلقي الجرعة الثانية من اللقاح. ", count: 3),
        String(repeating: "Please visit the nearest health centre for the second dose. ", count: 5),
    ])
    func long(text: String) async throws {
        try await KannelHarness.run { kannel in
            let transport = try CurlHTTPTransport()
            defer { transport.shutdown() }
            let info = SMSText.info(text)
            #expect(info.parts > 1)
            let outcome = await Self.gateway(kannel, transport).send(Self.message(text), attempt: 1)
            #expect(outcome.kind == .accepted, "\(outcome.detail)")
            let received = try await kannel.waitForReceived(count: info.parts, settle: .seconds(1))
            #expect(received.count == info.parts)
            let parts = received.compactMap { sms in sms.concatenation.map { (sms, $0) } }
            #expect(parts.count == received.count, "every part carries a concatenation header")
            #expect(Set(parts.map(\.1.reference)).count == 1)
            #expect(parts.allSatisfy { $0.1.total == info.parts })
            let ordered = parts.sorted { $0.1.sequence < $1.1.sequence }
            #expect(ordered.map(\.1.sequence) == Array(1...info.parts))
            let joined = ordered.map { info.encoding == .ucs2 ? $0.0.utf16Text : $0.0.utf8Text }.joined()
            #expect(joined == text)
        }
    }

    @Test("the sender id is kept as given", arguments: ["MOH", "MOH-Info", "Seha.937", "Vaccines24"])
    func senderID(sender: String) async throws {
        try await KannelHarness.run { kannel in
            let transport = try CurlHTTPTransport()
            defer { transport.shutdown() }
            #expect(SenderID.problem(sender) == nil)
            let outcome = await Self.gateway(kannel, transport, sender: "DEFAULT")
                .send(Self.message("Reminder", sender: sender), attempt: 1)
            #expect(outcome.kind == .accepted, "\(outcome.detail)")
            let received = try await kannel.waitForReceived(count: 1)
            #expect(received.map(\.sender) == [sender])
        }
    }

    @Test("a wrong password is rejected, with Kannel's answer and no secret in the detail")
    func wrongPassword() async throws {
        try await KannelHarness.run { kannel in
            let transport = try CurlHTTPTransport()
            defer { transport.shutdown() }
            let gateway = KannelGateway(name: "kannel",
                                        settings: KannelSettings(url: kannel.sendsmsURL, username: kannel.username, password: "wrong-secret"),
                                        transport: transport)
            let outcome = await gateway.send(Self.message("hi"), attempt: 1)
            #expect(outcome.kind == .rejected)
            #expect(outcome.status == 403)
            #expect(outcome.detail == "Authorization failed for sendsms")
            #expect(!outcome.detail.contains("wrong-secret"))
        }
    }

    @Test("200 messages sent concurrently: fakesmsc receives exactly 200, no duplicates")
    func twoHundred() async throws {
        try await KannelHarness.run { kannel in
            let transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 16))
            defer { transport.shutdown() }
            let gateway = Self.gateway(kannel, transport)
            let texts = (0..<200).map { index in
                index.isMultiple(of: 2) ? "رسالة رقم \(index)" : "Message number \(index)"
            }
            let outcomes = await withTaskGroup(of: DeliveryOutcome.self) { group in
                for (index, text) in texts.enumerated() {
                    group.addTask {
                        await gateway.send(Self.message(text, to: "+9665" + Self.padded(index), id: "m-\(index)"), attempt: 1)
                    }
                }
                return await group.reduce(into: [DeliveryOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.count == 200)
            #expect(outcomes.filter { $0.kind == .accepted }.count == 200)
            #expect(Set(outcomes.map(\.messageID)).count == 200)

            let received = try await kannel.waitForReceived(count: 200, timeout: .seconds(60), settle: .seconds(2))
            #expect(received.count == 200)
            let bodies = received.map { $0.coding == .ucs2 ? $0.utf16Text : $0.utf8Text }
            #expect(Set(bodies) == Set(texts))
            #expect(Set(received.map(\.receiver)).count == 200)
        }
    }
}
