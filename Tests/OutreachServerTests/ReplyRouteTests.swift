import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OutreachCore
import OutreachServer
import OutreachStore
import Testing

/// A fresh ledger in which r0…r2 (phones +96650000000N) were sent an SMS of `reminder`
/// and r9 an email of `newsletter`, and the webhook routes over it.
private struct ReplyFixture {
    static let secretText = "replies-test-secret-0123456789"
    static let logger = { var logger = Logger(label: "outreach.tests.replies"); logger.logLevel = .warning; return logger }()
    let folder: URL
    let ledger: SQLiteLedger
    let email: LedgerEntry
    let sms: [LedgerEntry]

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-replies-\(UUID().uuidString)")
        ledger = try SQLiteLedger(path: folder.appendingPathComponent("ledger.sqlite").path, newKey: MessageIDKey.none)
        let t0 = Date(timeIntervalSince1970: 1_818_770_400)
        sms = (0..<3).map { i in
            LedgerEntry(campaign: "reminder", occurrence: "o1", recipientID: "r\(i)", address: "+96650000000\(i)", channel: .sms,
                        parts: 1, dueAt: t0, payload: .init(sender: "MOH", text: "تذكير", language: "ar"), key: .none)
        }
        email = LedgerEntry(campaign: "newsletter", occurrence: "o1", recipientID: "r9", address: "hind@moh.example", channel: .email,
                            dueAt: t0, payload: .init(subject: "s", text: "t"), key: .none)
        _ = try await ledger.materialise(sms + [email], at: t0)
        for campaign in ["reminder", "newsletter"] { try await ledger.setCampaignState(campaign, to: .launched, at: t0) }
        let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: t0.addingTimeInterval(1)))
        _ = try await ledger.record(claimed.map { DeliveryOutcome(messageID: $0.messageID, kind: .accepted, status: 202, detail: "ok") },
                                    at: t0.addingTimeInterval(1))
    }

    func application(replies: ReplySettings = ReplySettings()) throws -> some ApplicationProtocol {
        let router = WebhookServer.router(configuration: ServerConfiguration(), secret: try WebhookSecret(Self.secretText),
                                          store: ledger, replies: replies, logger: Self.logger)
        return Application(router: router)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// A follow-up campaign to everyone: whom the next claim sends to.
    func nextClaimRecipients() async throws -> Set<String> {
        let later = Date(timeIntervalSince1970: 1_818_770_400 + 3600)
        let follow = sms.map { LedgerEntry(campaign: "follow_up", occurrence: "o1", recipientID: $0.recipientID, address: $0.address,
                                           channel: .sms, parts: 1, dueAt: later, payload: .init(sender: "MOH", text: "x", language: "ar"),
                                           key: .none) }
        _ = try await ledger.materialise(follow, at: later)
        try await ledger.setCampaignState("follow_up", to: .launched, at: later)
        return Set(try await ledger.claim(ClaimRequest(limit: 10, now: later.addingTimeInterval(1))).map(\.recipientID))
    }
}

private func form(_ pairs: [(String, String)]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return ByteBuffer(string: pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
}

private func query(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed)!
}

private let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
private let hooks = "/hooks/\(ReplyFixture.secretText)"

@Suite("Reply webhooks: Kannel MO and Twilio inbound")
struct ReplyRouteTests {
    @Test("STOP through Kannel MO, in every form: opted out, the next claim skips them; the confirmation is the answer",
          arguments: ["STOP", "إيقاف", "ايـــقاف", "إِيقَاف", " الغاء! ", "Unsubscribe", "تَوَقَّفْ"])
    func kannelStop(word: String) async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        let settings = ReplySettings(stopConfirmation: "تم الإيقاف")
        try await fixture.application(replies: settings).test(.router) { client in
            try await client.execute(uri: "\(hooks)/kannel/mo?from=\(query("966500000001"))&to=1234&text=\(query(word))", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "تم الإيقاف")
            }
        }
        #expect(try await fixture.ledger.isOptedOut("+966500000001"))
        #expect(try await fixture.ledger.optOuts().first?.source == "reply")
        #expect(try await fixture.nextClaimRecipients() == ["r0", "r2"])
        #expect(try await fixture.ledger.replyCounts(campaign: "reminder") == ReplyCounts(replies: 1, optOuts: 1))
    }

    @Test("START through Twilio inbound reverses a STOP; TwiML answers with the confirmation or nothing")
    func twilioStopThenStart() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        let settings = ReplySettings(stopConfirmation: "Stopped & done", startConfirmation: nil)
        try await fixture.application(replies: settings).test(.router) { client in
            try await client.execute(uri: "\(hooks)/twilio/inbound", method: .post, headers: formType,
                                     body: form([("From", "+966500000002"), ("Body", "stop"), ("To", "+1555")])) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasSuffix("<Response><Message>Stopped &amp; done</Message></Response>"))
            }
            #expect(try await fixture.ledger.isOptedOut("+966500000002"))
            try await client.execute(uri: "\(hooks)/twilio/inbound", method: .post, headers: formType,
                                     body: form([("From", "+966500000002"), ("Body", "اشتراك")])) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasSuffix("<Response/>"))
            }
        }
        #expect(try await !fixture.ledger.isOptedOut("+966500000002"))
        #expect(try await fixture.nextClaimRecipients() == ["r0", "r1", "r2"])
        #expect(try await fixture.ledger.replyCounts(campaign: "reminder") == ReplyCounts(replies: 2, optOuts: 1, optIns: 1))
    }

    @Test("an ordinary reply is stored, opts no one out, and gets an empty answer")
    func ordinaryReply() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        try await fixture.application(replies: ReplySettings(stopConfirmation: "x")).test(.router) { client in
            try await client.execute(uri: "\(hooks)/kannel/mo?from=0500000000&text=\(query("شكرا لكم، متى الموعد؟"))", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
        #expect(try await fixture.ledger.optOuts().isEmpty)
        #expect(try await fixture.ledger.replyCounts(campaign: "reminder") == ReplyCounts(replies: 1))
    }

    @Test("a wrong or missing secret gets 401 and records nothing",
          arguments: ["/hooks/wrong-secret-0123456789xx/kannel/mo", "/hooks/kannel/mo", "/kannel/mo"])
    func refused(path: String) async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "\(path)?from=0500000001&text=STOP", method: .get) { response in
                #expect(response.status == .unauthorized || response.status == .notFound)
            }
            try await client.execute(uri: path.replacingOccurrences(of: "kannel/mo", with: "twilio/inbound"), method: .post,
                                     headers: formType, body: form([("From", "0500000001"), ("Body", "STOP")])) { response in
                #expect(response.status == .unauthorized || response.status == .notFound)
            }
        }
        #expect(try await fixture.ledger.optOuts().isEmpty)
        #expect(try await fixture.ledger.replyCounts(campaign: "reminder") == ReplyCounts())
    }

    @Test("malformed callbacks get 400 and record nothing", arguments: [
        "from=0500000001", "text=STOP", "from=&text=STOP", "from=not-a-number&text=STOP", "from=hind%40moh.example&text=STOP",
        "from=0500000001&text=%E2%28", "from=0500000001&text=%ZZ",
    ])
    func malformed(fields: String) async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "\(hooks)/kannel/mo?\(fields)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
        #expect(try await fixture.ledger.optOuts().isEmpty)
    }

    @Test("an oversize body gets 413")
    func oversize() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            let body = form([("From", "0500000001"), ("Body", String(repeating: "STOP ", count: 20_000))])
            try await client.execute(uri: "\(hooks)/twilio/inbound", method: .post, headers: formType, body: body) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
        #expect(try await fixture.ledger.optOuts().isEmpty)
    }
}

@Suite("One-click unsubscribe (RFC 8058)")
struct UnsubscribeRouteTests {
    fileprivate func token(_ fixture: ReplyFixture, secret: String = ReplyFixture.secretText) -> String {
        UnsubscribeToken(messageID: fixture.email.messageID, secret: Array(secret.utf8)).text
    }

    @Test("POST List-Unsubscribe=One-Click opts the address out at once; again changes nothing")
    func oneClick() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        let token = token(fixture)
        try await fixture.application().test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(uri: "/unsubscribe/\(token)", method: .post, headers: formType,
                                         body: ByteBuffer(string: "List-Unsubscribe=One-Click")) { response in
                    #expect(response.status == .ok)
                }
            }
        }
        let optOuts = try await fixture.ledger.optOuts()
        #expect(optOuts.map(\.address) == ["hind@moh.example"] && optOuts.first?.source == "unsubscribe")
        #expect(try await fixture.ledger.replyCounts(campaign: "newsletter") == ReplyCounts(unsubscribes: 1))
    }

    @Test("multipart/form-data, as RFC 8058 also allows, works too")
    func multipart() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        let body = "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/unsubscribe/\(token(fixture))", method: .post,
                                     headers: [.contentType: "multipart/form-data; boundary=b"], body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try await fixture.ledger.isOptedOut("hind@moh.example"))
    }

    @Test("GET shows the bilingual page with a button that POSTs, and opts no one out")
    func page() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/unsubscribe/\(token(fixture))", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body)
                #expect(html.contains("dir=\"rtl\"") && html.contains("إلغاء الاشتراك") && html.contains("Unsubscribe"))
                #expect(html.contains("<form method=\"post\">") && html.contains("name=\"List-Unsubscribe\" value=\"One-Click\""))
                #expect(!html.contains("hind"))
            }
        }
        #expect(try await fixture.ledger.optOuts().isEmpty)
    }

    @Test("a forged, altered or other-secret token gets 403 and changes nothing; a bad body 400")
    func forged() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        let good = token(fixture)
        var changed = Array(good)
        changed[changed.count - 3] = changed[changed.count - 3] == "A" ? "B" : "A"
        let altered = String(changed)
        let other = token(fixture, secret: "another-secret-0123456789")
        let bare = fixture.email.messageID.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        try await fixture.application().test(.router) { client in
            for bad in [altered, other, bare, "x.y"] {
                for method in [HTTPRequest.Method.get, .post] {
                    try await client.execute(uri: "/unsubscribe/\(bad)", method: method, headers: formType,
                                             body: ByteBuffer(string: "List-Unsubscribe=One-Click")) { response in
                        #expect(response.status == .forbidden)
                    }
                }
            }
            try await client.execute(uri: "/unsubscribe/\(good)", method: .post, headers: formType,
                                     body: ByteBuffer(string: "something=else")) { response in
                #expect(response.status == .badRequest)
            }
        }
        #expect(try await fixture.ledger.optOuts().isEmpty)
    }

    @Test("a valid token for a message this ledger does not hold: 404, nothing changes")
    func unknownMessage() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        let token = UnsubscribeToken(messageID: "gone:o1:r77", secret: Array(ReplyFixture.secretText.utf8)).text
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/unsubscribe/\(token)", method: .post, headers: formType,
                                     body: ByteBuffer(string: "List-Unsubscribe=One-Click")) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(try await fixture.ledger.optOuts().isEmpty)
    }
}

@Suite("Unsubscribe link from the email the SMTP gateway builds")
struct UnsubscribeMailTests {
    @Test("the List-Unsubscribe URL of a built email, POSTed as a mail client would, opts its recipient out")
    func linkFromTheMail() async throws {
        let fixture = try await ReplyFixture()
        defer { fixture.remove() }
        var settings = SMTPSettings(url: "smtp://127.0.0.1:2525", from: "noreply@moh.example",
                                    unsubscribeURL: "https://outreach.example.org/unsubscribe/{unsubscribe_token}")
        settings.unsubscribeSecret = ReplyFixture.secretText
        let outbound = OutboundMessage(id: fixture.email.messageID, channel: .email, recipientID: "r9", to: "hind@moh.example",
                                       subject: "s", text: "t", language: "ar")
        let mail = try MIMEMessage(message: outbound, settings: settings, date: Date()).renderedText()
        // Unfold the header and take the https target, as a mail client reads it.
        let unfolded = mail.replacingOccurrences(of: "\r\n ", with: " ")
        let header = try #require(unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe: ") })
        #expect(unfolded.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        let url = try #require(header.split(separator: "<").compactMap { $0.split(separator: ">").first }.first { $0.hasPrefix("https://") })
        let path = try #require(URL(string: String(url))?.path)
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: path, method: .post, headers: formType,
                                     body: ByteBuffer(string: "List-Unsubscribe=One-Click")) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try await fixture.ledger.isOptedOut("hind@moh.example"))
    }
}
