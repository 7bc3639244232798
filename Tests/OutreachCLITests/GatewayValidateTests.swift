import Foundation
import Testing

/// `outreach validate` checks gateways.yaml and the campaigns' gateways;
/// other commands do not need the gateways' secrets.
@Suite("CLI validate on gateways")
struct GatewayValidateTests {
    private func project(gateways: String?) throws -> URL {
        let dir = try CLIRunner.copyOfExampleProject()
        let url = dir.appendingPathComponent("gateways.yaml")
        if let gateways {
            try gateways.write(to: url, atomically: true, encoding: .utf8)
        } else {
            try FileManager.default.removeItem(at: url)
        }
        return dir
    }

    @Test("a campaign naming an undeclared gateway fails, with a suggestion")
    func unknownGateway() throws {
        let dir = try project(gateways: "gateways:\n  outbx: {type: file}\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("campaign 'vaccination_round' names unknown gateway 'outbox'"), "\(out.stderr)")
        #expect(out.stderr.contains("did you mean 'outbx'?"))
    }

    @Test("no gateways.yaml: the campaigns' gateways are unknown")
    func noGatewaysFile() throws {
        let dir = try project(gateways: nil)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("names unknown gateway 'outbox'"))
        #expect(out.stderr.contains("declare it in gateways.yaml"))
    }

    @Test("a missing variable fails validate at gateways.yaml:line:column, but preview-side commands still run")
    func missingVariable() throws {
        let dir = try project(gateways: """
        gateways:
          outbox: {type: file}
          sms:
            type: http
            profile: unifonic
            app_sid: ${OUTREACH_TEST_UNSET_APP_SID}
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("gateways.yaml:6:14: error: environment variable OUTREACH_TEST_UNSET_APP_SID is not set"), "\(out.stderr)")
        let count = try CLIRunner.run(["audience", "count", "mothers", "--today", "2026-11-29"], in: dir)
        #expect(count.status == 0, "\(count.stderr)")
    }

    @Test("a secret written in the file is refused and never echoed, in text or JSON")
    func literalSecret() throws {
        let dir = try project(gateways: "gateways:\n  outbox: {type: file}\n  k:\n    type: kannel\n    url: http://127.0.0.1:13013/cgi-bin/sendsms\n    username: u\n    password: Zq9-very-secret\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("'password' is a secret"))
        #expect(!out.stderr.contains("Zq9-very-secret"))
        let json = try CLIRunner.run(["validate", "--json"], in: dir)
        #expect(json.status == 1)
        #expect(json.stdout.contains("is a secret"))
        #expect(!json.stdout.contains("Zq9-very-secret"))
    }

    @Test("an SMS campaign cannot go through an email gateway")
    func channelMismatch() throws {
        let dir = try project(gateways: "gateways:\n  outbox:\n    type: smtp\n    url: smtp://127.0.0.1:2525\n    from: MOH <noreply@moh.example>\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("campaign 'vaccination_round' sends by sms but gateway 'outbox' (smtp) carries email"), "\(out.stderr)")
        #expect(!out.stderr.contains("campaign 'vaccination_email' sends by"))
    }
}
