import Foundation
import Glibc
import Testing

/// Files the commands write hold personal data: owner-only, whatever the umask they are started with.
@Suite("CLI: owner-only files")
struct PrivateFilesTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test("generate-population, snapshot, render-all exports and the ledger and outbox of send are 0600")
    func exports() throws {
        umask(0o022)   // inherited by the commands run below
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("people.csv").path
        let gen = try CLIRunner.run(["generate-population", "200", "--seed", "3", "--out", csv, "--today", "2026-11-29"], in: dir)
        #expect(gen.status == 0, "\(gen.stderr)")
        let snap = try CLIRunner.run(["snapshot", "--population", csv], in: dir)
        #expect(snap.status == 0, "\(snap.stderr)")
        let rendered = dir.appendingPathComponent("rendered.txt").path
        let templates = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("templates").path).sorted()
        let template = String(try #require(templates.first).dropLast(".yaml".count))
        let render = try CLIRunner.run(["render-all", template, "--population", csv, "--out", rendered, "--today", "2026-11-29"], in: dir)
        #expect(render.status == 0, "\(render.stderr)")
        for file in [csv, dir.appendingPathComponent("people.snap").path, rendered] {
            #expect(mode(file) == 0o600, "\(file): \(String(mode(file), radix: 8))")
        }
    }

    @Test("send --now: the ledger and the outbox are 0600, the folders made for them 0700")
    func ledgerAndOutbox() throws {
        umask(0o022)
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        for (path, expected) in [(".outreach", 0o700), (".outreach/ledger.sqlite", 0o600), ("out", 0o700), ("out/outbox.jsonl", 0o600)] {
            let file = dir.appendingPathComponent(path).path
            #expect(mode(file) == mode_t(expected), "\(path): \(String(mode(file), radix: 8))")
        }
    }
}
