import Foundation
import Glibc
import Testing
import OutreachCore
@testable import OutreachDispatch

/// The file outbox on a disk that fills up: a real, small tmpfs (mounting
/// it needs root, as CI and this project's machines are).
@Suite("File outbox on a full disk", .serialized)
struct FileOutboxFullDiskTests {
    /// Runs a system command to its end; its exit status (-1 when it could not start).
    static func status(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("a write cut short by a full disk is taken back: every line is whole, and sending goes on when space returns")
    func fullDisk() async throws {
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-tmpfs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        let mounted = Self.status("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint])
        try #require(mounted == 0, "mounting a 64 KiB tmpfs failed: this test needs root")
        defer { _ = Self.status("/bin/umount", [mountPoint]) }
        // Leave the outbox a few KiB, then send long Arabic messages until the disk refuses one.
        let filler = mountPoint + "/filler"
        FileManager.default.createFile(atPath: filler, contents: Data(count: 52 * 1024))
        let settings = FileOutboxSettings(path: "outbox.jsonl")
        let gateway = FileOutboxGateway(configuration: GatewayConfiguration(name: "outbox", settings: .file(settings)),
                                        settings: settings, projectRoot: mountPoint)
        let text = String(repeating: "عزيزتي سارة، موعد التطعيم غداً. ", count: 12)
        var accepted: [String] = []
        var refused = 0
        for i in 0..<60 {
            let message = OutboundMessage(id: "m\(i)", channel: .sms, recipientID: "\(i)", to: "+966501234567", sender: "MOH", text: text)
            let outcome = await gateway.send(message, attempt: 1)
            if outcome.kind == .accepted { accepted.append(message.id) } else { refused += 1; #expect(outcome.kind == .retryable) }
        }
        #expect(refused > 0, "the disk never filled")
        #expect(!accepted.isEmpty)
        func ids() throws -> [String] {
            let data = try #require(FileManager.default.contents(atPath: mountPoint + "/outbox.jsonl"))
            #expect(data.last == 0x0A)
            return try data.split(separator: 0x0A).map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
                return try #require(object["id"] as? String)
            }
        }
        #expect(try ids() == accepted)                         // whole lines only, exactly the accepted ones
        try FileManager.default.removeItem(atPath: filler)
        let late = OutboundMessage(id: "late", channel: .sms, recipientID: "x", to: "+966501234567", sender: "MOH", text: "بعد")
        #expect(await gateway.send(late, attempt: 2).kind == .accepted)
        #expect(try ids() == accepted + ["late"])
        await gateway.close()
    }

    @Test("a line left unfinished by an older writer is ended before the next one")
    func unfinishedLine() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-outbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/outbox.jsonl", contents: Data("{\"id\":\"old\"}\n{\"id\":\"cut".utf8))
        let settings = FileOutboxSettings(path: "outbox.jsonl")
        let gateway = FileOutboxGateway(configuration: GatewayConfiguration(name: "outbox", settings: .file(settings)),
                                        settings: settings, projectRoot: dir)
        let message = OutboundMessage(id: "new", channel: .sms, recipientID: "1", to: "+966501234567", sender: "MOH", text: "x")
        #expect(await gateway.send(message, attempt: 1).kind == .accepted)
        await gateway.close()
        let lines = try String(contentsOfFile: dir + "/outbox.jsonl", encoding: .utf8).split(separator: "\n")
        try #require(lines.count == 3, "\(lines)")
        #expect(lines[1] == "{\"id\":\"cut")
        #expect(lines[2].hasPrefix("{") && lines[2].contains("\"id\":\"new\""))
    }
}
