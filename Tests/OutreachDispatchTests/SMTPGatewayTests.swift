import Foundation
import Logging
import OutreachCore
@testable import OutreachDispatch
import Testing

/// The SMTP gateway against a real SMTP server (aiosmtpd) on loopback.
/// Each test starts its own server on a free port and stops it.
@Suite("SMTP gateway against a real SMTP server", .serialized)
struct SMTPGatewayTests {
    static let logger = Logger(label: "outreach.tests.smtp")
    static let date = Date(timeIntervalSince1970: 1_795_929_566)

    static func gateway(_ server: SMTPTestServer, concurrency: Int = 2, startTLS: SMTPSettings.StartTLS = .optional,
                        username: String? = nil, password: String? = nil, url: String? = nil,
                        caFile: String? = nil) throws -> SMTPGateway {
        let settings = SMTPSettings(url: url ?? server.url, startTLS: startTLS, username: username, password: password,
                                    from: "وزارة الصحة <noreply@moh.example>",
                                    unsubscribeURL: "https://moh.example/unsubscribe/{message_id}",
                                    unsubscribeMailto: "unsubscribe@moh.example?subject={message_id}")
        return try SMTPGateway(name: "mail", settings: settings, concurrency: concurrency, timeoutSeconds: 20,
                               connectTimeoutSeconds: 5, caFile: caFile, logger: logger, now: { date })
    }

    static func message(_ id: String, to: String = "sara@example.com", subject: String = "تذكير بموعد التطعيم",
                        text: String = "مرحباً", html: String? = nil) -> OutboundMessage {
        OutboundMessage(id: id, channel: .email, recipientID: id, to: to, subject: subject, text: text, html: html,
                        language: "ar")
    }

    @Test func arabicMessageArrivesExactly() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        let subject = "تذكير: موعد تطعيم طفلكم في المركز الصحي يوم الأحد القادم، الساعة التاسعة صباحاً"
        let text = """
            السلام عليكم ورحمة الله،
            نذكّركم بموعد تطعيم طفلكم يوم الأحد ١٥ جمادى الآخرة ١٤٤٨هـ.
            .
            ..سطر يبدأ بنقطتين
            مع تحيات وزارة الصحة
            """
        let html = """
            <html dir="rtl" lang="ar"><body>
            <p>السلام عليكم ورحمة الله،</p>
            <p>نذكّركم بموعد تطعيم طفلكم يوم <b>الأحد</b>.</p>
            .
            </body></html>
            """
        let outcome = await gateway.send(Self.message("campaign:1", subject: subject, text: text, html: html), attempt: 1)
        await gateway.shutdown()
        #expect(outcome.kind == .accepted, "\(outcome.detail)")
        #expect(outcome.status == 250)
        #expect(outcome.detail.contains("250 2.0.0 OK queued"))
        #expect(outcome.providerMessageID == "<campaign=3A1@moh.example>")

        let messages = try server.messages()
        try #require(messages.count == 1)
        let received = messages[0]
        #expect(received.mail_from == "noreply@moh.example")
        #expect(received.rcpt_tos == ["sara@example.com"])
        // Decoded by Python's email package, independently of our builder.
        #expect(received.subject == subject)
        #expect(received.from_name == "وزارة الصحة")
        #expect(received.from_addr == "noreply@moh.example")
        #expect(received.to_addr == "sara@example.com")
        #expect(received.content_type == "multipart/alternative")
        #expect(received.plain?.replacingOccurrences(of: "\r\n", with: "\n") == text)
        #expect(received.html?.replacingOccurrences(of: "\r\n", with: "\n") == html)
        #expect(received.header("Message-ID") == "<campaign=3A1@moh.example>")
        #expect(received.header("Date") == "Sun, 29 Nov 2026 05:19:26 +0000")
        #expect(received.header("MIME-Version") == "1.0")
        #expect(received.header("List-Unsubscribe")?.replacingOccurrences(of: "\r\n", with: "")
                == "<mailto:unsubscribe@moh.example?subject=campaign%3A1>, <https://moh.example/unsubscribe/campaign%3A1>")
        #expect(received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        // On the wire: CRLF only, every line within 78 characters, the
        // subject in encoded-words, the lone dot line intact (libcurl
        // dot-stuffed it, the server un-stuffed it).
        let raw = received.rawText
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(raw.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(received.header("Subject")?.hasPrefix("=?UTF-8?B?") == true)
    }

    @Test func twentyMessagesTravelOverOneConnection() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 4)
        var outcomes: [DeliveryOutcome] = []
        for index in 1...20 {
            outcomes.append(await gateway.send(Self.message("m\(index)", to: "user\(index)@example.com",
                                                            text: "رسالة رقم \(index)"), attempt: 1))
        }
        let opened = gateway.connectionsOpened
        await gateway.shutdown()
        #expect(outcomes.allSatisfy { $0.kind == .accepted })
        let messages = try server.messages()
        #expect(messages.count == 20)
        #expect(messages.map(\.to_addr) == (1...20).map { "user\($0)@example.com" })
        #expect(messages.map(\.plain) == (1...20).map { "رسالة رقم \($0)" })
        // The server saw one SMTP connection, and every message came over it.
        #expect(try server.connections().count == 1)
        #expect(Set(messages.map(\.peer)).count == 1)
        #expect(opened == 1)
    }

    @Test func concurrentSendsUseAtMostConcurrencyConnections() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 3)
        let outcomes = await withTaskGroup(of: DeliveryOutcome.self) { group in
            for index in 1...30 {
                group.addTask { await gateway.send(Self.message("c\(index)", to: "c\(index)@example.com"), attempt: 1) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await gateway.shutdown()
        #expect(outcomes.count == 30)
        #expect(outcomes.allSatisfy { $0.kind == .accepted })
        #expect(try server.messages().count == 30)
        let connections = try server.connections().count
        #expect((1...3).contains(connections))
    }

    @Test func eachSessionHasAThreadOfItsOwn() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 5)
        #expect(gateway.pools.all.count == 5)
        #expect(gateway.pools.all.map(\.maxSessions) == [1, 1, 1, 1, 1])
        let narrow = try Self.gateway(server, concurrency: 1)
        #expect(narrow.pools.all.count == 1)
        await narrow.shutdown()
        let outcomes = await withTaskGroup(of: DeliveryOutcome.self) { group in
            for index in 1...40 {
                group.addTask(executorPreference: gateway.preferredExecutor) {
                    await gateway.send(Self.message("p\(index)", to: "p\(index)@example.com"), attempt: 1)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await gateway.shutdown()
        #expect(outcomes.allSatisfy { $0.kind == .accepted })
        #expect(try server.messages().count == 40)
        #expect((1...5).contains(try server.connections().count))
    }

    /// Blocks the calling thread (a session pool's own, never the cooperative pool's for long) until `release`.
    static func hold(_ started: DispatchSemaphore, until release: DispatchSemaphore) {
        started.signal()
        release.wait()
    }

    static func wait(_ semaphore: DispatchSemaphore) { semaphore.wait() }

    @Test func everySessionWaitsForItsFinalReplyAtOnce() async throws {
        // libcurl 7.88 waits for the reply to a message's final "." inside the call that drives its session,
        // holding up every other session on that thread: against a relay that takes its time there (content
        // scanning), sessions sharing a thread would send one message at a time between them.
        // The server releases final replies 8 at a time (each held at most 10 s, which costs nothing when all 8
        // arrive): sessions that can wait at once all get there however busy the machine is (3 s was once too
        // short with other builds running); sessions sharing a thread never do.
        let server = try SMTPTestServer(dataDelay: 10, gather: 8)
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 8)
        // One caller per session thread (the preferred executors in turn): each caller's thread has a free
        // session of its own, so where a message goes does not depend on which thread runs first. (With
        // more callers than sessions, two threads can pick the same free session at once: the messages all
        // go, but the first eight are not then all at their final reply together.)
        let outcomes = await withTaskGroup(of: DeliveryOutcome.self) { group in
            for index in 1...8 {
                group.addTask(executorPreference: gateway.preferredExecutor) {
                    await gateway.send(Self.message("w\(index)", to: "w\(index)@example.com"), attempt: 1)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0.kind == .accepted })
        let messages = try server.messages()
        #expect(messages.count == 8)
        #expect(messages.compactMap(\.concurrent).max() == 8)

        // Callers that all run on one session's thread (the dispatcher hands attempts to the threads in
        // turn, whichever is free) still get a free session each. The thread is held until all eight callers
        // are queued on it, so they hand their messages over together — as when the thread comes back from
        // libcurl to a queue of attempts — whatever the machine's scheduler does meanwhile.
        let crowded = try #require(gateway.pools.all.first)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let more = await withTaskGroup(of: DeliveryOutcome?.self) { group in
            group.addTask(executorPreference: crowded) { Self.hold(started, until: release); return nil }
            Self.wait(started)
            for index in 1...8 {
                group.addTask(executorPreference: crowded) {
                    await gateway.send(Self.message("x\(index)", to: "x\(index)@example.com"), attempt: 1)
                }
            }
            release.signal()
            return await group.reduce(into: [DeliveryOutcome]()) { if let outcome = $1 { $0.append(outcome) } }
        }
        await gateway.shutdown()
        #expect(more.allSatisfy { $0.kind == .accepted })
        let crowdedMessages = try server.messages().dropFirst(8)
        #expect(crowdedMessages.count == 8)
        #expect(crowdedMessages.compactMap(\.concurrent).max() == 8)
    }

    @Test func aConnectionTheServerClosedIsReplacedForTheNextMessage() async throws {
        let server = try SMTPTestServer(closeAfterMessage: true)
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 2)
        var outcomes: [DeliveryOutcome] = []
        for index in 1...3 {
            outcomes.append(await gateway.send(Self.message("h\(index)", to: "h\(index)@example.com"), attempt: 1))
            try await Task.sleep(for: .milliseconds(50))  // the server's hang-up arrives first
        }
        let opened = gateway.connectionsOpened
        await gateway.shutdown()
        #expect(outcomes.allSatisfy { $0.kind == .accepted }, "\(outcomes.map(\.detail))")
        #expect(try server.messages().map(\.to_addr) == ["h1@example.com", "h2@example.com", "h3@example.com"])
        #expect(opened == 3)
        #expect(try server.connections().count == 3)
    }

    @Test func aShutDownGatewaySendsNothingAndSaysSo() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        let first = await gateway.send(Self.message("before"), attempt: 1)
        await gateway.shutdown()
        let after = await gateway.send(Self.message("after"), attempt: 1)
        await gateway.shutdown()  // twice is fine
        #expect(first.kind == .accepted)
        #expect(after.kind == .retryable)
        #expect(after.detail.contains("shut down"))
        #expect(try server.messages().count == 1)
    }

    @Test func manyConcurrentSendersAllGetTheirOwnOutcome() async throws {
        // More callers than sessions, some refused: every caller is resumed
        // once, with its own message's outcome (results never cross).
        let server = try SMTPTestServer(reject: ["nobody@example.com": "550 5.1.1 No such user"])
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 3)
        let outcomes = await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            for index in 1...40 {
                let to = index % 5 == 0 ? "nobody@example.com" : "p\(index)@example.com"
                group.addTask { (index, await gateway.send(Self.message("p\(index)", to: to), attempt: 1)) }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        await gateway.shutdown()
        #expect(outcomes.count == 40)
        for (index, outcome) in outcomes {
            #expect(outcome.messageID == "p\(index)")
            #expect(outcome.kind == (index % 5 == 0 ? .rejected : .accepted), "\(index): \(outcome.detail)")
        }
        #expect(try server.messages().count == 32)
        // libcurl closes a connection after a failed transaction (its
        // smtp_done), so each refused recipient may cost a reconnect.
        #expect((1...(3 + 8)).contains(try server.connections().count))
    }

    @Test func attemptsRunOnTheGatewaysOwnThreadAsTheDispatcherRunsThem() async throws {
        let server = try SMTPTestServer(reject: ["nobody@example.com": "550 5.1.1 No such user"])
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 3)
        let executor = try #require(gateway.preferredExecutor)
        let outcomes = await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            for index in 1...30 {
                let to = index % 10 == 0 ? "nobody@example.com" : "e\(index)@example.com"
                group.addTask(executorPreference: executor) {
                    (index, await gateway.send(Self.message("e\(index)", to: to), attempt: 1))
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        // Shut down from a task on the gateway's thread: it must not wait for itself.
        await Task(executorPreference: executor) { await gateway.shutdown() }.value
        // A task that still prefers the stopped gateway's executor runs elsewhere, and is refused.
        let late = await Task(executorPreference: executor) { await gateway.send(Self.message("late"), attempt: 1) }.value
        #expect(outcomes.count == 30)
        for (index, outcome) in outcomes {
            #expect(outcome.messageID == "e\(index)")
            #expect(outcome.kind == (index % 10 == 0 ? .rejected : .accepted), "\(index): \(outcome.detail)")
        }
        #expect(late.kind == .retryable && late.detail.contains("shut down"))
        #expect(try server.messages().count == 27)
    }

    @Test func lineBreakInRecipientIsRefusedAndNothingIsSent() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        let attack = Self.message("evil", to: "sara@example.com\r\nBcc: everyone@example.com")
        let outcome = await gateway.send(attack, attempt: 1)
        var forgedSender = Self.message("evil2")
        forgedSender.sender = "Ministry <noreply@moh.example>\nBcc: everyone@example.com"
        let second = await gateway.send(forgedSender, attempt: 1)
        await gateway.shutdown()
        #expect(outcome.kind == .rejected)
        #expect(outcome.status == nil)
        #expect(outcome.detail.contains("line break"))
        #expect(second.kind == .rejected)
        #expect(try server.messages().isEmpty)
        #expect(try server.connections().isEmpty, "not even a connection was made")
    }

    @Test func lineBreakInSubjectIsFoldedNeverAHeader() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        let outcome = await gateway.send(Self.message("s", subject: "Hello\r\nBcc: everyone@example.com"), attempt: 1)
        await gateway.shutdown()
        #expect(outcome.kind == .accepted)
        let received = try #require(try server.messages().first)
        #expect(received.rcpt_tos == ["sara@example.com"])
        #expect(received.subject == "Hello Bcc: everyone@example.com")
        #expect(received.header("Bcc") == nil)
    }

    @Test func recipientRefusedWith5xxIsRejected() async throws {
        let server = try SMTPTestServer(reject: [
            "nobody@example.com": "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown",
            "busy@example.com": "451 4.3.0 Mailbox temporarily unavailable, try later",
        ])
        defer { server.stop() }
        let gateway = try Self.gateway(server, concurrency: 1)
        let rejected = await gateway.send(Self.message("r1", to: "nobody@example.com"), attempt: 1)
        let deferred = await gateway.send(Self.message("r2", to: "busy@example.com"), attempt: 2)
        let fine = await gateway.send(Self.message("r3", to: "sara@example.com"), attempt: 1)
        await gateway.shutdown()
        #expect(rejected.kind == .rejected)
        #expect(rejected.status == 550)
        #expect(rejected.detail.contains("User unknown"))
        #expect(deferred.kind == .retryable)
        #expect(deferred.status == 451)
        #expect(deferred.detail.contains("try later"))
        #expect(deferred.attempts == 2)
        #expect(fine.kind == .accepted)
        #expect(try server.messages().map(\.to_addr) == ["sara@example.com"])
    }

    @Test func closedPortIsRetryable() async throws {
        let server = try SMTPTestServer()
        let url = server.url
        server.stop() // the port is now closed
        let gateway = try Self.gateway(server, url: url)
        let outcome = await gateway.send(Self.message("closed"), attempt: 1)
        await gateway.shutdown()
        #expect(outcome.kind == .retryable)
        #expect(outcome.status == nil)
        #expect(!outcome.detail.isEmpty)
    }

    @Test func authenticatesWithCredentialsAndNeverShowsThePassword() async throws {
        let password = "s3cret-Pa55"
        let server = try SMTPTestServer(auth: "outreach:\(password)")
        defer { server.stop() }
        let good = try Self.gateway(server, username: "outreach", password: password)
        let first = await good.send(Self.message("a1"), attempt: 1)
        let second = await good.send(Self.message("a2"), attempt: 1)
        await good.shutdown()
        #expect(first.kind == .accepted, "\(first.detail)")
        #expect(second.kind == .accepted, "\(second.detail)")
        let auths = try server.records().filter { $0.event == "auth" }
        #expect(auths.count == 1, "one AUTH for the connection, not one per message")
        #expect(auths.first?.login == "outreach")
        #expect(auths.first?.ok == true)

        let bad = try Self.gateway(server, username: "outreach", password: "wrong-\(password)")
        let refused = await bad.send(Self.message("a3"), attempt: 1)
        await bad.shutdown()
        // The gateway's credentials are wrong, not the message: retry later.
        #expect(refused.kind == .retryable)
        #expect(refused.status == 535, "\(refused.detail)")
        #expect(!refused.detail.contains(password))
        #expect(try server.messages().count == 2)
    }

    @Test func startTLSRequiredButNotOfferedSendsNothing() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server, startTLS: .required)
        let outcome = await gateway.send(Self.message("tls"), attempt: 1)
        await gateway.shutdown()
        #expect(outcome.kind == .retryable)
        #expect(try server.messages().isEmpty)
    }

    @Test func startTLSUpgradesOnceAndKeepsTheConnection() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tls = try SMTPTestServer.makeCertificate(in: directory)
        let server = try SMTPTestServer(auth: "outreach:tls-secret", tls: tls)
        defer { server.stop() }
        let gateway = try Self.gateway(server, startTLS: .required, username: "outreach", password: "tls-secret",
                                       caFile: tls.certificate)
        var outcomes: [DeliveryOutcome] = []
        for index in 1...5 { outcomes.append(await gateway.send(Self.message("t\(index)"), attempt: 1)) }
        await gateway.shutdown()
        #expect(outcomes.allSatisfy { $0.kind == .accepted }, "\(outcomes.map(\.detail))")
        let messages = try server.messages()
        #expect(messages.count == 5)
        #expect(messages.allSatisfy { $0.tls == true })
        #expect(try server.connections().count == 1, "STARTTLS and AUTH once, then five messages")
        #expect(try server.records().filter { $0.event == "auth" }.count == 1)

        // Without the test CA the certificate is not trusted: nothing is sent.
        let untrusting = try Self.gateway(server, startTLS: .required, username: "outreach", password: "tls-secret")
        let refused = await untrusting.send(Self.message("t6"), attempt: 1)
        await untrusting.shutdown()
        #expect(refused.kind == .retryable)
        #expect(try server.messages().count == 5)
    }

    @Test func smtpsSpeaksTLSFromTheFirstByte() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tls = try SMTPTestServer.makeCertificate(in: directory)
        let server = try SMTPTestServer(tls: tls, implicitTLS: true)
        defer { server.stop() }
        #expect(server.url.hasPrefix("smtps://"))
        let gateway = try Self.gateway(server, startTLS: .none, caFile: tls.certificate)
        var outcomes: [DeliveryOutcome] = []
        for index in 1...3 { outcomes.append(await gateway.send(Self.message("s\(index)"), attempt: 1)) }
        await gateway.shutdown()
        #expect(outcomes.allSatisfy { $0.kind == .accepted }, "\(outcomes.map(\.detail))")
        #expect(try server.messages().map(\.subject) == Array(repeating: "تذكير بموعد التطعيم", count: 3))
        #expect(try server.connections().count == 1)
    }

    @Test func leadingDotsSurviveDotStuffing() async throws {
        // English text goes quoted-printable, so these dots start lines on
        // the wire; libcurl must stuff them or the server would end DATA early.
        let server = try SMTPTestServer()
        defer { server.stop() }
        let gateway = try Self.gateway(server)
        let text = "Dear parent,\n.\n..two dots\n.\r\n.hidden line\nEnd."
        let outcome = await gateway.send(Self.message("dots", subject: "Dots", text: text), attempt: 1)
        await gateway.shutdown()
        #expect(outcome.kind == .accepted)
        let received = try #require(try server.messages().first)
        #expect(received.header("Content-Transfer-Encoding") == "quoted-printable")
        #expect(received.rawText.contains("\r\n.\r\n..two dots\r\n"))
        // A single-part message ends with the line break that ends DATA's
        // last line (RFC 5321 §4.1.1.4); multipart bodies do not have one.
        #expect(received.plain?.replacingOccurrences(of: "\r\n", with: "\n")
                == text.replacingOccurrences(of: "\r\n", with: "\n") + "\n")
    }

    @Test func badConfigurationIsATypedError() {
        let logger = Self.logger
        #expect(throws: OutreachError.self) {
            try SMTPGateway(name: "m", settings: SMTPSettings(url: "http://relay.example", from: "a@example.com"), logger: logger)
        }
        #expect(throws: OutreachError.self) {
            try SMTPGateway(name: "m", settings: SMTPSettings(url: "smtp://relay.example", from: "not an address"), logger: logger)
        }
    }
}
