import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject

/// `outreach render-all`: renders a template for every member of an
/// audience (or every record) and writes the messages to a file, timing the
/// rendering alone. The benchmark suite's rendering measurement, and a way
/// to dump a whole campaign's texts for review.
struct RenderAll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-all",
        abstract: "Render a template for every member of an audience (or every record) and report messages per second.")

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Template name (file name in templates/ without .yaml).")
    var template: String?

    @Option(name: .long, help: "A MessageFormat message to render instead of a template.")
    var text: String?

    @Option(name: .long, help: "Locale for --text (BCP 47, e.g. ar-SA, ar-SA-u-nu-latn).")
    var locale: String?

    @Option(name: .long, help: "Render for the members of this audience (default: every record).")
    var audience: String?

    @Option(name: .long, help: "Render at most this many records.")
    var limit: Int?

    @Option(name: .long, help: "Where the messages go, one per line (default: /dev/null).")
    var out: String = "/dev/null"

    @Flag(name: .long, help: "Prefix each line with the recipient's id and a tab.")
    var ids = false

    @Flag(name: .long, help: "Print the figures as JSON on standard output.")
    var json = false

    struct Result: Encodable {
        var records: Int
        var messages: Int
        var failed: Int
        var failures: [String: Int]
        var loadSeconds: Double
        var renderSeconds: Double
        var messagesPerSecond: Double
    }

    func validate() throws {
        if (template == nil) == (text == nil) {
            throw ValidationError("give a template name or --text MESSAGE (one of them)")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            let started = DispatchTime.now()
            let workspace = try options.load()
            let compiled: CompiledTemplate
            if let text {
                let tag = locale ?? workspace.project.configuration.locale
                compiled = try CompiledTemplate(text: SourceText(text, file: "--text"), locale: tag, channel: .sms)
            } else {
                compiled = try workspace.template(template!)
            }
            let (population, _) = try workspace.population()
            var rows: [Int]
            if let audience {
                let name = try workspace.audienceName(audience)
                rows = try workspace.catalog().evaluate(name, over: population, today: workspace.today).rows
            } else {
                rows = Array(0..<population.count)
            }
            if let limit, rows.count > limit { rows.removeLast(rows.count - limit) }
            let loaded = DispatchTime.now()

            let file = try PrivateFile.openForWriting(out)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            var messages = 0
            var failures: [String: Int] = [:]
            let idColumn = population.column(population.idField)
            let reader = PopulationRowReader(population, fields: compiled.arguments.union(["gender", "language"]))
            for row in rows {
                switch compiled.render(reader.record(row)) {
                case .success(let message):
                    if ids, let id = idColumn?.value(at: row) {
                        buffer.append(contentsOf: id.description.utf8)
                        buffer.append(0x09)
                    }
                    buffer.append(contentsOf: message.text.utf8)
                    buffer.append(0x0A)
                    messages += 1
                    if buffer.count >= 1 << 20 {
                        buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
                        buffer.removeAll(keepingCapacity: true)
                    }
                case .failure(let failure):
                    failures[failure.reason, default: 0] += 1
                }
            }
            buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
            guard fclose(file) == 0 else { throw OutreachError(.io, "cannot finish writing \(out)") }
            let done = DispatchTime.now()

            let load = Double(loaded.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            let render = Double(done.uptimeNanoseconds - loaded.uptimeNanoseconds) / 1e9
            let rate = render > 0 ? Double(messages) / render : 0
            let failed = rows.count - messages
            if json {
                try printJSON(Result(records: rows.count, messages: messages, failed: failed, failures: failures,
                                     loadSeconds: load, renderSeconds: render, messagesPerSecond: rate))
                return
            }
            print("rendered \(grouped(messages)) messages for \(grouped(rows.count)) records in \(String(format: "%.2f", render)) s: \(grouped(Int(rate))) messages/s (loading took \(String(format: "%.2f", load)) s)")
            for (reason, n) in failures.sorted(by: { $0.value > $1.value }) {
                print("  \(padded(grouped(n), 10)) not rendered: \(reason)")
            }
        }
    }
}
