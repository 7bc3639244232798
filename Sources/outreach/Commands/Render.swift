import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject

/// `outreach render`: one message, rendered for given data or a real
/// recipient, printed alone (or as JSON with its SMS encoding and parts).
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a template (or a message given with --text) for some data or a recipient.")

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Template name (file name in templates/ without .yaml).")
    var template: String?

    @Option(name: .long, help: "A MessageFormat message to render instead of a template.")
    var text: String?

    @Option(name: .long, help: "The recipient's fields as a JSON object; dates as ISO strings, numbers as JSON numbers.")
    var data: String?

    @Option(name: .long, help: "Render for this population record (by id).")
    var recipient: String?

    @Option(name: .long, help: "Locale for --text (BCP 47, e.g. ar-SA, en, ar-SA-u-nu-latn).")
    var locale: String?

    @Flag(name: .long, help: "Print JSON with the text, language, encoding and parts.")
    var json = false

    struct Result: Encodable {
        var language: String
        var subject: String?
        var text: String
        var html: String?
        var encoding: SMSEncoding?
        var characters: Int?
        var units: Int?
        var parts: Int?
    }

    func validate() throws {
        if (template == nil) == (text == nil) {
            throw ValidationError("give a template name or --text MESSAGE (one of them)")
        }
        if data != nil && recipient != nil {
            throw ValidationError("give --data or --recipient, not both")
        }
    }

    func run() throws {
        try reportingErrors {
            let hasProject = FileManager.default.fileExists(atPath: (options.project as NSString).appendingPathComponent("outreach.yaml"))
            let workspace: Workspace? = (hasProject || template != nil || recipient != nil) ? try options.load() : nil
            let compiled: CompiledTemplate
            if let text {
                let tag = locale ?? workspace?.project.configuration.locale ?? "ar-SA"
                compiled = try CompiledTemplate(text: SourceText(text, file: "--text"), locale: tag, channel: .sms)
            } else {
                compiled = try workspace!.template(template!)
            }

            let record: any RecordData
            if let recipient {
                let (population, _) = try workspace!.population()
                guard let row = population.row(forID: recipient) else {
                    throw OutreachError(.unknownName, "no recipient with id '\(recipient)' in the population")
                }
                record = population.record(row)
            } else if let data {
                record = try DataRecord.parse(data, schema: workspace?.project.schema)
            } else {
                record = DictionaryRecord([:])
            }

            switch compiled.render(record) {
            case .failure(let failure):
                let field = failure.field ?? "field"
                throw OutreachError(.invalidValue, "cannot render: \(failure.reason)",
                                    hint: failure.reason.hasPrefix("missing")
                                        ? "give the missing field with --data '{\"\(field)\": …}'"
                                        : "give '\(field)' a value of the kind the message formats it as")
            case .success(let message):
                let info = compiled.channel == .sms ? SMSText.info(message.text) : nil
                if json {
                    try printJSON(Result(language: message.language, subject: message.subject, text: message.text, html: message.html,
                                         encoding: info?.encoding, characters: info?.characters, units: info?.units, parts: info?.parts))
                } else {
                    if let subject = message.subject { print("Subject: \(subject)\n") }
                    print(message.text)
                    if let html = message.html { print("\n--- html ---\n\(html)") }
                }
            }
        }
    }
}

/// The `--data` JSON object as a record, typed by the schema where it
/// names the field (so "1447-06-12هـ" reads as a Hijri date, "F" as female).
enum DataRecord {
    enum JSONScalar: Decodable {
        case bool(Bool), int(Int64), double(Double), string(String), null
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int64.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "only strings, numbers, booleans and null are allowed") }
        }
    }

    static func parse(_ json: String, schema: PopulationSchema?) throws(OutreachError) -> DictionaryRecord {
        let object: [String: JSONScalar]
        do {
            object = try JSONDecoder().decode([String: JSONScalar].self, from: Data(json.utf8))
        } catch {
            throw OutreachError(.syntax, "--data is not a JSON object of plain values: \(error)",
                                hint: #"for example --data '{"first_name": "سارة", "gender": "female", "children": 2}'"#)
        }
        var values: [String: Value] = [:]
        for (key, scalar) in object {
            let type = schema?.fields[key]
            switch scalar {
            case .null: continue
            case .bool(let b): values[key] = .bool(b)
            case .int(let i): values[key] = type == .decimal ? .decimal(Double(i)) : .int(i)
            case .double(let d): values[key] = .decimal(d)
            case .string(let s):
                if type == .hijriDate, let day = Day(iso: s), day.year >= 1600 {
                    // "dates are ISO strings": a Gregorian date is accepted for a Hijri field too.
                    values[key] = .date(day)
                } else if let type, type != .text {
                    switch FieldParser.parse(s, as: type) {
                    case .value(let v): values[key] = v
                    case .missing: continue
                    case .rejected:
                        throw OutreachError(.invalidValue, "--data: '\(s)' is not a valid \(type.rawValue) for '\(key)'")
                    }
                } else {
                    values[key] = .text(s)
                }
            }
        }
        return DictionaryRecord(values)
    }
}
