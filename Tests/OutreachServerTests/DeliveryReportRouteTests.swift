import Foundation
import Hummingbird
import HummingbirdTesting
import OutreachCore
import OutreachServer
import OutreachStore
import Testing

@Suite("Webhooks: delivery reports into the ledger")
struct DeliveryReportRouteTests {
    @Test("/healthz answers ok while the ledger answers")
    func health() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let response = try await client.get("/healthz")
            #expect(response.status == .ok)
            #expect(response.text == "ok\n")
        }
    }

    @Test("a wrong or missing secret gets 401 and changes nothing", arguments: [
        "/hooks/wrong-secret-0123456789abcdef/kannel/dlr?id=ID&status=1",
        "/hooks/\(testSecret)x/kannel/dlr?id=ID&status=1",
        "/hooks/kannel/dlr?id=ID&status=1",
        "/hooks//kannel/dlr?id=ID&status=1",
        "/hooks/\(testSecret)/kannel/unknown?id=ID&status=1",
    ])
    func unauthorised(_ path: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.accept(fixture.ids)
        let id = fixture.ids[0]
        try await fixture.test { client in
            let response = try await client.get(path.replacing("ID", with: id))
            #expect(response.status == .unauthorized)
            let twilio = try await client.postForm("/hooks/nope-0123456789abcdef01/twilio/status",
                                                   "MessageSid=p-\(id)&MessageStatus=delivered")
            #expect(twilio.status == .unauthorized)
        }
        #expect(try await fixture.state(id) == .accepted)
    }

    @Test("malformed callbacks get 400 and change nothing", arguments: [
        "/hooks/SECRET/kannel/dlr?status=1",
        "/hooks/SECRET/kannel/dlr?id=ID",
        "/hooks/SECRET/kannel/dlr?id=ID&status=abc",
        "/hooks/SECRET/kannel/dlr?id=ID&status=3",
        "/hooks/SECRET/kannel/dlr?id=ID&status=1&answer=%zz",
        "/hooks/SECRET/kannel/dlr?id=ID&status=1&answer=%ff%fe",
    ])
    func malformedKannel(_ path: String) async throws {
        let fixture = try await ServerFixture()
        try await fixture.accept(fixture.ids)
        let id = fixture.ids[0]
        try await fixture.test { client in
            let response = try await client.get(path.replacing("SECRET", with: testSecret).replacing("ID", with: id))
            #expect(response.status == .badRequest)
        }
        #expect(try await fixture.state(id) == .accepted)
    }

    @Test("malformed Twilio callbacks get 400 (415 for a body that is not a form) and change nothing")
    func malformedTwilio() async throws {
        let fixture = try await ServerFixture()
        try await fixture.accept(fixture.ids, provider: true)
        let id = fixture.ids[0]
        let uri = "/hooks/\(testSecret)/twilio/status"
        try await fixture.test { client in
            for body in ["MessageStatus=delivered", "MessageSid=p-\(id)", "MessageSid=p-\(id)&MessageStatus=delivered&ErrorCode=x1",
                         "MessageSid=p-\(id)&MessageStatus=%2", "MessageSid=p-\(id)&MessageStatus=delivered&x=%C3%28"] {
                let response = try await client.postForm(uri, body)
                #expect(response.status == .badRequest, "\(body)")
            }
            let json = try await client.postForm(uri, "{\"MessageSid\":\"p-\(id)\"}", contentType: "application/json")
            #expect(json.status == .unsupportedMediaType)
        }
        #expect(try await fixture.state(id) == .accepted)
    }

    @Test("a body over the limit gets 413 and changes nothing")
    func oversize() async throws {
        let fixture = try await ServerFixture(maxBodySize: 1024)
        try await fixture.accept(fixture.ids, provider: true)
        let id = fixture.ids[0]
        let padding = String(repeating: "x", count: 2048)
        try await fixture.test { client in
            let response = try await client.postForm("/hooks/\(testSecret)/twilio/status",
                                                     "MessageSid=p-\(id)&MessageStatus=delivered&Pad=\(padding)")
            #expect(response.status == .contentTooLarge)
            let kannel = try await client.postForm(kannelDLR(id, status: 1), "Pad=\(padding)")
            #expect(kannel.status == .contentTooLarge)
        }
        #expect(try await fixture.state(id) == .accepted)
    }

    @Test("a Kannel DLR for an accepted message marks it delivered; the SMSC's text: part is not kept")
    func kannelDelivered() async throws {
        let fixture = try await ServerFixture()
        try await fixture.accept(fixture.ids)
        let (delivered, failed, expired, buffered) = (fixture.ids[0], fixture.ids[1], fixture.ids[2], fixture.ids[0])
        try await fixture.test { client in
            let answer = "id:123 sub:001 dlvrd:001 submit date:2612072200 done date:2612072201 stat:DELIVRD err:000 text:تذكير 0"
            let response = try await client.get(kannelDLR(delivered, status: 1, answer: answer))
            #expect(response.status == .ok)
            #expect(try await client.get(kannelDLR(failed, status: 16, answer: "NACK/0x0000000b/Invalid Destination Address")).status == .ok)
            #expect(try await client.get(kannelDLR(expired, status: 2, answer: "id:9 stat:EXPIRED err:000")).status == .ok)
            // An intermediate report (buffered) after the final one changes nothing.
            let late = try await client.get(kannelDLR(buffered, status: 4))
            #expect(late.status == .ok)
            #expect(late.text.hasPrefix("ignored"))
        }
        let entry = try #require(try await fixture.entry(delivered))
        #expect(entry.state == .delivered)
        #expect(entry.lastDetail?.contains("kannel dlr 1") == true)
        #expect(entry.lastDetail?.contains("stat:DELIVRD") == true)
        #expect(entry.lastDetail?.contains("تذكير") == false)
        #expect(try await fixture.state(failed) == .failed)
        #expect(try await fixture.state(expired) == .expired)
    }

    @Test("the same report twice changes nothing the second time; a later failure does not undo delivered")
    func idempotent() async throws {
        let fixture = try await ServerFixture()
        try await fixture.accept(fixture.ids)
        let id = fixture.ids[0]
        try await fixture.test { client in
            #expect(try await client.get(kannelDLR(id, status: 1)).status == .ok)
            let first = try await fixture.entry(id)
            #expect(first?.state == .delivered)
            #expect(try await client.get(kannelDLR(id, status: 1)).status == .ok)
            #expect(try await client.get(kannelDLR(id, status: 2)).status == .ok)
            #expect(try await fixture.entry(id) == first)
        }
    }

    @Test("a report before the send's own answer is kept and applied when the answer is recorded")
    func beforeTheAnswer() async throws {
        let fixture = try await ServerFixture()
        let id = fixture.ids[0]
        try await fixture.test { client in
            let response = try await client.get(kannelDLR(id, status: 1))
            #expect(response.status == .ok)
        }
        #expect(try await fixture.state(id) == .sending)
        try await fixture.accept([id])
        #expect(try await fixture.state(id) == .delivered)
    }

    @Test("a late accepted never overwrites delivered")
    func lateAccepted() async throws {
        let fixture = try await ServerFixture()
        let id = fixture.ids[0]
        try await fixture.accept([id])
        try await fixture.test { client in
            let response = try await client.get(kannelDLR(id, status: 1))
            #expect(response.status == .ok)
        }
        try await fixture.accept([id])
        #expect(try await fixture.state(id) == .delivered)
    }

    @Test("a Twilio StatusCallback is matched by the provider's message id; statuses on the way change nothing")
    func twilio() async throws {
        let fixture = try await ServerFixture()
        try await fixture.accept(fixture.ids, provider: true)
        let (a, b) = (fixture.ids[0], fixture.ids[1])
        let uri = "/hooks/\(testSecret)/twilio/status"
        try await fixture.test { client in
            let sent = try await client.postForm(uri, "MessageSid=p-\(a)&MessageStatus=sent&AccountSid=AC1")
            #expect(sent.status == .ok)
            #expect(try await fixture.state(a) == .accepted)
            #expect(try await client.postForm(uri, "MessageSid=p-\(a)&MessageStatus=delivered&AccountSid=AC1").status == .ok)
            #expect(try await client.postForm(uri, "MessageSid=p-\(b)&MessageStatus=undelivered&ErrorCode=30003").status == .ok)
        }
        #expect(try await fixture.state(a) == .delivered)
        let failed = try #require(try await fixture.entry(b))
        #expect(failed.state == .failed)
        #expect(failed.lastDetail == "twilio undelivered (error 30003)")
        #expect(try await fixture.state(fixture.ids[2]) == .accepted)
    }

    @Test("a Jasmin receipt is matched by the provider's message id and answered ACK/Jasmin; SMSC-level receipts change nothing")
    func jasmin() async throws {
        let fixture = try await ServerFixture()
        try await fixture.accept(fixture.ids, provider: true)
        let (a, b, c) = (fixture.ids[0], fixture.ids[1], fixture.ids[2])
        let uri = "/hooks/\(testSecret)/jasmin/dlr"
        try await fixture.test { client in
            let smsc = try await client.postForm(uri, "id=p-\(a)&message_status=ESME_ROK&level=1")
            #expect(smsc.status == .ok && smsc.text == "ACK/Jasmin\n")
            #expect(try await fixture.state(a) == .accepted)
            let delivered = try await client.postForm(uri, "id=p-\(a)&message_status=DELIVRD&level=2&err=000")
            #expect(delivered.status == .ok && delivered.text == "ACK/Jasmin\n")
            let expired = try await client.get("\(uri)?id=p-\(b)&message_status=EXPIRED&level=3")
            #expect(expired.status == .ok)
            let malformed = try await client.postForm(uri, "id=p-\(c)&message_status=DELIVRD&level=7")
            #expect(malformed.status == .badRequest)
        }
        #expect(try await fixture.state(a) == .delivered)
        #expect(try await fixture.state(b) == .expired)
        #expect(try await fixture.state(c) == .accepted)
    }

    @Test("concurrent reports are all recorded, each answered after its batch is committed")
    func concurrent() async throws {
        let fixture = try await ServerFixture(messages: 40)
        try await fixture.accept(fixture.ids)
        try await fixture.test { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for id in fixture.ids { group.addTask { try await client.get(kannelDLR(id, status: 1)).status } }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == 40 && statuses.allSatisfy { $0 == .ok })
            // A 200 means recorded: every one is in the ledger by the time the answers are in.
            for id in fixture.ids { #expect(try await fixture.state(id) == .delivered) }
        }
    }
}
