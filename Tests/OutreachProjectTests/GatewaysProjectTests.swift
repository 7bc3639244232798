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
