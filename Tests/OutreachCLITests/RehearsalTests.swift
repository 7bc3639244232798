import Foundation
import Glibc
import Testing

/// A rehearsal (`run --at … --speed …` without `--live`) is safe by
/// construction: it runs on a copy of the ledger and sends everything to the
/// file outbox, whatever gateway the campaign names.
@Suite("Rehearsals are safe")
struct RehearsalTests {
    let at = "2026-11-29T05:00:00Z"

    @Test("three weeks rehearsed with a Kannel gateway configured: nothing reaches it, the real ledger is untouched")
    func rehearsalTouchesNothing() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kannel = try SilentListener()
        defer { kannel.close() }
        let gateways = dir.appendingPathComponent("gateways.yaml")
        try (try String(contentsOf: gateways, encoding: .utf8)).replacingOccurrences(of: "gateways:\n", with: """
            gateways:
              sms_kannel:
                type: kannel
                url: http://127.0.0.1:\(kannel.port)/cgi-bin/sendsms
                username: u
                password: ${REHEARSAL_PASSWORD}

            """).write(to: gateways, atomically: true, encoding: .utf8)
        let campaign = dir.appendingPathComponent("campaigns/vaccination_round.yaml")
        try (try String(contentsOf: campaign, encoding: .utf8)).replacingOccurrences(of: "gateway: outbox", with: "gateway: sms_kannel")
            .write(to: campaign, atomically: true, encoding: .utf8)
        setenv("REHEARSAL_PASSWORD", "x", 1)
        #expect(try CLIRunner.run(["launch", "vaccination_round", "--today", "2026-11-29", "--at", at, "--yes"], in: dir).status == 0)
        // The operator rehearses without the production secret: a rehearsal sends through no gateway, so it needs
        // none; a live run does.
        unsetenv("REHEARSAL_PASSWORD")
        let live = try CLIRunner.run(["run", "--once"], in: dir)
        #expect(live.status == 1)
        #expect(live.stderr.contains("environment variable REHEARSAL_PASSWORD is not set"), "\(live.stderr)")

        let run = try CLIRunner.run(["run", "--at", at, "--speed", "200000", "--until", "2026-12-20T00:00:00Z"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("REHEARSAL_PASSWORD"), "\(run.stderr)")
        #expect(run.stderr.contains("rehearsal"), "\(run.stderr)")
        #expect(!kannel.hasPendingConnection, "a rehearsal connected to the Kannel gateway")

        // Everything went to the rehearsal outbox and ledger.
        let outbox = (try? String(contentsOf: dir.appendingPathComponent("out/rehearsal-outbox.jsonl"), encoding: .utf8)) ?? ""
        let sent = outbox.split(separator: "\n").count
        #expect(sent > 0)
        let copy = ".outreach/ledger.rehearsal.sqlite"
        let rehearsed = try #require(try CLIRunner.json(try CLIRunner.run(["report", "vaccination_round", "--json", "--ledger", copy], in: dir))
                                     as? [String: Any])
        #expect((rehearsed["total"] as? [String: Any])?["accepted"] as? Int == sent)
        // The real ledger: still launched, nothing materialised, nothing future-dated to cap real reminders later.
        let real = try #require(try CLIRunner.json(try CLIRunner.run(["report", "vaccination_round", "--json"], in: dir)) as? [String: Any])
        #expect(real["state"] as? String == "launched")
        #expect((real["total"] as? [String: Any])?["targeted"] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/outbox.jsonl").path))
    }
}

extension SilentListener {
    /// Whether anyone connected (a connection waits in the backlog, never accepted).
    var hasPendingConnection: Bool {
        let flags = fcntl(socket, F_GETFL)
        _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
        let accepted = accept(socket, nil, nil)
        if accepted >= 0 { _ = Glibc.close(accepted); return true }
        return false
    }
}
