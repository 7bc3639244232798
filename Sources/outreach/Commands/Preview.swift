import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject

/// `outreach preview CAMPAIGN`: what the campaign would send, per segment,
/// before anyone launches it.
struct Preview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview a campaign: recipients per segment, who cannot be reached or rendered, sample messages, SMS parts.")

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Campaign name (file name in campaigns/ without .yaml).")
    var campaign: String

    @Option(name: .long, help: "Sample messages per segment.")
    var sample: Int = 4

    @Option(name: .long, help: "Show the message this one recipient would get.")
    var recipient: String?

    @Flag(name: .long, help: "Show what the SMS messages cost: parts per segment, where a small cut saves a part, characters forcing UCS-2, and the parts over all the campaign's sends.")
    var cost = false

    @Flag(name: .long, help: "Print the preview as JSON.")
    var json = false

    @Option(name: .long, help: "Ledger file holding the suppression list, instead of the project's.")
    var ledger: String?

    func run() async throws {
        try await reportingErrors {
            let workspace = try options.load()
            let definition = try workspace.campaignDefinition(campaign)
            let (population, importReport) = try workspace.population()
            var templates: [String: CompiledTemplate] = [:]
            for name in definition.templateNames { templates[name] = try workspace.template(name, for: definition) }
            var previewer = try await workspace.previewer(for: definition, templates: templates, ledger: ledger)
            previewer.sampleSize = max(0, sample)

            if let recipient {
                try previewRecipient(recipient, definition: definition, population: population, previewer: previewer, templates: templates)
                return
            }
            let preview = try previewer.preview(definition, population: population)
            if cost {
                let report = try PreviewCost.build(preview, definition: definition, workspace: workspace, population: population,
                                                   previewer: previewer)
                if json { try printJSON(report); return }
                print(CostText.render(report, title: definition.title))
                return
            }
            if json { try printJSON(preview); return }
            print(PreviewText.render(preview, importReport: importReport))
        }
    }

    private func previewRecipient(_ id: String, definition: CampaignDefinition, population: Population,
                                  previewer: CampaignPreviewer, templates: [String: CompiledTemplate]) throws {
        guard let row = population.row(forID: id) else {
            throw OutreachError(.unknownName, "no recipient with id '\(id)' in the population")
        }
        let names = Array(Set(definition.segments.map(\.audience) + definition.exclude))
        let sets = try previewer.catalog.evaluate(names, over: population, today: previewer.today)
        if let ex = definition.exclude.first(where: { sets[$0]!.contains(row) }) {
            print("\(id) is excluded from '\(definition.name)' (member of '\(ex)')")
            return
        }
        guard let segment = definition.segments.first(where: { sets[$0.audience]!.contains(row) }) else {
            print("\(id) is not in any audience of '\(definition.name)' (\(definition.segments.map(\.audience).joined(separator: ", ")))")
            return
        }
        let record = population.record(row)
        // The variant and holdout draws, as sending makes them.
        let decision = previewer.composer(for: definition).decide(record, segment: segment.name)
        let template = templates[decision.variant ?? segment.template]!
        print("recipient: \(id)  segment: \(segment.name)  template: \(template.name)" + (decision.variant == nil ? "" : " (variant)"))
        if case .heldOut = decision.composition {
            print("held out: in the campaign's control group, gets no message (the message below is the one they would have had)")
        }
        if let field = previewer.contactFields[template.channel] {
            print("\(template.channel.rawValue) to: \(record.value(field)?.description ?? "— none: cannot be reached")")
        }
        switch template.render(record) {
        case .failure(let failure): print("cannot render: \(failure.reason)")
        case .success(var message):
            var info: SMSInfo?
            if template.channel == .sms {
                switch RecipientComposer.outgoingSMS(message.text, campaign: definition) {
                case .tooLong(let reason):
                    print("cannot render: \(reason)")
                    return
                case .ready(let text, let counted):
                    message.text = text
                    info = counted
                }
            }
            if let subject = message.subject { print("subject: \(subject)") }
            print("")
            print(message.text)
            if let info {
                print("\n\(info.encoding.rawValue), \(info.characters) characters, \(info.parts) part(s)")
            }
        }
    }
}

/// Terminal rendering of a preview.
enum PreviewText {
    static func render(_ p: CampaignPreview, importReport: ImportReport) -> String {
        var out: [String] = []
        out.append("Campaign \(p.campaign) — \(p.title)")
        out.append("Population \(grouped(p.population)) records (\(grouped(importReport.totalRejectedRows)) rows rejected on import), evaluated on \(p.today.iso)")
        if p.excluded > 0 { out.append("Excluded: \(grouped(p.excluded))") }
        for s in p.segments {
            out.append("")
            let what = s.variants.isEmpty ? "template \(s.template)" : "\(s.variants.count) variants"
            out.append("== Segment \(s.name)  (audience \(s.audience), \(what), \(s.channel.rawValue))")
            out.append("   in audience \(grouped(s.audienceCount)), recipients \(grouped(s.recipients)), ready to send \(grouped(s.ready))")
            for u in s.unreachable { out.append("   unreachable: \(grouped(u.count)) — \(u.reason)  e.g. \(u.examples.joined(separator: ", "))") }
            for f in s.renderFailures { out.append("   cannot render: \(grouped(f.count)) — \(f.reason)  e.g. \(f.examples.joined(separator: ", "))") }
            if s.optedOut > 0 { out.append("   opted out: \(grouped(s.optedOut)) (on the suppression list)") }
            if s.duplicateAddresses > 0 {
                out.append("   duplicate address: \(grouped(s.duplicateAddresses)) (another recipient gets the message at the same address)")
            }
            if s.byChannel.count > 1 {
                out.append("   by channel: " + s.byChannel.sorted { $0.key < $1.key }.map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", "))
            }
            if s.channel == .sms {
                let enc = s.encodings.sorted { $0.key < $1.key }.map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", ")
                let hist = s.partsHistogram.sorted { $0.key < $1.key }.map { "\($0.key) part\($0.key == 1 ? "" : "s"): \(grouped($0.value))" }.joined(separator: ", ")
                out.append("   SMS parts \(grouped(s.totalParts))  (\(enc); \(hist))")
                for line in CostText.suggestionLines(s.cost) { out.append("   " + line) }
            }
            if s.heldOut > 0 || s.holdoutPercent != nil {
                out.append("   holdout: \(grouped(s.heldOut)) people not messaged (the control group, \(percentText(s.holdoutPercent ?? 0)) of those who would be)")
            }
            if s.variants.isEmpty {
                for sample in s.samples { out.append(contentsOf: sampleLines(sample)) }
            }
            let drawn = s.variants.reduce(0) { $0 + $1.ready + $1.heldOut }
            for v in s.variants {
                let share = drawn > 0 ? Double(v.ready + v.heldOut) / Double(drawn) * 100 : 0
                var line = "   -- variant \(v.template): weight \(percentText(v.weightPercent)), drawn \(percentText(share))"
                    + " — \(grouped(v.ready)) ready"
                if v.heldOut > 0 { line += ", \(grouped(v.heldOut)) held out" }
                if s.channel == .sms { line += ", \(grouped(v.totalParts)) SMS parts" }
                out.append(line)
                for sample in v.samples { out.append(contentsOf: sampleLines(sample)) }
            }
        }
        out.append("")
        var total = "Total: \(grouped(p.recipients)) recipients, \(grouped(p.ready)) messages ready, \(grouped(p.totalParts)) SMS parts"
        if p.optedOut > 0 { total += "; \(grouped(p.optedOut)) opted out" }
        if p.duplicateAddresses > 0 { total += "; \(grouped(p.duplicateAddresses)) at an address already messaged" }
        if p.heldOut > 0 { total += "; holdout: \(grouped(p.heldOut)) people not messaged" }
        if let phase = p.testPhase { out.append(phase.summary.prefix(1).uppercased() + phase.summary.dropFirst()) }
        out.append(total)
        for w in p.warnings { out.append("warning: \(w)") }
        return out.joined(separator: "\n")
    }
}

extension PreviewText {
    static func sampleLines(_ sample: CampaignPreview.Sample) -> [String] {
        var out: [String] = []
        var head = "   --- \(sample.id)  \(sample.gender ?? "gender unknown"), \(sample.language)"
        if let a = sample.address { head += ", \(a)" }
        if let e = sample.encoding, let c = sample.characters, let n = sample.parts { head += "  [\(e.rawValue), \(c) chars, \(n) part\(n == 1 ? "" : "s")]" }
        out.append(head)
        if let subject = sample.subject { out.append("   Subject: \(subject)") }
        for line in sample.text.split(separator: "\n", omittingEmptySubsequences: false) { out.append("   \(line)") }
        return out
    }

    /// `50%`, `33.3%`.
    static func percentText(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths))%" : String(format: "%.1f%%", tenths)
    }
}

/// Terminal rendering of an import report.
enum ImportReportText {
    static func render(_ r: ImportReport, fields: Int, elapsed: Duration) -> String {
        var out: [String] = []
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        out.append("\(r.file ?? "population"): \(grouped(r.rowsRead)) rows read, \(grouped(r.rowsImported)) imported, \(grouped(r.totalRejectedRows)) rejected, \(fields) fields (\(String(format: "%.2f", seconds)) s)")
        if !r.rejectedRows.isEmpty {
            out.append("Rejected rows:")
            for rej in r.rejectedRows {
                out.append("  \(padded(grouped(rej.count), 8)) \(rej.reason.text)")
                for e in rej.examples { out.append("           line \(e.line): \(TerminalText.escaped(e.detail))") }
                if rej.hasMoreExamples { out.append("           …") }
            }
        }
        let values = r.rejectedValues.filter { $0.count > 0 }
        if !values.isEmpty {
            out.append("Rejected values (kept as missing):")
            for v in values {
                out.append("  \(padded(grouped(v.count), 8)) \(TerminalText.escaped(v.field)) (\(v.type.rawValue))\(ImportReportText.examples(v))")
            }
        }
        if r.rejectedRows.isEmpty && values.isEmpty { out.append("Nothing rejected.") }
        return out.joined(separator: "\n")
    }

    static func examples(_ v: FieldRejection) -> String {
        guard !v.examples.isEmpty else { return "" }
        // Values are data: escaped, so none can drive the terminal or forge a line.
        let shown = v.examples.map { "line \($0.line): \"\(TerminalText.escaped($0.raw))\"" + ($0.problem.map { " (\($0))" } ?? "") }.joined(separator: ", ")
        return "  \(shown)\(v.count > v.examples.count ? ", …" : "")"
    }
}
