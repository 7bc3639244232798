import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// The package root (this file is Tests/OutreachProjectTests/…).
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Gateways in a project")
struct GatewaysProjectTests {
    @Test("the example project sends through its file outbox")
    func exampleProject() throws {
        let project = try ProjectLoader.load(root: packageRoot.path)
        #expect(project.gateways.map(\.name) == ["outbox"])
        #expect(project.gatewayProblems.isEmpty)
        let outbox = try project.gateway(named: "outbox")
        #expect(outbox.settings == .file(FileOutboxSettings(path: "out/outbox.jsonl")))
        for campaign in project.campaigns { #expect(campaign.gateway == "outbox") }
    }

    @Test("the commented examples in the bundled gateways.yaml load once uncommented")
    func commentedExamples() throws {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("gateways.yaml"), encoding: .utf8)
        var examples = false
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.contains("--- Examples") { examples = true; return "" }
            guard examples, line.hasPrefix("  # ") else { return String(line) }
            return "  " + line.dropFirst(4)
        }.joined(separator: "\n")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("gateways.yaml").path
        try uncommented.write(toFile: path, atomically: true, encoding: .utf8)
        let environment = ["KANNEL_PASSWORD": "k-pass", "TWILIO_ACCOUNT_SID": "AC42", "TWILIO_AUTH_TOKEN": "tw-token",
                           "UNIFONIC_APP_SID": "uni-sid", "SMTP_PASSWORD": "smtp-pass",
                           "OUTREACH_WEBHOOK_SECRET": "example-webhook-secret-0123"]
        let result = GatewaysLoader(environment: environment).load(path)
        #expect(result.problems.isEmpty, "\(result.problems.map(\.description))")
        #expect(result.gateways.map(\.name) == ["outbox", "kannel", "twilio", "unifonic", "mail"])
        #expect(result.gateways.map(\.settings.typeName) == ["file", "kannel", "twilio", "http", "smtp"])
    }

    @Test("gateway problems stay apart from the project's, and gateway(named:) throws them")
    func problemsKeptApart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-gwproject-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for item in ["outreach.yaml", "schema.yaml", "audiences", "templates", "campaigns", "data"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        try """
        gateways:
          outbox: {type: file}
          sms:
            type: http
            profile: taqnyat
            token: ${TAQNYAT_TOKEN}
        """.write(to: dir.appendingPathComponent("gateways.yaml"), atomically: true, encoding: .utf8)

        var loader = ProjectLoader(root: dir.path)
        loader.environment = [:]
        let project = loader.loadCollectingProblems()
        #expect(loader.problems.isEmpty)   // preview and plan still work without the secret
        #expect(project.declaredGatewayNames == ["outbox", "sms"])
        #expect(project.gatewayProblems.map(\.message) == ["environment variable TAQNYAT_TOKEN is not set"])
        #expect(throws: OutreachError.self) { try project.gateway(named: "sms") }

        loader.environment = ["TAQNYAT_TOKEN": "tq-token"]
        let withSecret = loader.loadCollectingProblems()
        #expect(withSecret.gatewayProblems.isEmpty)
        #expect(try withSecret.gateway(named: "sms").secrets == ["tq-token"])
        do {
            _ = try withSecret.gateway(named: "outbx")
            Issue.record("an unknown gateway was found")
        } catch {
            #expect(error.message == "no gateway 'outbx'")
            #expect(error.hint?.hasPrefix("did you mean 'outbox'?") == true)
        }
    }
}
