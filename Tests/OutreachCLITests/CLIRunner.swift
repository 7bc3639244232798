import Foundation

/// Runs the built `outreach` executable, as a user would, and captures
/// what it prints.
struct CLIRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root (this file is Tests/OutreachCLITests/CLIRunner.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable next to the test bundle (swift test builds it, since
    /// this test target depends on it).
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["OUTREACH_BIN"] { return URL(fileURLWithPath: path) }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("outreach")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/outreach")
    }()

    /// Runs `outreach ARGS` in `directory` (default: the bundled example project).
    static func run(_ arguments: [String], in directory: URL = packageRoot, input: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let input {
            let inPipe = Pipe()
            process.standardInput = inPipe
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inPipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `run` on a thread of its own: a long child process (100,000 records) then blocks no thread of the
    /// tests' cooperative pool, which timing-sensitive suites running beside it need.
    static func runOffPool(_ arguments: [String], in directory: URL = packageRoot, input: String? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(arguments, in: directory, input: input) })
            }
        }
    }

    static func json(_ output: Output) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
    }

    /// Writes `text` to `relative` inside `dir`, making its folder.
    static func write(_ text: String, to relative: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Copies the bundled example project into a temporary folder, so a
    /// test can break a file without touching the repository.
    static func copyOfExampleProject() throws -> URL {
        let dir = try temporaryDirectory()
        for item in ["outreach.yaml", "schema.yaml", "gateways.yaml", "audiences", "templates", "campaigns", "data"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        return dir
    }
}
