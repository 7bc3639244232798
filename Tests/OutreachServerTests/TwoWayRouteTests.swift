import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OutreachCore
import OutreachServer
import OutreachStore
import Testing

private let quiet = { var logger = Logger(label: "outreach.tests.twoway"); logger.logLevel = .warning; return logger }()
private let publicURL = "https://outreach.example.org"
private let hooks = "/hooks/\(testSecret)"
private let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

private func encoded(_ pairs: [(String, String)]) -> String {
    pairs.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
}

extension ServerFixture {
    /// The routes over this fixture's ledger with `configuration` changed and `gateways` from gateways.yaml.
    func test(gateways: WebhookGateways, replies: ReplySettings = ReplySettings(), change: (inout ServerConfiguration) -> Void = { _ in },
              _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = configuration
        change(&configuration)
        let router = WebhookServer.router(configuration: configuration, secret: try WebhookSecret(testSecret), store: ledger,
                                          replies: replies, gateways: gateways, logger: quiet)
        try await Application(router: router).test(.router, body)
    }
}

@Suite("X-Twilio-Signature on the Twilio routes")
struct TwilioSignatureRouteTests {
    static let token = "twilio-auth-token-1"
    static var gateways: WebhookGateways {
        var gateways = WebhookGateways()
        gateways.twilioAuthTokens = ["another-account-token", token]
        return gateways
    }

    static func signed(_ path: String, _ pairs: [(String, String)], token: String = token) -> HTTPFields {
        var headers = formType
        headers[HTTPFields.Element.Name("X-Twilio-Signature")!] = TwilioSignature.expected(url: publicURL + path, parameters: pairs, authToken: token)
        return headers
    }

    @Test("a status callback signed with the account's token is applied; unsigned, wrongly signed or altered ones get 401 and change nothing")
    func statusCallback() async throws {
        let fixture = try await ServerFixture(messages: 2)
        try await fixture.accept(fixture.ids, provider: true)
        let path = "\(hooks)/twilio/status"
        let pairs = [("MessageSid", "p-\(fixture.ids[0])"), ("MessageStatus", "delivered"), ("AccountSid", "AC1")]
        try await fixture.test(gateways: Self.gateways, change: { $0.publicURL = publicURL }) { client in
            var response = try await client.execute(uri: path, method: .post, headers: formType, body: ByteBuffer(string: encoded(pairs)))
            #expect(response.status == .unauthorized)
            response = try await client.execute(uri: path, method: .post, headers: Self.signed(path, pairs, token: "wrong-token"),
                                                body: ByteBuffer(string: encoded(pairs)))
            #expect(response.status == .unauthorized)
            // Signed for one message, sent for another.
            let altered = [("MessageSid", "p-\(fixture.ids[1])"), ("MessageStatus", "delivered"), ("AccountSid", "AC1")]
            response = try await client.execute(uri: path, method: .post, headers: Self.signed(path, pairs),
                                                body: ByteBuffer(string: encoded(altered)))
            #expect(response.status == .unauthorized)
            #expect(try await fixture.state(fixture.ids[0]) == .accepted)
            #expect(try await fixture.state(fixture.ids[1]) == .accepted)

            response = try await client.execute(uri: path, method: .post, headers: Self.signed(path, pairs),
                                                body: ByteBuffer(string: encoded(pairs)))
            #expect(response.status == .ok)
            #expect(try await fixture.state(fixture.ids[0]) == .delivered)
            #expect(try await fixture.state(fixture.ids[1]) == .accepted)
        }
    }

    @Test("an inbound STOP must be signed: unsigned, nothing changes; signed, the number is opted out")
    func inbound() async throws {
        let fixture = try await ServerFixture(messages: 1)
        try await fixture.accept(fixture.ids)
        let path = "\(hooks)/twilio/inbound"
        let pairs = [("From", "+966500000000"), ("To", "+15005550006"), ("Body", "إيقاف"), ("MessageSid", "SM9")]
        try await fixture.test(gateways: Self.gateways, change: { $0.publicURL = publicURL }) { client in
            var response = try await client.execute(uri: path, method: .post, headers: formType, body: ByteBuffer(string: encoded(pairs)))
            #expect(response.status == .unauthorized)
            #expect(try await !fixture.ledger.isOptedOut("+966500000000"))
            response = try await client.execute(uri: path, method: .post, headers: Self.signed(path, pairs),
                                                body: ByteBuffer(string: encoded(pairs)))
            #expect(response.status == .ok)
            #expect(try await fixture.ledger.isOptedOut("+966500000000"))
        }
    }

    @Test("without a Twilio gateway the secret path alone authenticates (no signature asked)")
    func notConfigured() async throws {
        let fixture = try await ServerFixture(messages: 1)
        try await fixture.accept(fixture.ids, provider: true)
        let pairs = [("MessageSid", "p-\(fixture.ids[0])"), ("MessageStatus", "delivered")]
        try await fixture.test(gateways: WebhookGateways()) { client in
            let response = try await client.execute(uri: "\(hooks)/twilio/status", method: .post, headers: formType,
                                                    body: ByteBuffer(string: encoded(pairs)))
            #expect(response.status == .ok)
            #expect(try await fixture.state(fixture.ids[0]) == .delivered)
        }
    }

    @Test("serve refuses Twilio gateways without server.public_url (the signature covers the full URL)")
    func needsPublicURL() throws {
        #expect(throws: OutreachError.self) { try WebhookServer.check(configuration: ServerConfiguration(), gateways: Self.gateways) }
        var configuration = ServerConfiguration()
        configuration.publicURL = publicURL
        try WebhookServer.check(configuration: configuration, gateways: Self.gateways)
        try WebhookServer.check(configuration: ServerConfiguration(), gateways: WebhookGateways())
    }
}

@Suite("Per-source rate limit on the webhooks")
struct RateLimitRouteTests {
    @Test("the token bucket: a burst at once, then the rate; the wait until the next token")
    func bucket() {
        let limiter = SourceRateLimiter(RateLimit(perSecond: 2, burst: 3))
        for _ in 0..<3 { #expect(limiter.take("a", at: 10) == nil) }
        #expect(limiter.take("a", at: 10) == 0.5)
        #expect(limiter.take("b", at: 10) == nil)              // another source has its own bucket
        #expect(limiter.take("a", at: 10.5) == nil)            // one token back after 1/rate
        #expect(limiter.take("a", at: 10.5) != nil)
        for _ in 0..<3 { #expect(limiter.take("a", at: 100) == nil) }   // refilled, never past the burst
        #expect(limiter.take("a", at: 100) != nil)
    }

    @Test("past the limit: 429 with Retry-After and nothing changes; other sources and /healthz are not affected")
    func limited() async throws {
        let fixture = try await ServerFixture(messages: 4)
        try await fixture.accept(fixture.ids)
        let from: @Sendable (String) -> HTTPFields = { [HTTPFields.Element.Name("X-Forwarded-For")!: "203.0.113.9, \($0)"] }
        try await fixture.test(gateways: WebhookGateways(), change: { $0.rateLimit = RateLimit(perSecond: 0.01, burst: 2) }) { client in
            for id in fixture.ids.prefix(2) {
                let response = try await client.execute(uri: kannelDLR(id, status: 1), method: .get, headers: from("198.51.100.1"))
                #expect(response.status == .ok)
            }
            var response = try await client.execute(uri: kannelDLR(fixture.ids[2], status: 1), method: .get, headers: from("198.51.100.1"))
            #expect(response.status == .tooManyRequests)
            #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try await fixture.state(fixture.ids[2]) == .accepted)
            // A wrong secret is limited the same way (guessing is throttled).
            response = try await client.execute(uri: kannelDLR(fixture.ids[2], status: 1, secret: "guess-guess-guess-guess"),
                                                method: .get, headers: from("198.51.100.1"))
            #expect(response.status == .tooManyRequests)
            response = try await client.execute(uri: kannelDLR(fixture.ids[3], status: 1), method: .get, headers: from("198.51.100.2"))
            #expect(response.status == .ok)
            #expect(try await fixture.state(fixture.ids[3]) == .delivered)
            for _ in 0..<5 { #expect(try await client.execute(uri: "/healthz", method: .get, headers: from("198.51.100.1")).status == .ok) }
        }
    }
}

@Suite("Generic http gateway: delivery-report callback and inbound, by field mapping")
struct HTTPGatewayCallbackRouteTests {
    static var gateways: WebhookGateways {
        var gateways = WebhookGateways()
        gateways.callbacks["aggregator"] = HTTPCallbackMapping(
            format: .json, messageIDField: "/data/id", statusField: "/data/status",
            statuses: ["DELIVRD": .delivered, "UNDELIV": .failed, "REJECTD": .failed, "EXPIRED": .expired], reasonField: "/data/error")
        gateways.callbacks["formish"] = HTTPCallbackMapping(format: .form, messageIDField: "ref", idKind: .ours, statusField: "state",
                                                             statuses: ["1": .delivered, "2": .failed])
        gateways.inbound["aggregator"] = HTTPInboundMapping(format: .json, fromField: "sender", textField: "/message/text")
        gateways.inbound["formish"] = HTTPInboundMapping(format: .form, fromField: "msisdn", textField: "body")
        return gateways
    }
    static let json: HTTPFields = [.contentType: "application/json"]

    static func post(_ client: any TestClientProtocol, _ path: String, _ json: String) async throws -> TestResponse {
        try await client.execute(uri: "\(hooks)/\(path)", method: .post, headers: Self.json, body: ByteBuffer(string: json))
    }

    @Test("JSON by pointer and provider id: delivered, failed with the reason, expired; on-the-way statuses ignored; the same report twice changes nothing")
    func json() async throws {
        let fixture = try await ServerFixture(messages: 4)
        try await fixture.accept(fixture.ids, provider: true)
        try await fixture.test(gateways: Self.gateways) { client in
            let report = { (i: Int, status: String) in #"{"data": {"id": "p-\#(fixture.ids[i])", "status": "\#(status)", "error": 21}}"# }
            #expect(try await Self.post(client, "http/aggregator/dlr", report(0, "DELIVRD")).status == .ok)
            #expect(try await Self.post(client, "http/aggregator/dlr", report(0, "DELIVRD")).status == .ok)
            #expect(try await Self.post(client, "http/aggregator/dlr", report(1, "undeliv")).status == .ok)
            #expect(try await Self.post(client, "http/aggregator/dlr", report(2, "EXPIRED")).status == .ok)
            let onTheWay = try await Self.post(client, "http/aggregator/dlr", report(3, "ENROUTE"))
            #expect(onTheWay.status == .ok && onTheWay.text.contains("ignored"))
            #expect(try await fixture.state(fixture.ids[0]) == .delivered)
            let failed = try await fixture.entry(fixture.ids[1])
            #expect(failed?.state == .failed && failed?.lastDetail == "aggregator undeliv (21)")
            #expect(try await fixture.state(fixture.ids[2]) == .expired)
            #expect(try await fixture.state(fixture.ids[3]) == .accepted)
        }
    }

    @Test("form fields (query string or body) with our own message id")
    func form() async throws {
        let fixture = try await ServerFixture(messages: 2)
        try await fixture.accept(fixture.ids)
        try await fixture.test(gateways: Self.gateways) { client in
            var response = try await client.execute(uri: "\(hooks)/http/formish/dlr?ref=\(fixture.ids[0])&state=1", method: .get)
            #expect(response.status == .ok)
            response = try await client.execute(uri: "\(hooks)/http/formish/dlr", method: .post, headers: formType,
                                                body: ByteBuffer(string: "ref=\(fixture.ids[1])&state=2"))
            #expect(response.status == .ok)
            #expect(try await fixture.state(fixture.ids[0]) == .delivered)
            #expect(try await fixture.state(fixture.ids[1]) == .failed)
        }
    }

    @Test("malformed callbacks get 400, a gateway without a mapping 401; nothing changes")
    func refused() async throws {
        let fixture = try await ServerFixture(messages: 1)
        try await fixture.accept(fixture.ids, provider: true)
        try await fixture.test(gateways: Self.gateways) { client in
            #expect(try await Self.post(client, "http/aggregator/dlr", "{not json").status == .badRequest)
            let r1 = try await Self.post(client, "http/aggregator/dlr", #"{"data": {"status": "DELIVRD"}}"#)
            #expect(r1.status == .badRequest)
            let r2 = try await Self.post(client, "http/aggregator/dlr", #"{"data": {"id": "p-\#(fixture.ids[0])"}}"#)
            #expect(r2.status == .badRequest)
            let r3 = try await Self.post(client, "http/aggregator/dlr", #"["p-\#(fixture.ids[0])", "DELIVRD"]"#)
            #expect(r3.status == .badRequest)
            let r4 = try await Self.post(client, "http/unknown/dlr", #"{"data": {"id": "p-\#(fixture.ids[0])", "status": "DELIVRD"}}"#)
            #expect(r4.status == .unauthorized)
            let good = ByteBuffer(string: #"{"data": {"id": "p-\#(fixture.ids[0])", "status": "DELIVRD"}}"#)
            let wrong = try await client.execute(uri: "/hooks/wrong-secret-0123456789/http/aggregator/dlr", method: .post,
                                                 headers: Self.json, body: good)
            #expect(wrong.status == .unauthorized)
            #expect(try await fixture.state(fixture.ids[0]) == .accepted)
        }
    }

    @Test("generic inbound: a STOP (JSON pointer or form field) opts the number out and answers the confirmation; a reply is stored")
    func inbound() async throws {
        let fixture = try await ServerFixture(messages: 3)
        try await fixture.accept(fixture.ids)
        let settings = ReplySettings(stopConfirmation: "تم الإيقاف")
        try await fixture.test(gateways: Self.gateways, replies: settings) { client in
            let response = try await Self.post(client, "http/aggregator/inbound", #"{"sender": "966500000000", "message": {"text": "إيـقاف"}}"#)
            #expect(response.status == .ok && response.text == "تم الإيقاف")
            #expect(try await fixture.ledger.isOptedOut("+966500000000"))
            let form = try await client.execute(uri: "\(hooks)/http/formish/inbound", method: .post, headers: formType,
                                                body: ByteBuffer(string: "msisdn=%2B966500000001&body=STOP"))
            #expect(form.status == .ok)
            #expect(try await fixture.ledger.isOptedOut("+966500000001"))
            let reply = try await client.execute(uri: "\(hooks)/http/formish/inbound?msisdn=0500000002&body=thanks", method: .get)
            #expect(reply.status == .ok && reply.text.isEmpty)
            #expect(try await !fixture.ledger.isOptedOut("+966500000002"))
            #expect(try await fixture.ledger.replyCounts(campaign: "c") == ReplyCounts(replies: 3, optOuts: 2))
            let r5 = try await Self.post(client, "http/aggregator/inbound", #"{"sender": "966500000000"}"#)
            #expect(r5.status == .badRequest)
            let r6 = try await Self.post(client, "http/formish/inbound", #"{}"#)
            #expect(r6.status == .unsupportedMediaType)
        }
    }
}

@Suite("Kannel MO in UCS-2 (Arabic replies without mo-recode)")
struct KannelUCS2RouteTests {
    static func utf16BE(_ text: String) -> String {
        text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }.map { String(format: "%%%02X", $0) }.joined()
    }

    @Test("text=%a in UTF-16BE with coding=2&charset=UTF-16BE is read as Arabic: STOP applies; the Arabic confirmation asks for UCS-2")
    func ucs2() async throws {
        let fixture = try await ServerFixture(messages: 1)
        try await fixture.accept(fixture.ids)
        try await fixture.test(gateways: WebhookGateways(), replies: ReplySettings(stopConfirmation: "تم الإيقاف")) { client in
            let uri = "\(hooks)/kannel/mo?from=%2B966500000000&to=MOH&text=\(Self.utf16BE("إيقاف"))&coding=2&charset=UTF-16BE"
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .ok)
            #expect(response.text == "تم الإيقاف")
            #expect(response.headers[HTTPFields.Element.Name("X-Kannel-Coding")!] == "2")
            #expect(try await fixture.ledger.isOptedOut("+966500000000"))
        }
    }

    @Test("coding=2 without a charset is UTF-16BE too; a GSM confirmation is left to Kannel's default coding; an odd byte count is 400")
    func others() async throws {
        let fixture = try await ServerFixture(messages: 2)
        try await fixture.accept(fixture.ids)
        try await fixture.test(gateways: WebhookGateways(), replies: ReplySettings(stopConfirmation: "Stopped")) { client in
            var response = try await client.execute(uri: "\(hooks)/kannel/mo?from=%2B966500000000&text=\(Self.utf16BE("توقف"))&coding=2", method: .get)
            #expect(response.status == .ok && response.text == "Stopped")
            #expect(response.headers[HTTPFields.Element.Name("X-Kannel-Coding")!] == nil)
            #expect(try await fixture.ledger.isOptedOut("+966500000000"))
            response = try await client.execute(uri: "\(hooks)/kannel/mo?from=%2B966500000001&text=%06%25%06&charset=UTF-16BE", method: .get)
            #expect(response.status == .badRequest)
            #expect(try await !fixture.ledger.isOptedOut("+966500000001"))
            // UTF-8 (mo-recode, or no charset given) as before.
            response = try await client.execute(uri: "\(hooks)/kannel/mo?from=%2B966500000001&text=\(PercentEncoding.encode("إيقاف"))", method: .get)
            #expect(response.status == .ok)
            #expect(try await fixture.ledger.isOptedOut("+966500000001"))
        }
    }
}
