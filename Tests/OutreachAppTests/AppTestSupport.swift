import Foundation

/// The bundled example project (the package root) and temporary copies of it.
enum ExampleProject {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A fresh folder, removed by nobody: each test writes its own ledger there.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A copy of the example project's files, so a test may change outreach.yaml or write its ledger.
    static func copy() throws -> URL {
        let dir = try temporaryDirectory()
        for item in ["outreach.yaml", "schema.yaml", "gateways.yaml", "audiences", "templates", "campaigns", "data"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        return dir
    }

    /// `outreach.yaml` of `project` with `lines` added at its end.
    static func appendToConfiguration(_ project: URL, _ lines: String) throws {
        let file = project.appendingPathComponent("outreach.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\n" + lines + "\n").write(to: file, atomically: true, encoding: .utf8)
    }
}
