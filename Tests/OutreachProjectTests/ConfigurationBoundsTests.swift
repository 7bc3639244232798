import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// Loads `yaml` as a gateways.yaml in a fresh folder: its problems and path.
private func gatewayProblems(_ yaml: String) throws -> ([OutreachError], String) {
    let path = try writeTemporary(yaml, name: "gateways.yaml")
    return (GatewaysLoader(environment: [:]).load(path).problems, path)
}

/// Every duration, rate and size in the project files is range-checked by
/// the loader, so `validate` reports what would hang or crash a send.
@Suite("Bounded configuration")
struct ConfigurationBoundsTests {
    @Test("out-of-range durations and rates are located errors naming the allowed range", arguments: [
        ("timeout: 10000000000000000s", "'timeout' 10000000000000000s is out of range: it must be from 1ms to 10m", "10000000000000000s"),
        ("connect_timeout: 0.0001s", "'connect_timeout' 0.0001s is out of range: it must be from 1ms to 10m", "0.0001s"),
        ("breaker: {open_for: 10000000000s}", "'open_for' 10000000000s is out of range: it must be from 1ms to 24h", "10000000000s"),
        ("breaker: {max_open_for: 2d}", "'max_open_for' must be a duration such as 30s, 500ms, 2m or 1h", "2d"),
        ("retry: {backoff: 1e300s}", "'backoff' 1e300s is out of range: it must be from 1ms to 24h", "1e300s"),
        ("retry: {deadline: 169h}", "'deadline' 169h is out of range: it must be from 1ms to 168h", "169h"),
        ("rate: 0.0000000001/h", "gateway 'o': rate '0.0000000001/h' is out of range: it must be from 1/h to 1000000/s", "0.0000000001/h"),
        ("rate: 2000000/s", "gateway 'o': rate '2000000/s' is out of range: it must be from 1/h to 1000000/s", "2000000/s"),
    ])
    func outOfRange(setting: String, message: String, value: String) throws {
        let line = "  o: {type: file, \(setting)}"
        let (problems, path) = try gatewayProblems("gateways:\n\(line)\n")
        let column = line.distance(from: line.startIndex, to: try #require(line.range(of: value)).lowerBound) + 1
        let error = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(error.message == message)
        #expect(error.location == SourceLocation(file: path, line: 2, column: column))
        #expect(error.sourceLine != nil)
    }

    @Test("the bounds themselves are accepted", arguments: [
        "timeout: 1ms", "timeout: 10m", "connect_timeout: 600", "retry: {backoff: 1ms, max_backoff: 24h, deadline: 168h}",
        "breaker: {open_for: 24h, max_open_for: 24h}", "rate: 1/h", "rate: 1000000/s",
    ])
    func bounds(setting: String) throws {
        let (problems, _) = try gatewayProblems("gateways:\n  o: {type: file, \(setting)}\n")
        #expect(problems.isEmpty, "\(problems.map(\.description))")
    }

    @Test("file gateway paths must name a file inside the project", arguments: [
        ("path: \"\"", "file gateway path '' is empty"),
        ("path: '  '", "file gateway path '  ' is empty"),
        ("path: /dev/stdout", "file gateway path '/dev/stdout' is outside the project folder"),
        ("path: ../x", "file gateway path '../x' is outside the project folder"),
        ("path: out/../../x.jsonl", "file gateway path 'out/../../x.jsonl' is outside the project folder"),
        ("path: out/", "file gateway path 'out/' names a folder, not a file"),
        ("path: .", "file gateway path '.' names a folder, not a file"),
    ])
    func badOutboxPath(setting: String, message: String) throws {
        let (problems, path) = try gatewayProblems("gateways:\n  o: {type: file, \(setting)}\n")
        let error = try #require(problems.first)
        #expect(error.message == message)
        #expect(error.location == SourceLocation(file: path, line: 2, column: 25))
    }

    @Test("paths inside the project, or outside with allow_outside_project, are accepted")
    func goodOutboxPaths() throws {
        let (inside, insidePath) = try gatewayProblems("gateways:\n  o: {type: file, path: out/./x/../outbox.jsonl}\n")
        #expect(inside.isEmpty, "\(inside)")
        let root = (insidePath as NSString).deletingLastPathComponent
        let (absolute, _) = try gatewayProblems("gateways:\n  o: {type: file, path: \(root)/out/o.jsonl}\n")
        #expect(absolute.isEmpty == false)   // another temporary folder: outside this one
        let result = GatewaysLoader(environment: [:]).load(try writeTemporary(
            "gateways:\n  o: {type: file, path: /dev/stdout, allow_outside_project: true}\n", name: "gateways.yaml"))
        #expect(result.problems.isEmpty)
        #expect(result.gateways.first?.settings == .file(FileOutboxSettings(path: "/dev/stdout")))
    }

    @Test("an absolute path inside the project folder is accepted")
    func absoluteInside() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-project-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("gateways.yaml").path
        try "gateways:\n  o: {type: file, path: \(dir.path)/out/o.jsonl}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(GatewaysLoader(environment: [:]).load(path).problems.isEmpty)
    }

    @Test("a campaign's throttle and max_parts are range-checked, located", arguments: [
        ("throttle: 0.0000000001/h\n", "throttle '0.0000000001/h' is out of range: it must be from 1/h to 1000000/s", 4),
        ("max_parts: 0\n", "max_parts '0' must be a whole number from 1 to 255", 4),
        ("max_parts: 1000\n", "max_parts '1000' must be a whole number from 1 to 255", 4),
        ("max_parts: many\n", "max_parts 'many' must be a whole number from 1 to 255", 4),
        ("schedule: {start: 2027-01-01T09:00, repeat: {every: 1d, times: 99999999999}}\n",
         "repeat times '99999999999' must be a whole number of at least 1 and at most 10000", 4),
    ])
    func campaignBounds(setting: String, message: String, line: Int) throws {
        let path = try writeTemporary("title: t\naudience: mothers\ntemplate: reminder\n" + setting, name: "c.yaml")
        let error = try #require(throws: OutreachError.self) { try ProjectLoader.readCampaign(path) }
        #expect(error.message == message)
        #expect(error.location?.line == line)
    }

    @Test("max_parts: the project's default (10 unless outreach.yaml says), overridden per campaign")
    func maxParts() throws {
        let plain = try writeTemporary("title: t\naudience: mothers\ntemplate: reminder\n", name: "c.yaml")
        #expect(try ProjectLoader.readCampaign(plain).maxParts == 10)
        let configPath = try writeTemporary("name: x\nmax_parts: 4\n", name: "outreach.yaml")
        let configuration = try ProjectLoader.readConfiguration(configPath)
        #expect(configuration.maxParts == 4)
        #expect(try ProjectLoader.readCampaign(plain, configuration: configuration).maxParts == 4)
        let own = try writeTemporary("title: t\naudience: mothers\ntemplate: reminder\nmax_parts: 2\n", name: "c.yaml")
        #expect(try ProjectLoader.readCampaign(own, configuration: configuration).maxParts == 2)
        let bad = try writeTemporary("name: x\nmax_parts: 256\n", name: "outreach.yaml")
        let error = try #require(throws: OutreachError.self) { try ProjectLoader.readConfiguration(bad) }
        #expect(error.location == SourceLocation(file: bad, line: 2, column: 12))
    }
}
