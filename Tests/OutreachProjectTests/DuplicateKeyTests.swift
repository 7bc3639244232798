import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// A key written twice in one mapping, in any project file, is an error at
/// its second place — never a silent "last one wins".
@Suite("Duplicate YAML keys")
struct DuplicateKeyTests {
    /// Loads `text` as `name` with the loader that reads that kind of file;
    /// the error it throws (or the gateways loader's first problem).
    static func loadError(_ text: String, name: String) throws -> OutreachError? {
        let path = try writeTemporary(text, name: name)
        do {
            switch name {
            case "outreach.yaml": _ = try ProjectLoader.readConfiguration(path)
            case "schema.yaml": _ = try ProjectLoader.readSchema(path)
            case "audience.yaml": _ = try ProjectLoader.readAudience(path)
            case "template.yaml": _ = try ProjectLoader.readTemplate(path)
            case "campaign.yaml": _ = try ProjectLoader.readCampaign(path)
            default: return GatewaysLoader(environment: [:]).load(path).problems.first
            }
        } catch {
            return error
        }
        return nil
    }

    @Test("located at the second place, with the first place's line", arguments: [
        ("outreach.yaml", "name: x\ntimezone: Asia/Riyadh\nlocale: ar-SA\ntimezone: Europe/London\n", "timezone", 4, 1),
        ("schema.yaml", "id: national_id\nfields:\n  mobile: phone\n  city: text\n  mobile: text\n", "mobile", 5, 3),
        ("audience.yaml", "title: t\nwhere: gender = 'female'\nwhere: children > 0\n", "where", 3, 1),
        ("template.yaml", "title: t\nar:\n  text: مرحبا\n  text: أهلا\n", "text", 4, 3),
        ("campaign.yaml", "title: t\naudience: mothers\ntemplate: a\nchannel: sms\ntemplate: b\n", "template", 5, 1),
        ("gateways.yaml", "gateways:\n  outbox: {type: file, path: a.jsonl, path: b.jsonl}\n", "path", 2, 39),
        ("gateways.yaml", "gateways:\n  outbox: {type: file}\n  kannel: {type: file}\n  outbox: {type: file}\n", "outbox", 4, 3),
        ("campaign.yaml", "title: t\naudience:\n  - audience: a\n    template: x\n    audience: b\n", "audience", 5, 5),
    ])
    func located(file: String, yaml: String, key: String, line: Int, column: Int) throws {
        let error = try #require(try Self.loadError(yaml, name: file))
        #expect(error.message.hasPrefix("key '\(key)' is written twice in one mapping"), "\(error)")
        #expect(error.location?.line == line, "\(error)")
        #expect(error.location?.column == column, "\(error)")
        #expect(error.sourceLine == yaml.split(separator: "\n")[line - 1].description)
        // Not the whole file, as the YAML library's own message would quote.
        #expect(!error.description.contains(yaml))
    }

    @Test("the same key in different mappings is no duplicate")
    func differentMappings() throws {
        #expect(try Self.loadError("gateways:\n  a: {type: file, path: a.jsonl}\n  b: {type: file, path: b.jsonl}\n", name: "gateways.yaml") == nil)
    }
}
