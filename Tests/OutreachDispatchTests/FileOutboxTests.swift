import Foundation
import Testing
import OutreachCore
@testable import OutreachDispatch

private let fixedNow = Date(timeIntervalSince1970: 1_795_932_000) // 2026-11-29T06:00:00Z

private func tempRoot() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-outbox-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}

private func outbox(root: String, path: String = "out/outbox.jsonl", smart: Bool = false, sender: String? = nil) -> FileOutboxGateway {
    let settings = FileOutboxSettings(path: path)
    let configuration = GatewayConfiguration(name: "outbox", settings: .file(settings), smartEncoding: smart, sender: sender)
    return FileOutboxGateway(configuration: configuration, settings: settings, projectRoot: root, now: { fixedNow })
}

private func lines(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasSuffix("\n"))
    return try text.split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}

@Suite("File outbox")
struct FileOutboxTests {
    @Test("an SMS line: id, channel, to, sender, text, encoding, parts, time; Arabic kept as UTF-8")
    func smsLine() async throws {
        let root = try tempRoot()
        let gateway = outbox(root: root)
        let message = OutboundMessage(id: "vaccination_round/2026-12-01/1012345678", channel: .sms, recipientID: "1012345678",
                                      to: "+966501234567", sender: "MOH", text: "عزيزتي سارة، موعد التطعيم غداً")
        let outcome = await gateway.send(message, attempt: 1)
        #expect(outcome.kind == .accepted)
        #expect(outcome.providerMessageID == message.id)
        await gateway.close()

        let path = root + "/out/outbox.jsonl"
        #expect(gateway.path == path)
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        #expect(raw == #"{"channel":"sms","encoding":"UCS-2","id":"vaccination_round/2026-12-01/1012345678","parts":1,"sender":"MOH","#
                + #""text":"عزيزتي سارة، موعد التطعيم غداً","time":"2026-11-29T06:00:00.000Z","to":"+966501234567"}"# + "\n")
    }

    @Test("an email line has subject and html, no SMS encoding; the gateway's sender fills in")
    func emailLine() async throws {
        let root = try tempRoot()
        let gateway = outbox(root: root, sender: "وزارة الصحة <noreply@moh.example>")
        let message = OutboundMessage(id: "e-1", channel: .email, recipientID: "1", to: "sara@example.com", subject: "موعد التطعيم",
                                      text: "نص", html: "<p>نص</p>")
        #expect(await gateway.send(message, attempt: 1).kind == .accepted)
        await gateway.close()
        let line = try #require(try lines(root + "/out/outbox.jsonl").first)
        #expect(line["channel"] as? String == "email")
        #expect(line["subject"] as? String == "موعد التطعيم")
        #expect(line["html"] as? String == "<p>نص</p>")
        #expect(line["sender"] as? String == "وزارة الصحة <noreply@moh.example>")
        #expect(line["encoding"] == nil)
        #expect(line["parts"] == nil)
    }

    @Test("smart encoding shows the text as it would be sent")
    func smartEncoding() async throws {
        let root = try tempRoot()
        let gateway = outbox(root: root, smart: true)
        _ = await gateway.send(OutboundMessage(id: "s", channel: .sms, recipientID: "1", to: "+966501234567", text: "It’s “ok”…"), attempt: 1)
        await gateway.close()
        let line = try #require(try lines(root + "/out/outbox.jsonl").first)
        #expect(line["text"] as? String == "It's \"ok\"...")
        #expect(line["encoding"] as? String == "GSM-7")
    }

    @Test("many sends at once append whole lines, none lost; later runs append")
    func concurrentAppends() async throws {
        let root = try tempRoot()
        let gateway = outbox(root: root, path: "deep/er/box.jsonl")
        await withTaskGroup(of: DeliveryOutcome.self) { group in
            for i in 0..<200 {
                group.addTask {
                    await gateway.send(OutboundMessage(id: "m-\(i)", channel: .sms, recipientID: "\(i)", to: "+96650000\(1000 + i)",
                                                       text: String(repeating: "رسالة ", count: i % 30)), attempt: 1)
                }
            }
            for await outcome in group { #expect(outcome.kind == .accepted) }
        }
        await gateway.close()
        let again = outbox(root: root, path: "deep/er/box.jsonl")
        _ = await again.send(OutboundMessage(id: "last", channel: .sms, recipientID: "x", to: "+966500000000", text: "bye"), attempt: 1)
        await again.close()
        let all = try lines(root + "/deep/er/box.jsonl")
        #expect(all.count == 201)
        #expect(Set(all.compactMap { $0["id"] as? String }).count == 201)
        #expect(all.last?["id"] as? String == "last")
    }

    @Test("an absolute path is used as is; an unwritable one is a retryable outcome")
    func paths() async throws {
        let root = try tempRoot()
        let absolute = root + "/abs.jsonl"
        let gateway = outbox(root: "/somewhere/else", path: absolute)
        #expect(await gateway.send(OutboundMessage(id: "a", channel: .sms, recipientID: "1", to: "+966500000000", text: "x"), attempt: 1).kind == .accepted)
        await gateway.close()
        #expect(FileManager.default.fileExists(atPath: absolute))

        let blocked = outbox(root: root, path: "abs.jsonl/inside.jsonl") // a file where a folder should be
        let outcome = await blocked.send(OutboundMessage(id: "b", channel: .sms, recipientID: "1", to: "+966500000000", text: "x"), attempt: 1)
        #expect(outcome.kind == .retryable)
    }
}

@Suite("File outbox: owner-only")
struct FileOutboxModeTests {
    @Test("under a permissive umask the outbox is 0600 and the folders it makes 0700")
    func privateOutbox() async throws {
        umask(0o022)
        let root = try tempRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let gateway = outbox(root: root, path: "out/nested/outbox.jsonl")
        let outcome = await gateway.send(OutboundMessage(id: "m-1", channel: .sms, recipientID: "r", to: "+966501234567",
                                                         text: "مرحبا"), attempt: 1)
        await gateway.close()
        #expect(outcome.kind == .accepted)
        func mode(_ path: String) -> mode_t {
            var info = stat()
            return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
        }
        #expect(mode(root + "/out/nested/outbox.jsonl") == 0o600)
        #expect(mode(root + "/out/nested") == 0o700)
        #expect(mode(root + "/out") == 0o700)
    }
}
